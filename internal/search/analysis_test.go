package search

import "testing"

func TestMayBeInclusive(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"référent·e·s", true},
		{"chef.fe de projet", true},
		{"les développeur.ses.", true},
		{"un.e designer", true},
		{"beta.gouv.fr et numerique.gouv.fr", false},
		{"version 1.2. Fin.", false},
		{"un.exemple", false},
		{"", false},
	} {
		got := mayBeInclusive([]byte(tc.text))
		if got != tc.want {
			t.Errorf("mayBeInclusive(%q) = %v, want %v", tc.text, got, tc.want)
		}
		if want := inclusiveMarks.MatchString(tc.text); want != got {
			t.Errorf("mayBeInclusive(%q) = %v, but the pattern says %v", tc.text, got, want)
		}
	}
}

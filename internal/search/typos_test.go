package search

import "testing"

// ownershipSlip: one vowel for another makes another plain word, not a
// typo of an ownership word; a letter left out, doubled or swapped is a
// slip.
func TestVowelSwap(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"menage", "manage", true},
		{"parte", "porte", true},
		{"responsble", "responsable", false}, // a letter left out
		{"ocupe", "occupe", false},
		{"gerre", "gerer", false}, // a consonant
		{"manage", "manage", false},
	} {
		if got := vowelSwap(c.a, c.b); got != c.want {
			t.Errorf("vowelSwap(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

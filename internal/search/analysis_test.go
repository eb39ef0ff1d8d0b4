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

// TestLexiconNeverMissesANearWord checks the letter masks only rule out words
// that are too far: every word within k edits of another passes.
func TestLexiconNeverMissesANearWord(t *testing.T) {
	words := []string{"designer", "desinger", "développeur", "developpeur", "responsable", "respnsable",
		"accessibilite", "accesibilité", "budget", "budgte", "rgpd", "rgdp", "coach", "caoch", "données", "donnes",
		"ornithorynque", "a11y", "k8s", "kubernetes", "œuvre", "oeuvre"}
	l := lexicon{}
	for _, w := range words {
		l.add(w)
	}
	for _, q := range words {
		lw, m := l.sharing(q), letterMask(q)
		for i, c := range lw.words {
			for k := 0; k <= 3; k++ {
				if distance(q, c) <= k && !lw.mayBeNear(i, m, k) {
					t.Errorf("%q is %d edits from %q but the mask rules it out at k=%d", c, distance(q, c), q, k)
				}
			}
		}
	}
	// And it does rule out far words.
	lw := l.sharing("designer")
	far := 0
	for i := range lw.words {
		if !lw.mayBeNear(i, letterMask("designer"), 1) {
			far++
		}
	}
	if far == 0 {
		t.Error("the mask ruled nothing out")
	}
}

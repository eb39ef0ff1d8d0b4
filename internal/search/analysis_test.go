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

// TestFieldPositions: the weights and flags of reranking name fields by
// their position in textFields.
func TestFieldPositions(t *testing.T) {
	for at, f := range map[int]string{nameAt: fieldName, summaryAt: fieldSummary, bodyAt: fieldBody, detailsAt: fieldDetails, notesAt: fieldNotes} {
		if textFields[at] != f {
			t.Errorf("textFields[%d] = %q, want %q", at, textFields[at], f)
		}
	}
}

// TestLookedUpQuality: a concept's quality in a field is the best of its
// forms, each the mean over its terms of the best weight of the forms
// the field holds.
func TestLookedUpQuality(t *testing.T) {
	ix := &Index{termIDs: map[string]uint32{"budget": 7, "budgetaire": 3, "suivi": 9}}
	p := parsed{concepts: []concept{
		{alts: [][]string{{"suivi", "budgetair"}, {"pilotage"}}},
	}}
	exp := map[string]map[string]float64{
		"suivi":     {"suivi": 1},
		"budgetair": {"budgetaire": 1, "budget": 0.5},
		"pilotage":  {"pilotage": 1}, // not in the index: never held
	}
	lk := ix.lookup(p, exp)
	fields := func(ids ...uint32) *[len(textFields)][]uint32 {
		var f [len(textFields)][]uint32
		f[bodyAt] = ids
		return &f
	}
	for _, tt := range []struct {
		ids  []uint32
		want float64
	}{
		{nil, 0},
		{[]uint32{9}, 0.5},           // suivi only: (1 + 0) / 2
		{[]uint32{7, 9}, 0.75},       // suivi and budget: (1 + 0.5) / 2
		{[]uint32{3, 7, 9}, 1},       // the best form of each term
		{[]uint32{1, 2, 4, 5, 6}, 0}, // none of them
	} {
		held := lk.held(fields(tt.ids...))
		if got := lk.quality(0, held[bodyAt]); got != tt.want {
			t.Errorf("held %v: quality %v, want %v", tt.ids, got, tt.want)
		}
		if got := lk.quality(0, held[nameAt]); got != 0 {
			t.Errorf("held %v: quality %v in an empty field", tt.ids, got)
		}
	}
}

// The mark that separates sentences analysed together must come out of the
// chain as it went in, or every page is analysed a sentence at a time.
func TestSentenceMarkSurvivesAnalysis(t *testing.T) {
	ix := &Index{}
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	if ix.analyzer, err = frenchAnalyzer(m); err != nil {
		t.Fatal(err)
	}
	if got := ix.terms("Le " + sentenceMark + " ; des"); len(got) != 1 || got[0] != sentenceMark {
		t.Errorf("terms %v, want [%s]", got, sentenceMark)
	}
	wss, termss := ix.sentencesOf([]string{"Prioriser le backlog.", "Animer les rituels"})
	if len(wss) != 2 || len(termss) != 2 || termss[0][0] != "prioris" || termss[1][1] != "rituel" {
		t.Errorf("sentencesOf = %v, %v", wss, termss)
	}
}

package search_test

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	ix := buildShipped(t)
	same := [][]string{
		{"Qui s'occupe du budget ?", "qui s’occupe des budgets", "QUI S'OCCUPE DU BUDGET"},
		{"qui gère la facturation ?", "Qui gere la facturation", "who gère la facturation"},
		{"qui est responsable de la recette ?", "responsable recette", "qui porte la recette"},
	}
	for _, qs := range same {
		first, _ := ix.Normalize(qs[0])
		if len(first) == 0 {
			t.Fatalf("Normalize(%q) gave no terms", qs[0])
		}
		for _, q := range qs[1:] {
			if got, _ := ix.Normalize(q); !slices.Equal(got, first) {
				t.Errorf("Normalize(%q) = %v, Normalize(%q) = %v: want equal", q, got, qs[0], first)
			}
		}
	}
	// Different subjects stay apart.
	a, _ := ix.Normalize("qui fait le budget ?")
	b, _ := ix.Normalize("qui fait la recette ?")
	if slices.Equal(a, b) {
		t.Errorf("budget and recette normalise alike: %v", a)
	}
	for q, want := range map[string]bool{
		"qui gère la facturation ?":   true,
		"who owns billing?":           true,
		"responsable de la recette":   true,
		"la facturation":              false,
		"que fait le designer ?":      false,
		"<@U123> c'est quoi un KPI ?": false,
	} {
		if _, got := ix.Normalize(q); got != want {
			t.Errorf("Normalize(%q) asksOwner = %v, want %v", q, got, want)
		}
	}
}

package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A role titled in the feminine is found by its title's head noun in
// either gender, and by the English the lexicon gives for either, though
// the stemmer gives "conservatrice" the term of "conservation" and
// "développeuse" that of "développement"; who stands in for it, which no
// page says, is not its card.
func TestRolesByEitherGender(t *testing.T) {
	ix := loadFolder(t, "testdata/alt8")
	for _, tt := range []struct{ q, role string }{
		{"la conservatrice elle fait quoi exactement dans sesame", "conservatrice-referente-collections"},
		{"conservatrice", "conservatrice-referente-collections"},
		{"le conservateur fait quoi ?", "conservatrice-referente-collections"},
		{"who is the collections curator on the team?", "conservatrice-referente-collections"},
		{"who's the developer?", "developpeuse-full-stack"},
		{"que fait le développeur ?", "developpeuse-full-stack"},
		{"who is the accessibility auditor?", "auditrice-accessibilite"},
		{"l'auditeur accessibilité fait quoi ?", "auditrice-accessibilite"},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Intent != answer.IntentRole || a.Role == nil || a.Role.ID != tt.role {
			t.Errorf("%q: %s %s, want role %s", tt.q, a.Intent, cardID(a), tt.role)
		}
	}
	if a := ix.Ask(context.Background(), "qui remplace la développeuse pendant ses congés ?"); a.Intent != answer.IntentNone {
		t.Errorf("who replaces the developer: %s %s, want none", a.Intent, cardID(a))
	}
}

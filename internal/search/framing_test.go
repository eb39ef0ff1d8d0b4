package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A question asking who that the rules leave as none, but whose words reach
// one label through the lexicon rather than as written, is offered that
// label as a guess, never as sure; and a question naming the accessibility
// referential with an ownership word names no role through the synonyms
// (the expert's card was given as sure).
func TestAskedRescueAndOwnershipWords(t *testing.T) {
	ix := buildShipped(t)
	for _, tt := range []struct {
		q, task   string
		mustGuess bool
	}{
		{"who keeps an eye on the money we spend on the product?", "Suivi budgétaire", true},
		{"qui est responsable du RGAA ?", "conformité aux référentiels", false},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Intent != answer.IntentTask || !strings.Contains(a.Task.Title, tt.task) {
			t.Errorf("%q: %s %+v, want task %q", tt.q, a.Intent, a.Task, tt.task)
			continue
		}
		if tt.mustGuess && a.Confident() {
			t.Errorf("%q: sure, want a guess", tt.q)
		}
	}
}

package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A who-question that found a role by two words its page never says
// together, and that no row says together either, gets the best row when
// that role owns it, as a guess: before branch issue-engnone it got none.
// The guards: a row another role owns, or a question whose object no page
// speaks of, still gets no row. Questions not in the evaluation sets.
func TestUnpairedRoleOffersItsRow(t *testing.T) {
	ctx := context.Background()
	ix := loadFolder(t, "testdata/alt4")
	want := ix.Ask(ctx, "qui mène les entretiens avec les agriculteurs ?")
	if want.Intent != answer.IntentTask || want.Task == nil {
		t.Fatalf("plain question: %s, want a task", want.Intent)
	}
	a := ix.Ask(ctx, "qui fait des interviews avec les agriculteurs ?")
	if a.Intent != answer.IntentTask || a.Task == nil || a.Task.ID != want.Task.ID {
		t.Errorf("interviews: %s (task %+v), want task %s", a.Intent, a.Task, want.Task.ID)
	}
	if a := loadFolder(t, "testdata/alt9").Ask(ctx, "qui programme l'appli ?"); a.Task != nil && a.Task.ID == "decrire-les-regles-de-procedure-a-respecter" {
		t.Errorf("programme: the clerk's row, which the developer's row outscores")
	}
	for _, c := range []struct{ folder, q string }{
		{"testdata/alt5", "qui conduit les bus ?"},
		{"testdata/alt7", "qui fixe le prix des frais d'inscription ?"},
	} {
		if a := loadFolder(t, c.folder).Ask(ctx, c.q); a.Intent != answer.IntentNone {
			t.Errorf("%s: %q: %s, want none", c.folder, c.q, a.Intent)
		}
	}
}

package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// What the content does not answer gets none, with suggestions, never a
// card; the same shapes about what the content does answer keep theirs.
// The questions are not those of the evaluation sets.
func TestWhatTheContentDoesNotAnswer(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		folder, q string
		want      answer.Intent
	}{
		// ownershipSlip: "ménage" is no typo of "manage".
		{"testdata/alt6", "qui s'occupe du ménage des chambres des patients ?", answer.IntentNone},
		// Unpaired: the designer's page speaks of conducting interviews and,
		// elsewhere, of a bus pass, never of one with the other.
		{"testdata/alt5", "qui conduit le car ?", answer.IntentNone},
		{"testdata/alt5", "qui conduit les cars des élèves ?", answer.IntentNone},
		{"testdata/alt5", "qui conduit les entretiens avec les parents ?", answer.IntentRole},
		// The coach's page speaks of agility and, elsewhere, of rituals; the
		// matrix's row says "animation des rituels" together.
		{"../../content", "who runs the agile rituals here?", answer.IntentTask},
		// Asked for a role, it stays a role (as a guess).
		{"../../content", "which role runs the agile rituals here?", answer.IntentRole},
		// A typo of an ownership word is still one.
		{"testdata/alt6", "qui est responsble de l'identitovigilance ?", answer.IntentTask},
	} {
		a := loadFolder(t, c.folder).Ask(ctx, c.q)
		if a.Intent != c.want {
			t.Errorf("%s: %q: %s (role %+v, task %+v), want %s", c.folder, c.q, a.Intent, a.Role, a.Task, c.want)
		}
	}
}

package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A two-word name typed as one word ("techlead", "productowner",
// "scrummaster") gets the answer its two words get: before branch
// issue-engnone the glued word was unknown and the question got none. The
// last cases guard words that only look glued ("datalake" is no name of
// these pages; "developpeuse" is a word of the pages, not "develop peuse").
func TestGluedNamesAreSplit(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		folder, glued, spaced string
	}{
		{"testdata/alt9", "le techlead fait quoi ?", "le tech lead fait quoi ?"},
		{"testdata/alt7", "fiche du productowner", "fiche du product owner"},
		{"../../content", "c'est quoi un productowner ?", "c'est quoi un product owner ?"},
		{"../../content", "que fait le scrummaster ?", "que fait le scrum master ?"},
	} {
		ix := loadFolder(t, c.folder)
		want := ix.Ask(ctx, c.spaced)
		if want.Intent != answer.IntentRole || want.Role == nil {
			t.Fatalf("%s: %q: %s, want a role to compare with", c.folder, c.spaced, want.Intent)
		}
		a := ix.Ask(ctx, c.glued)
		if a.Intent != answer.IntentRole || a.Role == nil || a.Role.ID != want.Role.ID {
			t.Errorf("%s: %q: %s (role %+v), want role %s as %q gets", c.folder, c.glued, a.Intent, a.Role, want.Role.ID, c.spaced)
		}
	}
	for _, c := range []struct{ folder, q string }{
		{"../../content", "qui gère le datalake ?"},
	} {
		ix := loadFolder(t, c.folder)
		if a := ix.Ask(ctx, c.q); a.Intent == answer.IntentRole && a.Confident() {
			t.Errorf("%s: %q: a confident role card (%s), want none or choices", c.folder, c.q, a.Role.ID)
		}
	}
}

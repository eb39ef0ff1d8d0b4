package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A "who is the …" question that describes a role and adds where it
// stands ("helping the team", "supporting the team", "assisting the
// team") gets the role the description alone gets: before branch
// issue-engnone the participle was read as a word no page uses, and the
// question got none, or the task the role works on, which the question
// about who someone is then turned to none. Questions not in the
// evaluation sets.
func TestRoleDescribedWithAParticiple(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		folder, q, plain string
	}{
		{"../../content", "who is the user research expert helping the team?", "who is the user research expert?"},
		{"../../content", "who is the accessibility expert assisting the team?", "who is the accessibility expert?"},
		{"testdata/alt9", "who is the accessibility expert helping the team?", "who is the accessibility auditor?"},
		{"testdata/alt6", "who is the data protection officer supporting the team?", "who is the data protection officer?"},
	} {
		ix := loadFolder(t, c.folder)
		want := ix.Ask(ctx, c.plain)
		if want.Intent != answer.IntentRole || want.Role == nil {
			t.Fatalf("%s: %q: %s, want a role to compare with", c.folder, c.plain, want.Intent)
		}
		a := ix.Ask(ctx, c.q)
		if a.Intent != answer.IntentRole || a.Role == nil || a.Role.ID != want.Role.ID {
			t.Errorf("%s: %q: %s (role %+v), want role %s as %q gets", c.folder, c.q, a.Intent, a.Role, want.Role.ID, c.plain)
		}
	}
	// Who holds a position the pages do not describe is still not asked
	// of them, participle or not.
	for _, c := range []struct{ folder, q string }{
		{"../../content", "who is the minister helping the team?"},
		{"testdata/alt9", "who is the mayor supporting the court?"},
	} {
		if a := loadFolder(t, c.folder).Ask(ctx, c.q); a.Intent != answer.IntentNone {
			t.Errorf("%s: %q: %s, want none", c.folder, c.q, a.Intent)
		}
	}
}

// Renewing, in English, is the lexicon's « renouveler »: a question about
// renewing a contract reaches the row that renews it (none before branch
// issue-engnone), and renewing what no page speaks of gets no card.
func TestRenewingReachesTheRow(t *testing.T) {
	ctx := context.Background()
	ix := loadFolder(t, "testdata/alt9")
	want := ix.Ask(ctx, "qui renouvelle le marché de développement ?")
	if want.Intent != answer.IntentTask || want.Task == nil {
		t.Fatalf("plain question: %s, want a task", want.Intent)
	}
	a := ix.Ask(ctx, "who takes care of the renewal of the development contract?")
	if a.Intent != answer.IntentTask || a.Task == nil || a.Task.ID != want.Task.ID {
		t.Errorf("renewal: %s (task %+v), want task %s", a.Intent, a.Task, want.Task.ID)
	}
	if a := loadFolder(t, "../../content").Ask(ctx, "who renews the passports?"); a.Intent != answer.IntentNone {
		t.Errorf("passports: %s, want none", a.Intent)
	}
}

// "who is the <task> person?" asks for the role that owns the task: before
// branch issue-engnone the question, read as the task itself, met the rule
// that a question about who someone is gets no task, and got none. "the
// budget person" and "the person from the ministry" find no row the
// pages give an owner for, and still get none.
func TestPersonOfATaskIsItsOwner(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ folder, q, role string }{
		{"testdata/alt9", "who is the personal data person?", "correspondante-informatique-libertes"},
		{"testdata/alt8", "who is the data protection person?", "deleguee-protection-donnees"},
	} {
		a := loadFolder(t, c.folder).Ask(ctx, c.q)
		if a.Intent != answer.IntentRole || a.Role == nil || a.Role.ID != c.role {
			t.Errorf("%s: %q: %s (role %+v), want role %s", c.folder, c.q, a.Intent, a.Role, c.role)
		}
	}
	for _, q := range []string{"who is the person from the ministry?", "who is the budget person?"} {
		if a := loadFolder(t, "../../content").Ask(ctx, q); a.Intent != answer.IntentNone {
			t.Errorf("%q: %s, want none", q, a.Intent)
		}
	}
}

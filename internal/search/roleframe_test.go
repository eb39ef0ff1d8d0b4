package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/search"
)

// A question shaped as one about a role ("le rôle du X", "what's the X
// not supposed to do?", "parle-moi de X", "who is our X?", "X = Y ?") is
// the role whose names or summary hold its words, over a task that shares
// them; a task left as its answer is a guess, and a role the folder lacks
// is not made up from one word of another role's page.
func TestQuestionAboutRole(t *testing.T) {
	ctx := context.Background()
	alt5 := loadFolder(t, "testdata/alt5")
	alt6 := loadFolder(t, "testdata/alt6")
	alt8 := loadFolder(t, "testdata/alt8")
	for _, c := range []struct {
		name string
		ask  func(context.Context, string) answer.Answer
		q    string
		// role is the card's role; "" asks for no role card and nothing
		// sure.
		role string
		sure bool
	}{
		// The security task's title holds "sécurité" too; the question asks
		// for the role, and the officer's title holds all of it.
		{"role of", alt8.Ask, "quel est le rôle de la madame sécurité ?", "correspondant-ssi", true},
		{"not supposed to", alt8.Ask, "what is our security correspondent not supposed to do?", "correspondant-ssi", true},
		{"who is", alt8.Ask, "who is the information security correspondent?", "correspondant-ssi", true},
		// "officer" no page uses: it says a person is asked about.
		{"tell me about, person noun", alt8.Ask, "tell me about the reader relations officer", "chargee-relation-lecteurs", false},
		// "=" likens the role to something: the role's card.
		{"likened by a sign", alt8.Ask, "delivery lead = chef de projet agile ?", "delivery-lead", false},
		// "X, il fait quoi ?", "elle sert à quoi ?" after the role's
		// description; "quand aller voir X ?" asks when to turn to it.
		{"does what, after", alt8.Ask, "le correspondant sécurité il fait quoi exactement ?", "correspondant-ssi", true},
		{"serves what, after", alt8.Ask, "l'experte accessibilité, elle sert à quoi ?", "auditrice-accessibilite", true},
		{"when to turn to", alt6.Ask, "quand aller voir la DPO ?", "dpo", true},
		// Roles the folder lacks: one word of another role's summary
		// (« ce que produit Embarq »), or a phrase reaching a title
		// through one word's forms ("data analyst", « données »), is no
		// description of that role; and the task found is no sure answer.
		{"one summary word", alt5.Ask, "quel est le rôle du responsable produit ?", "", false},
		{"phrase through one word", alt6.Ask, "what does a data analyst do?", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.ask(ctx, c.q)
			if c.role == "" {
				if a.Confident() && a.Intent != answer.IntentNone {
					t.Fatalf("%q: a sure %s %+v %+v, want a guess or none", c.q, a.Intent, a.Role, a.Task)
				}
				if a.Intent == answer.IntentRole {
					t.Errorf("%q: the card of %s, a role the question does not describe", c.q, a.Role.ID)
				}
				return
			}
			if a.Intent != answer.IntentRole || a.Role.ID != c.role {
				t.Fatalf("%q: %s %+v %+v, want %s's card", c.q, a.Intent, a.Role, a.Task, c.role)
			}
			if a.Confident() != c.sure {
				t.Errorf("%q: confident=%v, want %v", c.q, a.Confident(), c.sure)
			}
		})
	}
}

// A sign likens what stands on either side of it only with a space beside
// it: markup and code liken nothing.
func TestLikensBySign(t *testing.T) {
	for q, want := range map[string]bool{
		"delivery lead = chef de projet ?": true,
		"PO ≈ product manager":             true,
		"designer =UX ?":                   true,
		"<img src=x onerror=alert(1)>":     false,
		"SELECT * FROM users WHERE 1=1;":   false,
		"qui fait le design ?":             false,
	} {
		if got := search.LikensBySignForTest(q); got != want {
			t.Errorf("%q: likens=%v, want %v", q, got, want)
		}
	}
}

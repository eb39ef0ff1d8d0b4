package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A role card is given alone only when the evidence is clear: the
// question names the role by a name no other role shares, or the role's
// page leads the next role's. Otherwise the card is a guess with the
// other reading offered beside it; the main reading does not change.
func TestRoleCardAloneOnlyWhenClear(t *testing.T) {
	ctx := context.Background()
	shipped := buildShipped(t)
	alt4 := loadFolder(t, "testdata/alt4")
	alt5 := loadFolder(t, "testdata/alt5")
	alt6 := loadFolder(t, "testdata/alt6")
	alt7 := loadFolder(t, "testdata/alt7")
	for _, c := range []struct {
		name string
		ask  func(context.Context, string) answer.Answer
		q    string
		role string // the card's role, sure or not
		sure bool
		// offered is a role the guess must offer beside its card.
		offered string
	}{
		// One word two roles' names hold: "référent" is the health
		// executive's and the identity officer's in alt6, one role's in alt5.
		{"shared word", alt6.Ask, "qui est le référent ?", "referent-identitovigilance", false, "cadre-de-sante-referente"},
		{"one role's word", alt5.Ask, "qui est le référent ?", "referente-metier", true, ""},
		{"shared word, command", alt7.Ask, "role du responsable data", "rssi", false, ""},
		// Named by a name of its own: sure.
		{"own name", alt7.Ask, "que fait le tech lead ?", "tech-lead", true, ""},
		{"own acronym", shipped.Ask, "que fait le PO ?", "responsable-produit", true, ""},
		// "c'est X qui …" asks whether X does the rest: the matrix's to say.
		{"cleft", alt4.Ask, "est-ce que c'est le dev qui fait le run ?", "developpeur", false, ""},
		// Found by its page, the next role close behind: a guess.
		{"close race", shipped.Ask, "qui programme le site concrètement", "devops", false, ""},
		// Found by its page, far ahead of the next: sure.
		{"clear lead", shipped.Ask, "qui fait les maquettes dans Figma ?", "designer", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.ask(ctx, c.q)
			if a.Intent != answer.IntentRole || a.Role.ID != c.role {
				t.Fatalf("%q: %s %+v, want %s's card", c.q, a.Intent, a.Role, c.role)
			}
			if a.Confident() != c.sure {
				t.Errorf("%q: confident=%v, want %v (alternatives %+v)", c.q, a.Confident(), c.sure, a.Alternatives)
			}
			if c.offered == "" {
				return
			}
			for _, alt := range a.Alternatives {
				if alt.Intent == answer.IntentRole && alt.ID == c.offered {
					return
				}
			}
			t.Errorf("%q: %s not offered: %+v", c.q, c.offered, a.Alternatives)
		})
	}
}

// "what does the <description> do?" is the role whose names hold every
// word of the description, offered as a guess ("director of student
// affairs" is the « Directrice de la scolarité et de la vie étudiante »);
// a description its names do not hold, or one word of them, is still none.
func TestWhatDoesDescribedRole(t *testing.T) {
	ctx := context.Background()
	alt7 := loadFolder(t, "testdata/alt7")
	q := "what does the director of student affairs do?"
	a := alt7.Ask(ctx, q)
	if a.Intent != answer.IntentRole || a.Role.ID != "directrice-scolarite" || a.Confident() {
		t.Fatalf("%q: %s %+v confident=%v, want the director's card as a guess", q, a.Intent, a.Role, a.Confident())
	}
	for _, q := range []string{"what does the data analyst do?", "que fait le coach produit ?", "what does the deployment officer do?"} {
		if a := alt7.Ask(ctx, q); a.Intent == answer.IntentRole || a.Intent == answer.IntentTask {
			t.Errorf("%q: %s %+v %+v, want none: alt7 has no such role", q, a.Intent, a.Role, a.Task)
		}
	}
}

// A question about the role it names, whose other words are either words
// no page uses or words of that role's page ("le designer fait juste des
// jolis écrans ?"), gets the role's card as a guess. A name one word of
// which another word qualifies ("le référent identitovigilance" of a team
// whose only referent is the business one) names a role the team lacks.
func TestAboutNamedRole(t *testing.T) {
	ctx := context.Background()
	shipped := buildShipped(t)
	for _, q := range []string{"le designer fait juste des jolis écrans ?", "le designer c'est juste pour faire de jolis écrans ?"} {
		a := shipped.Ask(ctx, q)
		if a.Intent != answer.IntentRole || a.Role.ID != "designer" || a.Confident() {
			t.Errorf("%q: %s %+v confident=%v, want the designer's card as a guess", q, a.Intent, a.Role, a.Confident())
		}
	}
	alt4 := loadFolder(t, "testdata/alt4")
	q := "est-ce que le référent identitovigilance est aussi le DPO ?"
	if a := alt4.Ask(ctx, q); a.Intent == answer.IntentRole {
		t.Errorf("%q: %+v, want no role's card: alt4 has no identity officer", q, a.Role)
	}
}

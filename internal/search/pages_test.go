package search_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/search"
)

// pagesTeam is a folder whose matrix says nothing of the questions below:
// only the role pages answer them.
func pagesTeam(t *testing.T) *search.Index {
	t.Helper()
	fsys := fstest.MapFS{
		"README.md": {Data: []byte(`# L'équipe

<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th></tr></thead><tbody>
<tr><td>Coordinatrice</td><td><a href="coordinatrice.md">coordinatrice.md</a></td></tr>
<tr><td>Facilitateur</td><td><a href="facilitateur.md">facilitateur.md</a></td></tr>
<tr><td>Gestionnaire</td><td><a href="gestionnaire.md">gestionnaire.md</a></td></tr>
</tbody></table>

|  | Coordinatrice | Facilitateur | Gestionnaire |
| --- | --- | --- | --- |
| Tenir le site à jour | Responsable | | Participe |
`)},
		// Both pages speak of the weekly meetings; one says it does not
		// lead them.
		"coordinatrice.md": {Data: []byte("# Coordinatrice\n\nElle coordonne les réunions hebdomadaires avec les partenaires et prépare leurs comptes rendus.\n\n" +
			"## Ce qu'elle ne fait pas\n\n* Pas l'animatrice des réunions hebdomadaires : le facilitateur les anime.\n")},
		"facilitateur.md": {Data: []byte("# Facilitateur\n\nIl anime les réunions hebdomadaires et les ateliers.\n")},
		// Only its page's example questions speak of supplies.
		"gestionnaire.md": {Data: []byte("# Gestionnaire\n\nIl tient les comptes de l'équipe.\n\n" +
			"## Questions fréquentes\n\n* Qui commande les fournitures de bureau ?\n")},
	}
	return indexFS(t, fsys)
}

func TestPagesTeach(t *testing.T) {
	ix := pagesTeam(t)
	for _, tt := range []struct{ q, role string }{
		// The coordinator's page speaks of the meetings as much as the
		// facilitator's, but denies leading them.
		{"qui anime les réunions hebdomadaires ?", "facilitateur"},
		// What it does not deny still counts.
		{"qui prépare les comptes rendus des réunions ?", "coordinatrice"},
		// An example question of a page's FAQ section.
		{"qui commande les fournitures ?", "gestionnaire"},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Intent != answer.IntentRole || a.Role.ID != tt.role {
			id := ""
			if a.Role != nil {
				id = a.Role.ID
			}
			t.Errorf("%q: %s %s, want role %s", tt.q, a.Intent, id, tt.role)
		}
	}
}

// Small talk gets help whatever its words; markup, code and questions about
// people's facts get none, never a card.
func TestSmallTalkAndOutOfScope(t *testing.T) {
	ix := buildShipped(t)
	for _, tt := range []struct {
		q    string
		want answer.Intent
	}{
		{"bonjour", answer.IntentHelp},
		{"salut ça va ?", answer.IntentHelp},
		{"merci !", answer.IntentHelp},
		{"Merci beaucoup, bonne journée", answer.IntentHelp},
		{"coucou 👋", answer.IntentHelp},
		{"thanks a lot", answer.IntentHelp},
		{"hello there", answer.IntentHelp},
		{"tu sers à quoi ?", answer.IntentHelp},
		{"<script>alert('x')</script>", answer.IntentNone},
		{"&lt;b&gt;designer&lt;/b&gt;", answer.IntentNone},
		{"comment s'appelle notre PO ?", answer.IntentNone},
		{"quel est le salaire d'un développeur ?", answer.IntentNone},
		{"quand a lieu le prochain comité d'investissement ?", answer.IntentNone},
		{"qui valide les notes de frais ?", answer.IntentNone},
		{"quels sont les rôles de l'équipe produit ?", answer.IntentListRoles},
		{"who's on a typical product team? list the roles", answer.IntentListRoles},
		{"Donne-moi la liste complète des tâches avec leurs responsables", answer.IntentListTasks},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Intent != tt.want {
			t.Errorf("%q: %s, want %s", tt.q, a.Intent, tt.want)
		}
		if a.Intent == answer.IntentNone && (a.Role != nil || a.Task != nil) {
			t.Errorf("%q: none with a card", tt.q)
		}
	}
}

// A reading the evidence does not settle is a guess with its alternatives;
// a clear one is sure.
func TestConfidence(t *testing.T) {
	ix := buildShipped(t)
	for _, tt := range []struct {
		q    string
		want answer.Confidence
	}{
		{"qui porte la vision ?", answer.Sure},
		{"designer", answer.Sure},
		{"liste des rôles", answer.Sure},
		// Two readings: the rituals' task and the coach, whose page
		// speaks of agility.
		{"who runs the agile rituals?", answer.Guess},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Confidence != tt.want {
			t.Errorf("%q: confidence %q, want %q (%s)", tt.q, a.Confidence, tt.want, a.Intent)
		}
		if a.Confidence == answer.Guess && len(a.Alternatives) == 0 && a.Intent != answer.IntentNone {
			t.Logf("%q: a guess without alternatives", tt.q)
		}
	}
	if a := ix.Ask(context.Background(), "recette de la tarte tatin"); a.Confidence != "" {
		t.Errorf("none has confidence %q", a.Confidence)
	}
}

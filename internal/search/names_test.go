package search_test

import (
	"context"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// testdata/names is another team's folder (Hydro), with none of our pages'
// words and no front matter: its roles' other names are only in its prose.
const namesTeam = "testdata/names"

// A role is found by the names its pages give it in prose, by its title in
// the other gender, by its title's head noun, in English word order and
// with its words cut short; a sentence about someone else ("un développeur
// qui s'occupe aussi des serveurs est appelé devops") names no role.
func TestNamesFromPages(t *testing.T) {
	ix := loadFolder(t, namesTeam)
	for _, tt := range []struct{ q, role string }{
		{"/role PO", "cheffe-de-produit"},
		{"c'est qui le PO de Hydro ?", "cheffe-de-produit"},
		{"que fait le chef de produit ?", "cheffe-de-produit"},
		{"cheffe de prod missions", "cheffe-de-produit"},
		{"/role ops", "ingenieure-exploitation"},
		{"what does the ops engineer do?", "ingenieure-exploitation"},
		{"what does the data analyst do?", "analyste-donnees"},
		{"l'analyste, il fait quoi ?", "analyste-donnees"},
		{"/role data", "analyste-donnees"},
		{"/role archi", "architecte"},
		{"ref metier ca fait koi", "referente-metier"},
		{"what does the business referent do?", "referente-metier"},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Intent != answer.IntentRole || a.Role.ID != tt.role {
			t.Errorf("%q: %s %+v, want role %s", tt.q, a.Intent, a.Role, tt.role)
		}
	}
	if a := ix.Ask(context.Background(), "/role devops"); a.Role != nil && a.Role.ID == "developpeur" {
		t.Errorf("/role devops: the developer's card, from a sentence about other developers")
	}
}

// A question that neither asks who, nor names a role, nor speaks of one
// gets none, not the card of a role whose page uses its words.
func TestFactQuestionsGetNone(t *testing.T) {
	ix := loadFolder(t, namesTeam)
	for _, q := range []string{
		"combien coûte Hydro par an ?",
		"c'est quoi le débit des rivières du ministère en été ?",
	} {
		if a := ix.Ask(context.Background(), q); a.Intent == answer.IntentRole || a.Intent == answer.IntentTask {
			t.Errorf("%q: %s, want none", q, a.Intent)
		}
	}
	// Asking for a role by that word still reaches one.
	if a := ix.Ask(context.Background(), "c'est quoi le rôle de la personne qui vient de la direction des rivières ?"); a.Intent != answer.IntentRole ||
		a.Role.ID != "referente-metier" {
		t.Errorf("a role asked for by its page's words: %s %+v", a.Intent, a.Role)
	}
}

// A task is found by what the synonyms read its title's phrases as ("user
// stories" is "US"), and a site named bare in a question ("data.gouv.fr")
// reads as the word it opens on, not as words no page uses.
func TestTaskTitlePhrasesAndSites(t *testing.T) {
	ix := loadFolder(t, namesTeam)
	ctx := context.Background()
	if a := ix.Ask(ctx, "qui écrit les US ?"); a.Intent != answer.IntentTask || a.Task.Title != "Prioriser le backlog et rédiger les user stories" {
		t.Errorf("qui écrit les US ?: %s %+v", a.Intent, a.Task)
	}
	site, word := ix.Ask(ctx, "qui publie les données sur data.gouv.fr ?"), ix.Ask(ctx, "qui publie les données sur data ?")
	if site.Intent == answer.IntentNone || site.Intent != word.Intent || cardID(site) == "" || cardID(site) != cardID(word) {
		t.Errorf("data.gouv.fr: %s %q, data: %s %q", site.Intent, cardID(site), word.Intent, cardID(word))
	}
}

// cardID is the id of the role or task an answer shows, or "".
func cardID(a answer.Answer) string {
	switch {
	case a.Role != nil:
		return a.Role.ID
	case a.Task != nil:
		return a.Task.ID
	}
	return ""
}

package search_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/rolebot/rolebot/internal/answer"
)

// namesTeam is another team's folder, with none of our pages' words and no
// front matter: its roles' other names are only in its prose.
func namesTeam(t *testing.T) fstest.MapFS {
	t.Helper()
	card := func(label, file string) string {
		return "<tr><td>" + label + "</td><td><a href=\"" + file + "\">" + file + "</a></td></tr>\n"
	}
	head := "<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead><tbody>\n"
	return fstest.MapFS{
		"README.md": {Data: []byte("# L'équipe Hydro\n\nL'équipe qui construit Hydro, le service de suivi des rivières.\n\n" + head +
			card("Cheffe de produit", "cheffe-de-produit.md") + card("Référente métier", "referente-metier.md") +
			card("Développeur", "developpeur.md") + "</tbody></table>\n\n### Les soutiens experts\n\n" + head +
			card("Ingénieure d'exploitation", "ingenieure-exploitation.md") + card("Analyste de données", "analyste-donnees.md") +
			card("Architecte", "architecte.md") + "</tbody></table>\n\n" +
			"|  | Cheffe de produit | Référente métier | Développeur | Ingénieure d'exploitation | Analyste de données | Architecte |\n" +
			"| --- | --- | --- | --- | --- | --- | --- |\n" +
			"| Prioriser le backlog et rédiger les user stories | Responsable | | Participe | | | |\n" +
			"| Porter la politique publique des rivières | Participe | Responsable | | | | |\n" +
			"| Développer le code du service | | | Responsable | | | Participe |\n" +
			"| Héberger et superviser le service | | | Participe | Responsable | | |\n" +
			"| Publier les données en open data | Participe | | | | Responsable | |\n" +
			"| Choisir l'architecture technique | | | Participe | | | Responsable |\n")},
		"cheffe-de-produit.md": {Data: []byte("# Cheffe de produit\n\nLa cheffe de produit décide de l'ordre dans lequel l'équipe construit Hydro.\n\n" +
			"Elle est souvent appelée « PO » dans l'équipe, par habitude.\n\n## Mission\n\n* Prioriser le backlog.\n* Animer la démo de fin d'itération.\n")},
		"referente-metier.md": {Data: []byte("# Référente métier\n\nLa référente métier vient de la direction des rivières et porte la politique publique.\n\n" +
			"## Mission\n\n* Porter la politique publique des rivières auprès des préfets.\n")},
		"developpeur.md": {Data: []byte("# Développeur\n\nLe développeur écrit et maintient le code de Hydro.\n\n" +
			"## Mission\n\n* Développer le code du service.\n\n## À savoir\n\nÀ la direction, un développeur qui s'occupe aussi des serveurs est appelé devops.\n")},
		"ingenieure-exploitation.md": {Data: []byte("# Ingénieure d'exploitation\n\nElle héberge Hydro et veille à ce qu'il reste disponible.\n\n" +
			"On l'appelle parfois « l'ops » dans l'équipe.\n\n## Mission\n\n* Héberger et superviser le service.\n")},
		"analyste-donnees.md": {Data: []byte("# Analyste de données\n\nIl transforme les relevés des rivières en indicateurs et publie les données ouvertes.\n\n" +
			"## Mission\n\n* Publier les données en open data.\n")},
		"architecte.md": {Data: []byte("# Architecte\n\nElle veille à ce que Hydro réutilise les briques du ministère.\n\n" +
			"## Mission\n\n* Choisir l'architecture technique avec le développeur.\n")},
	}
}

// A role is found by the names its pages give it in prose, by its title in
// the other gender, by its title's head noun, in English word order and
// with its words cut short; a sentence about someone else ("un développeur
// qui s'occupe aussi des serveurs est appelé devops") names no role.
func TestNamesFromPages(t *testing.T) {
	ix := indexFS(t, namesTeam(t))
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
	ix := indexFS(t, namesTeam(t))
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
	ix := indexFS(t, namesTeam(t))
	ctx := context.Background()
	if a := ix.Ask(ctx, "qui écrit les US ?"); a.Intent != answer.IntentTask || a.Task.Title != "Prioriser le backlog et rédiger les user stories" {
		t.Errorf("qui écrit les US ?: %s %+v", a.Intent, a.Task)
	}
	site, word := ix.Ask(ctx, "qui publie les données sur data.gouv.fr ?"), ix.Ask(ctx, "qui publie les données sur data ?")
	if site.Intent == answer.IntentNone || site.Intent != word.Intent || site.Role == nil || word.Role == nil || site.Role.ID != word.Role.ID {
		t.Errorf("data.gouv.fr: %s %+v, data: %s %+v", site.Intent, site.Role, word.Intent, word.Role)
	}
}

package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/contentgen"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/search"
	"github.com/rolebot/rolebot/internal/team"
	"testing/fstest"
)

func TestAskShapes(t *testing.T) {
	ix := buildShipped(t)
	tests := []struct {
		q      string
		intent answer.Intent
		check  func(t *testing.T, a answer.Answer)
	}{
		{"qui porte la vision ?", answer.IntentTask, func(t *testing.T, a answer.Answer) {
			if a.Task.ID != "incarner-la-vision" || len(a.Task.Owners) != 2 || !a.Task.Owners[0].Locked {
				t.Errorf("vision task = %+v", a.Task)
			}
			if a.Task.Owners[0].Note != "porte la politique publique" {
				t.Errorf("note = %q", a.Task.Owners[0].Note)
			}
		}},
		{"qui suit le budget ?", answer.IntentTask, func(t *testing.T, a answer.Answer) {
			if a.Task.Origin != team.FromOther || a.Task.Owners == nil || len(a.Task.Owners) != 0 {
				t.Errorf("budget task = %+v, want no owner", a.Task)
			}
		}},
		{"de quoi est responsable le responsable métier ?", answer.IntentRole, func(t *testing.T, a answer.Answer) {
			if a.Role.ID != "responsable-metier" || len(a.Role.Tasks) != 7 {
				t.Errorf("role = %s with %d matrix rows, want responsable-metier with 7", a.Role.ID, len(a.Role.Tasks))
			}
			if a.Role.Tasks[0].Level != team.Responsable {
				t.Errorf("first row level = %s, want responsable first", a.Role.Tasks[0].Level)
			}
		}},
		{"liste des rôles", answer.IntentListRoles, func(t *testing.T, a answer.Answer) {
			if len(a.Roles) != 9 {
				t.Errorf("%d roles, want 9", len(a.Roles))
			}
		}},
		{"qui fait quoi ?", answer.IntentListTasks, func(t *testing.T, a answer.Answer) {
			if len(a.Tasks) != 11 {
				t.Errorf("%d tasks, want 11", len(a.Tasks))
			}
		}},
		{"recette de la tarte tatin", answer.IntentNone, nil},
		{"quelle heure est-il ?", answer.IntentNone, nil},
		{"   ", answer.IntentHelp, nil},
		{"?", answer.IntentHelp, nil},
		{"???", answer.IntentNone, nil},
		// A count the pages never give, found by a role's name alone;
		// a duration they do give.
		{"combien de développeurs travaillent ici ?", answer.IntentNone, nil},
		{"how many developers are on the team?", answer.IntentNone, nil},
		// What is asked about is a word no page uses; the role was found
		// by the one word beside it: none, the role offered as a suggestion.
		{"qui gère la cafétéria du ministère ?", answer.IntentNone, func(t *testing.T, a answer.Answer) {
			if len(a.Suggestions) == 0 {
				t.Error("no suggestion")
			}
		}},
		{"who fixes the office coffee machine?", answer.IntentNone, nil},
		{"qui fait les maquettes ?", answer.IntentRole, func(t *testing.T, a answer.Answer) {
			if a.Role.ID != "designer" {
				t.Errorf("role %s", a.Role.ID)
			}
		}},
		{"combien de temps un coach reste sur un produit ?", answer.IntentRole, func(t *testing.T, a answer.Answer) {
			if a.Role.ID != "coach-produit" {
				t.Errorf("role %s", a.Role.ID)
			}
		}},
		{"desinger", answer.IntentRole, func(t *testing.T, a answer.Answer) {
			if a.Role.ID != "designer" {
				t.Errorf("role %s", a.Role.ID)
			}
		}},
		{"rgpd designer", answer.IntentRole, nil},
		{`field:"x" +y -z /.*/ ~ ^ (`, answer.IntentNone, nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := ix.Ask(context.Background(), tt.q)
			if a.Intent != tt.intent {
				t.Fatalf("intent %s, want %s (%+v)", a.Intent, tt.intent, a)
			}
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}
}

func TestAnswerByRef(t *testing.T) {
	ix := buildShipped(t)
	for _, ref := range []answer.Ref{
		{Intent: answer.IntentRole, ID: "designer"},
		{Intent: answer.IntentTask, ID: "piloter-le-delivery"},
		{Intent: answer.IntentListRoles},
		{Intent: answer.IntentListTasks},
	} {
		a, ok := ix.Answer(ref)
		if !ok || a.Intent != ref.Intent {
			t.Errorf("Answer(%+v) = %v, %v", ref, a.Intent, ok)
		}
	}
	if _, ok := ix.Answer(answer.Ref{Intent: answer.IntentRole, ID: "nope"}); ok {
		t.Error("unknown role id answered")
	}
}

// A plain GitBook folder: no front matter, no aliases, another team's roles
// and column names, an empty role page. Task questions must work as well.
func TestPlainGitBookFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md": {Data: []byte(`# Notre équipe

<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th></tr></thead><tbody>
<tr><td>Cheffe de projet</td><td><a href="cheffe-de-projet.md">cheffe-de-projet.md</a></td></tr>
<tr><td>Intégrateur</td><td><a href="integrateur.md">integrateur.md</a></td></tr>
<tr><td>Juriste</td><td><a href="juriste.md">juriste.md</a></td></tr>
</tbody></table>

### Qui fait quoi

|  | Cheffe de projet | Intégrateur | Juriste |
| --- | --- | --- | --- |
| Tenir le planning (jalons, livraisons) | Responsable | Participe | |
| Rédiger les contrats | Participe | | Responsable |
| Mettre en ligne le site | Participe | Responsable | |

Autres tâches liées à la réussite du produit :

* Organiser le pot de fin de projet
`)},
		"cheffe-de-projet.md": {Data: []byte("# Cheffe de projet\n\nElle coordonne l'équipe, anime les réunions de suivi et tient le calendrier du projet avec les partenaires.\n\n## Au quotidien\n\n* animer les points d'avancement\n* arbitrer les priorités\n")},
		"integrateur.md":      {Data: []byte("# Intégrateur\n\nIl assemble les pages du site, intègre les maquettes en HTML et CSS et met les versions en ligne sur le serveur.\n")},
		"juriste.md":          {Data: []byte("# Juriste\n")},
	}
	ctx := context.Background()
	ix := indexFS(t, fsys)
	tests := []struct {
		q, task string
		owners  map[string]string
	}{
		{"qui tient le planning ?", "planning", map[string]string{"cheffe-de-projet": "responsable", "integrateur": "participe"}},
		{"qui rédige les contrats ?", "contrats", map[string]string{"juriste": "responsable", "cheffe-de-projet": "participe"}},
		{"qui est responsable de la mise en ligne ?", "ligne", map[string]string{"integrateur": "responsable", "cheffe-de-projet": "participe"}},
		{"who owns the contracts?", "contrats", map[string]string{"juriste": "responsable", "cheffe-de-projet": "participe"}},
		{"pot de fin de projet", "pot", map[string]string{}},
	}
	for _, tt := range tests {
		a := ix.Ask(ctx, tt.q)
		c := evalCase{Q: tt.q, Intent: answer.IntentTask, Task: tt.task, Owners: tt.owners}
		if why := check(c, a); why != "" {
			t.Errorf("%q: %s", tt.q, why)
		}
	}
	if a := ix.Ask(ctx, "juriste"); a.Intent != answer.IntentRole || a.Role.ID != "juriste" {
		t.Errorf("juriste: %s", a.Intent)
	}
}

var slackPing = regexp.MustCompile(`<!channel>|<!here>|<!everyone>|<@[UW]`)

// FuzzAsk feeds arbitrary questions: never a panic, always valid JSON, and no
// Slack ping from the question in the Slack text (the terminal's text is
// not escaped: escaping is the Slack rendering's).
func FuzzAsk(f *testing.F) {
	for _, s := range []string{"qui porte la vision ?", "<!channel> designer", "<@U123> qui fait quoi", "", "?", "\xff\xfe", "responsable " + strings.Repeat("a", 600), "a11y RGPD PO", "`*_~&<>"} {
		f.Add(s)
	}
	ix := buildShipped(f)
	f.Fuzz(func(t *testing.T, q string) {
		a := ix.Ask(context.Background(), q)
		b, err := json.Marshal(a)
		if err != nil || !json.Valid(b) {
			t.Fatalf("invalid JSON for %q: %v", q, err)
		}
		if txt := reply.Card(a, reply.CardOptions{}).Text; slackPing.MatchString(txt) {
			t.Fatalf("unescaped ping in text for %q:\n%s", q, txt)
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	tm, _, err := gitbook.Load(ctx, contentFS())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ix, err := search.Build(ctx, tm, search.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkAsk(b *testing.B) {
	ix := buildShipped(b)
	for _, q := range []struct{ intent, q string }{
		{"task", "qui priorise le backlog ?"},
		{"role", "que fait le designer ?"},
		{"role_text", "qui fait les revues de code ?"},
		{"typo", "desinger"},
		{"task_english", "who owns GDPR compliance?"},
		{"list_roles", "liste des rôles"},
		{"list_tasks", "qui fait quoi ?"},
		{"help", "aide"},
		{"none", "recette de la tarte tatin"},
	} {
		b.Run(q.intent, func(b *testing.B) {
			// The benchmark measures the intent it is named for.
			if a := ix.Ask(context.Background(), q.q); !strings.HasPrefix(q.intent, string(a.Intent)) && q.intent != "role_text" && q.intent != "typo" {
				b.Fatalf("%q: intent %s, want %s", q.q, a.Intent, q.intent)
			}
			for b.Loop() {
				ix.Ask(context.Background(), q.q)
			}
		})
	}
}

// TestCommonWordsAtScale builds a team where one word is on every role page:
// it is left out of the candidate search, yet a question made of it alone
// still finds its pages, and a question that also names something rare
// finds the one page that holds both.
func TestCommonWordsAtScale(t *testing.T) {
	tm := &team.Team{Title: "Équipe"}
	for i := range 400 {
		id := fmt.Sprintf("role-%03d", i)
		text := fmt.Sprintf("Ce rôle sert les usagers du service numéro %d.", i)
		if i == 321 {
			text += " Il tient aussi le registre des zorglubs."
		}
		tm.Roles = append(tm.Roles, team.Role{ID: id, Title: fmt.Sprintf("Agent %03d", i), Summary: "Un agent.",
			Sections: []team.Section{{Title: "Mission", Text: text}}})
	}
	tm.Reindex()
	ix, err := search.Build(context.Background(), tm, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if a := ix.Ask(context.Background(), "usagers"); a.Intent == answer.IntentNone && len(a.Suggestions) == 0 {
		t.Errorf("a question of a common word alone found nothing: %+v", a)
	}
	a := ix.Ask(context.Background(), "qui tient le registre des zorglubs des usagers ?")
	if a.Intent != answer.IntentRole || a.Role.ID != "role-321" {
		t.Errorf("got %s %+v, want role-321", a.Intent, a.Role)
	}
}

// TestCommonWordNotReplacedByARareForm: when a question's word is on most
// pages and only one page uses a longer form of it, that page must not win
// alone because the common word was left out of the search.
func TestCommonWordNotReplacedByARareForm(t *testing.T) {
	tm := &team.Team{Title: "Équipe"}
	for i := range 400 {
		text := fmt.Sprintf("Ce rôle sert le service numéro %d.", i)
		switch {
		case i == 5:
			text += " Il tient le budget, suit le budget, prévoit le budget et défend le budget."
		case i == 321:
			text += " Il tient la ligne budgétaire."
		case i < 300:
			text += " Il connaît le budget."
		}
		tm.Roles = append(tm.Roles, team.Role{ID: fmt.Sprintf("role-%03d", i), Title: fmt.Sprintf("Agent %03d", i), Summary: "Un agent.",
			Sections: []team.Section{{Title: "Mission", Text: text}}})
	}
	tm.Reindex()
	ix, err := search.Build(context.Background(), tm, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a := ix.Ask(context.Background(), "qui gère le budget ?")
	if a.Role != nil && a.Role.ID == "role-321" {
		t.Errorf("the one page saying « budgétaire » answered for « budget », held by 300 pages: %+v", a)
	}
}

// TestSameAnswersEveryBuild builds one generated folder several times: the
// answers, alternatives and suggestions are the same every time, whatever
// order maps and bleve's batches went in.
func TestSameAnswersEveryBuild(t *testing.T) {
	size := contentgen.Size{Pages: 300, Tasks: 30, Seed: 3}
	fsys := contentgen.Folder(size)
	questions := contentgen.Questions(size)
	var first []string
	for range 4 {
		tm, _, err := gitbook.Load(context.Background(), fsys)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := search.Build(context.Background(), tm, search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, q := range questions {
			b, _ := json.Marshal(ix.Ask(context.Background(), q))
			got = append(got, string(b))
		}
		ix.Close()
		if first == nil {
			first = got
			continue
		}
		for i := range got {
			if got[i] != first[i] {
				t.Fatalf("%q answered differently by two builds:\n%s\n%s", questions[i], first[i], got[i])
			}
		}
	}
}

// TestFactWordsOfTasks checks that a word asking a person's facts ("paie",
// "courriel") is out of scope unless a matrix row is about it, in one of
// its forms: "courriels" is one of "courriel", "paiement" no form of "paie".
func TestFactWordsOfTasks(t *testing.T) {
	for _, tt := range []struct {
		dir, q string
		intent answer.Intent
	}{
		{"testdata/alt5", "qui fait la paie des agents ?", answer.IntentNone},
		{"testdata/alt5", "qui connecte le paiement en ligne ?", answer.IntentTask},
		{"testdata/alt4", "qui écrit le courriel envoyé aux déclarants ?", answer.IntentTask},
	} {
		t.Run(tt.q, func(t *testing.T) {
			a := loadFolder(t, tt.dir).Ask(context.Background(), tt.q)
			if a.Intent != tt.intent {
				t.Errorf("intent %s, want %s", a.Intent, tt.intent)
			}
		})
	}
}

package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// A role's title without its acronym names it: "Délégué à la protection
// des données (DPO)" is asked for as "le délégué à la protection des
// données", not only as "DPO".
func TestTitleWithoutAcronymNamesRole(t *testing.T) {
	ix := loadFolder(t, "testdata/alt7")
	for _, q := range []string{"c'est qui le délégué à la protection des données ?", "délégué protection donnée il sert a quoi"} {
		if a := ix.Ask(context.Background(), q); a.Intent != answer.IntentRole || a.Role.ID != "dpo" {
			t.Errorf("%q: %s %+v, want the DPO's card", q, a.Intent, a.Role)
		}
	}
}

// A question asking who does something is about a task first: when the
// scorer reads a task first and the role the rules found covers not
// clearly more of the question, the task answers, as a guess, with that
// role among the alternatives. A role whose page covers the whole
// question, where the task holds one of its words, keeps its card.
func TestWhoDoesIsTaskFirst(t *testing.T) {
	ctx := context.Background()
	alt7 := loadFolder(t, "testdata/alt7")
	q := "qui vérifie que la nouvelle version marche bien avant qu'on la sorte"
	a := alt7.Ask(ctx, q)
	if a.Intent != answer.IntentTask || !strings.Contains(a.Task.Title, "recette") || a.Confident() {
		t.Fatalf("%q: %s %+v confident=%v, want the acceptance task as a guess", q, a.Intent, a.Task, a.Confident())
	}
	offered := false
	for _, alt := range a.Alternatives {
		offered = offered || alt.Intent == answer.IntentRole
	}
	if !offered {
		t.Errorf("the role the rules found is not offered: %+v", a.Alternatives)
	}
	alt3 := loadFolder(t, "testdata/alt3")
	if a := alt3.Ask(ctx, "qui anime la rétro ?"); a.Intent != answer.IntentRole || a.Role.ID != "product-owner" {
		t.Errorf("qui anime la rétro ?: %s %+v, want the PO's card", a.Intent, a.Role)
	}
}

// A question asking who someone is in the team, by a word of one role's
// page ("la designer" of a team whose designer is « Responsable de
// l'expérience étudiante »), gets that role; one placing the person
// elsewhere ("du ministère") still gets none.
func TestWhoIsInTheTeam(t *testing.T) {
	ctx := context.Background()
	alt7 := loadFolder(t, "testdata/alt7")
	for _, q := range []string{"c'est qui la designer de l'équipe ?", "who's the UX designer here"} {
		if a := alt7.Ask(ctx, q); a.Intent != answer.IntentRole || a.Role.ID != "responsable-experience-etudiante" {
			t.Errorf("%q: %s %+v, want the student experience lead's card", q, a.Intent, a.Role)
		}
	}
	shipped := buildShipped(t)
	for _, q := range []string{"qui est le DPO du ministère ?", "qui est le ministre du numérique ?"} {
		if a := shipped.Ask(ctx, q); a.Intent != answer.IntentNone {
			t.Errorf("%q: %s, want none", q, a.Intent)
		}
	}
}

// A who-question whose object, the noun after "qui"'s verb, is a word no
// page uses asks about something the pages do not speak of: none, even
// when a card holds the words around it ("scolaire"). A verb no page uses
// ("obtient"), or a subject set before the question, is not that object.
func TestUnknownObjectGetsNone(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		dir, q string
		none   bool
	}{
		{"testdata/alt5", "qui gère la cantine scolaire ?", true},
		{"testdata/alt7", "qui fait les emplois du temps des cours", true},
		{"testdata/alt6", "qui choisit les menus des patients hospitalisés", true},
		{"testdata/alt3", "Qui obtient l'homologation de sécurité ?", false},
		{"testdata/alt4", "le site est planté, qui gère la supervision ?", false},
	} {
		a := loadFolder(t, tt.dir).Ask(ctx, tt.q)
		if got := a.Intent == answer.IntentNone; got != tt.none {
			t.Errorf("%s %q: %s, want none %v", tt.dir, tt.q, a.Intent, tt.none)
		}
		if tt.none && len(a.Suggestions) == 0 {
			t.Errorf("%q: none without suggestions", tt.q)
		}
	}
}

// A who-question the rules leave as none is offered, as a guess, the task
// whose own text holds what it asks about (its head), when the scorer
// ranks that task ahead of every other reading; a tie offers nothing.
func TestHeadRescuesTask(t *testing.T) {
	ctx := context.Background()
	q := "c'est qui qui donne le cap du projet, le pourquoi on fait tout ça ?"
	a := loadFolder(t, "testdata/alt7").Ask(ctx, q)
	if a.Intent != answer.IntentTask || !strings.Contains(a.Task.Title, "vision") || a.Confident() {
		t.Errorf("%q: %s %+v confident=%v, want the vision's task as a guess", q, a.Intent, a.Task, a.Confident())
	}
	q = "qui gère les plannings des infirmières ?"
	if a := loadFolder(t, "testdata/alt6").Ask(ctx, q); a.Intent != answer.IntentNone {
		t.Errorf("%q: %s, want none (two readings tie)", q, a.Intent)
	}
}

// Between two labels the question matches equally, the one whose title
// says what the question says wins over the one the synonyms reach:
// "recette" is also "tests", but "Recetter chaque mise en production"
// says "recette".
func TestTypedFormBreaksTies(t *testing.T) {
	a := loadFolder(t, "testdata/alt5").Ask(context.Background(), "qui fait la recette ?")
	if a.Intent != answer.IntentTask || !strings.HasPrefix(a.Task.Title, "Recetter") {
		t.Errorf("qui fait la recette ?: %s %+v, want the acceptance task", a.Intent, a.Task)
	}
}

// A who-question the rules answer with a role the question does not name
// is answered by the task that role leads, when the task's own text holds
// enough of the question: the row shows the role among its owners, and
// the role's card is offered beside it. So even when the role's page says
// all of the question and the scorer agrees ("qui rédige les sms…" is all
// on the UX writer's page). A question asking what a role is, not who,
// keeps the card.
func TestLedTaskAnswersForItsRole(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct{ dir, q, title string }{
		{"testdata/alt7", "qui monte le dossier d'homologation", "homologation"},
		{"testdata/alt5", "qui rédige les sms envoyés aux parents", "textes"},
	} {
		a := loadFolder(t, tt.dir).Ask(ctx, tt.q)
		if a.Intent != answer.IntentTask || !strings.Contains(a.Task.Title, tt.title) || a.Confident() {
			t.Errorf("%q: %s %+v confident=%v, want the task as a guess", tt.q, a.Intent, a.Task, a.Confident())
			continue
		}
		if len(a.Alternatives) == 0 || a.Alternatives[0].Intent != answer.IntentRole {
			t.Errorf("%q: the role is not offered: %+v", tt.q, a.Alternatives)
		}
	}
	q := "responsable securite systemes d'information c quoi"
	if a := loadFolder(t, "testdata/alt7").Ask(ctx, q); a.Intent != answer.IntentRole || a.Role.ID != "rssi" {
		t.Errorf("%q: %s %+v, want the RSSI's card", q, a.Intent, a.Role)
	}
}

// Likening a role to another's head ("le chef des devs") is about the role
// named first: an ownership word before another role's name is that
// name's, not a question about who owns the rest.
func TestLikensToAnotherRolesHead(t *testing.T) {
	q := "le product owner c'est le chef des devs ?"
	if a := loadFolder(t, "testdata/alt7").Ask(context.Background(), q); a.Intent != answer.IntentRole || a.Role.ID != "product-owner" {
		t.Errorf("%q: %s %+v, want the PO's card", q, a.Intent, a.Role)
	}
}

// A question asking which date something is gets none, even when a task's
// title holds its words: the pages give no dates. A who-question about
// dates still asks for an owner.
func TestWhichDateGetsNone(t *testing.T) {
	ctx := context.Background()
	if a := buildShipped(t).Ask(ctx, "quelle est la date du prochain comité d'investissement ?"); a.Intent != answer.IntentNone {
		t.Errorf("the date of a committee: %s, want none", a.Intent)
	}
	if a := loadFolder(t, "testdata/alt7").Ask(ctx, "qui décide des dates d'ouverture et de clôture des inscriptions ?"); a.Intent == answer.IntentNone {
		t.Errorf("who decides the dates: none, want an owner")
	}
}

// "c'est quel rôle …" asks for a role's card: a task found for its words
// gives way to the role the scorer ranks first, as a guess.
func TestWhichRoleGetsARole(t *testing.T) {
	q := "c'est quel rôle le lien le plus direct entre l'équipe et le terrain ?"
	a := loadFolder(t, "testdata/alt4").Ask(context.Background(), q)
	if a.Intent != answer.IntentRole || a.Confident() {
		t.Errorf("%q: %s confident=%v, want a role as a guess", q, a.Intent, a.Confident())
	}
}

// A name the pages give through the indirect object ("Au GHT, on lui dit
// parfois « la cheffe de produit »") names the page's role.
func TestIndirectObjectNames(t *testing.T) {
	q := "qui est la cheffe de produit ?"
	if a := loadFolder(t, "testdata/alt6").Ask(context.Background(), q); a.Intent != answer.IntentRole || a.Role.ID != "product-lead" {
		t.Errorf("%q: %s %+v, want the product lead's card", q, a.Intent, a.Role)
	}
}

// "what does <role> do/deliver?" asks for the role's card, not the task
// its verb reaches ("deliver" is also "Piloter le delivery").
func TestWhatRoleDoes(t *testing.T) {
	ix := buildShipped(t)
	for _, tt := range []struct{ q, role string }{
		{"what does the Ops expert deliver?", "devops"},
		{"what does a UI designer deliver?", "designer"},
	} {
		if a := ix.Ask(context.Background(), tt.q); a.Intent != answer.IntentRole || a.Role.ID != tt.role {
			t.Errorf("%q: %s %+v, want the %s card", tt.q, a.Intent, a.Role, tt.role)
		}
	}
}

// Between two roles a question matches equally, the one with the shorter
// title is the better reading: "/role patient" is the patient partner,
// not the director whose long title ends on "patients".
func TestShorterTitleBreaksRoleTies(t *testing.T) {
	if a := loadFolder(t, "testdata/alt6").Ask(context.Background(), "/role patient"); a.Intent != answer.IntentRole || a.Role.ID != "patient-partenaire" {
		t.Errorf("/role patient: %s %+v, want the patient partner", a.Intent, a.Role)
	}
}

// Lists and thanks in a few more everyday words.
func TestListsInEverydayWords(t *testing.T) {
	ix := buildShipped(t)
	for _, tt := range []struct {
		q      string
		intent answer.Intent
	}{
		{"les rôles dispo stp", answer.IntentListRoles},
		{"c'est qui les soutiens experts et les autres rôles ?", answer.IntentListRoles},
		{"ça implique quoi comme tâches ?", answer.IntentListTasks},
		{"thanks, that helped!", answer.IntentHelp},
		// Who has them: "we", "nous", "on".
		{"what roles do we have?", answer.IntentListRoles},
		{"quels rôles avons-nous ?", answer.IntentListRoles},
		{"on a quels rôles ici ?", answer.IntentListRoles},
		{"what tasks do we have?", answer.IntentListTasks},
		{"what do you do?", answer.IntentHelp},
		{"what does the designer do?", answer.IntentRole},
	} {
		if a := ix.Ask(context.Background(), tt.q); a.Intent != tt.intent {
			t.Errorf("%q: %s, want %s", tt.q, a.Intent, tt.intent)
		}
	}
}

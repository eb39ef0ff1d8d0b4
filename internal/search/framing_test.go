package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// How a question is framed, on another team's pages (scorerTeam): yes/no
// questions naming a role, modal verbs, tag questions, questions likening
// a role to another, typos and cognates, chat spellings of small talk. None
// of these questions is in an evaluation set.
func TestQuestionFraming(t *testing.T) {
	ix := scorerTeam(t, coordinatorPage)
	for _, tt := range []struct {
		name, q string
		intent  answer.Intent
		id      string // role id, or a word of the task's title
	}{
		// A yes/no question naming a role about a task is the task's: its
		// real owners answer it.
		{"a role singled out by seule", "la coordinatrice est-elle seule responsable de la publication ?", answer.IntentTask, "publication"},
		{"a role singled out in English", "is the facilitateur the only one who leads the ateliers d'écriture?", answer.IntentTask, "ateliers"},
		{"a modal verb", "le facilitateur peut-il tenir les comptes ?", answer.IntentTask, "comptes"},
		{"est-ce que opens, it likens nothing", "est-ce que le facilitateur tient les comptes ?", answer.IntentTask, "comptes"},
		{"a closing tag question", "la gestionnaire n'est pas responsable de la publication, si ?", answer.IntentTask, "publication"},
		// Likening the role named first to something else is about that role.
		{"a role likened to another", "la gestionnaire, c'est une coordinatrice ?", answer.IntentRole, "gestionnaire"},
		{"a role likened in English", "is the gestionnaire a kind of facilitateur?", answer.IntentRole, "gestionnaire"},
		// Two edits away from a page word, away from its start: another word.
		{"a far correction is no typo", "qui gère les pertenoires ?", answer.IntentNone, ""},
		{"small talk in chat spellings", "slt, tu peux m'aider ?", answer.IntentHelp, ""},
		{"a list in English function words", "what tasks does the team cover?", answer.IntentListTasks, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := ix.Ask(context.Background(), tt.q)
			got := ""
			switch {
			case a.Role != nil:
				got = a.Role.ID
			case a.Task != nil:
				got = a.Task.Title
			}
			if a.Intent != tt.intent || !strings.Contains(strings.ToLower(got), tt.id) {
				t.Errorf("%q: %s %q, want %s %q", tt.q, a.Intent, got, tt.intent, tt.id)
			}
		})
	}
}

// A question asking who that the rules leave as none, but whose words reach
// one label through the lexicon rather than as written, is offered that
// label as a guess, never as sure; and a question naming the accessibility
// referential with an ownership word names no role through the synonyms
// (the expert's card was given as sure).
func TestAskedRescueAndOwnershipWords(t *testing.T) {
	ix := buildShipped(t)
	for _, tt := range []struct {
		q, task   string
		mustGuess bool
	}{
		{"who keeps an eye on the money we spend on the product?", "Suivi budgétaire", true},
		{"qui est responsable du RGAA ?", "conformité aux référentiels", false},
	} {
		a := ix.Ask(context.Background(), tt.q)
		if a.Intent != answer.IntentTask || !strings.Contains(a.Task.Title, tt.task) {
			t.Errorf("%q: %s %+v, want task %q", tt.q, a.Intent, a.Task, tt.task)
			continue
		}
		if tt.mustGuess && a.Confident() {
			t.Errorf("%q: sure, want a guess", tt.q)
		}
	}
}

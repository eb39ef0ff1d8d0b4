package answer_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/team"
)

func shipped(t *testing.T) *team.Team {
	t.Helper()
	tm, _, err := gitbook.Load(context.Background(), content.FS)
	if err != nil {
		t.Fatalf("load content: %v", err)
	}
	return tm
}

// TestRoleDailyWork checks that every shipped role's card shows its page's
// own "Au quotidien" list, labelled so, never another section's.
func TestRoleDailyWork(t *testing.T) {
	tm := shipped(t)
	for i := range tm.Roles {
		r := &tm.Roles[i]
		var daily []string
		for _, s := range r.Sections {
			if s.Title == "Au quotidien" {
				daily = s.Items
			}
		}
		if len(daily) == 0 {
			t.Errorf("%s: the page has no « Au quotidien » list", r.ID)
			continue
		}
		card := answer.NewRole(tm, r)
		n := min(len(daily), len(card.Responsibilities))
		if n == 0 || !slices.Equal(card.Responsibilities, daily[:n]) {
			t.Errorf("%s: card shows %q, want the page's « Au quotidien » items %q", r.ID, card.Responsibilities, daily)
		}
		if card.ResponsibilitiesFrom != "Au quotidien" {
			t.Errorf("%s: items labelled %q, want « Au quotidien »", r.ID, card.ResponsibilitiesFrom)
		}
	}
}

// TestResponsibilitiesFrom checks which section a card takes its items from
// and that it says which one.
func TestResponsibilitiesFrom(t *testing.T) {
	sec := func(title string, items ...string) team.Section { return team.Section{Title: title, Items: items} }
	tests := []struct {
		name      string
		sections  []team.Section
		wantFrom  string
		wantFirst string
	}{
		{"daily work over an earlier mission", []team.Section{sec("Mission", "contexte"), sec("Au quotidien", "faire")}, "Au quotidien", "faire"},
		{"accents and case folded", []team.Section{sec("Travaille avec", "x"), sec("Activités principales", "agir")}, "Activités principales", "agir"},
		{"mission when nothing better", []team.Section{sec("Livrables", "doc"), sec("Missions", "servir")}, "Missions", "servir"},
		{"first list otherwise", []team.Section{sec("Intro"), sec("Livrables", "doc"), sec("Outils", "git")}, "Livrables", "doc"},
		{"no list at all", []team.Section{sec("Intro")}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := &team.Team{Roles: []team.Role{{ID: "r", Title: "R", Sections: tt.sections}}}
			card := answer.NewRole(tm, &tm.Roles[0])
			first := ""
			if len(card.Responsibilities) > 0 {
				first = card.Responsibilities[0]
			}
			if card.ResponsibilitiesFrom != tt.wantFrom || first != tt.wantFirst {
				t.Errorf("from %q first %q, want %q %q", card.ResponsibilitiesFrom, first, tt.wantFrom, tt.wantFirst)
			}
		})
	}
}

// TestListRolesTasks checks that the list of roles gives each role the rows
// of the matrix its own card gives, in the same order.
func TestListRolesTasks(t *testing.T) {
	tm := shipped(t)
	list := answer.ListRoles(tm)
	if len(list) != len(tm.Roles) {
		t.Fatalf("%d roles listed, want %d", len(list), len(tm.Roles))
	}
	owning := 0
	for _, r := range list {
		role, ok := tm.Role(r.ID)
		if !ok {
			t.Fatalf("unknown role %s", r.ID)
		}
		want := answer.NewRole(tm, role).Tasks
		if r.Tasks == nil || !slices.Equal(r.Tasks, want) {
			t.Errorf("%s: tasks %+v, want %+v", r.ID, r.Tasks, want)
		}
		if len(r.Tasks) > 0 {
			owning++
		}
	}
	if owning != 2 {
		t.Errorf("%d roles own matrix rows, want 2 (responsable-metier, responsable-produit)", owning)
	}
	metier, _ := tm.Role("responsable-metier")
	if got := answer.NewRole(tm, metier).Tasks; len(got) != 7 || got[0].Level != team.Responsable || got[len(got)-1].Level != team.Participe {
		t.Errorf("responsable-metier rows %+v: want 7, most accountable first", got)
	}
}

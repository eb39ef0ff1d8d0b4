package reply

import (
	"fmt"
	"testing"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

func TestCardButtons(t *testing.T) {
	byName := map[string]cardCase{}
	for _, tc := range cardCases() {
		byName[tc.name] = tc
	}
	tests := []struct {
		name string
		want []button
	}{
		{"role", []button{
			{"rolebot_alternatives", ActionOpen, "task:incarner-la-vision", "", "Incarner la vision"},
			{"rolebot_actions", ActionLink, "", baseURL + "/responsable-metier", "Voir la page"},
			{"rolebot_actions", ActionShare, "role:responsable-metier", "", "Partager dans le canal"},
		}},
		{"role_shared", []button{
			{"rolebot_actions", ActionLink, "", baseURL + "/designer", "Voir la page"},
		}},
		{"role_no_base_url", nil},
		{"task", []button{
			{"rolebot_actions", ActionLink, "", baseURL, "Voir la page"},
			{"rolebot_actions", ActionShare, "task:incarner-la-vision", "", "Partager dans le canal"},
		}},
		{"list_roles", []button{
			{"rolebot_roles", ActionOpen, "role:responsable-metier", "", "Responsable métier"},
			{"rolebot_roles", ActionOpen + ":2", "role:designer", "", "Designer"},
			{"rolebot_roles", ActionOpen + ":3", "role:coach-produit", "", "Coach produit"},
			{"rolebot_roles", ActionOpen + ":4", "role:expert-accessibilite", "", "Expert accessibilité"},
			{"rolebot_actions", ActionLink, "", baseURL, "Voir la page"},
			{"rolebot_actions", ActionShare, "list_roles:", "", "Partager dans le canal"},
		}},
		{"list_tasks", []button{
			{"rolebot_actions", ActionLink, "", baseURL, "Voir la page"},
			{"rolebot_actions", ActionShare, "list_tasks:", "", "Partager dans le canal"},
		}},
		{"help", []button{
			{"rolebot_actions", ActionShare, "help:", "", "Partager dans le canal"},
		}},
		{"none", []button{
			{"rolebot_suggestions", ActionOpen, "role:devops", "", "Expert Ops"},
			{"rolebot_suggestions", ActionOpen + ":2", "task:suivi-budgetaire", "", "Suivi budgétaire"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := byName[tt.name]
			got := buttons(t, Card(tc.a, tc.o).Blocks)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("buttons:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPageURL(t *testing.T) {
	tests := []struct {
		base, source, want string
		ok                 bool
	}{
		{"https://doc.example.fr/equipe", "designer.md", "https://doc.example.fr/equipe/designer", true},
		{"https://doc.example.fr/equipe/", "designer.md", "https://doc.example.fr/equipe/designer", true},
		{"https://doc.example.fr/equipe", "README.md", "https://doc.example.fr/equipe", true},
		{"https://doc.example.fr/equipe/", "README.md", "https://doc.example.fr/equipe/", true},
		{"https://doc.example.fr", "roles/README.md", "https://doc.example.fr/roles", true},
		{"https://doc.example.fr", "roles/chef de projet.md", "https://doc.example.fr/roles/chef%20de%20projet", true},
		{"http://localhost:8080/x", "a.md", "http://localhost:8080/x/a", true},
		{"", "designer.md", "", false},
		{"doc.example.fr", "designer.md", "", false},
		{"javascript:alert(1)", "designer.md", "", false},
		{"https://user:pw@doc.example.fr", "designer.md", "", false},
		{"https://doc.example.fr", "", "", false},
		{"https://doc.example.fr", "../secret.md", "", false},
		{"https://doc.example.fr", "/etc/passwd", "", false},
		{"https://doc.example.fr", `a\b.md`, "", false},
	}
	for _, tt := range tests {
		got, ok := pageURL(tt.base, tt.source)
		if got != tt.want || ok != tt.ok {
			t.Errorf("pageURL(%q, %q) = %q, %v; want %q, %v", tt.base, tt.source, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSharedBy(t *testing.T) {
	tests := []struct{ by, want string }{
		{"U024BE7LH", "Partagé par <@U024BE7LH>"},
		{"W123ABC", "Partagé par <@W123ABC>"},
		{"<!channel>", "Partagé par &lt;!channel&gt;"},
		{"U12> <!here", "Partagé par U12&gt; &lt;!here"},
		{"u024be7lh", "Partagé par u024be7lh"},
		{"C024BE7LH", "Partagé par C024BE7LH"},
	}
	for _, tt := range tests {
		m := Card(answer.Answer{Intent: answer.IntentRole, Role: designer()}, CardOptions{SharedBy: tt.by})
		var got string
		for _, b := range m.Blocks {
			if c, ok := b.(*slack.ContextBlock); ok && b.ID() == "rolebot_shared" {
				got = c.ContextElements.Elements[0].(*slack.TextBlockObject).Text
			}
		}
		if got != tt.want {
			t.Errorf("SharedBy %q: %q, want %q", tt.by, got, tt.want)
		}
	}
}

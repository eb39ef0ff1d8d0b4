package reply

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

func TestCardGolden(t *testing.T) {
	for _, tc := range cardCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := Card(tc.a, tc.o)
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			golden(t, "card_"+tc.name, readable(t, m))
		})
	}
}

func TestCardContent(t *testing.T) {
	byName := map[string]cardCase{}
	for _, tc := range cardCases() {
		byName[tc.name] = tc
	}
	tests := []struct {
		name     string
		text     string   // exact Message.Text
		has      []string // lines some block text holds
		hasNot   []string
		blockIDs []string // in this order, exactly
	}{
		{
			name: "role",
			text: "Responsable métier : Le responsable métier porte la politique publique que sert le produit. Il décide des objectifs avec le responsable produit.\nVoir aussi : Incarner la vision",
			has: []string{
				"Responsable métier",
				"Rôle de l'équipe",
				"*Au quotidien*\n• Porter la vision et les objectifs de politique publique.\n• Arbitrer les priorités avec le responsable produit.",
				"*Dans la matrice de responsabilités*\n• *Incarner la vision* : Responsable (porte la politique publique), ne se délègue pas\n" +
					"• *Définir les objectifs et indicateurs produit* : Responsable\n• *Piloter le delivery* : Participe",
				"Aussi appelé : product owner, sponsor",
				"Voir aussi :",
			},
			hasNot:   []string{"🔒", "Partagé par"},
			blockIDs: []string{"rolebot_header", "rolebot_kind", "rolebot_summary", "rolebot_daily", "rolebot_matrix", "rolebot_aliases", "rolebot_alternatives_label", "rolebot_alternatives", "rolebot_actions"},
		},
		{
			name:     "role_shared",
			has:      []string{"Partagé par <@U024BE7LH>", "Aussi appelé : UX designer, UI designer, designeuse"},
			hasNot:   []string{"Dans la matrice", "Partager dans le canal"},
			blockIDs: []string{"rolebot_header", "rolebot_kind", "rolebot_summary", "rolebot_daily", "rolebot_aliases", "rolebot_shared", "rolebot_actions"},
		},
		{
			name:     "role_no_base_url",
			blockIDs: []string{"rolebot_header", "rolebot_kind", "rolebot_summary", "rolebot_daily", "rolebot_aliases"},
		},
		{
			name: "task",
			text: "Incarner la vision : Responsable métier (responsable), Responsable produit (co-responsable)",
			has: []string{
				"• *Responsable métier* : Responsable (porte la politique publique), ne se délègue pas\n" +
					"• *Responsable produit* : Co-responsable (porte le produit numérique), ne se délègue pas",
				Legend,
			},
			hasNot:   []string{"🔒", noOwner},
			blockIDs: []string{"rolebot_header", "rolebot_owners", "rolebot_legend", "rolebot_actions"},
		},
		{
			name:     "task_no_owner",
			text:     "Suivi budgétaire : la page de l'équipe ne désigne personne pour cette tâche.",
			has:      []string{"La page de l'équipe ne désigne personne pour cette tâche."},
			hasNot:   []string{Legend, "Responsable ("},
			blockIDs: []string{"rolebot_header", "rolebot_owners", "rolebot_actions"},
		},
		{
			name: "list_roles",
			text: "Les rôles de l'équipe : Responsable métier, Designer, Coach produit, Expert accessibilité.",
			has: []string{
				"Les rôles de l'équipe",
				"*Rôles de l'équipe*\n• *Responsable métier* : Le responsable métier porte la politique publique.\n" +
					"• *Designer* : Le designer conçoit un service utile.\n• *Coach produit* (aussi soutien expert) : Le coach accompagne l'équipe.",
				"*Soutiens experts*\n• *Expert accessibilité* : L'expert audite le RGAA &amp; conseille.",
			},
			blockIDs: []string{"rolebot_header", "rolebot_core_roles", "rolebot_expert_roles", "rolebot_roles_label", "rolebot_roles", "rolebot_actions"},
		},
		{
			name: "list_tasks",
			text: "Qui fait quoi :\n• Incarner la vision : Responsable métier (responsable), Responsable produit (co-responsable)\n" +
				"• Piloter le delivery : Responsable métier (participe), Responsable produit (responsable)\n" +
				"• Suivi budgétaire : la page de l'équipe ne désigne personne pour cette tâche.",
			has: []string{
				"*Incarner la vision*\n• Responsable métier : Responsable (porte la politique publique), ne se délègue pas\n" +
					"• Responsable produit : Co-responsable (porte le produit numérique), ne se délègue pas\n\n" +
					"*Piloter le delivery*\n• Responsable métier : Participe\n• Responsable produit : Responsable",
				"*Sans responsable désigné sur la page de l'équipe*\n• Suivi budgétaire",
				Legend,
			},
			blockIDs: []string{"rolebot_header", "rolebot_tasks", "rolebot_unowned_tasks", "rolebot_legend", "rolebot_actions"},
		},
		{
			name: "help",
			has: []string{"Je réponds aux questions sur les rôles de l'équipe produit et sur qui fait quoi.\n*Exemples :*\n" +
				"• `/role designer`\n• `/role qui porte la vision ?`"},
			blockIDs: []string{"rolebot_header", "rolebot_help", "rolebot_actions"},
		},
		{
			name: "none",
			text: "Je n'ai rien trouvé sur « cantine » dans les pages de l'équipe. Vouliez-vous dire : Expert Ops, Suivi budgétaire ?",
			has: []string{
				"Je n'ai rien trouvé sur « cantine » dans les pages de l'équipe.",
				"Vouliez-vous dire :",
				hint,
			},
			hasNot:   []string{"Partager dans le canal"},
			blockIDs: []string{"rolebot_not_found", "rolebot_suggestions_label", "rolebot_suggestions", "rolebot_hint"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := byName[tt.name]
			m := Card(tc.a, tc.o)
			if tt.text != "" && m.Text != tt.text {
				t.Errorf("Text:\n got %q\nwant %q", m.Text, tt.text)
			}
			texts := allText(t, m.Blocks)
			for _, s := range tt.has {
				if !strings.Contains(texts, s) {
					t.Errorf("no block says %q in:\n%s", s, texts)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(texts, s) || strings.Contains(m.Text, s) {
					t.Errorf("the card says %q", s)
				}
			}
			var ids []string
			for _, b := range m.Blocks {
				ids = append(ids, b.ID())
			}
			if strings.Join(ids, " ") != strings.Join(tt.blockIDs, " ") {
				t.Errorf("block ids:\n got %v\nwant %v", ids, tt.blockIDs)
			}
		})
	}
}

func TestActionName(t *testing.T) {
	for in, want := range map[string]string{
		"rolebot_open": ActionOpen, "rolebot_open:12": ActionOpen, "rolebot_share": ActionShare,
		"rolebot_link:3": ActionLink, "": "", "other": "other",
	} {
		if got := ActionName(in); got != want {
			t.Errorf("ActionName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCardNeverEmpty(t *testing.T) {
	// Degenerate answers still give a valid message.
	for _, a := range []answer.Answer{
		{},
		{Intent: answer.IntentRole},
		{Intent: answer.IntentRole, Role: &answer.Role{}},
		{Intent: answer.IntentTask, Task: &answer.Task{}},
		{Intent: answer.IntentListRoles},
		{Intent: answer.IntentListTasks},
		{Intent: answer.IntentNone, Query: "   \n "},
		{Intent: answer.IntentRole, Role: &answer.Role{ID: "x", Title: " \n ", Responsibilities: []string{"", " "}, Aliases: []string{""}}},
	} {
		m := Card(a, CardOptions{Shareable: true, SharedBy: " "})
		checkMessage(t, m)
		checkRoundTrip(t, m.Blocks)
	}
}

// BenchmarkCard measures a card's assembly and the marshalling slack-go
// then does: both run for every answer the bot posts.
func BenchmarkCard(b *testing.B) {
	for _, tc := range cardCases() {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				m := Card(tc.a, tc.o)
				if _, err := json.Marshal(m.Blocks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestCardContentVersion(t *testing.T) {
	a := answer.Answer{Intent: answer.IntentHelp}
	find := func(m Message) string {
		for _, b := range m.Blocks {
			if cb, ok := b.(*slack.ContextBlock); ok && cb.BlockID == blockVersion {
				for _, e := range cb.ContextElements.Elements {
					if txt, ok := e.(*slack.TextBlockObject); ok {
						return txt.Text
					}
				}
			}
		}
		return ""
	}
	if got := find(Card(a, CardOptions{Command: "/role", ContentVersion: "3f2a9c1b7d4e"})); got != "Contenu : version 3f2a9c1b7d4e" {
		t.Fatalf("footer %q", got)
	}
	if got := find(Card(a, CardOptions{Command: "/role"})); got != "" {
		t.Fatalf("footer without a version: %q", got)
	}
}

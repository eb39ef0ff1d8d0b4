package reply

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const baseURL = "https://doc.example.gouv.fr/equipe-produit"

// Answers as the search package gives them for the team's real pages.

func responsableMetier() *answer.Role {
	return &answer.Role{
		ID:      "responsable-metier",
		Title:   "Responsable métier",
		Summary: "Le responsable métier porte la politique publique que sert le produit. Il décide des objectifs avec le responsable produit.",
		Source:  "responsable-metier.md",
		Aliases: []string{"product owner", "sponsor"},
		Core:    true,
		Responsibilities: []string{
			"Porter la vision et les objectifs de politique publique.",
			"Arbitrer les priorités avec le responsable produit.",
		},
		ResponsibilitiesFrom: "Au quotidien",
		Tasks: []answer.RoleTask{
			{ID: "incarner-la-vision", Title: "Incarner la vision", Level: team.Responsable, Note: "porte la politique publique", Locked: true},
			{ID: "definir-les-objectifs-et-indicateurs-produit", Title: "Définir les objectifs et indicateurs produit", Level: team.Responsable},
			{ID: "piloter-le-delivery", Title: "Piloter le delivery", Level: team.Participe},
		},
	}
}

func designer() *answer.Role {
	return &answer.Role{
		ID:      "designer",
		Title:   "Designer",
		Summary: "Le designer conçoit avec l'équipe un service utile, utilisable, inclusif et simple. Il fait tester.",
		Source:  "designer.md",
		Aliases: []string{"UX designer", "UI designer", "designeuse"},
		Core:    true,
		Responsibilities: []string{
			"Analyser et synthétiser les besoins : entretiens, observation, personas.",
			"Réaliser maquettes et prototypes interactifs.",
		},
		ResponsibilitiesFrom: "Au quotidien",
		Tasks:                []answer.RoleTask{},
	}
}

func visionTask() *answer.Task {
	return &answer.Task{
		ID: "incarner-la-vision", Title: "Incarner la vision", Origin: team.FromMatrix, Source: "README.md",
		Owners: []answer.Owner{
			{Role: "responsable-metier", Title: "Responsable métier", Level: team.Responsable, Note: "porte la politique publique", Locked: true},
			{Role: "responsable-produit", Title: "Responsable produit", Level: team.CoResponsable, Note: "porte le produit numérique", Locked: true},
		},
	}
}

func deliveryTask() answer.Task {
	return answer.Task{
		ID: "piloter-le-delivery", Title: "Piloter le delivery", Details: "prioriser le backlog, initialiser les US, réaliser les tests, démos",
		Origin: team.FromMatrix, Source: "README.md",
		Owners: []answer.Owner{
			{Role: "responsable-metier", Title: "Responsable métier", Level: team.Participe},
			{Role: "responsable-produit", Title: "Responsable produit", Level: team.Responsable},
		},
	}
}

func budgetTask() *answer.Task {
	return &answer.Task{ID: "suivi-budgetaire", Title: "Suivi budgétaire", Origin: team.FromOther, Source: "README.md", Owners: []answer.Owner{}}
}

func teamRoles() []answer.Role {
	return []answer.Role{
		{ID: "responsable-metier", Title: "Responsable métier", Summary: "Le responsable métier porte la politique publique. Il décide.", Source: "responsable-metier.md", Core: true},
		{ID: "designer", Title: "Designer", Summary: "Le designer conçoit un service utile. Il fait tester.", Source: "designer.md", Core: true},
		{ID: "coach-produit", Title: "Coach produit", Summary: "Le coach accompagne l'équipe.", Source: "coach-produit.md", Core: true, Expert: true},
		{ID: "expert-accessibilite", Title: "Expert accessibilité", Summary: "L'expert audite le RGAA & conseille. Il forme.", Source: "expert-accessibilite.md", Expert: true},
	}
}

func teamTasks() []answer.Task {
	return []answer.Task{*visionTask(), deliveryTask(), *budgetTask()}
}

type cardCase struct {
	name string
	a    answer.Answer
	o    CardOptions
}

func cardCases() []cardCase {
	preview := CardOptions{BaseURL: baseURL, Command: "/role", Shareable: true}
	return []cardCase{
		{"role", answer.Answer{Query: "responsable métier", Intent: answer.IntentRole, Role: responsableMetier(),
			Alternatives: []answer.Ref{{Intent: answer.IntentTask, ID: "incarner-la-vision", Title: "Incarner la vision"}}}, preview},
		{"role_shared", answer.Answer{Query: "designer", Intent: answer.IntentRole, Role: designer()},
			CardOptions{BaseURL: baseURL, Command: "/role", SharedBy: "U024BE7LH"}},
		{"role_no_base_url", answer.Answer{Query: "designer", Intent: answer.IntentRole, Role: designer()}, CardOptions{Command: "/role"}},
		{"task", answer.Answer{Query: "qui porte la vision ?", Intent: answer.IntentTask, Task: visionTask()}, preview},
		{"task_no_owner", answer.Answer{Query: "suivi budgétaire", Intent: answer.IntentTask, Task: budgetTask()}, preview},
		{"list_roles", answer.Answer{Query: "liste des rôles", Intent: answer.IntentListRoles, Roles: teamRoles()}, preview},
		{"list_tasks", answer.Answer{Query: "qui fait quoi ?", Intent: answer.IntentListTasks, Tasks: teamTasks()}, preview},
		{"help", answer.Answer{Query: "aide", Intent: answer.IntentHelp}, preview},
		{"none", answer.Answer{Query: "cantine", Intent: answer.IntentNone, Suggestions: []answer.Ref{
			{Intent: answer.IntentRole, ID: "devops", Title: "Expert Ops"},
			{Intent: answer.IntentTask, ID: "suivi-budgetaire", Title: "Suivi budgétaire"},
		}}, preview},
	}
}

// marshal is the JSON slack-go sends.
func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// readable is JSON without "\u003c" escapes, to look for "<!" in it.
func readable(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	if err := e.Encode(v); err != nil {
		t.Fatalf("encode: %v", err)
	}
	return buf.String()
}

func golden(t *testing.T, name string, got string) {
	t.Helper()
	file := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/reply -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run with -update if the change is meant):\n%s", name, file, got)
	}
}

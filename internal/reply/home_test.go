package reply

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

func homeLimits() limits { return limits{blocks: 100, json: 24000} }

// checkHome asserts the limits of a Home tab and that it survives
// views.publish's JSON and slack-go's parsing.
func checkHome(t *testing.T, v slack.HomeTabViewRequest) {
	t.Helper()
	if v.Type != slack.VTHomeTab || v.CallbackID != HomeCallbackID {
		t.Errorf("view type %q, callback id %q", v.Type, v.CallbackID)
	}
	checkBlocks(t, v.Blocks.BlockSet, homeLimits())
	checkRoundTrip(t, v.Blocks.BlockSet)
	raw := marshal(t, v)
	var back slack.HomeTabViewRequest
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("unmarshal view: %v", err)
	}
	if again := marshal(t, back); string(again) != string(raw) {
		t.Errorf("view round trip changed it:\n got %s\nwant %s", again, raw)
	}
}

func TestHomeGolden(t *testing.T) {
	tests := []struct {
		name string
		o    CardOptions
	}{
		{"home", CardOptions{BaseURL: baseURL, Command: "/role"}},
		{"home_no_base_url", CardOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Home(teamRoles(), teamTasks(), tt.o)
			checkHome(t, v)
			golden(t, tt.name, readable(t, v))
		})
	}
}

func TestHomeContent(t *testing.T) {
	v := Home(teamRoles(), teamTasks(), CardOptions{BaseURL: baseURL, Command: "/role"})
	var ids []string
	for _, b := range v.Blocks.BlockSet {
		ids = append(ids, b.ID())
	}
	want := []string{
		"rolebot_home_intro", "rolebot_home_divider_1", "rolebot_home_roles_header",
		"rolebot_home_core_title", "rolebot_home_core_1", "rolebot_home_core_2", "rolebot_home_core_3",
		"rolebot_home_experts_title", "rolebot_home_experts_1",
		"rolebot_home_divider_2", "rolebot_home_tasks_header", "rolebot_home_tasks", "rolebot_home_unowned", "rolebot_home_legend",
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("block ids:\n got %v\nwant %v", ids, want)
	}
	texts := allText(t, v.Blocks.BlockSet)
	for _, s := range []string{
		"• `/role qui porte la vision ?`",
		"Les rôles de l'équipe",
		"*Designer*\nLe designer conçoit un service utile.",
		"*Coach produit* (aussi soutien expert)\nLe coach accompagne l'équipe.",
		"*Soutiens experts*",
		"*Expert accessibilité*\nL'expert audite le RGAA &amp; conseille.",
		"*Incarner la vision*\n• Responsable métier : Responsable (porte la politique publique), ne se délègue pas",
		"*Sans responsable désigné sur la page de l'équipe*\n• Suivi budgétaire",
		Legend,
	} {
		if !strings.Contains(texts, s) {
			t.Errorf("the Home tab does not say %q in:\n%s", s, texts)
		}
	}
	got := fmt.Sprint(buttons(t, v.Blocks.BlockSet))
	wantButtons := fmt.Sprint([]button{
		{"rolebot_home_core_1", ActionLink, "", baseURL + "/responsable-metier", "Voir la page"},
		{"rolebot_home_core_2", ActionLink + ":2", "", baseURL + "/designer", "Voir la page"},
		{"rolebot_home_core_3", ActionLink + ":3", "", baseURL + "/coach-produit", "Voir la page"},
		{"rolebot_home_experts_1", ActionLink + ":4", "", baseURL + "/expert-accessibilite", "Voir la page"},
	})
	if got != wantButtons {
		t.Errorf("buttons:\n got %s\nwant %s", got, wantButtons)
	}
	// Without a base URL there is nothing to click.
	if b := buttons(t, Home(teamRoles(), teamTasks(), CardOptions{}).Blocks.BlockSet); len(b) != 0 {
		t.Errorf("buttons without a base URL: %v", b)
	}
}

func TestHomeEscapesEverything(t *testing.T) {
	var roles []answer.Role
	var tasks []answer.Task
	for _, a := range hostileAnswers() {
		roles = append(roles, a.Roles...)
		tasks = append(tasks, a.Tasks...)
		if a.Task != nil {
			tasks = append(tasks, *a.Task)
		}
	}
	v := Home(roles, tasks, CardOptions{BaseURL: baseURL, Command: hostile})
	checkHome(t, v)
	s := allStrings(t, v)
	assertNoMarkup(t, "home", s)
	if !strings.Contains(s, "&lt;!channel&gt;") {
		t.Error("the hostile words vanished instead of being escaped")
	}
}

func TestHomeHugeStaysWithinLimits(t *testing.T) {
	var roles []answer.Role
	var tasks []answer.Task
	for _, a := range huge() {
		roles = append(roles, a.Roles...)
		tasks = append(tasks, a.Tasks...)
	}
	if len(roles) < 300 || len(tasks) < 300 {
		t.Fatalf("huge gave %d roles, %d tasks", len(roles), len(tasks))
	}
	v := Home(roles, tasks, CardOptions{BaseURL: baseURL, Command: "/role"})
	checkHome(t, v)
	texts := allText(t, v.Blocks.BlockSet)
	for _, s := range []string{"autres rôles", "autres tâches"} {
		if !strings.Contains(texts, s) {
			t.Errorf("a cut list does not say how many were left out (%q)", s)
		}
	}
	// Both halves get room: the matrix is not crowded out by the roles.
	ids := map[string]bool{}
	for _, b := range v.Blocks.BlockSet {
		ids[b.ID()] = true
	}
	for _, id := range []string{"rolebot_home_intro", "rolebot_home_core_1", "rolebot_home_experts_1", "rolebot_home_tasks", "rolebot_home_legend"} {
		if !ids[id] {
			t.Errorf("block %s was dropped", id)
		}
	}
	t.Logf("%d blocks, %d bytes", len(v.Blocks.BlockSet), len(marshal(t, v.Blocks.BlockSet)))
}

func TestHomeEmpty(t *testing.T) {
	v := Home(nil, nil, CardOptions{})
	checkHome(t, v)
	texts := allText(t, v.Blocks.BlockSet)
	for _, s := range []string{"aucun rôle", "aucune tâche"} {
		if !strings.Contains(texts, s) {
			t.Errorf("empty Home does not say %q", s)
		}
	}
}

package reply

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

func TestShorten(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"court", 10, "court"},
		{"exactement", 10, "exactement"},
		{"un peu trop long", 10, "un peu tr…"},
		{"éééééé", 4, "ééé…"},
		{"a &amp; b", 4, "a…"},           // never half an entity
		{"a &lt;b&gt; c", 9, "a &lt;b…"}, // entities before the cut stay whole
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := shorten(tt.s, tt.max); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
		if utf8.RuneCountInString(shorten(tt.s, tt.max)) > tt.max {
			t.Errorf("shorten(%q, %d) is too long", tt.s, tt.max)
		}
	}
}

// hostile holds what a user or a page could write to ping people or hide a
// link: none of it may reach Slack as markup.
const hostile = "<!channel> <!here> <@U123> <https://evil|x> & <#C1>"

func hostileAnswers() []answer.Answer {
	role := &answer.Role{
		ID: "designer", Title: "Designer " + hostile, Summary: "Résumé " + hostile, Source: "designer.md",
		Aliases: []string{hostile, "alias"}, Core: true, Expert: true,
		Responsibilities: []string{"Faire " + hostile},
		Tasks:            []answer.RoleTask{{ID: "t", Title: "Tâche " + hostile, Level: team.Level(hostile), Note: "note " + hostile, Locked: true}},
	}
	task := &answer.Task{
		ID: "t", Title: "Tâche " + hostile, Details: "détails " + hostile, Source: "README.md",
		Owners: []answer.Owner{{Role: "designer", Title: "Designer " + hostile, Level: team.Responsable, Note: "note " + hostile}},
	}
	refs := []answer.Ref{{Intent: answer.IntentRole, ID: "designer", Title: hostile}, {Intent: answer.IntentTask, ID: "t", Title: "Tâche " + hostile}}
	return []answer.Answer{
		{Query: hostile, Intent: answer.IntentRole, Role: role, Alternatives: refs},
		{Query: hostile, Intent: answer.IntentTask, Task: task, Alternatives: refs},
		{Query: hostile, Intent: answer.IntentListRoles, Roles: []answer.Role{*role, {ID: "x", Title: hostile, Summary: hostile, Expert: true}}},
		{Query: hostile, Intent: answer.IntentListTasks, Tasks: []answer.Task{*task, {ID: "u", Title: hostile}}},
		{Query: hostile, Intent: answer.IntentHelp},
		{Query: hostile, Intent: answer.IntentNone, Suggestions: refs},
		{Query: hostile, Intent: hostile},
	}
}

func TestCardEscapesEverything(t *testing.T) {
	const me = "U0ROLEBOT1"
	for _, a := range hostileAnswers() {
		for _, o := range []CardOptions{
			{BaseURL: baseURL, Command: "/role " + hostile, Shareable: true, SharedBy: me},
			{Command: hostile, SharedBy: hostile},
		} {
			m := Card(a, o)
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			assertNoMarkup(t, string(a.Intent)+" blocks", allStrings(t, m.Blocks), "<@"+me+">")
			assertNoMarkup(t, string(a.Intent)+" text", m.Text)
			if !strings.Contains(allStrings(t, m.Blocks)+m.Text, "&lt;!channel&gt;") && a.Intent != answer.IntentHelp {
				t.Errorf("%s: the hostile words vanished instead of being escaped", a.Intent)
			}
		}
	}
}

package reply

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

// huge is an answer no page should ever give, to show that every limit holds.
func huge() []answer.Answer {
	long := func(prefix string, n int) string {
		return prefix + " " + strings.Repeat("très long texte avec des accents é & <des chevrons> ", n/50)
	}
	var resp, aliases []string
	var rows []answer.RoleTask
	var owners []answer.Owner
	var refs []answer.Ref
	var roles []answer.Role
	var tasks []answer.Task
	for i := 0; i < 300; i++ {
		resp = append(resp, long(fmt.Sprintf("Responsabilité %d", i), 400))
		aliases = append(aliases, long(fmt.Sprintf("alias %d", i), 100))
		rows = append(rows, answer.RoleTask{ID: fmt.Sprintf("tache-%d", i), Title: long("Tâche", 300), Level: team.CoResponsable, Note: long("note", 200), Locked: true})
		owners = append(owners, answer.Owner{Role: fmt.Sprintf("role-%d", i), Title: long("Rôle", 200), Level: team.Participe, Note: long("note", 200)})
		refs = append(refs, answer.Ref{Intent: answer.IntentRole, ID: fmt.Sprintf("role-%d", i), Title: long("Rôle", 300)})
		roles = append(roles, answer.Role{ID: fmt.Sprintf("role-%d", i), Title: long("Rôle", 400), Summary: long("Résumé", 2000), Source: fmt.Sprintf("role-%d.md", i), Core: i%2 == 0, Expert: i%3 == 0})
		task := answer.Task{ID: fmt.Sprintf("tache-%d", i), Title: long("Tâche", 400), Details: long("détails", 500), Source: "README.md"}
		if i%4 != 0 {
			task.Owners = owners[max(0, i-20):i]
		}
		tasks = append(tasks, task)
	}
	role := &answer.Role{ID: "designer", Title: long("Designer", 1000), Summary: long("Résumé", 10000), Source: "designer.md",
		Aliases: aliases, Core: true, Expert: true, Responsibilities: resp, Tasks: rows}
	task := &answer.Task{ID: "piloter-le-delivery", Title: long("Piloter", 1000), Details: long("détails", 10000), Source: "README.md", Owners: owners}
	return []answer.Answer{
		{Query: long("question", 5000), Intent: answer.IntentRole, Role: role, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentTask, Task: task, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentTask, Task: &answer.Task{ID: "x", Title: long("Sans", 1000), Details: long("d", 10000)}, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentListRoles, Roles: roles, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentListTasks, Tasks: tasks, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentHelp, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentNone, Suggestions: refs, Alternatives: refs},
	}
}

func TestCardHugeAnswerStaysWithinLimits(t *testing.T) {
	for _, a := range huge() {
		t.Run(string(a.Intent), func(t *testing.T) {
			m := Card(a, CardOptions{BaseURL: baseURL + "/" + strings.Repeat("x", 500), Command: "/role", Shareable: true, SharedBy: "U024BE7LH"})
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			assertNoMarkup(t, "blocks", allStrings(t, m.Blocks), "<@U024BE7LH>")
			// What matters most survives: the title, the share button.
			ids := map[string]bool{}
			for _, b := range m.Blocks {
				ids[b.ID()] = true
			}
			if a.Intent != answer.IntentNone && (!ids["rolebot_header"] || !ids["rolebot_actions"]) {
				t.Errorf("header or actions dropped: %v", ids)
			}
			if len(a.Alternatives) > 0 && a.Intent != answer.IntentListRoles && a.Intent != answer.IntentListTasks && !ids["rolebot_alternatives"] {
				t.Errorf("the alternatives were crowded out: %v", ids)
			}
			if a.Intent == answer.IntentNone && !ids["rolebot_not_found"] {
				t.Errorf("the not-found line was dropped: %v", ids)
			}
			// Lists that were cut say so.
			if (a.Intent == answer.IntentListTasks || a.Intent == answer.IntentListRoles) && !strings.Contains(allText(t, m.Blocks), "… et ") {
				t.Error("a list was cut without saying how many items were left out")
			}
			t.Logf("%d blocks, %d bytes", len(m.Blocks), len(marshal(t, m.Blocks)))
		})
	}
}

// TestComposerAccountsExactly: the bytes the composer counts as used are
// the bytes the blocks marshal to, so that limits hold with nothing wasted,
// whether a part's size was marshalled or computed from its text.
func TestComposerAccountsExactly(t *testing.T) {
	opts := CardOptions{BaseURL: baseURL, Command: "/role", Shareable: true}
	var answers []answer.Answer
	for _, tc := range cardCases() {
		answers = append(answers, tc.a)
	}
	answers = append(answers, huge()...)
	for _, budget := range []int{maxMessageJSON, 3000, 800} {
		for _, a := range answers {
			c := newComposer(slotCount, maxBlocks, budget)
			fill(c, a, opts)
			blocks := c.result()
			if len(blocks) == 0 {
				continue
			}
			if got, used := len(marshal(t, blocks)), budget-c.bytes; got != used {
				t.Errorf("%s, budget %d: blocks marshal to %d bytes, the composer counted %d", a.Intent, budget, got, used)
			}
		}
	}
}

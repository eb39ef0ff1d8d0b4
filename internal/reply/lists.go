package reply

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

func listRolesCard(c *composer, a answer.Answer, o CardOptions) {
	c.header(slotHeader, blockHeader, titleListRoles)
	c.shared(o)
	c.actions(a, o, "README.md")
	if len(a.Roles) == 0 {
		c.fitSection(slotBody1, blockCore, "Les pages de l'équipe ne décrivent aucun rôle.", maxSectionText)
	}
	core, experts := roleItems(a.Roles, o.People)
	c.unavailableNote(o.People)
	forExperts := c.hold(c.bytes/3, 1)
	c.list(slotBody1, blockCore, headCore, core, "\n", 2, moreRoles)
	forExperts()
	c.list(slotBody2, blockExperts, headExperts, experts, "\n", 2, moreRoles)
	c.alternatives(a.Alternatives)

	// One button per role opens its card; a list of roles is short, and
	// the buttons go first when room runs out.
	var buttons []slack.BlockElement
	for _, r := range a.Roles {
		if b := c.refButton(answer.Ref{Intent: answer.IntentRole, ID: r.ID, Title: r.Title}); b != nil {
			buttons = append(buttons, b)
		}
		if len(buttons) == maxActionElements {
			break
		}
	}
	c.buttons(slotBody3, blockRoleLabel, "Ouvrir la fiche d'un rôle :", c.followBlockID(blockRoleButtons), buttons)
}

func listTasksCard(c *composer, a answer.Answer, o CardOptions) {
	c.header(slotHeader, blockHeader, titleListTasks)
	c.shared(o)
	c.actions(a, o, "README.md")
	owned, unowned := taskItems(a.Tasks, o.People)
	if len(owned) > 0 {
		c.context(slotFooter, blockLegend, Legend)
	}
	c.unavailableNote(o.People)
	if len(a.Tasks) == 0 {
		c.fitSection(slotBody1, blockTasks, "Les pages de l'équipe ne décrivent aucune tâche.", maxSectionText)
	}
	forUnowned := c.hold(c.bytes/4, 1)
	c.list(slotBody1, blockTasks, "", owned, "\n\n", 8, moreTasks)
	forUnowned()
	c.list(slotBody2, blockUnowned, headUnowned, unowned, "\n", 2, moreTasks)
	c.alternatives(a.Alternatives)
}

// roleItems lists roles as bullets with their summary's first sentence,
// core roles apart from expert supports. A role that is neither is a role
// of the team, as kind says. With p, each role says who holds it, by name.
func roleItems(roles []answer.Role, p *People) (core, experts []string) {
	for _, r := range roles {
		item := "• *" + esc(titleOr(r.Title, r.ID)) + "*"
		if r.Core && r.Expert {
			item += " (aussi soutien expert)"
		}
		item += p.listPeople(r.ID)
		if s := esc(firstSentence(oneLine(r.Summary))); s != "" {
			item += " : " + s
		}
		if !r.Core && r.Expert {
			experts = append(experts, item)
		} else {
			core = append(core, item)
		}
	}
	return core, experts
}

// taskItems lists the tasks some role owns, each with its owners in words,
// and apart the tasks the page gives no owner. With p, each owner says who
// holds the role, by name.
func taskItems(tasks []answer.Task, p *People) (owned, unowned []string) {
	for _, t := range tasks {
		title := esc(titleOr(t.Title, t.ID))
		if len(t.Owners) == 0 {
			unowned = append(unowned, "• "+title)
			continue
		}
		lines := []string{"*" + title + "*"}
		for _, ow := range t.Owners {
			lines = append(lines, "• "+esc(titleOr(ow.Title, ow.Role))+" : "+levelWords(ow.Level, ow.Note, ow.Locked)+p.listPeople(ow.Role))
		}
		owned = append(owned, strings.Join(lines, "\n"))
	}
	return owned, unowned
}

func moreItems(n int) string { return "• … et " + plural(n, "autre", "autres") }
func moreRows(n int) string  { return "• … et " + plural(n, "autre ligne", "autres lignes") }
func moreRoles(n int) string { return "• … et " + plural(n, "autre rôle", "autres rôles") }
func moreTasks(n int) string { return "• … et " + plural(n, "autre tâche", "autres tâches") }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

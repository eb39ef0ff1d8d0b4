package reply

import (
	"strconv"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

// HomeCallbackID identifies the Home tab in the block actions it sends.
const HomeCallbackID = "rolebot_home"

const (
	// maxHomeBlocks is Slack's limit for a view.
	maxHomeBlocks = 100
	// maxHomeJSON: Slack documents no size limit for a view; rolebot keeps
	// its Home tab within twice a message's, as a guard.
	maxHomeJSON = 24000
	// maxHomeRoleText keeps each role of the Home tab to a few lines.
	maxHomeRoleText = 500
)

// Display order of the Home tab.
const (
	homeIntro = iota
	homeTeams
	homeDivider1
	homeRolesHeader
	homeCore
	homeExperts
	homeDivider2
	homeTasksHeader
	homeOwned
	homeUnowned
	homeLegend
	homeSlots
)

// Home renders the Home tab (views.publish): how to ask, the roles with a
// link to their page, then the matrix in words. Like Card, it stays within
// Slack's limits however long the pages are, and escapes all content. Only
// o.BaseURL and o.Command matter here.
func Home(roles []answer.Role, tasks []answer.Task, o CardOptions) slack.HomeTabViewRequest {
	return home(roles, tasks, nil, o)
}

// MyTeams is the Home tab's "Mes équipes": the channels where the user holds
// a role.
type MyTeams struct {
	Channels []ChannelRoles
	// Unavailable means the teams could not be read.
	Unavailable bool
}

// HomeWithTeams is Home with "Mes équipes" under the help.
func HomeWithTeams(roles []answer.Role, tasks []answer.Task, mine MyTeams, o CardOptions) slack.HomeTabViewRequest {
	return home(roles, tasks, &mine, o)
}

func home(roles []answer.Role, tasks []answer.Task, mine *MyTeams, o CardOptions) slack.HomeTabViewRequest {
	c := newComposer(homeSlots, maxHomeBlocks, maxHomeJSON)
	c.fitSection(homeIntro, "rolebot_home_intro", helpMrkdwn(o.Command), maxSectionText)
	if mine != nil {
		// Bounded to two sections, placed before the long lists.
		c.myTeams(homeTeams, mine.Channels, mine.Unavailable)
	}
	c.put(homeDivider1, divider("rolebot_home_divider_1"))
	c.header(homeRolesHeader, "rolebot_home_roles_header", titleListRoles)
	c.put(homeDivider2, divider("rolebot_home_divider_2"))
	c.header(homeTasksHeader, "rolebot_home_tasks_header", titleListTasks)
	owned, unowned := taskItems(tasks, nil)
	if len(owned) > 0 {
		c.context(homeLegend, "rolebot_home_legend", Legend)
	}

	var core, experts []answer.Role
	for _, r := range roles {
		if !r.Core && r.Expert {
			experts = append(experts, r)
		} else {
			core = append(core, r)
		}
	}
	if len(roles) == 0 {
		c.fitSection(homeCore, "rolebot_home_no_roles", "Les pages de l'équipe ne décrivent aucun rôle.", maxSectionText)
	}
	// Each part keeps room when the pages are huge: half for the matrix, a
	// share of the roles' half for the expert supports, and of the matrix's
	// for the tasks without owner.
	forMatrix := c.hold(c.bytes/2, c.blocks/2)
	forExperts := c.hold(c.bytes/3, c.blocks/3)
	c.roleSections(homeCore, "rolebot_home_core", headCore, core, o)
	forExperts()
	c.roleSections(homeExperts, "rolebot_home_experts", headExperts, experts, o)
	forMatrix()

	if len(tasks) == 0 {
		c.fitSection(homeOwned, "rolebot_home_no_tasks", "Les pages de l'équipe ne décrivent aucune tâche.", maxSectionText)
	}
	forUnowned := c.hold(c.bytes/4, 2)
	c.list(homeOwned, "rolebot_home_tasks", "", owned, "\n\n", 40, moreTasks)
	forUnowned()
	c.list(homeUnowned, "rolebot_home_unowned", headUnowned, unowned, "\n", 4, moreTasks)

	return slack.HomeTabViewRequest{
		Type:       slack.VTHomeTab,
		Blocks:     slack.Blocks{BlockSet: c.result()},
		CallbackID: HomeCallbackID,
	}
}

func divider(id string) *slack.DividerBlock {
	d := slack.NewDividerBlock()
	d.BlockID = id
	return d
}

// roleSections gives each role its own section, with a button to its page
// when there is one, under a heading. The roles that do not fit are counted
// in a last line.
func (c *composer) roleSections(slot int, id, heading string, roles []answer.Role, o CardOptions) {
	if len(roles) == 0 {
		return
	}
	// Keep room for the line that says how many roles were left out.
	more := slack.NewContextBlock(id+"_more", mrkdwnObject(moreRoles(len(roles))))
	reserve := cost([]slack.Block{more})
	if c.blocks < 2 || c.bytes < reserve {
		return
	}
	c.blocks--
	c.bytes -= reserve

	placed := 0
	for i, r := range roles {
		text := "*" + esc(titleOr(r.Title, r.ID)) + "*"
		if r.Core && r.Expert {
			text += " (aussi soutien expert)"
		}
		if s := esc(firstSentence(oneLine(r.Summary))); s != "" {
			text += "\n" + s
		}
		b := sectionBlock(id+"_"+strconv.Itoa(i+1), shorten(text, maxHomeRoleText))
		if u, ok := pageURL(o.BaseURL, r.Source); ok && r.Source != "" {
			link := slack.NewButtonBlockElement(c.actionID(ActionLink), "", plainObject("Voir la page")).WithURL(u)
			link.AccessibilityLabel = shorten("Voir la page "+esc(titleOr(r.Title, r.ID)), maxButtonText)
			b.Accessory = slack.NewAccessory(link)
		}
		blks := []slack.Block{b}
		if i == 0 {
			blks = []slack.Block{sectionBlock(id+"_title", heading), b}
		}
		if !c.put(slot, blks...) {
			break
		}
		placed++
	}

	c.blocks++
	c.bytes += reserve
	if placed < len(roles) && placed > 0 {
		more.ContextElements.Elements[0] = mrkdwnObject(moreRoles(len(roles) - placed))
		c.put(slot, more)
	}
}

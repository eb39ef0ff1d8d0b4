package reply

import (
	"strings"

	"github.com/slack-go/slack"
)

// TeamRole is one role of a channel's team: the role of the content and who
// holds it there.
type TeamRole struct {
	ID    string
	Title string
	// People are Slack user ids.
	People []string
}

// TeamView is a channel's team as `/role équipe` shows it.
type TeamView struct {
	// Channel is the channel's id.
	Channel string
	// Roles are every role of the content, in the content's order.
	Roles []TeamRole
	// CanEdit offers the button "Modifier l'équipe".
	CanEdit bool
	// Refusal, when set, says why the asker may not edit (in French).
	Refusal string
	// Unavailable means the team could not be read.
	Unavailable bool
}

// Texts of the team card and modal.
const (
	titleTeam        = "L'équipe de ce canal"
	teamEmpty        = "Personne n'est encore nommé dans ce canal."
	teamUnavailable  = "L'équipe de ce canal est momentanément indisponible. Réessayez dans un instant."
	headUnheld       = "*Sans personne nommée*"
	modalTitle       = "Équipe du canal"
	modalSubmit      = "Enregistrer"
	modalClose       = "Annuler"
	modalPlaceholder = "Choisir des personnes"
)

// Block and action ids of the team card and modal.
const (
	blockTeamHeld   = "rolebot_team_held"
	blockTeamUnheld = "rolebot_team_unheld"
	blockTeamNote   = "rolebot_team_note"
	blockTeamIntro  = "rolebot_team_intro"
	blockTeamMore   = "rolebot_team_more"
	// TeamCallbackID is the callback_id of the team's modal.
	TeamCallbackID = "rolebot_team"
	// TeamUsersAction is the action id of every role's users select.
	TeamUsersAction = "users"
	// teamRoleBlock prefixes the block id of a role's input: the role id
	// follows.
	teamRoleBlock = "rolebot_role:"
	// maxModalRoles leaves room in a modal's 100 blocks for its intro and
	// the line saying how many roles did not fit.
	maxModalRoles = 97
	// maxModalLabel is Slack's limit on an input's label.
	maxModalLabel = 2000
	// maxSelectedUsers is Slack's limit on a multi_users_select's choice.
	maxSelectedUsers = 100
)

// TeamRoleBlock is the block id of role's input in the team's modal.
func TeamRoleBlock(role string) string { return teamRoleBlock + role }

// RoleOfBlock returns the role id of a block id of the team's modal.
func RoleOfBlock(blockID string) (string, bool) {
	role, ok := strings.CutPrefix(blockID, teamRoleBlock)
	return role, ok && role != ""
}

// TeamCard renders a channel's team, privately, with the edit button when
// the asker may edit. Mentions are fine here: a private message notifies
// nobody.
func TeamCard(v TeamView) Message {
	c := newComposer(slotCount, maxBlocks, maxMessageJSON-len(`{"text":,"blocks":}`)-2*maxText)
	c.header(slotHeader, blockHeader, titleTeam)
	var held, unheld []string
	for _, r := range v.Roles {
		title := esc(titleOr(r.Title, r.ID))
		if len(r.People) == 0 {
			unheld = append(unheld, title)
			continue
		}
		ms := make([]string, 0, len(r.People))
		for _, u := range r.People {
			if isUserID(u) {
				ms = append(ms, "<@"+u+">")
			}
		}
		held = append(held, "• *"+title+"* : "+strings.Join(ms, ", "))
	}
	var text string
	switch {
	case v.Unavailable:
		text = teamUnavailable
		c.fitSection(slotBody1, blockTeamHeld, teamUnavailable, maxSectionText)
	case len(held) == 0:
		text = teamEmpty
		c.fitSection(slotBody1, blockTeamHeld, teamEmpty, maxSectionText)
	default:
		text = titleTeam + " : " + plural(len(held), "rôle tenu", "rôles tenus") + "."
		c.list(slotBody1, blockTeamHeld, "", held, "\n", 4, moreRoles)
	}
	if !v.Unavailable && len(unheld) > 0 {
		c.fitSection(slotBody2, blockTeamUnheld, headUnheld+" : "+joinWithin(unheld, ", ", maxSectionText-50), maxSectionText)
	}
	switch {
	case v.CanEdit && isChannelID(v.Channel) && !v.Unavailable:
		c.put(slotActions, slack.NewActionBlock(blockTeamEdit, editTeamButton(v.Channel).WithStyle(slack.StylePrimary)))
	case v.Refusal != "":
		c.context(slotFooter, blockTeamNote, esc(v.Refusal))
	}
	return Message{Text: text, Blocks: c.result()}
}

// TeamModal is the modal that edits a channel's team: one users select per
// role, prefilled with who holds it. Its private_metadata is the channel id.
// A modal holds 100 blocks: past maxModalRoles roles, the modal says how many
// it leaves out, and they keep their people.
func TeamModal(channel string, roles []TeamRole) slack.ModalViewRequest {
	blocks := []slack.Block{
		slack.NewContextBlock(blockTeamIntro, mrkdwnObject("Qui tient chaque rôle dans <#"+channel+"> ? Les personnes nommées sont citées dans les réponses de ce canal.")),
	}
	if !isChannelID(channel) {
		blocks = blocks[:0]
	}
	for i, r := range roles {
		if i == maxModalRoles {
			left := len(roles) - i
			blocks = append(blocks, slack.NewContextBlock(blockTeamMore, mrkdwnObject(
				plural(left, "autre rôle ne tient pas", "autres rôles ne tiennent pas")+" dans cette fenêtre : leurs personnes restent inchangées.")))
			break
		}
		el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, plainObject(modalPlaceholder), TeamUsersAction)
		el.InitialUsers = r.People
		if len(el.InitialUsers) > maxSelectedUsers {
			el.InitialUsers = el.InitialUsers[:maxSelectedUsers]
		}
		label := shorten(oneLine(titleOr(r.Title, r.ID)), maxModalLabel)
		in := slack.NewInputBlock(TeamRoleBlock(r.ID), plainObject(label), nil, el)
		in.Optional = true
		blocks = append(blocks, in)
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plainObject(modalTitle),
		Submit:          plainObject(modalSubmit),
		Close:           plainObject(modalClose),
		CallbackID:      TeamCallbackID,
		PrivateMetadata: channel,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// RefusalModal replaces the team's modal when the user may not edit.
func RefusalModal(reason string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plainObject(modalTitle),
		Close:  plainObject("Fermer"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{sectionBlock(blockTeamNote, esc(reason))}},
	}
}

// TeamChange is one change of a team, for the message that announces it.
type TeamChange struct {
	Role  string
	Title string
	// User is who was named or removed; Added tells which.
	User  string
	Added bool
}

// maxChangesSaid bounds the changes one announcement lists.
const maxChangesSaid = 20

// TeamChanges announces in the channel who changed what: "<@Marc> a nommé
// <@Claire> Responsable produit." Mentions are the point here: the people
// named learn it.
func TeamChanges(actor string, changes []TeamChange) Message {
	who := "Quelqu'un"
	if isUserID(actor) {
		who = "<@" + actor + ">"
	}
	var parts []string
	for i, ch := range changes {
		if i == maxChangesSaid {
			parts = append(parts, "et "+plural(len(changes)-i, "autre changement", "autres changements"))
			break
		}
		if !isUserID(ch.User) {
			continue
		}
		title := esc(titleOr(ch.Title, ch.Role))
		if ch.Added {
			parts = append(parts, "a nommé <@"+ch.User+"> "+title)
		} else {
			parts = append(parts, "a retiré <@"+ch.User+"> du rôle "+title)
		}
	}
	text := who + " " + strings.Join(parts, ", ") + "."
	if len(parts) == 0 {
		text = who + " a enregistré l'équipe du canal, sans changement."
	}
	text = shorten(text, maxText)
	return Message{Text: text, Blocks: []slack.Block{sectionBlock("rolebot_team_changes", text)}}
}

// ChannelRoles are the roles one user holds in one channel, for the Home
// tab's "Mes équipes".
type ChannelRoles struct {
	Channel string
	// Titles are the roles' titles.
	Titles []string
}

// myTeams lists the channels where the user holds a role, under a heading.
func (c *composer) myTeams(slot int, teams []ChannelRoles, unavailable bool) {
	if unavailable {
		c.fitSection(slot, "rolebot_home_teams", "*Mes équipes*\nVos équipes sont momentanément indisponibles.", maxSectionText)
		return
	}
	var items []string
	for _, t := range teams {
		if !isChannelID(t.Channel) {
			continue
		}
		items = append(items, "• <#"+t.Channel+"> : "+esc(strings.Join(t.Titles, ", ")))
	}
	if len(items) == 0 {
		c.fitSection(slot, "rolebot_home_teams", "*Mes équipes*\nVous ne tenez aucun rôle dans un canal. `/role équipe` dans un canal montre son équipe.", maxSectionText)
		return
	}
	c.list(slot, "rolebot_home_teams", "*Mes équipes*", items, "\n", 2, func(n int) string {
		return "• … et " + plural(n, "autre canal", "autres canaux")
	})
}

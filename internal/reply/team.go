package reply

import (
	"strings"

	"github.com/slack-go/slack"
)

// People says who holds the roles of a card, where the card is read: the
// team of a channel, or in a direct message the teams of the asker's
// channels. A nil *People, or one with no holder at all and not
// Unavailable, leaves the card as it is without a team.
type People struct {
	// Holders maps a role id to the people who hold it.
	Holders map[string][]Holder
	// Names are display names by user id. Lists (every role, the matrix)
	// show names, never mentions, so that a list never notifies ten
	// people; a user with no name is shown by id.
	Names map[string]string
	// DM marks the teams of several channels: each holder's channel is
	// said, and a role with nobody is "in your channels".
	DM bool
	// Unavailable means the team could not be read: the card says in its
	// footer that it names nobody for now.
	Unavailable bool
	// EditChannel, when set, offers the button "Modifier l'équipe" of that
	// channel on a role card whose role nobody holds: the asker may edit.
	EditChannel string
}

// Holder is one person holding a role.
type Holder struct {
	// User is a Slack user id; anything else is never shown as a mention.
	User string
	// Channel is the channel whose team names them, said in a DM.
	Channel string
}

// Texts of the people in cards.
const (
	// NobodyHere ends the line of a role nobody holds in the channel.
	NobodyHere = "personne n'est nommé dans ce canal"
	// NobodyInYourChannels is NobodyHere in a direct message.
	NobodyInYourChannels = "personne n'est nommé dans vos canaux"
	// TeamUnavailable is the footer of a card whose people could not be read.
	TeamUnavailable = "L'équipe de ce canal est momentanément indisponible : cette réponse ne nomme personne."
	headHereHolders = "*Dans ce canal*"
	headDMHolders   = "*Dans vos canaux*"
	editTeamLabel   = "Modifier l'équipe"
)

// Block and action ids of the teams.
const (
	blockPeople     = "rolebot_people"
	blockPeopleNote = "rolebot_people_unavailable"
	blockTeamEdit   = "rolebot_team_edit"
	// ActionEditTeam opens the team's modal; its value is the channel id.
	ActionEditTeam = "rolebot_team_edit"
)

// active reports whether p has something to say on a card.
func (p *People) active() bool {
	return p != nil && (p.Unavailable || len(p.Holders) > 0)
}

// named reports whether the card shows the people of the roles: a team was
// read and has someone.
func (p *People) named() bool {
	return p != nil && !p.Unavailable && len(p.Holders) > 0
}

func (p *People) nobody() string {
	if p.DM {
		return NobodyInYourChannels
	}
	return NobodyHere
}

// mentions says who holds role as mentions, each with its channel in a DM;
// "" when nobody does.
func (p *People) mentions(role string) string {
	return p.join(role, func(u string) string {
		if isUserID(u) {
			return "<@" + u + ">"
		}
		return esc(u)
	})
}

// names says who holds role with display names, never mentions.
func (p *People) names(role string) string {
	return p.join(role, func(u string) string {
		if n := strings.TrimSpace(p.Names[u]); n != "" {
			return esc(oneLine(n))
		}
		return esc(u)
	})
}

// maxHolders bounds the people listed for one role; the others are counted.
const maxHolders = 10

func (p *People) join(role string, show func(string) string) string {
	hs := p.Holders[role]
	parts := make([]string, 0, min(len(hs), maxHolders)+1)
	for i, h := range hs {
		if i == maxHolders {
			parts = append(parts, plural(len(hs)-i, "autre", "autres"))
			break
		}
		s := show(h.User)
		if p.DM && isChannelID(h.Channel) {
			s += " (<#" + h.Channel + ">)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// ownerPeople is what an owner line of a task card adds: " : <@U…>".
func (p *People) ownerPeople(role string) string {
	if !p.named() {
		return ""
	}
	if m := p.mentions(role); m != "" {
		return " : " + m
	}
	return " : " + p.nobody()
}

// listPeople is what a line of a list adds: " — Claire, Paul", names only.
func (p *People) listPeople(role string) string {
	if !p.named() {
		return ""
	}
	if n := p.names(role); n != "" {
		return " — " + n
	}
	return ""
}

// rolePeople adds to a role card who holds it, and the edit button when
// nobody does and the asker may edit.
func (c *composer) rolePeople(p *People, role string) {
	if !p.active() {
		return
	}
	if p.Unavailable {
		c.context(slotFooter, blockPeopleNote, TeamUnavailable)
		return
	}
	head := headHereHolders
	if p.DM {
		head = headDMHolders
	}
	m := p.mentions(role)
	if m == "" {
		c.fitSection(slotKind, blockPeople, head+" : "+p.nobody()+".", maxSectionText)
		if isChannelID(p.EditChannel) {
			c.put(slotKind, slack.NewActionBlock(blockTeamEdit, editTeamButton(p.EditChannel)))
		}
		return
	}
	c.fitSection(slotKind, blockPeople, head+" : "+m, maxSectionText)
}

// unavailableNote adds the footer of a card whose people could not be read.
func (c *composer) unavailableNote(p *People) {
	if p != nil && p.Unavailable {
		c.context(slotFooter, blockPeopleNote, TeamUnavailable)
	}
}

func editTeamButton(channel string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(ActionEditTeam, channel, plainObject(editTeamLabel))
}

// isChannelID says whether s is a Slack conversation id, the only thing
// ever written as a channel link.
func isChannelID(s string) bool {
	if len(s) < 2 || len(s) > 32 || (s[0] != 'C' && s[0] != 'G' && s[0] != 'D') {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

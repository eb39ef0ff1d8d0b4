package reply

import (
	"strings"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

func roleCard(c *composer, a answer.Answer, o CardOptions) {
	r := a.Role
	c.header(slotHeader, blockHeader, titleOr(r.Title, r.ID))
	c.context(slotKind, blockKind, capitalize(kind(r.Core, r.Expert)))
	c.shared(o)
	c.actions(a, o, r.Source)
	c.fitSection(slotSummary, blockSummary, esc(r.Summary), maxSummary)
	c.alternatives(a.Alternatives)
	c.rolePeople(o.People, r.ID)

	rows := make([]string, 0, len(r.Tasks))
	for _, t := range r.Tasks {
		rows = append(rows, "• *"+esc(titleOr(t.Title, t.ID))+"* : "+levelWords(t.Level, t.Note, t.Locked))
	}
	c.list(slotBody2, blockMatrix, "*Dans la matrice de responsabilités*", rows, "\n", 1, moreRows)

	daily := make([]string, 0, len(r.Responsibilities))
	for _, it := range r.Responsibilities {
		if it = esc(it); it != "" {
			daily = append(daily, "• "+it)
		}
	}
	c.list(slotBody1, blockDaily, "*"+esc(dailyHeading(r))+"*", daily, "\n", 1, moreItems)

	if aliases := escAll(r.Aliases); len(aliases) > 0 {
		c.context(slotFooter, blockAliases, "Aussi appelé : "+strings.Join(aliases, ", "))
	}
}

func taskCard(c *composer, a answer.Answer, o CardOptions) {
	t := a.Task
	c.header(slotHeader, blockHeader, titleOr(t.Title, t.ID))
	c.shared(o)
	c.actions(a, o, t.Source)
	if len(t.Owners) == 0 {
		// Owners are never guessed: say plainly that the page names no one.
		c.fitSection(slotBody1, blockOwners, noOwner, maxSectionText)
	} else {
		owners := make([]string, 0, len(t.Owners))
		for _, ow := range t.Owners {
			if o.People.named() {
				// "Responsable produit (Responsable) : <@U…>"
				owners = append(owners, "• *"+esc(titleOr(ow.Title, ow.Role))+"* ("+levelWords(ow.Level, ow.Note, ow.Locked)+")"+o.People.ownerPeople(ow.Role))
				continue
			}
			owners = append(owners, "• *"+esc(titleOr(ow.Title, ow.Role))+"* : "+levelWords(ow.Level, ow.Note, ow.Locked))
		}
		c.list(slotBody1, blockOwners, "", owners, "\n", 1, moreRows)
		c.context(slotFooter, blockLegend, Legend)
	}
	c.fitSection(slotSummary, blockDetails, esc(t.Details), maxSummary)
	c.alternatives(a.Alternatives)
	c.unavailableNote(o.People)
}

func helpCard(c *composer, a answer.Answer, o CardOptions) {
	c.header(slotHeader, blockHeader, titleHelp)
	c.shared(o)
	c.actions(a, o, "")
	c.fitSection(slotBody1, blockHelp, helpMrkdwn(o.Command), maxSectionText)
	c.alternatives(a.Alternatives)
}

func noneCard(c *composer, a answer.Answer) {
	c.fitSection(slotBody1, blockNotFound, notFound(a.Query), maxSectionText)
	c.context(slotFooter, blockHint, hint)
	c.buttons(slotBody2, blockSugLabel, "Vouliez-vous dire :", c.followBlockID(blockSuggestions), c.refButtons(a.Suggestions))
	c.alternatives(a.Alternatives)
}

// helpMrkdwn is HelpText as mrkdwn: its indented lines are examples.
func helpMrkdwn(command string) string {
	var lines []string
	for _, l := range strings.Split(HelpText(oneLine(command)), "\n") {
		switch ex := strings.TrimSpace(l); {
		case ex == "":
		case strings.HasPrefix(l, "  "):
			lines = append(lines, "• `"+Escape(strings.ReplaceAll(ex, "`", "'"))+"`")
		case strings.HasSuffix(ex, ":"):
			lines = append(lines, "*"+Escape(ex)+"*")
		default:
			lines = append(lines, Escape(ex))
		}
	}
	return strings.Join(lines, "\n")
}

func notFound(query string) string {
	q := shorten(esc(query), 200)
	if q == "" {
		return "Je n'ai rien trouvé dans les pages de l'équipe."
	}
	return "Je n'ai rien trouvé sur « " + q + " » dans les pages de l'équipe."
}

// levelWords says a role's part in words, as the terminal does:
// "Responsable (porte la politique publique), ne se délègue pas".
func levelWords(l team.Level, note string, locked bool) string {
	s := esc(l.Label())
	if s == "" {
		s = "part non précisée"
	}
	if n := esc(note); n != "" {
		s += " (" + n + ")"
	}
	if locked {
		s += ", " + LockedNote
	}
	return s
}

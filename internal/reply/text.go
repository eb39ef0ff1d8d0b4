// Package reply renders answers for people: plain French text for a
// terminal, and Block Kit cards with their notification text for Slack. Only
// the Slack rendering escapes Slack mrkdwn.
package reply

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

// Escape makes text safe in Slack mrkdwn: "&", "<" and ">" become entities,
// so that text from a user or a page can never ping <!channel>, <!here> or
// <@U…>. Slack asks to escape those three only.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escaper.Replace(s)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Legend explains the matrix's levels in words.
const Legend = "Responsable : rend compte du résultat. Co-responsable : partage cette responsabilité. " +
	"Participe : contribue au travail."

// LockedNote is what 🔒 means on the team page.
const LockedNote = "ne se délègue pas"

// HelpText explains how to ask, with examples.
func HelpText(command string) string {
	return strings.Join([]string{
		"Je réponds aux questions sur les rôles de l'équipe produit et sur qui fait quoi.",
		"Exemples :",
		"  " + command + " designer",
		"  " + command + " qui porte la vision ?",
		"  " + command + " qui priorise le backlog ?",
		"  " + command + " who owns GDPR compliance?",
		"  " + command + " liste des rôles",
		"  " + command + " qui fait quoi ?",
	}, "\n")
}

// Text renders an answer as plain French text for a terminal. Nothing
// is escaped for Slack there, since a terminal shows "&lt;" as it is; Card
// escapes its own text. Control characters from the question or the pages
// become spaces, so that neither can move the cursor or recolour a terminal.
func Text(a answer.Answer) string {
	var b strings.Builder
	guess := isGuess(a)
	if guess {
		b.WriteString("Vouliez-vous dire… (je ne suis pas sûr d'avoir compris : voici la réponse la plus proche)\n")
	}
	switch a.Intent {
	case answer.IntentRole:
		writeRole(&b, a.Role)
	case answer.IntentTask:
		writeTask(&b, a.Task)
	case answer.IntentListRoles:
		b.WriteString("Les rôles de l'équipe :\n")
		for _, r := range a.Roles {
			fmt.Fprintf(&b, "  • %s (%s)", plain(r.Title), kind(r.Core, r.Expert))
			if r.Summary != "" {
				fmt.Fprintf(&b, " : %s", plain(firstSentence(r.Summary)))
			}
			b.WriteByte('\n')
		}
	case answer.IntentListTasks:
		b.WriteString("Qui fait quoi :\n")
		for _, t := range a.Tasks {
			fmt.Fprintf(&b, "  • %s : %s\n", plain(t.Title), ownersLine(t.Owners))
		}
		b.WriteString(Legend + "\n")
	case answer.IntentHelp:
		b.WriteString(HelpText("rolebot ask") + "\n")
	default:
		fmt.Fprintf(&b, "Je n'ai rien trouvé sur « %s » dans les pages de l'équipe.\n", plain(strings.TrimSpace(a.Query)))
		if len(a.Suggestions) > 0 {
			b.WriteString("Vouliez-vous dire :\n")
			for _, s := range a.Suggestions {
				fmt.Fprintf(&b, "  • %s\n", plain(s.Title))
			}
		}
		b.WriteString("Essayez le nom d'un rôle (« designer ») ou une question (« qui priorise le backlog ? »), ou « aide ».\n")
	}
	if len(a.Alternatives) > 0 {
		if guess {
			b.WriteString(guessOthers + " ")
		} else {
			b.WriteString("Voir aussi : ")
		}
		for i, r := range a.Alternatives {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(plain(r.Title))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func writeRole(b *strings.Builder, r *answer.Role) {
	fmt.Fprintf(b, "%s (%s)\n", plain(r.Title), kind(r.Core, r.Expert))
	if len(r.People) > 0 {
		fmt.Fprintf(b, "Dans ce canal : %s\n", peopleText(r.People))
	}
	if r.Summary != "" {
		fmt.Fprintf(b, "%s\n", plain(r.Summary))
	}
	if len(r.Responsibilities) > 0 {
		fmt.Fprintf(b, "\n%s :\n", plain(dailyHeading(r)))
		for _, it := range r.Responsibilities {
			fmt.Fprintf(b, "  • %s\n", plain(it))
		}
	}
	if len(r.Tasks) > 0 {
		b.WriteString("\nDans la matrice de responsabilités :\n")
		for _, t := range r.Tasks {
			fmt.Fprintf(b, "  • %s : %s\n", plain(t.Title), level(t.Level, t.Note, t.Locked))
		}
	}
	if len(r.Aliases) > 0 {
		fmt.Fprintf(b, "\nAussi appelé : %s\n", plain(strings.Join(r.Aliases, ", ")))
	}
	fmt.Fprintf(b, "Source : %s\n", plain(r.Source))
}

func writeTask(b *strings.Builder, t *answer.Task) {
	b.WriteString(plain(t.Title))
	if t.Details != "" {
		fmt.Fprintf(b, " (%s)", plain(t.Details))
	}
	b.WriteByte('\n')
	if len(t.Owners) == 0 {
		b.WriteString("La page de l'équipe ne désigne personne pour cette tâche : à vous de voir qui la prend en charge.\n")
	} else {
		for _, o := range t.Owners {
			fmt.Fprintf(b, "  • %s : %s", plain(o.Title), level(o.Level, o.Note, o.Locked))
			if len(o.People) > 0 {
				fmt.Fprintf(b, " — %s", peopleText(o.People))
			}
			b.WriteByte('\n')
		}
		b.WriteString(Legend + "\n")
	}
	fmt.Fprintf(b, "Source : %s\n", plain(t.Source))
}

// plain makes text from a user or a page safe to print in a terminal:
// control characters (escape sequences, carriage returns, tabs) become
// spaces. It leaves "&", "<" and ">" alone: those only mean something to
// Slack.
func plain(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// defaultDaily labels a card's items when the answer does not say which
// section of the page they come from.
const defaultDaily = "Au quotidien"

// dailyHeading is the title of the section a card's items come from, so
// that a card never calls a mission's list its daily work.
func dailyHeading(r *answer.Role) string {
	if h := oneLine(r.ResponsibilitiesFrom); h != "" {
		return h
	}
	return defaultDaily
}

// level says a role's part in words: "Responsable (porte la politique
// publique), ne se délègue pas".
func level(l team.Level, note string, locked bool) string {
	s := l.Label()
	if note != "" {
		s += " (" + plain(note) + ")"
	}
	if locked {
		s += ", " + LockedNote
	}
	return s
}

func ownersLine(owners []answer.Owner) string {
	if len(owners) == 0 {
		return "personne n'est désigné"
	}
	parts := make([]string, 0, len(owners))
	for _, o := range owners {
		parts = append(parts, plain(o.Title)+" "+strings.ToLower(o.Level.Label()))
	}
	return strings.Join(parts, ", ")
}

// peopleText names people in a terminal: their Slack user ids (rolebot stores no names).
func peopleText(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "@" + plain(id)
	}
	return strings.Join(out, ", ")
}

func kind(core, expert bool) string {
	switch {
	case core && expert:
		return "rôle de l'équipe et soutien expert"
	case expert:
		return "soutien expert"
	}
	return "rôle de l'équipe"
}

// firstSentence keeps lists short.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

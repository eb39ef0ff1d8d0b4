package reply

import (
	"strings"
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/answer"
)

// cardText says the answer in plain words for notifications and screen
// readers, escaped like the blocks.
func cardText(a answer.Answer, command string) string {
	var s string
	switch {
	case a.Intent == answer.IntentRole && a.Role != nil:
		r := a.Role
		s = esc(titleOr(r.Title, r.ID))
		if sum := esc(r.Summary); sum != "" {
			s += " : " + sum
		} else {
			s += " (" + kind(r.Core, r.Expert) + ")"
		}
	case a.Intent == answer.IntentTask && a.Task != nil:
		s = esc(titleOr(a.Task.Title, a.Task.ID)) + " : " + ownersWords(a.Task.Owners)
	case a.Intent == answer.IntentListRoles:
		names := make([]string, 0, len(a.Roles))
		for _, r := range a.Roles {
			names = append(names, esc(titleOr(r.Title, r.ID)))
		}
		s = titleListRoles + " : " + strings.Join(names, ", ") + "."
		if len(names) == 0 {
			s = "Les pages de l'équipe ne décrivent aucun rôle."
		}
	case a.Intent == answer.IntentListTasks:
		lines := []string{titleListTasks + " :"}
		for _, t := range a.Tasks {
			lines = append(lines, "• "+esc(titleOr(t.Title, t.ID))+" : "+ownersWords(t.Owners))
		}
		s = joinWithin(lines, "\n", maxText-200)
	case a.Intent == answer.IntentHelp:
		s = Escape(HelpText(oneLine(command)))
	default:
		s = notFound(a.Query)
		if titles := refTitles(a.Suggestions); len(titles) > 0 {
			s += " Vouliez-vous dire : " + joinWithin(titles, ", ", 600) + " ?"
		}
	}
	if isGuess(a) {
		s = "Vouliez-vous dire… " + s
	}
	if titles := refTitles(a.Alternatives); len(titles) > 0 {
		if isGuess(a) {
			s += "\n" + guessOthers + " " + joinWithin(titles, ", ", 600)
		} else {
			s += "\nVoir aussi : " + joinWithin(titles, ", ", 600)
		}
	}
	return shorten(s, maxText)
}

// ownersWords says who owns a task in one line: "Responsable métier
// (responsable), Responsable produit (co-responsable)".
func ownersWords(owners []answer.Owner) string {
	if len(owners) == 0 {
		return "la page de l'équipe ne désigne personne pour cette tâche."
	}
	parts := make([]string, 0, len(owners))
	for _, o := range owners {
		p := esc(titleOr(o.Title, o.Role))
		if l := esc(o.Level.Label()); l != "" {
			p += " (" + strings.ToLower(l) + ")"
		}
		parts = append(parts, p)
	}
	return joinWithin(parts, ", ", 1000)
}

func refTitles(refs []answer.Ref) []string {
	var out []string
	for _, r := range refs {
		if t := esc(refTitle(r)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// joinWithin joins parts while the result stays within max characters, and
// says "…" for the parts left out.
func joinWithin(parts []string, sep string, max int) string {
	var b strings.Builder
	n := 0
	for i, p := range parts {
		add := utf8.RuneCountInString(p)
		if i > 0 {
			add += utf8.RuneCountInString(sep)
		}
		if n+add > max-2 {
			if i == 0 {
				return shorten(p, max)
			}
			b.WriteString(sep + "…")
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		n += add
	}
	return b.String()
}

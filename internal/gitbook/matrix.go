package gitbook

import (
	"strings"
	"unicode"

	"github.com/rolebot/rolebot/internal/team"
)

// splitParens separates "Title (details)" into the words outside the
// parentheses and the groups inside. A group that is a question, such as
// "(comment réduire cette charge ?)", is an editor's note, not a detail: it
// is returned apart so that the caller can drop and report it.
func splitParens(s string) (outside string, groups, questions []string) {
	var out, in strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			if depth > 0 {
				in.WriteRune(r)
			}
			depth++
		case r == ')' && depth > 0:
			depth--
			if depth > 0 {
				in.WriteRune(r)
				continue
			}
			g := collapseSpace(in.String())
			in.Reset()
			switch {
			case g == "":
			case strings.HasSuffix(g, "?"):
				questions = append(questions, g)
			default:
				groups = append(groups, g)
			}
			out.WriteByte(' ')
		case depth > 0:
			in.WriteRune(r)
		default:
			out.WriteRune(r)
		}
	}
	if depth > 0 {
		// An unclosed parenthesis: keep its words as written.
		out.WriteString(" (" + in.String())
	}
	outside = strings.TrimRight(collapseSpace(out.String()), " :;,")
	return outside, groups, questions
}

// Icons the matrix uses when a cell has no word: 🙆 (🙆‍♂️, 🙆‍♀️) for
// responsible, 🤝 for taking part; 🔒 (or 🔐) locks a responsibility.
const (
	iconResponsable = '\U0001F646'
	iconParticipe   = '\U0001F91D'
	iconLock        = '\U0001F512'
	iconLockKey     = '\U0001F510'
)

// parseLevel reads a matrix cell. empty is true when the cell gives the role
// no part; ok is false when the cell has words that are not a level.
func parseLevel(cell string) (a team.Assignment, questions []string, empty, ok bool) {
	outside, groups, questions := splitParens(cell)
	a.Note = strings.Join(groups, " ; ")
	var icon team.Level
	var words strings.Builder
	for _, r := range outside {
		switch {
		case r == iconLock || r == iconLockKey:
			a.Locked = true
		case r == iconResponsable:
			icon = team.Responsable
		case r == iconParticipe:
			if icon == "" {
				icon = team.Participe
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			words.WriteRune(r)
		default:
			// Hyphens, spaces, other emoji and their joiners separate words:
			// "Co-responsable", "Co responsable" and "Coresponsable" all read
			// the same once spaces are dropped below.
			words.WriteByte(' ')
		}
	}
	w := strings.ToLower(team.Fold(collapseSpace(words.String())))
	switch {
	case w == "" && icon != "":
		a.Level = icon
	case w == "":
		// No level: an empty cell, unless it holds a lock or a note, which
		// only make sense with a level.
		bare := !a.Locked && a.Note == "" && len(questions) == 0
		return a, questions, bare, bare
	default:
		lvl, known := levelWord(strings.ReplaceAll(w, " ", ""))
		if !known {
			return a, questions, false, false
		}
		if lvl == "" {
			// "Non concerné", "N/A": written out, but no part all the same.
			return team.Assignment{}, questions, true, true
		}
		a.Level = lvl
	}
	return a, questions, false, true
}

// levelWord maps the words a cell may use for a level, folded and with
// spaces removed, to that level; "" with true means the words say "no part".
func levelWord(w string) (team.Level, bool) {
	switch w {
	case "responsable", "responsables":
		return team.Responsable, true
	case "coresponsable", "coresponsables":
		return team.CoResponsable, true
	case "participe", "participer", "participent", "participant", "participante",
		"contribue", "contribuer", "contribuent", "contributeur", "contributrice":
		return team.Participe, true
	case "nonapplicable", "sansobjet", "aucun", "aucune", "na", "neant",
		"pasconcerne", "pasconcernee", "nonconcerne", "nonconcernee", "nestpasconcerne":
		return "", true
	}
	return "", false
}

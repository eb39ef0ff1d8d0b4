package gitbook

import (
	"slices"
	"strings"

	"github.com/rolebot/rolebot/internal/team"
)

// smallWord reports the words left out when comparing names loosely, so
// that "Expert Recherche Utilisateur" names "Expert en recherche utilisateur".
func smallWord(w string) bool {
	switch w {
	case "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une", "ou", "pour":
		return true
	}
	return false
}

// nameWords are the significant words of a name, folded.
func nameWords(s string) []string {
	var out []string
	for w := range strings.SplitSeq(team.Slug(s), "-") {
		if w != "" && !smallWord(w) {
			out = append(out, w)
		}
	}
	return out
}

// looseKey is a name without case, accents or small words.
func looseKey(s string) string { return strings.Join(nameWords(s), "-") }

// sameName reports whether two names designate the same thing: equal
// loosely, or one made of some of the other's words ("Designer" and "Designer
// UX", "Appui DevOps" and the id "devops").
func sameName(a, b string) bool {
	wa, wb := nameWords(a), nameWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	return subset(wa, wb) || subset(wb, wa)
}

func subset(small, big []string) bool {
	for _, w := range small {
		if !slices.Contains(big, w) {
			return false
		}
	}
	return true
}

// roleIndex finds the role a matrix column names. Names are tried from the
// most to the least reliable, and a name shared by two roles matches none,
// so that no column is silently given to the wrong role.
type roleIndex struct {
	tiers [3]map[string][]string // name key → role ids
	ids   []string
}

func newRoleIndex(roles []*roleState) *roleIndex {
	x := &roleIndex{}
	for i := range x.tiers {
		x.tiers[i] = map[string][]string{}
	}
	add := func(tier int, key, id string) {
		if key != "" && !slices.Contains(x.tiers[tier][key], id) {
			x.tiers[tier][key] = append(x.tiers[tier][key], id)
		}
	}
	for _, rs := range roles {
		x.ids = append(x.ids, rs.id)
		own := append([]string{rs.title, rs.id}, rs.src.fm.aliases...)
		for _, n := range own {
			add(0, team.Slug(n), rs.id)
			add(2, looseKey(n), rs.id)
		}
		// Only labels that agree with their page: the scrambled hidden
		// labels of the expert cards must not capture a column.
		for _, n := range rs.labels {
			add(1, team.Slug(n), rs.id)
			add(2, looseKey(n), rs.id)
		}
	}
	return x
}

// lookup returns the role a column header names, or the roles it could
// name when it is ambiguous. "Responsable métier (PM)" is tried whole, then
// without its parentheses, then as "PM".
func (x *roleIndex) lookup(header string) (id string, ambiguous []string) {
	cands := []string{header}
	if outside, groups, _ := splitParens(header); outside != header {
		cands = append(append(cands, outside), groups...)
	}
	for tier, m := range x.tiers {
		for _, c := range cands {
			key := team.Slug(c)
			if tier == 2 {
				key = looseKey(c)
			}
			switch ids := m[key]; {
			case key == "" || len(ids) == 0:
			case len(ids) == 1:
				return ids[0], nil
			default:
				return "", ids
			}
		}
	}
	return "", nil
}

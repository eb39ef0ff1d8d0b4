package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// How a question names a role: a role's names (its title, id, aliases and
// the names its pages give it) against the question's concepts, as
// written, through the synonyms, as typos or cut short.

// nameMatch finds the longest of a role's names that the question holds, as
// consecutive concepts or as one concept's synonym, and which concepts it
// uses.
func (ix *Index) nameMatch(roleID string, p parsed) (int, []bool) {
	best, used := 0, []bool(nil)
	for _, name := range ix.names[roleID] {
		if len(name) <= best {
			continue
		}
		for i, c := range p.concepts {
			// One concept whose form is the whole name: "po", "ux designer".
			for _, alt := range c.alts {
				if ix.sameTerms(alt, name, !c.known) {
					// "coach produit": "coach" stands for the whole name,
					// and the "produit" after it is the name's too; not an
					// ownership word ("le PO responsable de…").
					n := 1
					for n < len(name) && i+n < len(p.concepts) && !p.concepts[i+n].weak && len(p.concepts[i+n].alts[0]) == 1 &&
						slices.Contains(name, p.concepts[i+n].alts[0][0]) {
						n++
					}
					best, used = len(name), mark(len(p.concepts), i, n)
				}
			}
			if len(name) <= best {
				continue
			}
			// The name spread over consecutive concepts: "responsable" "produit".
			// One that starts on an ownership word is written out: in "qui
			// est responsable du RGAA ?", "RGAA" is "accessibilité" only
			// through the synonyms, and "responsable accessibilité" is not
			// named; "responsable" asks for an owner.
			alts := func(c concept) [][]string { return c.alts }
			if p.concepts[i].weak {
				alts = func(c concept) [][]string { return c.alts[:1] }
			}
			// A word cut short ("cheffe de prod", "ingé d'exploit") counts
			// when another is written out; a name of one word, when the
			// question's is no word of the pages ("archi").
			j, k, cut := i, 0, 0
			for k < len(name) && j < len(p.concepts) {
				if !slices.ContainsFunc(alts(p.concepts[j]), func(alt []string) bool {
					return len(alt) == 1 && ix.sameTerm(alt[0], name[k], !p.concepts[j].known)
				}) {
					typed := p.concepts[j].alts[0]
					if !p.concepts[j].short || !abbreviates(typed[0], name[k]) || len(name) == 1 && utf8.RuneCountInString(typed[0]) <= minAbbrev {
						break
					}
					cut++
				}
				j, k = j+1, k+1
			}
			if k == len(name) && (cut < k || k == 1) {
				best, used = len(name), mark(len(p.concepts), i, j-i)
				continue
			}
			if len(name) == 2 && i+1 < len(p.concepts) && !p.concepts[i].weak && !p.concepts[i+1].weak &&
				ix.conceptIs(p.concepts[i], name[1]) && ix.conceptIs(p.concepts[i+1], name[0]) {
				// English puts the qualifier first: "data analyst" is
				// "analyste (de) données", "service designer" "designer de
				// services".
				best, used = 2, mark(len(p.concepts), i, 2)
			}
		}
	}
	if best == 0 {
		// The title's agent head noun as written, in either gender:
		// "la conservatrice elle fait quoi", where the stemmer made
		// "conservatrice" the term of "conservation".
		for i, c := range p.concepts {
			if ix.namesHead(roleID, c) {
				return 1, mark(len(p.concepts), i, 1)
			}
		}
	}
	return best, used
}

// conceptIs says whether one of a concept's one-term forms is a name's
// term: as written, through a synonym, as a typo, or as its abbreviation
// ("ref" for "référente") when the pages do not use it.
func (ix *Index) conceptIs(c concept, term string) bool {
	return slices.ContainsFunc(c.alts, func(alt []string) bool {
		return len(alt) == 1 && (ix.sameTerm(alt[0], term, !c.known) || c.short && abbreviates(alt[0], term))
	})
}

// cutShort says whether a concept may be a word cut short: one word
// whose term no page writes ("prod", "archi"; not "audit", which a page
// writes, for "auditeur"). The role pages' sentences about a task, and a
// task's details, hold the synonyms' words too ("prod" for "mise en
// production"): they do not count.
func (ix *Index) cutShort(c concept) bool {
	if len(c.words) != 1 || len(c.alts[0]) != 1 {
		return false
	}
	for fi := range textFields {
		if fi != contextAt && fi != detailsAt && ix.fieldCount(c.alts[0][0], fi) > 0 {
			return false
		}
	}
	return true
}

// minAbbrev is the shortest abbreviation of a name's word: "ref",
// "prod", "archi".
const minAbbrev = 3

// abbreviates says whether a question's term is a name's term cut short:
// "inge" for "ingenieur", "prod" for "produit".
func abbreviates(q, name string) bool {
	return utf8.RuneCountInString(q) >= minAbbrev && len(q) < len(name) && strings.HasPrefix(name, q)
}

func mark(n, from, count int) []bool {
	m := make([]bool, n)
	for i := from; i < from+count; i++ {
		m[i] = true
	}
	return m
}

func (ix *Index) sameTerms(a, b []string, typo bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !ix.sameTerm(a[i], b[i], typo) {
			return false
		}
	}
	return true
}

// sameTerm compares a question's term q with a name's term: a typo is
// allowed only where the question's word is none of the pages' words in any
// form ("infra" is not "intra": it is short for "infrastructure").
func (ix *Index) sameTerm(q, name string, typo bool) bool {
	if q == name {
		return true
	}
	if !typo {
		return false
	}
	fz := min(fuzziness(q), fuzziness(name))
	if d := len(q) - len(name); fz == 0 || d > 2*fz || -d > 2*fz { // bytes: an accent-folded rune is one or two
		return false
	}
	return ix.df[q] == 0 && distance(q, name) <= fz
}

// titleLen is the number of terms of a role's title (its first name).
func (ix *Index) titleLen(id string) int {
	if names := ix.names[id]; len(names) > 0 {
		return len(names[0])
	}
	return 0
}

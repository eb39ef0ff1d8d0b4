package search

import (
	"slices"
	"strings"
)

// Normalize reduces a question to what it is about, for grouping questions that say the same
// thing (the content-gap report): Slack markup removed, typos corrected against the pages' words,
// question words ("qui", "quel", "responsable de") set aside, and the rest analysed with the
// index's chain (accents folded, stop words dropped, stemmed), sorted and unique. "Qui s'occupe
// du budget ?" and "qui soccupe des budgets" give the same terms. asksOwner reports a question
// asking who does something ("qui", "who", "responsable de", "owns"): when nothing answered it,
// a task the matrix lacks.
func (ix *Index) Normalize(question string) (terms []string, asksOwner bool) {
	ws := ix.questionWords(clean(question))
	kept := make([]string, 0, len(ws))
	for i, w := range ws {
		switch {
		case whoWords[w], whichWords[w] && i+1 < len(ws) && personWords[ws[i+1]]:
			asksOwner = true
		case weak[w]:
			asksOwner = asksOwner || !vagueWeak[w]
		case structural[w], fillers[w]:
		default:
			kept = append(kept, ix.correct(w))
		}
	}
	terms = ix.terms(strings.Join(kept, " "))
	slices.Sort(terms)
	return slices.Compact(terms), asksOwner
}

// vagueWeak are the weak words that do not, alone, ask for an owner: "un" is mostly an article,
// the others qualify one ("quelqu'un", "le principal").
var vagueWeak = set("un", "in", "personne", "principal", "principale", "main", "someone", "quelqu")

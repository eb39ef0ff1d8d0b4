package search

import "slices"

// synForms is what one phrase of the synonyms stands for in one folder, as
// analysed terms: its own, and those of the phrases it adds that the
// folder's index can match. Resolved once when the index is built, so that
// a question pays one map lookup per phrase it holds, whatever the size of
// the lexicon: no analysis of the added phrases per question, and no
// alternative that no page could match (most of a broad lexicon, on any one
// folder) to expand, look up and rerank with.
type synForms struct {
	own  []string   // the phrase's own terms
	alts [][]string // the added phrases' terms, without repeats
}

// resolveSynonyms builds the forms of every phrase of the synonyms, once
// the index's terms are known. addTerms holds the analysed terms of every
// added phrase (buildState.addTerms).
//
// An added phrase is left out when none of its terms, nor any longer or
// shorter form of them (Index.expand without typos), is indexed: it could
// match nothing. A phrase with no terms of its own ("first", a stop word)
// keeps its first added phrase, matchable or not, first: a question reads
// that one as the concept's form as typed (parse), as it did before the
// others were left out.
//
// The expansions of the kept phrases' terms are kept too (Index.expanded):
// a question's synonyms are looked up without scanning the index's terms.
func (ix *Index) resolveSynonyms(addTerms map[string][]string) map[string]synForms {
	out := make(map[string]synForms, len(ix.synonyms.adds))
	ix.synExpand = map[string]map[string]float64{}
	matchable := map[string]bool{} // by term: whether expand finds anything
	// A role's names match the question's concepts without the index:
	// "auditeur", the other gender of the title's "Auditrice", is no
	// page's word, and is what the lexicon gives for "auditor".
	nameTerms := map[string]bool{}
	for _, names := range ix.names {
		for _, n := range names {
			for _, t := range n {
				nameTerms[t] = true
			}
		}
	}
	canMatch := func(terms []string) bool {
		return slices.ContainsFunc(terms, func(t string) bool {
			if nameTerms[t] {
				return true
			}
			ok, seen := matchable[t]
			if !seen {
				exp := ix.expand(t, false)
				ok = len(exp) > 0
				matchable[t] = ok
				if ok {
					ix.synExpand[t] = exp
				}
			}
			return ok
		})
	}
	for phrase, adds := range ix.synonyms.adds {
		own, ok := addTerms[phrase] // analysed already when another phrase adds it
		if !ok {
			own = ix.terms(phrase)
		}
		f := synForms{own: own}
		for _, a := range adds {
			t := addTerms[a]
			if len(t) == 0 || slices.Equal(t, f.own) || slices.ContainsFunc(f.alts, func(k []string) bool { return slices.Equal(k, t) }) {
				continue
			}
			if len(f.own) == 0 && len(f.alts) == 0 || canMatch(t) {
				f.alts = append(f.alts, t)
			}
		}
		out[phrase] = f
	}
	return out
}

// expanded is Index.expand, read from the expansions resolveSynonyms kept
// when it can: a term of the synonyms, not read as a typo. The map returned
// is shared: callers only read it.
func (ix *Index) expanded(t string, typo bool) map[string]float64 {
	if exp, ok := ix.synExpand[t]; ok && !typo {
		return exp
	}
	return ix.expand(t, typo)
}

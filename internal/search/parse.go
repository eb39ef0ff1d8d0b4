package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// concept is one thing a question names: a word, or a phrase the synonyms
// know, with every way the pages may say it.
type concept struct {
	words  []string
	alts   [][]string // analysed terms: alts[0] as typed, then synonyms
	weight float64
	weak   bool // an ownership word: it says an owner is asked for, not what
	known  bool // some page uses it in some form: then it is no typo
	// corrected: a word of it was a typo, replaced by the nearest word of
	// the pages ("ministre" may be "ministère", or a word the pages lack).
	corrected bool
	// short: it may be a word cut short (Index.cutShort), read once per
	// question rather than per name it is compared with.
	short bool
	// far: the correction took more than one edit away from the word's
	// start ("cantinne" read as "continue"): as likely another word the
	// pages lack as a typo. Two edits at the end are a cognate's
	// ("comitology", "comitologie"; "exploratory", "exploratoire").
	far bool
}

// cognatePrefix is how many leading letters a correction of two edits
// keeps for the word to be a cognate of the one it is read as.
const cognatePrefix = 5

// sharedPrefix is the number of leading runes a and b share.
func sharedPrefix(a, b string) int {
	n := 0
	for ra, rb := []rune(a), []rune(b); n < len(ra) && n < len(rb) && ra[n] == rb[n]; n++ {
	}
	return n
}

// parsed is a question reduced to what search needs.
type parsed struct {
	concepts []concept
	who      bool // asks for a person: "qui", "who"
	weak     bool // asks for an owner: "responsable de", "owns"
	bare     bool // a noun phrase with no question word
	unknown  int  // concepts no page uses in any form: "tarte tatin"
	// identity: the question asks who someone is ("qui est le DPO ?",
	// "who is our minister?"), not who does something.
	identity bool
	// likens: the question holds a copula ("c'est", "est-il", "is"), as
	// one asking whether a role is something else does ("la juriste,
	// c'est la DPO ?", "is the UX researcher a designer?").
	likens bool
	whos   int // the question words asking who: "qui", "who"
	// asksRole: the question speaks of a role or a person ("rôle",
	// "poste", "profil", "personne", "job"): a role's card may answer it
	// without its name.
	asksRole bool
	// roleCommand: the question is "/role X" (or "rôle X"): a role's card
	// is asked for, by any word of it ("/role data").
	roleCommand bool
}

// copulas are the folded words of "c'est", "est-il", "is", "are".
var copulas = set("est", "cest", "sont", "is", "are", "isn")

// identityFrame is how a question asking who someone is opens, in folded
// words: "qui est le …", "c'est qui le …", "who is our …", "who's the …".
// A determiner must follow: "qui est responsable de …" asks for an owner.
var (
	identityOpenings = [][]string{{"qui", "est"}, {"c", "est", "qui"}, {"cest", "qui"}, {"who", "is"}, {"who", "s"}}
	// englishAsks and frenchAsks are the question words that tell the
	// language a question is asked in.
	englishAsks = set("who", "whom", "whose", "what", "which", "how", "does", "do", "can", "could", "is", "are")
	frenchAsks  = set("qui", "que", "quoi", "quel", "quelle", "quels", "quelles", "comment", "est", "c", "cest")
	// usDeterminers stand before "US" the noun (user stories: "les US",
	// "trois US", "the US"), never before the English pronoun "us".
	usDeterminers = set("les", "des", "une", "un", "ces", "cette", "nos", "vos", "mes", "tes", "ses", "leurs", "aux", "de", "d",
		"du", "la", "le", "l", "en", "quelques", "plusieurs", "chaque", "toutes", "deux", "trois",
		"the", "our", "your", "their", "these", "those", "some", "all", "two", "three", "many", "few")
	determiners = set("le", "la", "l", "les", "un", "une", "notre", "nos", "votre", "the", "our", "your", "a", "an")
)

// isIdentity says whether ws opens as a question asking who someone is.
func isIdentity(ws []string) bool {
	for _, open := range identityOpenings {
		if len(ws) > len(open) && slices.Equal(ws[:len(open)], open) && determiners[ws[len(open)]] {
			return true
		}
	}
	return false
}

// maxCommandWords is the longest "/role X" read as asking for a role's
// card: longer, "rôle" opens a sentence ("rôle du PO dans la recette ?").
const maxCommandWords = 4

// typoDoubt is how much a word the pages lack, matched only as a typo,
// counts as unknown: a typo or another word, one cannot tell.
const typoDoubt = 0.6

// unknownShare is the share of the question's weight in concepts no page
// uses in any form; one that a candidate matched as a typo ("clickable" for
// "cliquable", but also "demain" for "domaine"), or that was corrected by
// more than one edit ("cantinne" to "continue"), counts for typoDoubt of
// its weight.
func (p parsed) unknownShare(hits []hit) float64 {
	var unknown, total float64
	for ci, c := range p.concepts {
		total += c.weight
		if c.far {
			unknown += typoDoubt * c.weight
			continue
		}
		if c.known {
			continue
		}
		if slices.ContainsFunc(hits, func(h hit) bool { return ci < len(h.found) && h.found[ci] > 0 }) {
			unknown += typoDoubt * c.weight
		} else {
			unknown += c.weight
		}
	}
	if total == 0 {
		return 0
	}
	return unknown / total
}

// parse turns a question's words into concepts.
func (ix *Index) parse(ws []string) parsed {
	var p parsed
	p.bare = true
	p.identity = isIdentity(ws)
	for i, w := range ws {
		// "est-ce que" opens a question; it likens nothing.
		if copulas[w] && !(i+1 < len(ws) && ws[i+1] == "ce") {
			p.likens = true
		}
	}
	var kept []string
	var isWeak, fixed, farFixed []bool
	p.asksRole = slices.ContainsFunc(ws, func(w string) bool { return personWords[w] })
	p.roleCommand = len(ws) > 1 && len(ws) <= maxCommandWords && (ws[0] == "role" || ws[0] == "roles")
	english := englishQuestion(ws)
	for i, w := range ws {
		wasFixed, wasFar := false, false
		if !structural[w] && !fillers[w] && !weak[w] && !whoWords[w] && !whichWords[w] {
			c := ix.correct(w)
			wasFixed = c != w
			wasFar = wasFixed && distance(c, w) > 1 && sharedPrefix(c, w) < cognatePrefix
			w = c
		}
		switch {
		case w == "si" && i == len(ws)-1 && i > 0:
			// "…, si ?" is a tag question, as "…, non ?" is: no "SI".
		case w == "us" && english && i > 0 && !usDeterminers[ws[i-1]]:
			// "who gives us…", "tell us": the English pronoun. "US" (user
			// stories) is asked in French ("les premières US") or follows
			// a determiner ("the US").
		case whoWords[w], whichWords[w] && i+1 < len(ws) && personWords[ws[i+1]]:
			p.who = true
			p.whos++
			p.bare = false
		case weak[w]:
			p.weak = true
			p.bare = false
			kept, isWeak, fixed, farFixed = append(kept, w), append(isWeak, true), append(fixed, wasFixed), append(farFixed, wasFar)
		case structural[w]:
			if interrogative[w] {
				p.bare = false
			}
		default:
			kept, isWeak, fixed, farFixed = append(kept, w), append(isWeak, false), append(fixed, wasFixed), append(farFixed, wasFar)
		}
	}
	for i := 0; i < len(kept) && len(p.concepts) < maxConcepts; {
		n, phrase := ix.synonyms.matchPhrase(kept, i)
		var adds []string
		if n == 0 {
			if fillers[kept[i]] {
				// No phrase holds it ("go live" does): no concept.
				i++
				continue
			}
			n = 1
		} else {
			adds = ix.synonyms.adds[phrase]
		}
		c := concept{words: kept[i : i+n], corrected: slices.Contains(fixed[i:i+n], true), far: slices.Contains(farFixed[i:i+n], true)}
		if forms, ok := ix.synForms[phrase]; ok {
			// A phrase of the synonyms: its forms were resolved at build.
			if len(forms.own) > 0 {
				c.alts = append(c.alts, forms.own)
			}
			c.alts = append(c.alts, forms.alts...)
		} else if t := ix.terms(strings.Join(c.words, " ")); len(t) > 0 {
			c.alts = append(c.alts, t)
		}
		if len(c.alts) > 0 {
			c.known = ix.known(c)
			c.short = ix.cutShort(c)
			// Weighed by its form as typed, unless only its synonyms are
			// the pages' words ("conso" is "budget"): then by those.
			typed := slices.ContainsFunc(c.alts[0], ix.termKnown)
			for ai, alt := range c.alts {
				for _, t := range alt {
					if ai == 0 && (typed || !c.known) || ai > 0 && !typed && ix.termKnown(t) {
						c.weight = max(c.weight, ix.idf(t))
					}
				}
			}
			if c.weight == 0 { // only synonyms analysed to terms
				c.weight = ix.idf(c.alts[len(c.alts)-1][0])
			}
			c.weight *= 1 - ubiquityDiscount*ix.ubiquity(c)
			// An ownership word, or a phrase the synonyms make one ("se
			// tape" is "gérer"), says an owner is asked for, not what.
			if n == 1 && isWeak[i] || slices.ContainsFunc(adds, func(a string) bool { return weak[a] }) {
				c.weak = true
				c.weight = weakWeight
				p.weak = true
			}
			if !c.known {
				p.unknown++
			}
			p.concepts = append(p.concepts, c)
		}
		i += n
	}
	return p
}

// ubiquity is the share of role pages that use a concept.
func (ix *Index) ubiquity(c concept) float64 {
	if len(ix.team.Roles) == 0 {
		return 0
	}
	most := 0
	for _, alt := range c.alts {
		for _, t := range alt {
			most = max(most, ix.roleDF[t])
		}
	}
	return float64(most) / float64(len(ix.team.Roles))
}

// known says whether any page uses the concept in any of its forms.
func (ix *Index) known(c concept) bool {
	for _, alt := range c.alts {
		if slices.ContainsFunc(alt, ix.termKnown) {
			return true
		}
	}
	return false
}

// termKnown says whether the pages use a term, or a longer form of it
// ("budget" in "budgétaire"), as Index.expand finds them.
func (ix *Index) termKnown(t string) bool {
	if ix.df[t] > 0 {
		return true
	}
	if utf8.RuneCountInString(t) < minPrefix {
		return false
	}
	for _, m := range ix.termsByFirst.sharing(t).words {
		if strings.HasPrefix(m, t) {
			return true
		}
	}
	return false
}

// fuzziness is how many edits a term may be off: none for short words,
// where one edit makes another word.
func fuzziness(term string) int {
	switch n := utf8.RuneCountInString(term); {
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// distance is the optimal string alignment distance (Levenshtein with
// transpositions): "desinger" is one edit from "designer".
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// englishQuestion says whether a question is asked with English question
// words and no French ones: there "us" is a pronoun.
func englishQuestion(ws []string) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return englishAsks[w] }) &&
		!slices.ContainsFunc(ws, func(w string) bool { return frenchAsks[w] })
}

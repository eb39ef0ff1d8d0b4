package search

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/rolebot/rolebot/internal/answer"
)

// Limits that keep one question cheap whatever is sent.
const (
	maxQuestionRunes = 500
	maxConcepts      = 12
	candidates       = 30
)

// Thresholds of the decision, as shares of a question's weight.
const (
	minCoverage    = 0.5  // share of a question's weight a hit must match
	alternativeMin = 0.6  // an alternative scores at least this share of the answer
	fuzzyQuality   = 0.8  // a typo-tolerant match counts less than an exact one
	weakWeight     = 0.3  // the weight of "responsable", "owns": they say a task is asked for, not which
	roleLead       = 1.2  // a role found by its page's text alone must lead the next one by this much
	taskSlack      = 0.35 // a task still wins when a role page covers this much more of the question
	minPrefix      = 5    // shorter terms are not matched as prefixes: "budget" finds "budgetaire"
	// ubiquityDiscount lowers words that most role pages use ("service",
	// "équipe"): they cannot tell roles or tasks apart.
	ubiquityDiscount = 0.5
	// restCoverage is how much of a question, once a role named as its
	// object is set aside, another answer must cover to be chosen instead.
	restCoverage = 0.75
)

// fieldWeight says how much a match in a field tells: a task's own title
// says more than a sentence deep in a role page.
// Indexed like textFields; a field a kind does not have weighs 0.
var fieldWeight = map[string][len(textFields)]float64{
	"role": {nameAt: 1.0, summaryAt: 0.75, bodyAt: 0.5},
	"task": {nameAt: 1.0, detailsAt: 0.9, notesAt: 0.5},
}

// Ask answers one question. It never fails: a question it cannot answer gets
// intent none with suggestions.
func (ix *Index) Ask(ctx context.Context, question string) answer.Answer {
	q := clean(question)
	a := answer.Answer{Query: question, Intent: answer.IntentNone}
	ws := words(q)
	if in, ok := special(ws); ok {
		a.Intent = in
		switch in {
		case answer.IntentListRoles:
			a.Roles = answer.ListRoles(ix.team)
		case answer.IntentListTasks:
			a.Tasks = answer.ListTasks(ix.team)
		}
		return a
	}
	p := ix.parse(ws)
	if len(p.concepts) == 0 {
		if p.who {
			a.Intent = answer.IntentHelp
		}
		return a
	}
	hits, err := ix.search(ctx, p)
	if err != nil || len(hits) == 0 {
		return a
	}
	ix.decide(p, hits, &a)
	return a
}

// slackMarkup matches Slack's mentions, channel links and URLs as they arrive
// in a message: <@U123>, <!here>, <#C1|général>, <https://x|label>.
var slackMarkup = regexp.MustCompile(`<([@#!][^>|]*)(\|[^>]*)?>|<(https?://[^>|]*)(\|([^>]*))?>`)

// clean strips what is not the question: Slack markup, surplus length.
func clean(q string) string {
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	q = slackMarkup.ReplaceAllStringFunc(q, func(m string) string {
		sub := slackMarkup.FindStringSubmatch(m)
		switch {
		case strings.HasPrefix(sub[1], "#") && sub[2] != "":
			return " " + sub[2][1:] + " "
		case sub[5] != "":
			return " " + sub[5] + " "
		}
		return " "
	})
	if utf8.RuneCountInString(q) > maxQuestionRunes {
		q = string([]rune(q)[:maxQuestionRunes])
	}
	return q
}

// Vocabularies of the special intents, in folded words.
var (
	helpWords = set("aide", "aider", "help", "usage", "bonjour", "salut", "hello", "hi", "hey", "merci", "thanks",
		"menu", "commandes", "commande", "exemples", "exemple", "moi", "me", "svp", "stp", "please", "ca", "marche",
		"utiliser", "utilise", "use", "how", "to", "comment", "rolebot", "bot", "quoi", "faire", "peux", "tu", "can", "you",
		"do", "what", "que", "fonctionne", "fais", "sais", "savoir", "je", "j", "t", "te", "s", "on", "il", "does", "this",
		"that", "work", "works", "i", "es", "est", "ce", "c", "cest", "qu", "qui", "who", "are", "is", "the", "a", "l", "le",
		"la", "les", "with", "avec", "a", "poser", "question", "questions", "ask", "quelles", "quels", "type", "types", "de", "des")
	helpKeys = set("aide", "aider", "help", "usage", "bonjour", "salut", "hello", "hi", "hey", "menu", "commandes", "commande",
		"exemples", "exemple", "fonctionne", "utiliser", "utilise", "use", "marche", "sais", "work", "works", "rolebot", "bot", "tu", "you")
	listWords = set("liste", "lister", "list", "les", "des", "de", "du", "d", "tous", "toutes", "tout", "all", "the", "quels", "quelles",
		"sont", "what", "are", "which", "l", "la", "le", "show", "montre", "montrer", "affiche", "afficher", "voir", "me", "moi", "donne",
		"of", "in", "dans", "notre", "nos", "votre", "vos", "our", "your", "entiere", "complete", "whole", "full", "each", "chaque",
		"ya", "y", "a", "il", "existe", "existent", "differents", "differentes", "different", "c", "cest", "quoi", "types", "sortes",
		"there", "is", "exist", "available", "disponibles", "possibles", "svp", "stp", "please", "et", "and", "leurs", "their")
	roleListKeys = set("liste", "list", "roles", "role", "equipe", "team", "membres", "members", "profils", "composition", "postes", "metiers")
	taskListKeys = set("matrice", "matrix", "taches", "tache", "tasks", "responsabilites", "responsibilities", "responsibility",
		"raci", "repartition", "tableau")
	whoWords    = set("qui", "who", "whom", "whose")
	whichWords  = set("quel", "quelle", "quels", "quelles", "which", "what")
	personWords = set("role", "roles", "poste", "postes", "personne", "personnes", "profil", "profils", "person", "people", "membre", "membres", "member", "members", "metier", "job")
	// structural words frame a question and say nothing of its subject.
	structural = set("qui", "que", "quoi", "quel", "quelle", "quels", "quelles", "who", "what", "which", "whom", "whose",
		"how", "comment", "est", "sont", "c", "cest", "ce", "fait", "fais", "font", "faire", "does", "do", "did", "doing",
		"role", "roles", "poste", "postes", "job", "jobs", "s", "t", "il", "elle", "ils", "elles", "on", "y", "en",
		"moi", "me", "dis", "dit", "dire", "explique", "expliquer", "tell", "about", "rolebot", "svp", "stp", "please",
		"chez", "nous", "equipe", "team", "in", "our", "notre", "the", "is", "are", "a", "an", "of", "le", "la", "les", "l", "d", "du", "de", "des")
	// weak words say that an owner is asked for, not what is owned.
	weak = set("responsable", "responsables", "responsible", "accountable", "owner", "owners", "owns", "own", "owned",
		"charge", "porte", "portent", "porter", "carry", "carries", "occupe", "occupent", "occuper", "gere", "gerent",
		"gerer", "handle", "handles", "manage", "manages", "assure", "assurent", "assurer", "decide", "decides", "decider",
		"garant", "garante", "garants", "choisit", "choisir", "choisissent", "choose", "chooses", "valide", "valider",
		"arbitre", "arbitrer", "in", "someone", "quelqu", "un", "personne", "principal", "principale", "main",
		"organise", "organisent", "organiser", "organize", "organizes", "organises", "prend", "prennent", "prendre",
		"takes", "take", "ecrit", "ecrivent", "ecrire", "redige", "redigent", "rediger", "write", "writes", "works", "travaille",
		"pilote", "pilotent", "piloter", "mene", "menent", "mener", "lead", "leads", "drive", "drives", "oversee", "oversees",
		"veille", "veillent", "veiller", "ensure", "ensures", "garantit", "garantir", "boulot", "travail", "taf", "job",
		"runs", "run", "charged", "care", "takes")
	// interrogative words make a question of a phrase.
	interrogative = set("qui", "que", "quoi", "quel", "quelle", "quels", "quelles", "who", "what", "which", "whom", "whose",
		"how", "comment", "pourquoi", "why", "ou", "where", "quand", "when", "fait", "fais", "font", "faire", "does", "do", "did")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// special recognises help and the two lists, which need no search.
func special(ws []string) (answer.Intent, bool) {
	if len(ws) == 0 {
		return answer.IntentHelp, true
	}
	if all(ws, helpWords) && anyOf(ws, helpKeys) {
		return answer.IntentHelp, true
	}
	joined := " " + strings.Join(ws, " ") + " "
	if strings.Contains(joined, " qui fait quoi ") || strings.Contains(joined, " who does what ") {
		return answer.IntentListTasks, true
	}
	if all(ws, listWords, taskListKeys, roleListKeys) && anyOf(ws, taskListKeys) {
		return answer.IntentListTasks, true
	}
	if all(ws, listWords, roleListKeys) && anyOf(ws, roleListKeys) {
		return answer.IntentListRoles, true
	}
	return "", false
}

func all(ws []string, sets ...map[string]bool) bool {
	for _, w := range ws {
		found := false
		for _, s := range sets {
			if s[w] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func anyOf(ws []string, s map[string]bool) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return s[w] })
}

// concept is one thing a question names: a word, or a phrase the synonyms
// know, with every way the pages may say it.
type concept struct {
	words  []string
	alts   [][]string // analysed terms: alts[0] as typed, then synonyms
	weight float64
	weak   bool // an ownership word: it says an owner is asked for, not what
	known  bool // some page uses it in some form: then it is no typo
}

// parsed is a question reduced to what search needs.
type parsed struct {
	concepts []concept
	who      bool // asks for a person: "qui", "who"
	weak     bool // asks for an owner: "responsable de", "owns"
	bare     bool // a noun phrase with no question word
	unknown  int  // concepts no page uses in any form: "tarte tatin"
}

// parse turns a question's words into concepts.
func (ix *Index) parse(ws []string) parsed {
	var p parsed
	p.bare = true
	var kept []string
	var isWeak []bool
	for i, w := range ws {
		if !structural[w] && !weak[w] && !whoWords[w] && !whichWords[w] {
			w = ix.correct(w)
		}
		switch {
		case whoWords[w], whichWords[w] && i+1 < len(ws) && personWords[ws[i+1]]:
			p.who = true
			p.bare = false
		case weak[w]:
			p.weak = true
			p.bare = false
			kept, isWeak = append(kept, w), append(isWeak, true)
		case structural[w]:
			if interrogative[w] {
				p.bare = false
			}
		default:
			kept, isWeak = append(kept, w), append(isWeak, false)
		}
	}
	for i := 0; i < len(kept) && len(p.concepts) < maxConcepts; {
		n, adds := ix.synonyms.match(kept, i)
		if n == 0 {
			n = 1
		}
		c := concept{words: kept[i : i+n]}
		if t := ix.terms(strings.Join(c.words, " ")); len(t) > 0 {
			c.alts = append(c.alts, t)
		}
		for _, add := range adds {
			if t := ix.terms(add); len(t) > 0 {
				c.alts = append(c.alts, t)
			}
		}
		if len(c.alts) > 0 {
			for _, t := range c.alts[0] {
				c.weight = max(c.weight, ix.idf(t))
			}
			if c.weight == 0 { // only synonyms analysed to terms
				c.weight = ix.idf(c.alts[len(c.alts)-1][0])
			}
			c.weight *= 1 - ubiquityDiscount*ix.ubiquity(c)
			if n == 1 && isWeak[i] {
				c.weak = true
				c.weight = weakWeight
			}
			c.known = ix.known(c)
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
		for _, t := range alt {
			if ix.df[t] > 0 {
				return true
			}
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

// hit is a candidate document and how well it matches.
type hit struct {
	kind     string // "role" or "task"
	id       string
	score    float64   // weighted by fields
	coverage float64   // share of the question's weight it matches
	matched  int       // concepts matched
	strong   bool      // matched in a role's name or summary, or a task's title or details
	head     bool      // a task whose title or details hold the question's first concept
	name     int       // for roles: terms of the longest name the question holds
	consumed []bool    // concepts that name belongs to
	found    []float64 // per concept: how well it matched, in any field
}

// search runs one bleve query over every concept and field, then reranks the
// candidates by what they matched.
func (ix *Index) search(ctx context.Context, p parsed) ([]hit, error) {
	// Each term is expanded once against the index's own dictionary (typos,
	// longer forms), then looked up exactly: far cheaper than bleve's fuzzy
	// and prefix queries over every field.
	exp := map[string]map[string]float64{}
	// A concept most documents hold in a field, in any of its forms, is not
	// looked up there in any form (its rarer forms and typos would make the
	// few pages using them the only candidates), unless the question keeps
	// no word of its own to be found by: the reranking still counts it
	// (Index.lookup).
	var clauses, common []query.Query
	exact := false // a kept clause looks up a form the question's words give
	for _, c := range p.concepts {
		typo := !c.known // "infra" is short for "infrastructure", no typo of "intra"
		var commonIn [len(textFields)]bool
		for _, alt := range c.alts {
			for _, t := range alt {
				for fi := range textFields {
					commonIn[fi] = commonIn[fi] || ix.common(ix.fieldCount(t, fi))
				}
			}
		}
		for _, alt := range c.alts {
			for _, t := range alt {
				if _, done := exp[t]; done {
					continue
				}
				exp[t] = ix.expand(t, typo)
				// Sorted: the clauses, and so bleve's ties, do not depend on
				// map order.
				for _, m := range slices.Sorted(maps.Keys(exp[t])) {
					for fi, f := range textFields {
						n := ix.fieldCount(m, fi)
						if n == 0 {
							continue // no document to find there
						}
						tq := bleve.NewTermQuery(m)
						tq.SetField(f)
						if commonIn[fi] || ix.common(n) {
							common = append(common, tq)
							continue
						}
						clauses = append(clauses, tq)
						exact = exact || m == t
					}
				}
			}
		}
	}
	if !exact {
		clauses = append(clauses, common...)
	}
	if len(clauses) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(clauses), candidates, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	lk := ix.lookup(p, exp)
	total := 0.0
	for _, c := range p.concepts {
		total += c.weight
	}
	var hits []hit
	for _, dm := range res.Hits {
		kind, id, _ := strings.Cut(dm.ID, ":")
		h := hit{kind: kind, id: id}
		fw := fieldWeight[kind]
		held := lk.held(ix.fields[dm.ID])
		for ci, c := range p.concepts {
			best, bestAny := 0.0, 0.0
			for fi, w := range fw {
				if w == 0 {
					continue
				}
				q := lk.quality(ci, held[fi])
				best = max(best, w*q)
				bestAny = max(bestAny, q)
				if q > 0 && (fi == nameAt || fi == summaryAt || fi == detailsAt) && c.weight > 0 {
					if !c.weak {
						h.strong = true
					}
				}
				if q > 0 && (fi == nameAt || fi == detailsAt) && kind == "task" && ci == 0 {
					h.head = true
				}
			}
			h.score += c.weight * best
			h.coverage += c.weight * bestAny
			h.found = append(h.found, bestAny)
			if bestAny > 0 {
				h.matched++
			}
		}
		if total > 0 {
			h.coverage /= total
		}
		if kind == "role" {
			h.name, h.consumed = ix.nameMatch(id, p)
		}
		hits = append(hits, h)
	}
	// Ties are broken by kind and id: the same folder gives the same answer
	// every time, whatever order bleve found equal documents in.
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := &hits[i], &hits[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.kind != b.kind {
			return a.kind > b.kind // tasks first: the matrix says who owns what
		}
		return a.id < b.id
	})
	return hits, nil
}

// lookedUp is what reranking needs of the terms a question looked for:
// their ids in the index, and for each concept's forms, how much each of
// them counts, so that a candidate's fields are read as bitmasks of these
// terms rather than as maps.
type lookedUp struct {
	ids []uint32 // the looked-for terms the index holds, by position
	// forms holds, per concept, its forms, each a list of its terms.
	forms [][]form
}

// form is one way a concept is written: for each of its terms, the
// looked-for terms it expands to.
type form [][]posWeight

// posWeight is a looked-for term, by its position in lookedUp.ids, and how
// much it counts.
type posWeight struct {
	pos int
	w   float64
}

// mask is a set of positions in lookedUp.ids.
type mask []uint64

func (m mask) has(i int) bool { return m[i/64]&(1<<(i%64)) != 0 }

// lookup resolves the expanded terms exp of p's concepts once per question.
func (ix *Index) lookup(p parsed, exp map[string]map[string]float64) lookedUp {
	var lk lookedUp
	pos := map[string]int{}
	// Sorted: positions do not depend on map order (nor do results).
	for _, t := range slices.Sorted(maps.Keys(exp)) {
		for _, m := range slices.Sorted(maps.Keys(exp[t])) {
			if _, ok := pos[m]; ok {
				continue
			}
			if tid, ok := ix.termIDs[m]; ok {
				pos[m] = len(lk.ids)
				lk.ids = append(lk.ids, tid)
			}
		}
	}
	lk.forms = make([][]form, len(p.concepts))
	for ci, c := range p.concepts {
		for _, alt := range c.alts {
			f := make(form, len(alt))
			for ti, t := range alt {
				for m, w := range exp[t] {
					if i, ok := pos[m]; ok {
						f[ti] = append(f[ti], posWeight{pos: i, w: w})
					}
				}
			}
			lk.forms[ci] = append(lk.forms[ci], f)
		}
	}
	return lk
}

// held gives, per text field of a document whose sorted term ids are
// fields, the looked-for terms it holds.
func (lk lookedUp) held(fields *[len(textFields)][]uint32) [len(textFields)]mask {
	var out [len(textFields)]mask
	if fields == nil || len(lk.ids) == 0 {
		return out
	}
	words := (len(lk.ids) + 63) / 64
	all := make(mask, words*len(textFields))
	for fi := range textFields {
		m := all[fi*words : (fi+1)*words]
		for i, tid := range lk.ids {
			if _, ok := slices.BinarySearch(fields[fi], tid); ok {
				m[i/64] |= 1 << (i % 64)
			}
		}
		out[fi] = m
	}
	return out
}

// quality is how well concept ci matches the terms a field holds: the best
// of its forms, each the mean of its terms' matches.
func (lk lookedUp) quality(ci int, held mask) float64 {
	if held == nil {
		return 0
	}
	best := 0.0
	for _, f := range lk.forms[ci] {
		sum := 0.0
		for _, term := range f {
			q := 0.0
			for _, pw := range term {
				if held.has(pw.pos) {
					q = max(q, pw.w)
				}
			}
			sum += q
		}
		best = max(best, sum/float64(len(f)))
	}
	return best
}

// expand lists the indexed terms a query term may stand for, with how much
// each counts: itself, longer or shorter forms of it ("budget" for
// "budgetaire"), and, when typo is set, the same word with a typo.
func (ix *Index) expand(t string, typo bool) map[string]float64 {
	out := map[string]float64{}
	if ix.df[t] > 0 {
		out[t] = 1
	}
	n := utf8.RuneCountInString(t)
	fz := fuzziness(t)
	if ix.df[t] > 0 || !typo {
		fz = 0 // a word of the pages is no typo
	}
	if fz == 0 && n < minPrefix {
		return out
	}
	lw, mask := ix.termsByFirst.sharing(t), letterMask(t)
	for i, m := range lw.words {
		if m == t {
			continue
		}
		if n >= minPrefix && strings.HasPrefix(m, t) || len(m) >= minPrefix && strings.HasPrefix(t, m) {
			out[m] = fuzzyQuality
			continue
		}
		if d := utf8.RuneCountInString(m) - n; fz > 0 && d <= fz && -d <= fz && lw.mayBeNear(i, mask, fz) && distance(t, m) <= fz {
			out[m] = fuzzyQuality
		}
	}
	return out
}

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
					best, used = len(name), mark(len(p.concepts), i, 1)
				}
			}
			if len(name) <= best {
				continue
			}
			// The name spread over consecutive concepts: "responsable" "produit".
			j, k := i, 0
			for k < len(name) && j < len(p.concepts) {
				if !slices.ContainsFunc(p.concepts[j].alts, func(alt []string) bool {
					return len(alt) == 1 && ix.sameTerm(alt[0], name[k], !p.concepts[j].known)
				}) {
					break
				}
				j, k = j+1, k+1
			}
			if k == len(name) {
				best, used = len(name), mark(len(p.concepts), i, j-i)
			}
		}
	}
	return best, used
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
	return q == name || typo && ix.df[q] == 0 && distance(q, name) <= min(fuzziness(q), fuzziness(name))
}

// decide picks the answer from the reranked hits.
//
// The matrix is the one source of who owns what, so a question whose
// subject is a task's title or details gets that task, even when a role page
// speaks of it too. A role page's text wins only where it covers clearly
// more of the question ("qui automatise les déploiements ?"), and a role
// named in the question is that role's card.
func (ix *Index) decide(p parsed, hits []hit, a *answer.Answer) {
	var role, role2, task, named *hit
	for i := range hits {
		h := &hits[i]
		switch h.kind {
		case "role":
			if role == nil {
				role = h
			} else if role2 == nil {
				role2 = h
			}
			if h.name > 0 && (named == nil || h.name > named.name || (h.name == named.name && h.score > named.score)) {
				named = h
			}
		case "task":
			if h.strong && h.coverage >= minCoverage/2 && (task == nil || h.score > task.score) {
				task = h
			}
		}
	}
	var chosen, other *hit
	if named != nil && p.who {
		// "qui accompagne le responsable métier ?": the role named is the
		// object; the answer is who does the rest.
		other = ix.aboutOther(p, named, hits)
	}
	taskOK := task != nil && task.coverage >= minCoverage
	switch {
	case other != nil:
		chosen = other
	case named != nil && !taskOverName(p, named, task):
		chosen = named
	case taskOK && (role == nil || task.coverage >= role.coverage-taskSlack):
		chosen = task
	case task != nil && p.bare && task.head && p.unknown == 0:
		chosen = task
	case role != nil && role.coverage >= minCoverage && (p.who || role.strong || role.matched >= 2) &&
		(role.strong || role2 == nil || role.score >= roleLead*role2.score):
		chosen = role
	case taskOK:
		chosen = task
	}
	if chosen == nil {
		a.Intent = answer.IntentNone
		for i := range hits {
			if len(a.Suggestions) == 3 {
				break
			}
			if hits[i].matched > 0 {
				a.Suggestions = append(a.Suggestions, ix.ref(&hits[i]))
			}
		}
		return
	}
	ix.fill(chosen, a)
	for i := range hits {
		h := &hits[i]
		if h == chosen || len(a.Alternatives) == 3 {
			continue
		}
		if h.coverage >= minCoverage && h.score >= alternativeMin*chosen.score && (h.strong || h.name > 0) {
			a.Alternatives = append(a.Alternatives, ix.ref(h))
		}
	}
}

// aboutOther finds, for a question that names a role as the object of what
// is asked, the other role or task that covers the rest of the question.
func (ix *Index) aboutOther(p parsed, named *hit, hits []hit) *hit {
	var rest, used float64
	for i, c := range p.concepts {
		if named.consumed[i] {
			used += c.weight
		} else {
			rest += c.weight
		}
	}
	if rest < used/2 || rest == 0 {
		return nil
	}
	var best *hit
	bestCov := 0.0
	for i := range hits {
		h := &hits[i]
		if h == named || (h.kind == "task" && !h.strong) {
			continue
		}
		cov := 0.0
		for ci, c := range p.concepts {
			if !named.consumed[ci] && ci < len(h.found) {
				cov += c.weight * h.found[ci]
			}
		}
		cov /= rest
		if cov > bestCov {
			best, bestCov = h, cov
		}
	}
	if bestCov < restCoverage {
		return nil
	}
	return best
}

// taskOverName decides "qui est responsable du design ?": a one-word role
// name ("design") asked about with an ownership word, which a task's title
// or details also hold, is the task.
func taskOverName(p parsed, named, task *hit) bool {
	if task == nil || !p.weak || named.name > 1 || task.coverage < minCoverage {
		return false
	}
	return task.score >= named.score
}

// ref names a hit, for alternatives and suggestions.
func (ix *Index) ref(h *hit) answer.Ref {
	switch h.kind {
	case "role":
		if r, ok := ix.team.Role(h.id); ok {
			return answer.Ref{Intent: answer.IntentRole, ID: r.ID, Title: r.Title}
		}
	case "task":
		if t, ok := ix.team.Task(h.id); ok {
			return answer.Ref{Intent: answer.IntentTask, ID: t.ID, Title: t.Title}
		}
	}
	return answer.Ref{ID: h.id, Title: h.id}
}

// fill puts the chosen hit's card into a, keeping the question as asked.
func (ix *Index) fill(h *hit, a *answer.Answer) {
	if card, ok := ix.Answer(ix.ref(h)); ok {
		card.Query = a.Query
		*a = card
	}
}

// Answer looks a role or a task up by id, for the buttons of a card.
func (ix *Index) Answer(ref answer.Ref) (answer.Answer, bool) {
	a := answer.Answer{Query: ref.Title}
	switch ref.Intent {
	case answer.IntentRole:
		if r, ok := ix.team.Role(ref.ID); ok {
			a.Intent, a.Role = answer.IntentRole, answer.NewRole(ix.team, r)
			return a, true
		}
	case answer.IntentTask:
		if t, ok := ix.team.Task(ref.ID); ok {
			a.Intent, a.Task = answer.IntentTask, answer.NewTask(ix.team, t)
			return a, true
		}
	case answer.IntentListRoles:
		a.Intent, a.Roles = answer.IntentListRoles, answer.ListRoles(ix.team)
		return a, true
	case answer.IntentListTasks:
		a.Intent, a.Tasks = answer.IntentListTasks, answer.ListTasks(ix.team)
		return a, true
	case answer.IntentHelp:
		a.Intent = answer.IntentHelp
		return a, true
	}
	return a, false
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

package search

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

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
	denied   float64   // share of the question a denial of the role's page answers
	exact    bool      // some concept matched as written or by a synonym, not only by typo
	// typed counts the concepts with synonyms whose form as written the
	// label's title holds: between equal scores, the title that says
	// what the question says wins over one the synonyms reach.
	typed int
	// weighted holds, per concept, its best match weighted by the field
	// it matched in (fieldWeight): what the scorer counts as evidence.
	weighted []float64
	// own holds, per concept, its best match in the label's own fields:
	// for a task, its title, details and notes, not the role pages'
	// sentences about it.
	own []float64
	// against holds, per concept, how well the role page's denials match
	// it: evidence against the role (scorer).
	against []float64
}

// search runs one bleve query over every concept and field, then reranks the
// candidates by what they matched.
func (ix *Index) search(ctx context.Context, p parsed) ([]hit, error) {
	hits, _, err := ix.searchLooked(ctx, p)
	return hits, err
}

// searchLooked is search, also returning the question's terms as looked
// up, for the checks that read a page's sentences (Index.paired).
func (ix *Index) searchLooked(ctx context.Context, p parsed) ([]hit, lookedUp, error) {
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
				exp[t] = ix.expanded(t, typo)
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
		return nil, lookedUp{}, nil
	}
	lk := ix.lookup(p, exp)
	ids, err := ix.candidates(ctx, clauses, lk)
	if err != nil {
		return nil, lk, err
	}
	total := 0.0
	for _, c := range p.concepts {
		total += c.weight
	}
	hits := make([]hit, 0, len(ids))
	// One backing array for every candidate's per-concept figures.
	nc := len(p.concepts)
	figures := make([]float64, 3*nc*len(ids))
	var scratch againstScratch
	for _, key := range ids {
		kind, id, _ := strings.Cut(key, ":")
		h := hit{kind: kind, id: id}
		h.found, h.weighted, h.own = figures[:0:nc], figures[nc:nc:2*nc], figures[2*nc:2*nc:3*nc]
		figures = figures[3*nc:]
		fw := fieldWeight[kind]
		held := lk.held(ix.fields[key])
		for ci, c := range p.concepts {
			best, bestAny, own := 0.0, 0.0, 0.0
			for fi, w := range fw {
				if w == 0 {
					continue
				}
				q := lk.quality(ci, held[fi])
				best = max(best, w*q)
				bestAny = max(bestAny, q)
				if fi != contextAt {
					own = max(own, q)
				}
				if q > 0 && (fi == nameAt || fi == summaryAt || fi == detailsAt) && c.weight > 0 {
					if !c.weak {
						h.strong = true
					}
				}
				if q > 0 && (fi == nameAt || fi == detailsAt) && kind == "task" && ci == 0 {
					h.head = true
				}
			}
			if best > 0 && fw[nameAt] > 0 && len(lk.forms[ci]) > 1 && lk.formQuality(ci, 0, held[nameAt]) == 1 {
				h.typed++
			}
			h.score += c.weight * best
			h.coverage += c.weight * bestAny
			h.found = append(h.found, bestAny)
			h.weighted = append(h.weighted, best)
			h.own = append(h.own, own)
			if bestAny > 0 {
				h.matched++
			}
			if bestAny == 1 && !c.weak && !c.corrected {
				h.exact = true
			}
		}
		if total > 0 {
			h.coverage /= total
		}
		if kind == "role" {
			h.name, h.consumed = ix.nameMatch(id, p)
			h.against = ix.against(p, lk, key, &scratch)
			if h.denied = ix.denied(p, lk, key, total); h.denied > 0 {
				h.score *= 1 - h.denied
				h.coverage *= 1 - h.denied
			}
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
		if a.typed != b.typed {
			// "qui fait la recette ?": the title that says "recette"
			// before the one that says "tests", which the synonyms give.
			return a.typed > b.typed
		}
		if a.kind == "role" && b.kind == "role" {
			// "/role patient": "Patient partenaire" before "Directrice
			// des admissions et de la relation avec les patients": the
			// word says more of a shorter title.
			if la, lb := ix.titleLen(a.id), ix.titleLen(b.id); la != lb {
				return la < lb
			}
		}
		if a.kind != b.kind {
			return a.kind > b.kind // tasks first: the matrix says who owns what
		}
		return a.id < b.id
	})
	return hits, lk, nil
}

// candidates returns the documents to rerank: bleve's best matches of the
// clauses, or, when the folder has no more documents than bleve would
// return, every document holding a looked-for term (what bleve would
// return, without the cost of asking it: most of a question's time on a
// small folder).
func (ix *Index) candidates(ctx context.Context, clauses []query.Query, lk lookedUp) ([]string, error) {
	if len(ix.keys) <= candidates && !ix.askBleve {
		var ids []string
		for _, key := range ix.keys {
			if lk.holdsAny(ix.fields[key]) {
				ids = append(ids, key)
			}
		}
		return ids, nil
	}
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(clauses), candidates, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(res.Hits))
	for _, dm := range res.Hits {
		ids = append(ids, dm.ID)
	}
	return ids, nil
}

// holdsAny reports whether a document's text fields hold any looked-for
// term: whether one of the clauses would find it.
func (lk lookedUp) holdsAny(fields *[len(textFields)][]uint32) bool {
	if fields == nil {
		return false
	}
	for fi := range textFields {
		for _, tid := range lk.ids {
			if _, ok := slices.BinarySearch(fields[fi], tid); ok {
				return true
			}
		}
	}
	return false
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

// formQuality is how well form fi of concept ci matches the terms a
// field holds: the mean of its terms' matches.
func (lk lookedUp) formQuality(ci, fi int, held mask) float64 {
	if held == nil {
		return 0
	}
	f := lk.forms[ci][fi]
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
	return sum / float64(len(f))
}

// quality is how well concept ci matches the terms a field holds: the best
// of its forms (formQuality).
func (lk lookedUp) quality(ci int, held mask) float64 {
	if held == nil {
		return 0
	}
	best := 0.0
	for fi := range lk.forms[ci] {
		best = max(best, lk.formQuality(ci, fi, held))
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

// minDenied is how many of a question's concepts one denial of a role page
// must hold to lower that role: "pas l'animateur attitré des rituels"
// answers "qui anime les rituels ?", not every question about "rituels".
const minDenied = 2

// denied is the largest share of the question's weight that one sentence
// of the role page key's denials holds, or 0 when none holds minDenied of
// its concepts. Ownership words count: "pas le responsable de
// l'homologation" denies "qui est responsable de l'homologation ?".
func (ix *Index) denied(p parsed, lk lookedUp, key string, total float64) float64 {
	if total == 0 {
		return 0
	}
	best := 0.0
	var m mask
	for _, sen := range ix.denials[key] {
		m = lk.heldIn(sen, m)
		share, n := 0.0, 0
		for ci, c := range p.concepts {
			if q := lk.quality(ci, m); q > 0 {
				share += c.weight * q
				n++
			}
		}
		if n >= minDenied {
			best = max(best, share/total)
		}
	}
	return best
}

// heldIn is held for one list of sorted term ids, reusing m's memory.
func (lk lookedUp) heldIn(ids []uint32, m mask) mask {
	n := (len(lk.ids) + 63) / 64
	if cap(m) < n {
		m = make(mask, n)
	}
	m = m[:n]
	clear(m)
	for i, tid := range lk.ids {
		if _, ok := slices.BinarySearch(ids, tid); ok {
			m[i/64] |= 1 << (i % 64)
		}
	}
	return m
}

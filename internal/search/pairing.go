package search

import (
	"iter"
	"slices"

	"github.com/rolebot/rolebot/internal/answer"
)

// What a role's page never says: a who-question answered by a role card
// must find what it asks (its act and its object) said together by that
// role's page, not its words scattered over the page ("qui conduit les
// cars ?" of a page that speaks of "conduire des entretiens" and, further
// on, of "la carte de car").

// pairedOn says whether one sentence of role document key's page (its
// summary's among them) holds two of the concepts in cs of the question
// lk was looked up for.
func (ix *Index) pairedOn(lk lookedUp, key string, cs []int) bool {
	var m mask
	for sen := range sentenceIDs(ix.says[key]) {
		m = lk.heldIn(sen, m)
		n := 0
		for _, ci := range cs {
			if lk.quality(ci, m) > 0 {
				n++
			}
		}
		if n >= 2 {
			return true
		}
	}
	return false
}

// unpairedRole says whether a who-question answered by a role card it
// does not name asks what the role's page never says together: two of
// its concepts at least (no ownership words) are on the page, never two
// in one sentence.
func (ix *Index) unpairedRole(p parsed, lk lookedUp, hits []hit, named *hit, a answer.Answer) bool {
	if !p.who || named != nil || a.Intent != answer.IntentRole || a.Role == nil {
		return false
	}
	h := roleHit(hits, a.Role.ID)
	if h == nil {
		return false
	}
	cs := foundIn(p, h)
	if len(cs) < 2 {
		return false
	}
	return !ix.pairedOn(lk, roleKey(a.Role.ID), cs)
}

// foundIn lists the concepts of p, ownership words aside, that hit h
// matched.
func foundIn(p parsed, h *hit) []int {
	var cs []int
	for ci, c := range p.concepts {
		if !c.weak && h.found[ci] > 0 {
			cs = append(cs, ci)
		}
	}
	return cs
}

// pairedTask is, for a who-question whose role answer is unpaired, the
// task whose own text (title, details, owners' notes) holds two of the
// question's concepts at least, one of them no ownership word (the act
// may be one: "runs" is "animer"): what the role's
// page scatters, the matrix's row says together ("who runs the agile
// rituals?" is "Animer les rituels agiles", not the coach whose page
// speaks of agility and, elsewhere, of rituals). The best scored, or nil.
func pairedTask(p parsed, hits []hit) *hit {
	return bestOwnTask(p, hits, 2)
}

// bestOwnTask is the best-scored task found in its own text (strong) whose
// own text holds at least least of p's concepts, one of them no ownership
// word; nil when none does.
func bestOwnTask(p parsed, hits []hit, least int) *hit {
	var best *hit
	for i := range hits {
		h := &hits[i]
		if h.kind != "task" || !h.strong {
			continue
		}
		n, subject := 0, false
		for ci, c := range p.concepts {
			if h.own[ci] > 0 {
				n++
				subject = subject || !c.weak
			}
		}
		if n >= least && subject && (best == nil || h.score > best.score) {
			best = h
		}
	}
	return best
}

// ownedRow is, for a who-question whose role answer is unpaired and that
// no task says together, the best-scored task whose own text holds a
// concept of the question, no ownership word, when the role owns it: "qui
// code l'appli ?" found the developer by two words its page never pairs,
// and the row the developer owns is what was asked (« Développer et
// maintenir le code »). Nil when the best such task is another role's: the
// role was then found by scattered words ("qui programme l'appli ?" found
// the clerk whose page speaks of programmes and of apps).
func (ix *Index) ownedRow(p parsed, hits []hit, roleID string) *hit {
	r := roleHit(hits, roleID)
	if r == nil || p.unknownShare(hits) >= unknownSure {
		// "qui fixe le montant des frais d'inscription ?": what is asked
		// about is a word no page uses, and the row « Fixer les objectifs »
		// was found by the verb alone.
		return nil
	}
	best := bestOwnTask(p, hits, 1)
	if best == nil || !ix.owns(best, r) {
		return nil
	}
	return best
}

// sentenceEnd ends each sentence in Index.says, which holds a page's
// sentences in one slice: a slice header per sentence weighed more than
// its terms (+6 KB a page at 1,000 pages).
const sentenceEnd = ^uint32(0)

// flatSentences interns sentences of terms into one slice, each
// sentence's ids sorted, distinct and followed by sentenceEnd; sentences of
// fewer than two terms, which pair nothing, are left out.
func (ix *Index) flatSentences(sens [][]string) []uint32 {
	var out []uint32
	for _, sen := range sens {
		ids := ix.internTerms(sen)
		if len(ids) < 2 {
			continue
		}
		out = append(out, ids...)
		out = append(out, sentenceEnd)
	}
	return slices.Clip(out)
}

// sentenceIDs yields the sentences flatSentences made, as sorted ids.
func sentenceIDs(flat []uint32) iter.Seq[[]uint32] {
	return func(yield func([]uint32) bool) {
		for len(flat) > 0 {
			end := slices.Index(flat, sentenceEnd)
			if !yield(flat[:end]) {
				return
			}
			flat = flat[end+1:]
		}
	}
}

// roleHit is the candidate of role id, or nil.
func roleHit(hits []hit, id string) *hit {
	for i := range hits {
		if hits[i].kind == "role" && hits[i].id == id {
			return &hits[i]
		}
	}
	return nil
}

// roleStrong says whether role answer a was found in its names or
// summary, not only its page's body.
func (ix *Index) roleStrong(hits []hit, a answer.Answer) bool {
	h := roleHit(hits, a.Role.ID)
	return h != nil && h.strong
}

package search

import (
	"slices"

	"github.com/rolebot/rolebot/internal/answer"
)

// roleSureLead is how far a role's page must lead the next role's, as a
// ratio, for its card to be given alone when the question does not name
// the role clearly: in the rules' score and in the scorer's net alike. On
// every seen set, the right sure cards of unnamed roles lead by 1.25 or
// more; a closer race is two readings, and a wrong card there names the
// wrong colleague.
const roleSureLead = 1.2

// calibrateRole turns a sure role card into a guess, with the next role
// offered first among its alternatives, unless the evidence is clear: the
// question names that role (by a name no other role shares, outside a
// cleft asking whether it does something else), or its page wins by
// roleSureLead over the next role's.
func (ix *Index) calibrateRole(p parsed, ws []string, hits []hit, v verdict, named *hit, a *answer.Answer) {
	if a.Intent != answer.IntentRole || a.Role == nil || !a.Confident() {
		return
	}
	var me, next *hit
	for i := range hits {
		h := &hits[i]
		switch {
		case h.kind != "role":
		case h.id == a.Role.ID:
			if me == nil {
				me = h
			}
		case next == nil:
			next = h
		}
	}
	if me == nil {
		return
	}
	if named != nil && named.id == me.id {
		if cleft(ws) && p.who && !p.identity {
			// "est-ce que c'est le dev qui fait le run ?" asks whether the
			// role does the rest, which the matrix answers: the card
			// alone does not say so.
			ix.doubt(a, v, me)
			return
		}
		if !ix.sharedName(p, named) {
			return
		}
	}
	if next == nil || me.score >= roleSureLead*next.score && leadsNet(v, me, next) {
		return
	}
	ix.doubt(a, v, next)
}

// leadsNet says whether the scorer's net for role me is at least
// roleSureLead times next's; a role the scorer did not rank is no rival.
func leadsNet(v verdict, me, next *hit) bool {
	mn, nn := -1.0, -1.0
	for _, s := range v.ranked {
		switch {
		case s.h == me:
			mn = s.net
		case s.h == next:
			nn = s.net
		}
	}
	return nn <= 0 || mn >= roleSureLead*nn
}

// sharedName says whether the role the question names is named by one
// word alone that another role's names also hold ("expert", "lead",
// "responsable"): that word does not tell the two apart.
func (ix *Index) sharedName(p parsed, named *hit) bool {
	if named.name != 1 {
		return false
	}
	for ci, used := range named.consumed {
		if !used {
			continue
		}
		for _, t := range p.concepts[ci].alts[0] {
			for id, names := range ix.names {
				if id != named.id && slices.ContainsFunc(names, func(n []string) bool { return slices.Contains(n, t) }) {
					return true
				}
			}
		}
	}
	return false
}

// cleft says whether folded words ws hold a French cleft, "c'est X qui
// …": the question asks whether X does what follows.
func cleft(ws []string) bool {
	for i := range ws {
		at := -1
		switch {
		case ws[i] == "cest":
			at = i + 1
		case ws[i] == "c" && i+1 < len(ws) && ws[i+1] == "est":
			at = i + 2
		}
		if at < 0 || at >= len(ws) || ws[at] == "qui" {
			continue
		}
		if slices.Contains(ws[at+1:], "qui") {
			return true
		}
	}
	return false
}

// doubt makes a sure card a guess, offering other first among its
// alternatives (then the scorer's best reading, if it is neither).
func (ix *Index) doubt(a *answer.Answer, v verdict, other *hit) {
	a.Confidence = answer.Guess
	var alts []answer.Ref
	add := func(h *hit) {
		if h == nil || (a.Role != nil && h.kind == "role" && h.id == a.Role.ID) {
			return
		}
		r := ix.ref(h)
		if !slices.ContainsFunc(alts, func(x answer.Ref) bool { return x.ID == r.ID && x.Intent == r.Intent }) {
			alts = append(alts, r)
		}
	}
	add(other)
	add(v.top().h)
	for _, r := range a.Alternatives {
		if !slices.ContainsFunc(alts, func(x answer.Ref) bool { return x.ID == r.ID && x.Intent == r.Intent }) {
			alts = append(alts, r)
		}
	}
	if len(alts) > maxAlternatives {
		alts = alts[:maxAlternatives]
	}
	a.Alternatives = alts
}

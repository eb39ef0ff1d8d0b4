package search

import (
	"slices"

	"github.com/rolebot/rolebot/internal/answer"
)

// Thresholds of the confidence, which decides between one answer, a
// reading offered with its alternatives ("Vouliez-vous dire…"), and none.
// Tuned on testdata/tune-a.jsonl, then checked on the other sets.
const (
	// unknownNone: when concepts that no page uses in any form ("frais",
	// "salaire", "demain") make this share of a question's weight, the
	// pages do not speak of its subject: none, with suggestions.
	unknownNone = 0.45
	// unknownSure: a reading is given with confidence only when unknown
	// concepts make less than this share.
	unknownSure = 0.2
	// sureCoverage: a reading is confident only when it matches this share
	// of the question's weight.
	sureCoverage = 0.7
	// sureLead: and when no other reading scores this share of its score.
	sureLead = 0.8
	// namedSure: a role named in the question is answered with
	// confidence when its name makes this share of the question's
	// weight, ownership words aside.
	namedSure = 0.5
)

// namedShare is the share of p's weight, ownership words aside, that the
// role's name takes.
func namedShare(p parsed, named *hit) float64 {
	var used, total float64
	for i, c := range p.concepts {
		if c.weak {
			continue
		}
		total += c.weight
		if i < len(named.consumed) && named.consumed[i] {
			used += c.weight
		}
	}
	if total == 0 {
		return 1
	}
	return used / total
}

// decide picks the answer from the reranked hits, and how sure it is. It
// returns the hit chosen (nil for none) and the role the question names,
// if any.
//
// The matrix is the one source of who owns what, so a question whose
// subject is a task's title, details or context (the role pages' sentences
// about it) gets that task, even when a role page speaks of it too: "who
// does X" is about X first. A role page's text wins only where it covers
// clearly more of the question ("qui automatise les déploiements ?"), and a
// role named in the question is that role's card, unless the rest of the
// question is a task ("le PO est-il responsable de la vision ?": the task,
// with its real owners, answers it).
func (ix *Index) decide(p parsed, hits []hit, a *answer.Answer) (chosen, named *hit) {
	var role, role2, task *hit
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
	if first := namedFirst(p, hits); first != nil && likensNamed(p, first, hits) {
		// "la gestionnaire, c'est une coordinatrice ?" is about the
		// gestionnaire, whichever name is longer.
		named = first
	}
	var other *hit
	if named != nil && (p.who || p.weak || !p.bare) && !likensNamed(p, named, hits) && !asksWhoIsNamed(p, named) {
		// "qui accompagne le responsable métier ?": the role named is the
		// object; the answer is who does the rest. Without a question
		// word, only a task is the rest, and only when ownership is asked
		// about or the question is one: "le PO est-il responsable de la
		// vision ?", "do developers prioritize the backlog?" (but "rgpd
		// designer" is the designer's card).
		other = ix.aboutOther(p, hits, !p.who)
	}
	unknown := p.unknownShare(hits)
	taskOK := task != nil && task.coverage >= minCoverage
	switch {
	case unknown >= unknownNone:
		// Most of the question is words no page uses.
	case other != nil:
		chosen = other
	case named != nil && !taskOverName(p, named, task):
		chosen = named
	case p.roleCommand && role != nil && role.strong && role.coverage >= minCoverage:
		// "/role data": the card of the role the word best describes.
		chosen = role
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
		return nil, named
	}
	ix.fill(chosen, a)
	var rival *hit // the best other reading
	for i := range hits {
		h := &hits[i]
		if h == chosen || h.coverage < minCoverage || !(h.strong || h.name > 0) {
			continue
		}
		// A role the chosen task names as an owner agrees with it: the
		// answer shows that role.
		if rival == nil && !ix.owns(chosen, h) {
			rival = h
		}
		if len(a.Alternatives) < 3 && h.score >= alternativeMin*chosen.score {
			a.Alternatives = append(a.Alternatives, ix.ref(h))
		}
	}
	a.Confidence = answer.Guess
	if sure(p, chosen, named, rival, unknown) {
		a.Confidence = answer.Sure
	}
	return chosen, named
}

// likensNamed says whether a question asks whether the role it names
// first is something else ("la juriste, c'est la DPO ?", "is the UX
// researcher a kind of designer?"): a copula ("est-ce que" is none), the
// role's name at its head, and no owner asked for (an ownership word
// before a role's name is that name's: "le chef des devs"). The role's card answers it, not a task about the
// rest: that would say who owns the rest, which was not asked.
func likensNamed(p parsed, named *hit, hits []hit) bool {
	if !p.likens || p.who {
		return false
	}
	consumed := func(ci int) bool { return ci < len(named.consumed) && named.consumed[ci] }
	// Any role's name: "le product owner, c'est le chef des devs ?"
	// likens the PO to a head of the developers.
	anyName := func(ci int) bool {
		return slices.ContainsFunc(hits, func(h hit) bool { return h.name > 0 && ci < len(h.consumed) && h.consumed[ci] })
	}
	for ci, c := range p.concepts {
		// An ownership word just before a role's name ("le responsable
		// data, c'est le DPO ?") is the name's: it asks for no owner.
		if c.weak && !consumed(ci) && !anyName(ci+1) {
			return false
		}
	}
	for ci, c := range p.concepts {
		if !c.weak || consumed(ci) || consumed(ci+1) {
			return consumed(ci) || consumed(ci+1) // the name opens the question
		}
	}
	return false
}

// asksWhoIsNamed says whether a question asks who holds the role it
// names at its head, with no other clause ("c'est qui le PO de
// Déclar'Eau ?", "qui est la référente ?"): the role's card answers it,
// not a task or role about the words after the name. "qui est le dev qui
// fait le run ?" asks who does the rest.
func asksWhoIsNamed(p parsed, named *hit) bool {
	return p.identity && p.whos == 1 && len(named.consumed) > 0 && named.consumed[0]
}

// namedFirst is the role named by the question's first named concept, if
// any role is.
func namedFirst(p parsed, hits []hit) *hit {
	var first *hit
	at := len(p.concepts)
	for i := range hits {
		h := &hits[i]
		if h.name == 0 {
			continue
		}
		if ci := slices.Index(h.consumed, true); ci >= 0 && ci < at {
			first, at = h, ci
		}
	}
	return first
}

// sure says whether a reading is clear enough to be the one answer: it
// matches most of the question, exactly (not only through typos), no
// other reading comes close, and the question holds few words no page
// uses. A role named in the question and answered as itself is sure.
func sure(p parsed, chosen, named, rival *hit, unknown float64) bool {
	if unknown >= unknownSure {
		return false
	}
	if named != nil && chosen != named && p.likens && !p.who {
		// "est-ce que l'animatrice est la cheffe des agents d'accueil ?"
		// may liken the role to a job (its card answers) as well as ask
		// whether it does a task.
		return false
	}
	if chosen == named && chosen.name > 0 {
		// Sure when the name is most of the question ("que fait le PO ?"),
		// not when the rest is a subject no other reading took, nor when
		// another role is named too.
		return namedShare(p, named) >= namedSure && (rival == nil || rival.name == 0)
	}
	if chosen.coverage < sureCoverage || !chosen.exact {
		return false
	}
	if chosen.kind == "role" && !chosen.strong {
		return false // only the page's body speaks of it
	}
	return rival == nil || rival.score < sureLead*chosen.score
}

// aboutOther finds, for a question that names roles as the object or the
// subject of what is asked, the task or other role that covers the rest of
// it: "qui accompagne le responsable métier ?" is the coach, "le PO
// est-il responsable de la vision ?" is the vision's task, answered with
// its real owners. A task is preferred to a role that covers about as
// much: who owns what is the matrix's to say.
func (ix *Index) aboutOther(p parsed, hits []hit, tasksOnly bool) *hit {
	consumed := make([]bool, len(p.concepts))
	names := 0
	for i := range hits {
		if hits[i].name > 0 {
			names++
			ix.nameWords(p, &hits[i])
		}
		for ci, used := range hits[i].consumed {
			consumed[ci] = consumed[ci] || used
		}
	}
	if h := ix.aboutRest(p, hits, consumed, tasksOnly); h != nil || names < 2 {
		return h
	}
	// Two names may overlap ("le responsable métier est-il responsable du
	// RGAA ?" holds "responsable métier" and, through the synonyms,
	// "responsable accessibilité"): a task may be the rest of either.
	for i := range hits {
		if hits[i].name > 0 {
			if h := ix.aboutRest(p, hits, hits[i].consumed, true); h != nil {
				return h
			}
		}
	}
	return nil
}

// aboutRest finds the task or role, other than those named, that covers
// the concepts of p not consumed.
func (ix *Index) aboutRest(p parsed, hits []hit, consumed []bool, tasksOnly bool) *hit {
	var rest, used float64
	for i, c := range p.concepts {
		switch {
		case consumed[i]:
			used += c.weight
		case inRest(c):
			rest += c.weight
		}
	}
	if rest == 0 {
		return nil
	}
	var bestTask, bestRole *hit
	taskCov, roleCov := 0.0, 0.0
	for i := range hits {
		h := &hits[i]
		// A role named by one word is still a candidate: "data" in "who
		// builds the data dashboards?" may be the role or the dashboards'.
		if h.name > 0 && !ix.oneWordName(p, h) || (h.kind == "task" && !h.strong) || (tasksOnly && h.kind != "task") {
			continue
		}
		cov := 0.0
		for ci, c := range p.concepts {
			if !consumed[ci] && inRest(c) && ci < len(h.found) {
				w := c.weight
				if c.corrected && !slices.ContainsFunc(c.alts[0], func(t string) bool { return ix.df[t] > 0 }) {
					// Corrected into a word only the lexicon knows
					// ("journées" read as "journeys"): as likely a word
					// the pages lack, which asks nothing of the role.
					w *= 1 - typoDoubt
				}
				cov += w * h.found[ci]
			}
		}
		cov /= rest
		switch {
		case h.kind == "task" && cov > taskCov:
			bestTask, taskCov = h, cov
		case h.kind == "role" && h.strong && cov > roleCov:
			bestRole, roleCov = h, cov
		}
	}
	switch {
	case taskCov >= restCoverage && taskCov >= roleCov-taskSlack:
		return bestTask
	case roleCov >= restCoverage:
		return bestRole
	}
	return nil
}

// inRest says whether a concept, not a named role's, is part of what a
// question asks about that role: not an ownership word, nor a word no page
// uses (no answer can cover it: "c'est le designer qui fait les visuels
// pour communiquer ?" is about communicating).
func inRest(c concept) bool { return !c.weak && c.known }

// nameWords marks as consumed by a named role the concepts that are words
// of its names, wherever they stand: in "the a11y expert?", "expert" is
// the name's ("expert a11y"), not a subject left to find a task by.
func (ix *Index) nameWords(p parsed, h *hit) {
	for ci, c := range p.concepts {
		if h.consumed[ci] || len(c.alts[0]) != 1 {
			continue
		}
		for _, name := range ix.names[h.id] {
			if len(name) > 1 && slices.Contains(name, c.alts[0][0]) {
				h.consumed[ci] = true
				break
			}
		}
	}
}

// oneWordName says whether a role was named by one word of the question
// that only a synonym makes its name ("data" for "responsable data", "ux"
// for "designer"): the word may as well qualify what is asked.
func (ix *Index) oneWordName(p parsed, h *hit) bool {
	n, at := 0, -1
	for ci, used := range h.consumed {
		if used {
			n += len(p.concepts[ci].words)
			at = ci
		}
	}
	if n != 1 {
		return false
	}
	if ix.namesHead(h.id, p.concepts[at]) {
		return false
	}
	typed := p.concepts[at].alts[0]
	return !slices.ContainsFunc(ix.names[h.id], func(name []string) bool { return slices.Equal(name, typed) })
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

// owns reports whether role hit r is an owner of task hit t.
func (ix *Index) owns(t, r *hit) bool {
	if t.kind != "task" || r.kind != "role" {
		return false
	}
	k, ok := ix.team.Task(t.id)
	if !ok {
		return false
	}
	for _, a := range k.Owners {
		if a.Role == r.id {
			return true
		}
	}
	return false
}

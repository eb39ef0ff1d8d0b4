package search

import (
	"github.com/rolebot/rolebot/internal/answer"
)

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

package search

import "github.com/rolebot/rolebot/internal/answer"

// teamFrames place the person a question asks about in the team: "c'est
// qui la designer de l'équipe ?", "who's the UX designer here?", "qui est
// le dev chez nous ?". Folded words.
var teamFrames = set("equipe", "team", "here", "ici", "nous", "us")

// teamMember says whether a question asking who someone is asks for a
// member of the team by a word of one role's page: it places the person in
// the team (teamFrames, or a word of the team's title), and the role
// answered holds every concept the question asks about, as written. "qui
// est le DPO du ministère ?" places the DPO elsewhere: none.
func (ix *Index) teamMember(ws []string, hits []hit, a answer.Answer) bool {
	if a.Intent != answer.IntentRole || a.Role == nil {
		return false
	}
	placed := false
	for _, w := range ws {
		// A title's small words ("l'équipe du site") place nothing.
		placed = placed || teamFrames[w] || ix.teamWords[w] && len(w) > 2 && !structural[w] && !determiners[w]
	}
	if !placed {
		return false
	}
	for i := range hits {
		h := &hits[i]
		if h.kind != "role" || h.id != a.Role.ID {
			continue
		}
		for ci := range h.found {
			if h.found[ci] < 1 {
				return false
			}
		}
		return h.exact
	}
	return false
}

package search

import (
	"slices"

	"github.com/rolebot/rolebot/internal/answer"
)

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

// nounMarks are the determiners that make the word after them a noun:
// "la cantine", "les menus", "du ménage" (de + le); not "qui obtient". French only: after an
// English article comes a qualifier as often as the noun asked about
// ("the enrollment campaign schedule").
var nounMarks = set("le", "la", "les", "l", "un", "une", "des", "du", "au", "aux", "ce", "cette", "ces", "nos", "vos", "ses", "leurs")

// unknownHead says whether a question's head concept (its first that is
// no ownership word: in French, what is asked about comes first), as the
// noun a determiner opens after its "qui", is a word no page uses in any
// form, matched by no candidate even as a typo: "qui gère la cantine
// scolaire ?" asks about the canteen, which the task found by "scolaire"
// does not speak of.
func (ix *Index) unknownHead(p parsed, ws []string, hits []hit) bool {
	ci := headConcept(p)
	if ci >= len(p.concepts) || p.concepts[ci].weak || p.concepts[ci].known {
		return false
	}
	if slices.ContainsFunc(hits, func(h hit) bool { return ci < len(h.found) && h.found[ci] > 0 }) {
		return false
	}
	// The object of "qui …": a subject set before the question ("le site
	// est planté, qui gère la supervision ?") is context, not what is asked.
	who := slices.IndexFunc(ws, func(w string) bool { return whoWords[w] })
	// The concept holds the word as corrected ("emplois" → "emploi" when only the lexicon
	// has the singular): find the question's word it came from.
	head := p.concepts[ci].words[0]
	at := slices.IndexFunc(ws, func(w string) bool { return w == head || ix.correct(w) == head })
	return who >= 0 && at > who+1 && nounMarks[ws[at-1]]
}

// roleWords name one role, as "quel rôle" asks for it: "c'est quel rôle,
// la personne qui fait le lien avec le terrain ?". Plurals ask for a list.
var roleWords = set("role", "poste", "profil", "metier", "job")

// asksWhichRole says whether a question asks which role something is:
// a which-word before a singular role word ("quel rôle", "which role").
func asksWhichRole(ws []string) bool {
	for i := 0; i+1 < len(ws); i++ {
		if whichWords[ws[i]] && roleWords[ws[i+1]] {
			return true
		}
	}
	return false
}

// roleAsked answers a question asking which role with a role: when the
// answer is a task, the role the scorer ranks first answers, as a guess,
// the task offered beside it. "quel rôle" makes a question ask who, which
// favours tasks; it asks for a role's card.
func (ix *Index) roleAsked(ws []string, v verdict, a *answer.Answer) {
	if a.Intent != answer.IntentTask || a.Task == nil || !asksWhichRole(ws) {
		return
	}
	for _, s := range v.ranked {
		if s.h.kind == "role" && s.net > 0 {
			task := answer.Ref{Intent: answer.IntentTask, ID: a.Task.ID, Title: a.Task.Title}
			ix.fill(s.h, a)
			a.Confidence = answer.Guess
			a.Alternatives = []answer.Ref{task}
			return
		}
	}
}

// whatDoesOpenings open a question asking what a role does or delivers:
// "what does the Ops expert deliver?", "que fait le designer ?",
// "qu'est-ce que livre le PO ?". Folded words.
var whatDoesOpenings = [][]string{{"what", "does"}, {"what", "do"}, {"what", "s"}, {"que", "fait"}, {"que", "font"},
	{"que", "livre"}, {"qu", "est", "ce", "que"}}

// whatRoleDoes answers a question asking what the role it names does or
// delivers with that role's card, as a guess beside the task its verb
// found ("deliver" is also "Piloter le delivery"): the card says what the
// role does and delivers.
func (ix *Index) whatRoleDoes(ws []string, named *hit, a *answer.Answer) {
	if named == nil || a.Intent != answer.IntentTask || a.Task == nil {
		return
	}
	opens := false
	for _, o := range whatDoesOpenings {
		opens = opens || len(ws) > len(o) && slices.Equal(ws[:len(o)], o)
	}
	if !opens {
		return
	}
	task := answer.Ref{Intent: answer.IntentTask, ID: a.Task.ID, Title: a.Task.Title}
	ix.fill(named, a)
	a.Confidence = answer.Guess
	a.Alternatives = []answer.Ref{task}
}

// describedNet is the share of a question a role's own words (its names
// or summary among them) must explain for "what does the <description>
// do?" to be that role's, as a guess: "what does the director of student
// affairs do?" is the « Directrice de la scolarité et de la vie
// étudiante », asked in English.
const describedNet = 0.5

// minDescribed is how many concepts a description of a role holds at least.
const minDescribed = 2

// describedRole says whether role answer a is the role a question asking
// what someone does ("what does the X do?", "que fait la X ?") describes:
// the scorer's best role, explaining describedNet of the question, all of
// it in the role's names, and leading the next role by roleSureLead. Such a
// question asks about a role without naming it; the card is a guess.
func describedRole(ws []string, v verdict, a answer.Answer) bool {
	if a.Intent != answer.IntentRole || a.Role == nil || !asksWhatDoes(ws) {
		return false
	}
	var best, next *scored
	for i := range v.ranked {
		s := &v.ranked[i]
		if s.h.kind != "role" {
			continue
		}
		if best == nil {
			best = s
		} else {
			next = s
			break
		}
	}
	return best != nil && best.h.id == a.Role.ID && best.net >= describedNet && inTitle(best.h) &&
		(next == nil || best.net >= roleSureLead*next.net)
}

// inTitle says whether a role's names hold every concept of the question,
// as written or nearly (a longer form, a synonym: "director of student
// affairs", « Directrice de la scolarité et de la vie étudiante »). A
// description that its summary or page matches ("que fait l'expert
// accessibilité ?" of a team whose patient partner's summary speaks of
// accessibility; "what does the data analyst do?" of a team whose DPO's
// title holds « données ») may describe a role the team does not have.
//
// A description of one concept is a name, which the names' own matching
// reads (and "data analyst", one phrase of the lexicon, holds « données »
// among its forms): several are asked for.
func inTitle(h *hit) bool {
	return len(h.weighted) >= minDescribed && !slices.ContainsFunc(h.weighted, func(w float64) bool { return w < fuzzyQuality*fieldWeight["role"][nameAt] })
}

// asksWhatDoes says whether folded words ws open as a question asking
// what someone does or delivers, a determiner after the opening: "what
// does the…", "que fait la…".
func asksWhatDoes(ws []string) bool {
	for _, o := range whatDoesOpenings {
		if len(ws) > len(o)+1 && slices.Equal(ws[:len(o)], o) && determiners[ws[len(o)]] {
			return true
		}
	}
	return false
}

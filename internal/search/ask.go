package search

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/answer"
)

// unknownNotAsked: a question that asks for no owner and names no role
// gets none when words no page uses make this share of its weight: it is
// about something else ("on utilise React ou Vue pour le front ?").
const unknownNotAsked = 0.3

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
	restCoverage = 0.5
)

// fieldWeight says how much a match in a field tells: a task's own title
// says more than a sentence deep in a role page.
// Indexed like textFields; a field a kind does not have weighs 0.
var fieldWeight = map[string][len(textFields)]float64{
	"role": {nameAt: 1.0, summaryAt: 0.75, bodyAt: 0.5},
	"task": {nameAt: 1.0, detailsAt: 0.9, notesAt: 0.5, contextAt: 0.5},
}

// Ask answers one question. It never fails: a question it cannot answer gets
// intent none with suggestions.
func (ix *Index) Ask(ctx context.Context, question string) answer.Answer {
	q := clean(question)
	a := answer.Answer{Query: question, Intent: answer.IntentNone}
	ws := ix.questionWords(q)
	if in, ok := special(ws, q, ix.teamWords, ix.taskWord); ok {
		a.Intent = in
		if in != answer.IntentNone {
			a.Confidence = answer.Sure
		}
		switch in {
		case answer.IntentListRoles:
			a.Roles = answer.ListRoles(ix.team)
		case answer.IntentListTasks:
			a.Tasks = answer.ListTasks(ix.team)
		}
		return a
	}
	ws, frame := roleFrame(ws)
	p := ix.parse(ws)
	ix.dropPersonNouns(&p)
	p.likens = p.likens || likensBySign(q)
	if strings.Contains(q, "?") {
		p.bare = false // "la cheffe anime-t-elle les ateliers ?" is a question
	}
	if len(p.concepts) == 0 {
		if p.who {
			a.Intent, a.Confidence = answer.IntentHelp, answer.Sure
		}
		return a
	}
	hits, lk, err := ix.searchLooked(ctx, p)
	if err != nil || len(hits) == 0 {
		return a
	}
	chosen, named := ix.decide(p, hits, &a)
	v := ix.classify(p, hits)
	ix.reconsider(p, ws, v, chosen, named, p.unknownShare(hits), &a)
	ix.roleAsked(ws, v, &a)
	ix.whatRoleDoes(ws, named, &a)
	if (frame || asksWhatDoes(ws) || asksWhoIsDescribed(p)) && (ix.roleOverTask(p, hits, &a) || ix.describedCard(p, hits, a)) {
		// The question asks about a role, and one is described by its
		// words: no fact of the domain.
		p.asksRole = true
	}
	if !p.who && !p.weak && named == nil && a.Intent != answer.IntentNone && p.unknownShare(hits) >= unknownNotAsked {
		// "on utilise React ou Vue pour le front ?": no owner is asked
		// for, no role named, and much of it is words no page uses.
		return ix.unanswered(question, a)
	}
	if a.Intent == answer.IntentRole && named == nil && !p.who && !p.weak && !p.asksRole {
		// "c'est quoi le seuil de volume d'un forage ?", "combien coûte
		// le service ?": a question asking neither who nor about a role,
		// that no role's name answers, asks a fact of the domain that
		// a role's page only mentions. Unless it asks what someone does
		// and describes that role: "what does the director of student
		// affairs do?", as a guess.
		if !describedRole(ws, v, a) {
			return ix.unanswered(question, a)
		}
		a.Confidence = answer.Guess
	}
	if !p.who && asksQuantity(ws) && a.Intent != answer.IntentNone && coverageOf(hits, a) < minCoverage {
		// "combien d'élèves prennent le car ?", "combien de développeurs
		// y a-t-il dans notre équipe ?": a count the pages do not hold
		// (they describe roles and tasks, never how many), found by the
		// counted thing's name alone.
		return ix.unanswered(question, a)
	}
	if a.Intent == answer.IntentRole && p.who && named == nil && !a.Confident() && ix.aboutElsewhere(p, hits, a) {
		// "qui gère le parking du ministère ?", "who's responsible for the
		// office printer?": what is asked about is a word no page uses,
		// and the role was found by one word around it.
		return ix.unanswered(question, a)
	}
	if named == nil && asksOwner(p) && !a.Confident() && (a.Intent == answer.IntentRole || a.Intent == answer.IntentTask) && ix.unknownHead(p, ws, hits) {
		// "qui gère la cantine scolaire ?", "qui choisit les menus des
		// patients ?": what is asked about, the question's head noun, is
		// a word no page uses; the card was found by the words around it.
		return ix.unanswered(question, a)
	}
	if ix.unpairedRole(p, lk, hits, named, a) {
		// "qui conduit les cars ?": the role's page speaks of driving and
		// of buses, never of one with the other. A task that says them
		// together answers, as a guess beside the role; else none.
		t := pairedTask(p, hits)
		if t == nil {
			t = ix.ownedRow(p, hits, a.Role.ID)
		}
		if asksWhichRole(ws) {
			t = nil // "c'est quel rôle, …" asks for a role's card, not a row
		}
		switch {
		case t == nil && ix.roleStrong(hits, a):
			// Its name or summary speaks of it: offered, not given.
			a.Confidence = answer.Guess
		case t == nil:
			return ix.unanswered(question, a)
		}
		if t != nil {
			role := answer.Ref{Intent: answer.IntentRole, ID: a.Role.ID, Title: a.Role.Title}
			ix.fill(t, &a)
			a.Confidence = answer.Guess
			a.Alternatives = []answer.Ref{role}
		}
	}
	if p.identity && named == nil && !p.concepts[0].weak && !(describes(hits, a, 0) && !p.concepts[0].corrected) && !ix.teamMember(ws, hits, a) {
		// "qui est le DPO ?" asks who holds a position the pages do not
		// describe as a role (they name roles, never people): none, with
		// what was found as suggestions. Unless the rules chose a role
		// whose name or summary describes who is asked about, and the
		// scorer a task: "who is the accessibility expert supporting the
		// team?" is that role, offered, not the task it works on; and a
		// question asking for a person or role ("who is the data
		// protection person?") gets the role that owns the task found.
		r := describingRole(p, chosen, a)
		if r == nil && p.asksRole {
			r = ix.leadOwner(hits, chosen)
		}
		if r == nil {
			return ix.unanswered(question, a)
		}
		ix.fill(r, &a)
		a.Confidence = answer.Guess
	}
	ix.calibrateRole(p, ws, hits, v, named, &a)
	return a
}

// describes says whether the role a answers with holds concept ci in its
// names or summary: "who is the UX researcher?" is that role, named
// loosely. A word corrected as a typo does not name it: "ministre" is no
// typo of the "ministère" a summary speaks of.
func describes(hits []hit, a answer.Answer, ci int) bool {
	if a.Intent != answer.IntentRole || a.Role == nil {
		return false
	}
	h := roleHit(hits, a.Role.ID)
	return h != nil && ci < len(h.weighted) && h.weighted[ci] >= fieldWeight["role"][summaryAt]
}

// describingRole is, for a question answered with a task, the role the
// rules first chose (Index.decide) when its name or summary holds the
// question's first concept as written (not a typo's correction): who a
// "who is the …" question describes, which the scorer read as the task
// that role works on.
func describingRole(p parsed, chosen *hit, a answer.Answer) *hit {
	if a.Intent != answer.IntentTask || chosen == nil || chosen.kind != "role" || len(p.concepts) == 0 || p.concepts[0].corrected {
		return nil
	}
	if len(chosen.weighted) == 0 || chosen.weighted[0] < fieldWeight["role"][summaryAt] {
		return nil
	}
	return chosen
}

// leadOwner is, for a question asking who a person or role is that was
// answered with a task ("who's the data protection person helping the
// team?"), the candidate role that owns that task, the best scored.
func (ix *Index) leadOwner(hits []hit, task *hit) *hit {
	if task == nil || task.kind != "task" {
		return nil
	}
	var best *hit
	for i := range hits {
		h := &hits[i]
		if h.kind == "role" && ix.owns(task, h) && (best == nil || h.score > best.score) {
			best = h
		}
	}
	return best
}

// aboutElsewhere says whether a who-question's role answer rests on
// one word of the question while another, no page uses in any form nor
// as a typo, is left: the question is about that thing ("le parking"),
// which the role's page only stands near ("du ministère").
func (ix *Index) aboutElsewhere(p parsed, hits []hit, a answer.Answer) bool {
	h := roleHit(hits, a.Role.ID)
	if h == nil {
		return false
	}
	matched, elsewhere := 0, false
	for ci, c := range p.concepts {
		if c.weak {
			continue
		}
		if ci < len(h.found) && h.found[ci] > 0 {
			matched++
			continue
		}
		if !c.known && !slices.ContainsFunc(hits, func(o hit) bool { return ci < len(o.found) && o.found[ci] > 0 }) {
			elsewhere = true
		}
	}
	return matched == 1 && elsewhere
}

// coverageOf is the share of the question the hit an answer shows
// matches; 0 when it shows none.
func coverageOf(hits []hit, a answer.Answer) float64 {
	kind, id := "", ""
	switch {
	case a.Intent == answer.IntentRole && a.Role != nil:
		kind, id = "role", a.Role.ID
	case a.Intent == answer.IntentTask && a.Task != nil:
		kind, id = "task", a.Task.ID
	default:
		return 1 // a list or help: not a card found by some words
	}
	for i := range hits {
		if hits[i].kind == kind && hits[i].id == id {
			return hits[i].coverage
		}
	}
	return 0
}

// unanswered turns an answer into none, offering its reading and
// alternatives as suggestions.
func (ix *Index) unanswered(question string, a answer.Answer) answer.Answer {
	out := answer.Answer{Query: question, Intent: answer.IntentNone}
	if a.Intent == answer.IntentNone {
		out.Suggestions = a.Suggestions
		return out
	}
	var ref answer.Ref
	switch {
	case a.Role != nil:
		ref = answer.Ref{Intent: answer.IntentRole, ID: a.Role.ID, Title: a.Role.Title}
	case a.Task != nil:
		ref = answer.Ref{Intent: answer.IntentTask, ID: a.Task.ID, Title: a.Task.Title}
	}
	if ref.ID != "" {
		out.Suggestions = append(out.Suggestions, ref)
	}
	for _, alt := range a.Alternatives {
		if len(out.Suggestions) < maxAlternatives {
			out.Suggestions = append(out.Suggestions, alt)
		}
	}
	return out
}

// slackMarkup matches Slack's mentions, channel links and URLs as they arrive
// in a message: <@U123>, <!here>, <#C1|général>, <https://x|label>.
var slackMarkup = regexp.MustCompile(`<([@#!][^>|]*)(\|[^>]*)?>|<(https?://[^>|]*)(\|([^>]*))?>`)

// domainName matches a site's name written bare ("data.gouv.fr",
// "beta.gouv.fr"): its first label is what the question speaks of, the
// rest words no page answers by.
var domainName = regexp.MustCompile(`\b([A-Za-z0-9-]+)(?:\.[A-Za-z0-9-]+)*\.(?:fr|com|org|net|eu|io|info)\b`)

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
	if strings.Contains(q, ".") {
		q = domainName.ReplaceAllString(q, "$1")
	}
	if utf8.RuneCountInString(q) > maxQuestionRunes {
		q = string([]rune(q)[:maxQuestionRunes])
	}
	return q
}

// taskWord says whether a folded word, in one of its forms, is in a
// title or a task's details: the subject of a matrix row ("Tenir
// l'annuaire : noms, numéros"), not a word a page uses in passing ("que
// l'on appelle aussi DevOps").
//
// So is a word the synonyms read as one: "mails" is "courriels", which
// "Rédiger les courriels" holds.
//
// A form must be the word inflected, not a longer word sharing its stem:
// "paie" (the payroll) is no "paiement" (a payment), though both stem
// to "pai".
func (ix *Index) taskWord(w string) bool {
	inTask := func(text string) bool {
		for _, t := range ix.terms(text) {
			if (ix.fieldCount(t, nameAt) > 0 || ix.fieldCount(t, detailsAt) > 0) && ix.inflectedInTitles(text, t) {
				return true
			}
		}
		return false
	}
	return inTask(w) || slices.ContainsFunc(ix.synonyms.adds[w], inTask)
}

// inflectionSlack is how many letters a word of a title may differ in
// length from the question's word and still be one of its forms ("nom",
// "noms"; "numéro", "numéros"; "rapport", "rapports").
const inflectionSlack = 2

// inflectedInTitles says whether a title, a task's details or a role's
// other names hold a word of stem t within inflectionSlack letters of
// the length of text's word of that stem.
func (ix *Index) inflectedInTitles(text, t string) bool {
	size := -1
	for _, w := range words(text) {
		if slices.Contains(ix.terms(w), t) {
			size = len(w)
			break
		}
	}
	if size < 0 {
		return false
	}
	match := func(text string) bool {
		for _, tw := range words(text) {
			if d := len(tw) - size; d < -inflectionSlack || d > inflectionSlack {
				continue
			}
			if slices.Contains(ix.terms(tw), t) {
				return true
			}
		}
		return false
	}
	for _, k := range ix.team.Tasks {
		if match(k.Title) || match(k.Details) {
			return true
		}
	}
	for _, r := range ix.team.Roles {
		if match(r.Title) || slices.ContainsFunc(r.Aliases, match) {
			return true
		}
	}
	return false
}

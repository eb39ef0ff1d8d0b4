package search

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rolebot/rolebot/internal/answer"
)

// A question can be shaped as one about a role without naming it by a
// name the folder gives: "c'est quoi le rôle du monsieur sécurité ?",
// "what's the security correspondent not supposed to do?", "parle-moi de
// la personne qui code le site". Its words then describe the role; a task
// that shares one of them is not what is asked.

// roleNouns say that what follows them is a role, as "le rôle du X" or
// "les missions de la X" do. Folded words.
var roleNouns = set("role", "mission", "missions")

// jobNouns say so only after a possessive ("c'est quoi son boulot",
// "their job"): "c'est le job du PM ?" asks whether something is the PM's
// part, and "le boulot de qui" asks who. Folded words.
var jobNouns = set("job", "boulot", "travail", "taf")

// ofWords link a role noun to the role it is of: "le rôle du X", "the role
// of the X". Folded words.
var ofWords = set("du", "de", "d", "des", "of")

// possessives put a role noun after its role: "son rôle", "their role",
// "the X's role". Folded words ("s" is the English genitive's).
var possessives = set("son", "sa", "ses", "leur", "leurs", "his", "her", "their", "its", "s")

// deniedFrames ask what a role does not do, which its page's "ce que ce
// rôle n'est pas" says: "what's the X not supposed to do?", "qu'est-ce
// que la X ne fait pas ?". Folded words.
var deniedFrames = [][]string{{"not", "supposed"}, {"not", "meant"}, {"not", "in", "charge"}, {"not", "responsible"},
	{"ne", "fait", "pas"}, {"ne", "fait", "jamais"}, {"ne", "doit", "pas"}, {"ne", "s", "occupe", "pas"}}

// doesWhatFrames ask what someone does, after naming or describing them:
// "l'experte RGAA, elle fait quoi ?", "l'infirmière, elle sert à quoi ?".
// Folded words.
var doesWhatFrames = [][]string{{"fait", "quoi"}, {"font", "quoi"}, {"sert", "a", "quoi"}, {"servent", "a", "quoi"},
	{"does", "what"}}

// aboutOpenings open a question asking to be told about someone: "parle-moi
// de …", "tell me about …". They say nothing of the subject: the words
// after them do. Folded words.
var aboutOpenings = [][]string{{"parle", "moi", "de"}, {"parle", "moi", "du"}, {"parle", "moi", "des"},
	{"parlez", "moi", "de"}, {"parlez", "moi", "du"}, {"parle", "nous", "de"}, {"parlez", "nous", "de"},
	{"tell", "me", "about"}, {"tell", "us", "about"}, {"presente", "moi"}}

// roleFrame reads how folded words ws ask about a role, if they do, and
// drops the words of the frame that say nothing of the role: an opening
// asking to be told about someone ("parle" is no act of the role's), a
// frame asking when to turn to someone, and one asking what someone does
// ("sert", which no page uses).
func roleFrame(ws []string) ([]string, bool) {
	frame := asksAboutRole(ws)
	ws = ws[aboutOpening(ws):]
	if rest, ok := withoutConsult(ws); ok {
		ws, frame = rest, true
	}
	frame = frame || asksWhoIsAfter(ws)
	if frame {
		ws = withoutDoesWhat(ws)
	}
	return ws, frame
}

// aboutOpening is how many leading folded words of ws open it as asking to
// be told about someone; 0 when none does.
func aboutOpening(ws []string) int {
	for _, o := range aboutOpenings {
		if len(ws) > len(o) && slices.Equal(ws[:len(o)], o) {
			return len(o)
		}
	}
	return 0
}

// asksAboutRole says whether folded words ws ask about a role as such:
// its role or missions ("le rôle du …", "son rôle", "the role of …"), what
// it does or is not to do, or to be told about someone.
func asksAboutRole(ws []string) bool {
	if aboutOpening(ws) > 0 {
		return true
	}
	for i, w := range ws {
		switch {
		case roleNouns[w] && i+1 < len(ws) && ofWords[ws[i+1]]:
			return true
		case (roleNouns[w] || jobNouns[w]) && i > 0 && possessives[ws[i-1]]:
			return true
		}
	}
	return holdsFrame(ws, deniedFrames) || holdsFrame(ws, doesWhatFrames)
}

// holdsFrame says whether folded words ws hold one of frames, anywhere.
func holdsFrame(ws []string, frames [][]string) bool {
	_, n := findFrame(ws, frames)
	return n > 0
}

// findFrame is where the first of frames that folded words ws hold starts,
// and its length; 0 and 0 when they hold none.
func findFrame(ws []string, frames [][]string) (at, n int) {
	for i, w := range ws {
		for _, f := range frames {
			// The first word first: most words open no frame.
			if w == f[0] && i+len(f) <= len(ws) && slices.Equal(ws[i+1:i+len(f)], f[1:]) {
				return i, len(f)
			}
		}
	}
	return 0, 0
}

// withoutFrame drops from folded words ws the first of frames they hold,
// and says whether they held one.
func withoutFrame(ws []string, frames [][]string) ([]string, bool) {
	at, n := findFrame(ws, frames)
	if n == 0 {
		return ws, false
	}
	return slices.Concat(ws[:at], ws[at+n:]), true
}

// roleFrameShare is how much of the task's score the best role must reach
// for a question about a role to be that role's rather than the task's:
// on a question shaped as one about a role, a role whose title or summary
// holds its words and that covers as much of it comes first, even
// somewhat behind ("le monsieur sécurité" ties the security officer and
// the security task; "the patient identity officer" trails « Garantir la
// bonne identité du patient » at 0.78). Asked of every folder, 0.5 to 0.7
// give the same answers; 0.8 loses the identity officer.
const roleFrameShare = 0.7

// roleOverTask answers a question shaped as one about a role, that the
// decision gave a task, with the best role instead when that role's title
// or summary holds every word the question describes it by (describedBy), it covers at least as
// much of the question as the task, and scores at least roleFrameShare of
// it. The task is offered beside it. The card is as sure as the task was
// only when the role scores at least as much; calibrateRole then asks the
// role to lead the next one. A task left as the answer is a guess. It
// says whether the role answers.
func (ix *Index) roleOverTask(p parsed, hits []hit, a *answer.Answer) bool {
	if a.Intent != answer.IntentTask || a.Task == nil {
		return false
	}
	var task, role *hit
	for i := range hits {
		h := &hits[i]
		switch {
		case h.kind == "task" && h.id == a.Task.ID && task == nil:
			task = h
		case h.kind == "role" && role == nil:
			role = h
		}
	}
	if task == nil || role == nil || !role.strong || role.coverage < task.coverage || role.score < roleFrameShare*task.score || !ix.describedBy(p, role) {
		// A task is no sure answer to a question about a role: its card
		// says who owns a task, which was not asked.
		a.Confidence = answer.Guess
		return false
	}
	sure := a.Confident() && role.score >= task.score
	ref := answer.Ref{Intent: answer.IntentTask, ID: a.Task.ID, Title: a.Task.Title}
	ix.fill(role, a)
	a.Confidence = answer.Guess
	if sure {
		a.Confidence = answer.Sure
	}
	a.Alternatives = []answer.Ref{ref}
	return true
}

// likeningSign is a sign that likens what stands on either side of it, as
// a copula does ("delivery lead = chef de projet ?", "PO ≈ product
// manager ?"), with a space on one side at least: "src=x" in markup, or
// "1=1", liken nothing.
var likeningSign = regexp.MustCompile(`(^|\s)[=≈]|[=≈](\s|$)`)

// likensBySign says whether a question likens two things by a sign
// rather than a word.
func likensBySign(q string) bool {
	return strings.ContainsAny(q, "=≈") && likeningSign.MatchString(q)
}

// describedBy says whether role hit h holds every concept of p that is no
// ownership word in its names or summary, not only in its page's body: a
// question about "the accessibility expert" of a team that has none
// describes no role because its architect's page speaks of accessibility.
// One concept held by the summary alone is too little ("le rôle du
// responsable produit" of a team whose data analyst « mesure ce que
// produit » the service): minDescribed of them, or all in its names.
//
// A phrase held through one word's forms is not held in the names: "data
// analyst" reaches « données » through the lexicon, which the DPO's title
// holds; "security officer" reaches « sécurité des systèmes
// d'information » whole.
func (ix *Index) describedBy(p parsed, h *hit) bool {
	held, named := 0, true
	for ci, c := range p.concepts {
		if c.weak {
			continue
		}
		if ci >= len(h.weighted) || h.weighted[ci] < fieldWeight["role"][summaryAt] {
			return false
		}
		held++
		named = named && h.weighted[ci] >= fuzzyQuality*fieldWeight["role"][nameAt] && ix.nameHolds(h.id, c)
	}
	return held >= minDescribed || held > 0 && named
}

// nameHolds says whether one of a role's names holds every term of one
// form of concept c; a phrase by a form of two terms at least.
func (ix *Index) nameHolds(id string, c concept) bool {
	for _, alt := range c.alts {
		if len(c.words) > 1 && len(alt) < 2 {
			continue
		}
		for _, name := range ix.names[id] {
			if !slices.ContainsFunc(alt, func(t string) bool { return !slices.Contains(name, t) }) {
				return true
			}
		}
	}
	return false
}

// asksWhoIsDescribed says whether a question asks who someone is and
// nothing else ("who is our information security correspondent?", "qui
// est la personne des métadonnées ?"): one question word, no ownership
// word. It asks for the role its words describe, not for a task that
// shares them; "qui est la personne qui gère le budget ?" asks who does
// something.
func asksWhoIsDescribed(p parsed) bool { return p.identity && p.whos == 1 && !p.weak }

// personNouns say that a person is spoken of, as the head of a job title
// ("the reader relations officer", "the disability advisor") or in
// everyday words ("le gars des chiffres", "la collègue de l'accueil"):
// what describes the role is the rest. Folded words.
var personNouns = set("officer", "officers", "advisor", "advisors", "adviser", "coordinator", "coordinators", "specialist",
	"specialists", "correspondent", "liaison", "representative", "monsieur", "madame", "dame", "gars", "mec", "nana",
	"collegue", "collegues", "colleague", "colleagues", "guy", "guys", "lady", "woman", "man")

// dropPersonNouns takes out of p the concepts that are one person noun
// no page uses: such a word counts as unknown, and so sends the question
// to none ("what does the reader relations officer do?" of a team whose
// « Chargée de la relation aux lecteurs » no page calls an officer),
// while it only says that a role is asked about. A folder whose pages
// use the word keeps it: there it may tell roles apart.
func (ix *Index) dropPersonNouns(p *parsed) {
	kept := p.concepts[:0]
	for _, c := range p.concepts {
		if len(c.words) == 1 && personNouns[c.words[0]] && !c.known {
			p.unknown--
			p.asksRole = true
			continue
		}
		kept = append(kept, c)
	}
	p.concepts = kept
}

// describedCard says whether a role card answers a question about a role
// with the role its words describe (describedBy), the best-scored role.
func (ix *Index) describedCard(p parsed, hits []hit, a answer.Answer) bool {
	if a.Intent != answer.IntentRole || a.Role == nil {
		return false
	}
	for i := range hits {
		if h := &hits[i]; h.kind == "role" {
			return h.id == a.Role.ID && h.strong && ix.describedBy(p, h)
		}
	}
	return false
}

// consultFrames ask when or why to turn to someone ("quand aller voir la
// DPO ?", "à quel moment solliciter la juriste ?"): they say a role is
// asked about, and nothing of what it does ("voir" is no act of the
// role's). The noun "contact" is no such frame: "qui est en contact avec
// les associations ?" asks who does something. Folded words.
var consultFrames = [][]string{{"aller", "voir"}, {"venir", "voir"}, {"contacter"}, {"solliciter"}, {"consulter"},
	{"faire", "appel", "a"}, {"s", "adresser", "a"}, {"m", "adresser", "a"}, {"reach", "out", "to"}, {"talk", "to"}}

// withoutConsult drops from folded words ws the first frame asking when
// or why to turn to someone, and says whether there was one.
func withoutConsult(ws []string) ([]string, bool) { return withoutFrame(ws, consultFrames) }

// withoutDoesWhat drops from folded words ws a frame asking what someone
// does after naming them ("elle sert à quoi ?"): its verb says nothing of
// the role ("sert" no page uses, and would count as unknown).
func withoutDoesWhat(ws []string) []string {
	ws, _ = withoutFrame(ws, doesWhatFrames)
	return ws
}

// identityTails close a question asking who someone described before is:
// "catalogue interoperability expert - who is that?". Folded words.
//
// The French "…, c'est qui ?" is not one: "le suivi budgétaire, c'est
// qui ?" asks who owns a task.
var identityTails = [][]string{{"who", "is", "that"}, {"who", "s", "that"}, {"who", "is", "this"}, {"who", "s", "this"}}

// asksWhoIsAfter says whether folded words ws close by asking who the
// person or thing described before is: a role whose names hold the
// description answers it, a task only shares its words.
func asksWhoIsAfter(ws []string) bool {
	for _, t := range identityTails {
		if len(ws) > len(t) && slices.Equal(ws[len(ws)-len(t):], t) {
			return true
		}
	}
	return false
}

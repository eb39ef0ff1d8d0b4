package search

import (
	"slices"
	"strings"
	"unicode"

	"github.com/rolebot/rolebot/internal/team"
)

// What the role pages teach about tasks and roles, read at index time from
// any GitBook folder: nothing here depends on our own pages' words beyond
// the French and English ways of saying "not" and "frequently asked".

// negativeHeadings mark a section that says what a role is not ("Ce que ce
// rôle n'est pas", "Ce qu'il ne fait pas", "Hors périmètre", "What this role
// is not"): its sentences lower the role instead of raising it. Compared
// with a heading's folded words.
var negativeHeadings = []string{"n est pas", "ne sont pas", "ne fait pas", "ne font pas", "n y a pas", "hors perimetre",
	"hors du perimetre", "hors champ", "is not", "isn t", "are not", "not ", "does not", "doesn t", "limites du role"}

// negativeOpenings mark one sentence as a denial wherever it stands: "Pas
// un prestataire…", "Ne décide pas…", "Not the…".
var negativeOpenings = []string{"pas ", "ne ", "n ", "jamais ", "not ", "never "}

// faqHeadings mark a section of example questions that the content's
// writers add to a role page ("## Questions fréquentes", "## FAQ"): each
// item is a question this role answers. "Questions à se poser" (questions
// a role asks itself) is not one.
var faqHeadings = []string{"questions frequentes", "foire aux questions", "faq", "frequently asked", "exemples de questions"}

// folded is text as words joins it: folded, lower case, one space between
// words, with a space at each end so that phrases match whole words.
func folded(s string) string { return " " + strings.Join(words(s), " ") + " " }

func hasAny(s string, marks []string) bool {
	for _, m := range marks {
		if strings.Contains(s, " "+m) {
			return true
		}
	}
	return false
}

// isNegative says whether a section says what a role is not.
func isNegative(s *team.Section) bool { return hasAny(folded(s.Title), negativeHeadings) }

// isFAQ says whether a section lists questions the role answers.
func isFAQ(s *team.Section) bool { return hasAny(folded(s.Title), faqHeadings) }

// denial says whether a sentence, in any section, is a denial.
func denial(sentence string) bool {
	// Its first words only: folding the whole sentence costs more than
	// the rest of reading it.
	start := sentence
	if cut := strings.IndexFunc(sentence, unicode.IsLetter); cut >= 0 {
		start = sentence[cut:]
	}
	if len(start) > 16 {
		start = start[:16]
	}
	f := folded(start)
	for _, m := range negativeOpenings {
		if strings.HasPrefix(f, " "+m) {
			return true
		}
	}
	return false
}

// denied is what a denial denies: the words before its colon. What follows
// explains, and is as often about the role itself ("Pas un rôle d'appoint :
// il demande 60 % du temps") as about another ("Pas le pilote du delivery :
// il revient au responsable produit"), so it says nothing for or against.
func denied(sentence string) string {
	if before, _, ok := strings.Cut(sentence, ":"); ok {
		return before
	}
	return sentence
}

// pageText splits a role page into what it says the role does (its intro
// and sections), what it says the role is not, and its example questions.
type pageText struct {
	does, denies, faq []string // sentences
}

// readPage sorts a role page's sentences.
func readPage(r *team.Role) pageText {
	var p pageText
	p.faq = append(p.faq, r.Questions...)
	if r.Intro != r.Summary {
		p.does = append(p.does, sentences(r.Intro)...)
	}
	for _, it := range sentences(r.Lead) {
		if denial(it) {
			p.denies = append(p.denies, denied(it))
		} else {
			p.does = append(p.does, it)
		}
	}
	for i := range r.Sections {
		s := &r.Sections[i]
		switch {
		case isNegative(s):
			for _, sen := range append(sentences(s.Text), s.Items...) {
				p.denies = append(p.denies, denied(sen))
			}
			continue
		case isFAQ(s):
			p.faq = append(p.faq, s.Items...)
			p.faq = append(p.faq, sentences(s.Text)...)
			continue
		}
		for _, it := range append(sentences(s.Text), s.Items...) {
			if denial(it) {
				p.denies = append(p.denies, denied(it))
			} else {
				p.does = append(p.does, it)
			}
		}
	}
	return p
}

// sentences splits prose at full stops, question and exclamation marks and
// semicolons: each is one statement that may be about one task.
func sentences(text string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '.' || r == '?' || r == '!' || r == ';' || r == '\n'
	}) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// A sentence of a role page is read as being about a task when it holds at
// least minShared distinct terms of the task's title and details (one shared
// word, "produit", is chance; two are a subject), making at least
// minSharedShare of its own distinct terms (a long sentence that names the
// task in passing is about something else).
const (
	minShared      = 2
	minSharedShare = 0.25
)

// taskKeys maps each term of the tasks' titles and details to the tasks
// holding it, so that a role page's sentence finds its tasks in one pass.
type taskKeys map[string][]int

func (ix *Index) newTaskKeys(t *team.Team) taskKeys {
	keys := taskKeys{}
	for i := range t.Tasks {
		seen := map[string]bool{}
		for _, term := range ix.terms(t.Tasks[i].Title + " " + t.Tasks[i].Details) {
			if !seen[term] {
				seen[term] = true
				keys[term] = append(keys[term], i)
			}
		}
	}
	return keys
}

// maxAbout is how many tasks one sentence may be about: those sharing the
// most terms with it. A sentence that shares as many with more tasks than
// that speaks of what they have in common, not of one of them.
const maxAbout = 3

// aboutScratch is one build worker's memory for taskKeys.about.
type aboutScratch struct {
	count   []int32 // per task, the sentence's terms it holds
	touched []int   // the tasks counted
	seen    map[string]bool
}

func newAboutScratch(tasks int) *aboutScratch {
	return &aboutScratch{count: make([]int32, tasks), seen: map[string]bool{}}
}

// about returns the tasks a sentence, as terms, speaks of.
func (k taskKeys) about(terms []string, sc *aboutScratch) []int {
	if len(k) == 0 {
		return nil
	}
	clear(sc.seen)
	sc.touched = sc.touched[:0]
	best := int32(0)
	for _, t := range terms {
		if sc.seen[t] {
			continue
		}
		sc.seen[t] = true
		for _, i := range k[t] {
			if sc.count[i] == 0 {
				sc.touched = append(sc.touched, i)
			}
			sc.count[i]++
			best = max(best, sc.count[i])
		}
	}
	var out []int
	if best >= minShared && float64(best) >= minSharedShare*float64(len(sc.seen)) {
		for _, i := range sc.touched {
			if sc.count[i] == best {
				out = append(out, i)
			}
		}
	}
	for _, i := range sc.touched {
		sc.count[i] = 0
	}
	if len(out) > maxAbout {
		return nil
	}
	slices.Sort(out)
	return out
}

// sentenceMark separates sentences analysed together: a word no text
// holds, that the analysis chain leaves as it is.
const sentenceMark = "qqxphrasexqq"

// sentencesOf analyses sentences in one pass of the chain (each pass has a
// cost of its own), returning each sentence's words and terms.
func (ix *Index) sentencesOf(sens []string) (wss, termss [][]string) {
	if len(sens) == 0 {
		return nil, nil
	}
	joined := strings.Join(sens, " "+sentenceMark+" ")
	wss = splitAt(words(joined), sentenceMark)
	termss = splitAt(ix.terms(joined), sentenceMark)
	if len(wss) != len(sens) || len(termss) != len(sens) {
		// A sentence held the mark: analyse them one by one.
		wss, termss = wss[:0], termss[:0]
		for _, sen := range sens {
			wss, termss = append(wss, words(sen)), append(termss, ix.terms(sen))
		}
	}
	return wss, termss
}

// splitAt splits a list at each mark.
func splitAt(list []string, mark string) [][]string {
	out := [][]string{nil}
	for _, w := range list {
		if w == mark {
			out = append(out, nil)
			continue
		}
		out[len(out)-1] = append(out[len(out)-1], w)
	}
	return out
}

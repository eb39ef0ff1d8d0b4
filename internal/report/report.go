// Package report builds the content-gap report: what rolebot could not answer or answered badly,
// over a period, so that the team sees what its pages miss. It reads what the store recorded
// (answers shown, feedback, teams, roster entries whose role left the content) and the content's
// model; it knows nothing of Slack, the index or the database. Renderers write it as text, CSV or
// JSON, and as evaluation lines; the reply package renders it as Block Kit.
package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

// Thresholds and sizes of the report, named so that they can be tuned in one place.
const (
	// closeShare is how much two unanswered questions' terms must overlap (shared terms over
	// all their terms, Jaccard) to be grouped when not equal: "qui fait le budget" and
	// "qui valide le budget annuel" share half.
	closeShare = 0.5
	// maxSamples is how many different wordings of a group the report shows.
	maxSamples = 3
	// maxTopPages is how many of the most cited pages the report lists.
	maxTopPages = 10
)

// Analyzer reduces a question to its subject's terms, sorted and unique, and says whether it asks
// who does something. search.Index.Normalize is one (the command wires it); nil means
// FoldWords, which only folds accents and case.
type Analyzer func(question string) (terms []string, asksOwner bool)

// Input is what a report is built from.
type Input struct {
	Since, Until time.Time
	Answers      []store.Shown    // answers shown in the period (store.AnswersSince)
	Feedback     []store.Feedback // opinions given in the period (store.FeedbackSince)
	Team         *team.Team       // the content's model; nil: no content checks
	// Teams are the channels' teams (channel -> role -> people), for channels that have one.
	Teams   map[string]store.Team
	Orphans []store.Row // roster entries whose role left the content (store.Orphans)
}

// Report is the content-gap report. Its JSON form is what `rolebot report --format json` prints.
type Report struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// TeamPage is the team page's file (the matrix), where a missing task would be added.
	TeamPage string `json:"team_page,omitempty"`
	Totals
	// Unanswered are the questions nothing answered (a "pas trouvé" whose suggestions nobody
	// followed), alike ones grouped, most asked first.
	Unanswered []Group `json:"unanswered"`
	// MissingTasks are the unanswered groups that ask who does something: tasks the matrix lacks.
	MissingTasks []Group `json:"missing_tasks"`
	// Disliked are the answers marked "pas utile", most disliked first.
	Disliked []Disliked `json:"disliked"`
	// UnownedTasks are tasks of the content with no owner that people asked about.
	UnownedTasks []Cited `json:"unowned_tasks"`
	// EmptyRoles are, for each channel with a team, the roles nobody holds there.
	EmptyRoles []EmptyRoles `json:"empty_roles"`
	// Orphans are roster entries whose role left the content.
	Orphans []store.Row `json:"orphans"`
	// TopPages are the pages the answers cited most.
	TopPages []Page `json:"top_pages"`
}

// Totals are the report's headline figures.
type Totals struct {
	// Questions are the questions asked; the cards opened from an answer's buttons are not.
	Questions int `json:"questions"`
	// Opened are the cards opened by a click on an answer's alternatives, suggestions or roles.
	Opened   int `json:"opened"`
	Answered int `json:"answered"`
	Missed   int `json:"missed"`
	// Rescued are the "pas trouvé" whose asker then followed a suggestion; counted in Answered.
	Rescued    int `json:"rescued"`
	Askers     int `json:"askers"`
	Useful     int `json:"useful"`
	NotUseful  int `json:"not_useful"`
	Comments   int `json:"comments"`
	GroupCount int `json:"groups"`
}

// Group is unanswered questions that say the same thing.
type Group struct {
	Terms []string `json:"terms"` // the terms of its most asked wording
	Count int      `json:"count"`
	// Samples are up to maxSamples different wordings, the most asked first.
	Samples []string `json:"samples"`
	// Candidates are the answers offered instead (suggestions), most offered first.
	Candidates []string  `json:"candidates,omitempty"`
	AsksOwner  bool      `json:"asks_owner"`
	Channels   int       `json:"channels"`
	Last       time.Time `json:"last"`
}

// Disliked is one answer marked "pas utile".
type Disliked struct {
	Ref      string    `json:"ref"` // "task:…", "role:…", "none"…
	Title    string    `json:"title,omitempty"`
	Page     string    `json:"page,omitempty"` // its page's file, for a link
	Count    int       `json:"count"`          // "pas utile" opinions
	Useful   int       `json:"useful"`         // "utile" opinions on the same answer
	Opinions []Opinion `json:"opinions"`
}

// Opinion is a "pas utile" with the question it answered and its comment.
type Opinion struct {
	Question string    `json:"question"`
	Comment  string    `json:"comment,omitempty"`
	At       time.Time `json:"at"`
}

// Cited is a task or role people asked about, with how often and a question asked.
type Cited struct {
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Page   string `json:"page,omitempty"`
	Count  int    `json:"count"`
	Sample string `json:"sample"`
}

// EmptyRoles are the roles nobody holds in a channel that has a team.
type EmptyRoles struct {
	Channel string  `json:"channel"`
	Core    []Named `json:"core"`    // core roles
	Experts []Named `json:"experts"` // expert supports
}

// Named is a role of the content: its id, title and page.
type Named struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Page  string `json:"page"`
}

// Page is a content page and how many answers cited it.
type Page struct {
	Page  string `json:"page"`  // its file, relative to the content folder
	Title string `json:"title"` // the role's title, or the team page's
	Count int    `json:"count"`
}

// Build makes the report of in. analyze groups the questions (nil: FoldWords).
func Build(in Input, analyze Analyzer) Report {
	if analyze == nil {
		analyze = FoldWords
	}
	r := Report{Since: in.Since, Until: in.Until}
	if in.Team != nil {
		r.TeamPage = in.Team.Source
	}
	askers := map[string]bool{}
	var missed []store.Shown
	for _, a := range in.Answers {
		if a.Follows != "" {
			// A card opened by a click on another answer: the question was counted there.
			r.Opened++
			continue
		}
		r.Questions++
		askers[a.User] = true
		switch {
		case a.Ref != "none":
		case a.Followed != "":
			r.Rescued++ // found through a suggestion: answered, though not at first
		default:
			missed = append(missed, a)
		}
	}
	r.Missed = len(missed)
	r.Answered = r.Questions - r.Missed
	r.Askers = len(askers)
	r.Unanswered = group(missed, analyze)
	r.GroupCount = len(r.Unanswered)
	for _, g := range r.Unanswered {
		if g.AsksOwner {
			r.MissingTasks = append(r.MissingTasks, g)
		}
	}
	r.Disliked = disliked(in.Feedback, in.Team, &r.Totals)
	r.UnownedTasks = unownedTasks(in.Answers, in.Team)
	r.EmptyRoles = emptyRoles(in.Teams, in.Team)
	r.Orphans = slices.Clone(in.Orphans)
	r.TopPages = topPages(in.Answers, in.Team)
	return r
}

// byCount returns m's keys, most counted first (then in byte order), at most n of them.
func byCount(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	return keys[:min(len(keys), n)]
}

// disliked gathers the "pas utile" opinions by answer, and counts every opinion in t.
func disliked(fbs []store.Feedback, tm *team.Team, t *Totals) []Disliked {
	byRef := map[string]*Disliked{}
	useful := map[string]int{}
	for _, f := range fbs {
		if f.Comment != "" {
			t.Comments++
		}
		if f.Useful {
			t.Useful++
			useful[f.Ref]++
			continue
		}
		t.NotUseful++
		d := byRef[f.Ref]
		if d == nil {
			title, page := describe(f.Ref, tm)
			d = &Disliked{Ref: f.Ref, Title: title, Page: page}
			byRef[f.Ref] = d
		}
		d.Count++
		d.Opinions = append(d.Opinions, Opinion{Question: wordingOf(f.Question), Comment: f.Comment, At: f.At})
	}
	out := make([]Disliked, 0, len(byRef))
	for _, d := range byRef {
		d.Useful = useful[d.Ref]
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Disliked) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Ref, b.Ref)) })
	return out
}

// describe returns the title and page of an answer's reference, from the content.
func describe(ref string, tm *team.Team) (title, page string) {
	if tm == nil {
		return "", ""
	}
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "role":
		if r, ok := tm.Role(id); ok {
			return r.Title, r.Source
		}
	case "task":
		if t, ok := tm.Task(id); ok {
			return t.FullTitle(), t.Source
		}
	case "list_roles", "list_tasks", "help":
		return tm.Title, tm.Source
	}
	return "", ""
}

// unownedTasks counts the answers that showed a task nobody owns.
func unownedTasks(answers []store.Shown, tm *team.Team) []Cited {
	if tm == nil {
		return nil
	}
	byRef := map[string]*Cited{}
	for _, a := range answers {
		id, ok := strings.CutPrefix(a.Ref, "task:")
		if !ok {
			continue
		}
		t, ok := tm.Task(id)
		if !ok || len(t.Owners) > 0 {
			continue
		}
		c := byRef[a.Ref]
		if c == nil {
			c = &Cited{Ref: a.Ref, Title: t.FullTitle(), Page: t.Source, Sample: wordingOf(a.Question)}
			byRef[a.Ref] = c
		}
		c.Count++
	}
	out := make([]Cited, 0, len(byRef))
	for _, c := range byRef {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Cited) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Ref, b.Ref)) })
	return out
}

// emptyRoles lists, for each channel with a team, the content's roles nobody holds there.
func emptyRoles(teams map[string]store.Team, tm *team.Team) []EmptyRoles {
	if tm == nil {
		return nil
	}
	var out []EmptyRoles
	for _, ch := range sortedKeys(teams) {
		t := teams[ch]
		if len(t) == 0 {
			continue
		}
		e := EmptyRoles{Channel: ch}
		for _, r := range tm.Roles {
			if len(t[r.ID]) > 0 {
				continue
			}
			n := Named{ID: r.ID, Title: r.Title, Page: r.Source}
			if r.Expert && !r.Core {
				e.Experts = append(e.Experts, n)
			} else {
				e.Core = append(e.Core, n)
			}
		}
		if len(e.Core)+len(e.Experts) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// topPages counts the answers by the page they cited.
func topPages(answers []store.Shown, tm *team.Team) []Page {
	if tm == nil {
		return nil
	}
	byPage := map[string]*Page{}
	for _, a := range answers {
		kind, id, _ := strings.Cut(a.Ref, ":")
		var page, title string
		switch kind {
		case "role":
			if r, ok := tm.Role(id); ok {
				page, title = r.Source, r.Title
			}
		case "task":
			if t, ok := tm.Task(id); ok {
				page, title = t.Source, tm.Title
			}
		}
		if page == "" {
			continue
		}
		p := byPage[page]
		if p == nil {
			p = &Page{Page: page, Title: title}
			byPage[page] = p
		}
		p.Count++
	}
	out := make([]Page, 0, len(byPage))
	for _, p := range byPage {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Page) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Page, b.Page)) })
	return out[:min(len(out), maxTopPages)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package report

// Grouping the unanswered questions: alike wordings become one line of the report.

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

// FoldWords is the Analyzer used without an index: words folded (accents, case), every word
// kept, and a question asking "qui"/"who" marked as asking for an owner.
func FoldWords(question string) ([]string, bool) {
	ws := strings.FieldsFunc(strings.ToLower(team.Fold(question)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	asks := slices.Contains(ws, "qui") || slices.Contains(ws, "who")
	slices.Sort(ws)
	return slices.Compact(ws), asks
}

// mentionPattern matches a Slack user mention, such as the bot's own at the start of a question.
var mentionPattern = regexp.MustCompile(`<@[UW][A-Z0-9]+>`)

// wordingOf is a question as the report shows it: mentions removed, spaces folded.
func wordingOf(q string) string {
	return strings.Join(strings.Fields(mentionPattern.ReplaceAllString(q, " ")), " ")
}

// wording is one distinct question text and how often it was asked.
type wording struct {
	text  string
	count int
}

// pending is a group being built.
type pending struct {
	terms      []string
	wordings   map[string]*wording
	candidates map[string]int
	channels   map[string]bool
	owner      int // questions asking for an owner
	count      int
	last       time.Time
}

// group gathers the missed questions by their terms, then merges the groups whose terms are close
// into the most asked one.
func group(missed []store.Shown, analyze Analyzer) []Group {
	// Distinct texts are analysed once: people ask the same thing in the same words.
	type analysed struct {
		key   string
		terms []string
		owner bool
	}
	seen := map[string]analysed{}
	byKey := map[string]*pending{}
	for _, a := range missed {
		an, ok := seen[a.Question]
		if !ok {
			terms, owner := analyze(a.Question)
			key := strings.Join(terms, " ")
			if key == "" { // nothing but question words: group by the folded text itself
				key = "\x00" + strings.ToLower(team.Fold(strings.TrimSpace(a.Question)))
			}
			an = analysed{key: key, terms: terms, owner: owner}
			seen[a.Question] = an
		}
		p := byKey[an.key]
		if p == nil {
			p = &pending{terms: an.terms, wordings: map[string]*wording{}, candidates: map[string]int{}, channels: map[string]bool{}}
			byKey[an.key] = p
		}
		p.add(a, an.owner)
	}
	groups := make([]*pending, 0, len(byKey))
	for _, p := range byKey {
		groups = append(groups, p)
	}
	slices.SortFunc(groups, func(a, b *pending) int {
		return cmp.Or(cmp.Compare(b.count, a.count), slices.Compare(a.terms, b.terms), cmp.Compare(firstText(a), firstText(b)))
	})
	// Each group joins the closest more-asked leader, or leads. Leaders are found through their
	// terms, so that this stays linear in practice.
	var leaders []*pending
	byTerm := map[string][]int{}
	for _, p := range groups {
		best, bestShare := -1, 0.0
		tried := map[int]bool{}
		for _, t := range p.terms {
			for _, li := range byTerm[t] {
				if tried[li] {
					continue
				}
				tried[li] = true
				if s := jaccard(p.terms, leaders[li].terms); s >= closeShare && s > bestShare {
					best, bestShare = li, s
				}
			}
		}
		if best >= 0 {
			leaders[best].merge(p)
			continue
		}
		for _, t := range p.terms {
			byTerm[t] = append(byTerm[t], len(leaders))
		}
		leaders = append(leaders, p)
	}
	out := make([]Group, 0, len(leaders))
	for _, p := range leaders {
		out = append(out, p.group())
	}
	slices.SortStableFunc(out, func(a, b Group) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

func (p *pending) add(a store.Shown, owner bool) {
	text := wordingOf(a.Question)
	w := p.wordings[text]
	if w == nil {
		w = &wording{text: text}
		p.wordings[text] = w
	}
	w.count++
	for _, c := range a.Candidates {
		p.candidates[c]++
	}
	p.channels[a.Channel] = true
	if owner {
		p.owner++
	}
	p.count++
	if a.At.After(p.last) {
		p.last = a.At
	}
}

func (p *pending) merge(o *pending) {
	for text, w := range o.wordings {
		if mine := p.wordings[text]; mine != nil {
			mine.count += w.count
		} else {
			p.wordings[text] = w
		}
	}
	for c, n := range o.candidates {
		p.candidates[c] += n
	}
	for c := range o.channels {
		p.channels[c] = true
	}
	p.owner += o.owner
	p.count += o.count
	if o.last.After(p.last) {
		p.last = o.last
	}
}

func (p *pending) group() Group {
	ws := make([]*wording, 0, len(p.wordings))
	for _, w := range p.wordings {
		ws = append(ws, w)
	}
	slices.SortFunc(ws, func(a, b *wording) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.text, b.text)) })
	g := Group{Terms: p.terms, Count: p.count, AsksOwner: 2*p.owner > p.count, Channels: len(p.channels), Last: p.last}
	for _, w := range ws[:min(len(ws), maxSamples)] {
		g.Samples = append(g.Samples, w.text)
	}
	g.Candidates = byCount(p.candidates, maxSamples)
	return g
}

// firstText is a group's smallest wording, to order equal groups the same way every time.
func firstText(p *pending) string {
	first := ""
	for t := range p.wordings {
		if first == "" || t < first {
			first = t
		}
	}
	return first
}

// jaccard is the share of terms two sorted, unique lists have in common.
func jaccard(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			shared++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

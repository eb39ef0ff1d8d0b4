package search

import "context"

// ScorerTop is the scorer's best label for a question, for the tuning
// report of the external tests: its kind and id, net score, exact share
// and margin.
type ScorerTop struct {
	Kind, ID                 string
	Net, Exact, Prob, Margin float64
	SecondKind, SecondID     string
}

// TopForTest runs the scorer alone on a question.
func (ix *Index) TopForTest(q string) ScorerTop {
	p := ix.parse(words(clean(q)))
	hits, _ := ix.search(context.Background(), p)
	v := ix.classify(p, hits)
	if len(v.ranked) == 0 {
		return ScorerTop{}
	}
	t := v.top()
	out := ScorerTop{Kind: t.h.kind, ID: t.h.id, Net: t.net, Exact: t.exact, Margin: v.margin(ix)}
	if len(v.ranked) > 1 {
		out.SecondKind, out.SecondID = v.ranked[1].h.kind, v.ranked[1].h.id
	}
	return out
}

// NetForTest is the scorer's net score of one label for a question, and
// whether the label was a candidate.
func (ix *Index) NetForTest(q, kind, id string) (float64, bool) {
	p := ix.parse(words(clean(q)))
	hits, _ := ix.search(context.Background(), p)
	for _, s := range ix.classify(p, hits).ranked {
		if s.h.kind == kind && s.h.id == id {
			return s.net, true
		}
	}
	return 0, false
}

// LikensBySignForTest exposes likensBySign to the external tests.
func LikensBySignForTest(q string) bool { return likensBySign(q) }

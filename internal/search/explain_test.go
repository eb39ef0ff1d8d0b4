package search

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/gitbook"
)

var (
	explain        = flag.String("explain", "", "questions (separated by |) whose concepts and candidates TestExplain prints")
	explainContent = flag.String("explain-content", "", "content folder for TestExplain (default: the shipped content)")
)

// TestExplain prints how a question is read and ranked, for whoever tunes
// the decision:
//
//	go test ./internal/search -run TestExplain -v -args -explain="qui anime les rituels ?"
func TestExplain(t *testing.T) {
	if *explain == "" {
		t.Skip("run with -args -explain=QUESTION")
	}
	ctx := context.Background()
	var fsys fs.FS = content.FS
	if *explainContent != "" {
		fsys = os.DirFS(*explainContent)
	}
	tm, _, err := gitbook.Load(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(ctx, tm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range strings.Split(*explain, "|") {
		var b strings.Builder
		ws, _ := roleFrame(words(clean(q)))
		p := ix.parse(ws)
		ix.dropPersonNouns(&p)
		fmt.Fprintf(&b, "%q who=%v weak=%v bare=%v unknown=%d\n", q, p.who, p.weak, p.bare, p.unknown)
		for _, c := range p.concepts {
			fmt.Fprintf(&b, "  concept %v alts=%v w=%.2f weak=%v known=%v\n", c.words, c.alts, c.weight, c.weak, c.known)
		}
		hits, _ := ix.search(ctx, p)
		for i, h := range hits {
			if i == 8 {
				break
			}
			fmt.Fprintf(&b, "  %s:%s score=%.2f cov=%.2f neg=%.2f matched=%d strong=%v head=%v name=%d found=%.2f\n",
				h.kind, h.id, h.score, h.coverage, h.denied, h.matched, h.strong, h.head, h.name, h.found)
		}
		v := ix.classify(p, hits)
		for i, s := range v.ranked {
			if i == 4 {
				break
			}
			fmt.Fprintf(&b, "  scorer %s:%s net=%.2f exact=%.2f\n", s.h.kind, s.h.id, s.net, s.exact)
		}
		fmt.Fprintf(&b, "  margin=%.2f unknown=%.2f\n", v.margin(ix), p.unknownShare(hits))
		a := ix.Ask(ctx, q)
		fmt.Fprintf(&b, "  => %s confident=%v", a.Intent, a.Confident())
		if a.Role != nil {
			fmt.Fprintf(&b, " %s", a.Role.ID)
		}
		if a.Task != nil {
			fmt.Fprintf(&b, " %s", a.Task.Title)
		}
		fmt.Fprintf(&b, " alts=%v sugg=%v\n", a.Alternatives, a.Suggestions)
		t.Log("\n" + b.String())
	}
}

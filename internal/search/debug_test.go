package search

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/gitbook"
)

func TestDebugQuestions(t *testing.T) {
	qs := os.Getenv("QS")
	if qs == "" {
		t.Skip()
	}
	tm, _, _ := gitbook.Load(context.Background(), content.FS)
	ix, _ := Build(context.Background(), tm, Options{})
	for _, q := range strings.Split(qs, "|") {
		p := ix.parse(words(clean(q)))
		fmt.Printf("\n== %q who=%v weak=%v bare=%v\n", q, p.who, p.weak, p.bare)
		for _, c := range p.concepts {
			fmt.Printf("   concept %v alts=%v w=%.2f\n", c.words, c.alts, c.weight)
		}
		hits, _ := ix.search(context.Background(), p)
		for i, h := range hits {
			if i > 6 {
				break
			}
			fmt.Printf("   %s:%s score=%.2f cov=%.2f matched=%d strong=%v head=%v name=%d\n", h.kind, h.id, h.score, h.coverage, h.matched, h.strong, h.head, h.name)
		}
		a := ix.Ask(context.Background(), q)
		fmt.Printf("   => %s %v %v\n", a.Intent, a.Role != nil && true, a.Task != nil)
	}
}

func TestDebugPlain(t *testing.T) {
	qs := os.Getenv("QP")
	if qs == "" {
		t.Skip()
	}
	tm, _, _ := gitbook.Load(context.Background(), os.DirFS(os.Getenv("DIR")))
	ix, _ := Build(context.Background(), tm, Options{})
	for _, q := range strings.Split(qs, "|") {
		p := ix.parse(words(clean(q)))
		fmt.Printf("\n== %q who=%v weak=%v bare=%v\n", q, p.who, p.weak, p.bare)
		for _, c := range p.concepts {
			fmt.Printf("   concept %v alts=%v w=%.2f\n", c.words, c.alts, c.weight)
		}
		hits, _ := ix.search(context.Background(), p)
		for _, h := range hits {
			fmt.Printf("   %s:%s score=%.2f cov=%.2f matched=%d strong=%v head=%v name=%d\n", h.kind, h.id, h.score, h.coverage, h.matched, h.strong, h.head, h.name)
		}
	}
}

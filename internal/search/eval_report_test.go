package search_test

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/search"
)

// Flags of TestEvalReport: which sets to score, against which folder. They
// let the same report run on held-out sets and on folders others wrote.
var (
	evalSets    = flag.String("evalset", "", "comma-separated JSONL sets for TestEvalReport (default: every testdata/*.jsonl)")
	evalContent = flag.String("content", "", "content folder for TestEvalReport (default: the shipped content)")
)

// score is what one set's report counts.
type score struct {
	n, right, confWrong int
	rightSure           int                       // right and given as the one answer
	byIntent            map[answer.Intent]*[3]int // right, total, confidently wrong
	byLabel             map[string]*[3]int        // the same, by the writer's kind and language labels
	misses              []string
}

// confidentlyWrong says whether a wrong answer was given as the one answer:
// a card (role or task) or a list or help given with confidence. A card
// for a question the content does not answer always counts, confident or
// not: such a question must get none.
func confidentlyWrong(c evalCase, a answer.Answer) bool {
	if c.Intent == answer.IntentNone {
		return a.Intent == answer.IntentRole || a.Intent == answer.IntentTask
	}
	return a.Intent != answer.IntentNone && a.Confident()
}

func scoreSet(ix *search.Index, cases []evalCase) score {
	s := score{byIntent: map[answer.Intent]*[3]int{}, byLabel: map[string]*[3]int{}}
	for _, c := range cases {
		a := ix.Ask(context.Background(), c.Q)
		bi := s.byIntent[c.Intent]
		if bi == nil {
			bi = new([3]int)
			s.byIntent[c.Intent] = bi
		}
		var labels []*[3]int
		for _, l := range []string{"kind " + c.Kind, "lang " + c.Lang} {
			if strings.HasSuffix(l, " ") {
				continue // the set does not label its questions so
			}
			if s.byLabel[l] == nil {
				s.byLabel[l] = new([3]int)
			}
			labels = append(labels, s.byLabel[l])
		}
		s.n++
		bi[1]++
		for _, bl := range labels {
			bl[1]++
		}
		why := check(c, a)
		if why == "" {
			if a.Confident() {
				s.rightSure++
			}
			s.right++
			bi[0]++
			for _, bl := range labels {
				bl[0]++
			}
			continue
		}
		cw := confidentlyWrong(c, a)
		if cw {
			s.confWrong++
			bi[2]++
			for _, bl := range labels {
				bl[2]++
			}
		}
		got := string(a.Intent)
		switch {
		case a.Role != nil:
			got += " " + a.Role.ID
		case a.Task != nil:
			got += " " + a.Task.Title
		}
		mark := "miss"
		if cw {
			mark = "CONFIDENTLY WRONG"
		} else if !a.Confident() && a.Intent != answer.IntentNone {
			mark = "miss (offered as a guess)"
		}
		want := string(c.Intent) + " " + c.Role + c.Task
		s.misses = append(s.misses, fmt.Sprintf("%s: %q: want %s, got %s (%s)", mark, c.Q, strings.TrimSpace(want), got, why))
	}
	return s
}

// TestEvalReport prints, per evaluation set, the share of right answers
// (as shared/eval/run.py scores them, on the main reading), the share of
// confidently wrong ones, both by intent, and the misses. It asserts
// nothing: TestEvaluation does. Run it on any set and folder:
//
//	go test ./internal/search -run TestEvalReport -v -args -evalset=PATH[,PATH] [-content=DIR]
func TestEvalReport(t *testing.T) {
	if !testing.Verbose() && *evalSets == "" {
		t.Skip("a report: run with -v or -args -evalset=PATH")
	}
	ix := buildShipped(t)
	if *evalContent != "" {
		ix = loadFolder(t, *evalContent)
	}
	paths := strings.Split(*evalSets, ",")
	if *evalSets == "" {
		paths, _ = filepath.Glob("testdata/*.jsonl")
	}
	for _, path := range paths {
		on := ix
		// By default, testdata/X.jsonl beside a folder testdata/X/ is
		// asked of that folder: a team's pages that are not ours.
		if dir := strings.TrimSuffix(path, ".jsonl"); *evalContent == "" && *evalSets == "" && isDir(dir) {
			on = loadFolder(t, dir)
		}
		s := scoreSet(on, readCases(t, path))
		var b strings.Builder
		fmt.Fprintf(&b, "%s: right %d/%d (%.1f%%), confidently wrong %d (%.1f%%); right and sure %d (%.1f%%)\n", path, s.right, s.n,
			pct(s.right, s.n), s.confWrong, pct(s.confWrong, s.n), s.rightSure, pct(s.rightSure, s.n))
		intents := make([]string, 0, len(s.byIntent))
		for in := range s.byIntent {
			intents = append(intents, string(in))
		}
		slices.Sort(intents)
		for _, in := range intents {
			v := s.byIntent[answer.Intent(in)]
			fmt.Fprintf(&b, "  %-10s right %d/%d (%.1f%%), confidently wrong %d\n", in, v[0], v[1], pct(v[0], v[1]), v[2])
		}
		for _, l := range slices.Sorted(maps.Keys(s.byLabel)) {
			v := s.byLabel[l]
			fmt.Fprintf(&b, "  %-18s right %d/%d (%.1f%%), confidently wrong %d\n", l, v[0], v[1], pct(v[0], v[1]), v[2])
		}
		for _, m := range s.misses {
			fmt.Fprintf(&b, "  %s\n", m)
		}
		t.Log("\n" + b.String())
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// loadFolder indexes a content folder the way `rolebot ask --content DIR`
// does, synonyms.txt included.
func loadFolder(t testing.TB, dir string) *search.Index {
	t.Helper()
	snap, err := knowledge.Load(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	t.Cleanup(func() { snap.Index.Close() })
	return snap.Index
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

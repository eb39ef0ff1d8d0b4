package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/search"
	"io/fs"
)

// evalCase is one line of an evaluation set, in the format of
// shared/eval/run.py.
type evalCase struct {
	Q      string            `json:"q"`
	Intent answer.Intent     `json:"intent"`
	Role   string            `json:"role"`
	Task   string            `json:"task"` // regexp on the task title
	Owners map[string]string `json:"owners"`
}

func readCases(t testing.TB, path string) []evalCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []evalCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c evalCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cases = append(cases, c)
	}
	return cases
}

// check returns why an answer is wrong, or "".
func check(c evalCase, a answer.Answer) string {
	if a.Intent != c.Intent {
		return "intent " + string(a.Intent)
	}
	switch c.Intent {
	case answer.IntentRole:
		if a.Role == nil || a.Role.ID != c.Role {
			id := ""
			if a.Role != nil {
				id = a.Role.ID
			}
			return "role " + id
		}
	case answer.IntentTask:
		if a.Task == nil {
			return "no task"
		}
		if !regexp.MustCompile("(?i)" + c.Task).MatchString(a.Task.Title) {
			return "task " + a.Task.Title
		}
		got := map[string]string{}
		for _, o := range a.Task.Owners {
			got[o.Role] = string(o.Level)
		}
		if len(got) != len(c.Owners) {
			return "owners differ"
		}
		for k, v := range c.Owners {
			if got[k] != v {
				return "owner " + k + " " + got[k]
			}
		}
	}
	return ""
}

func buildShipped(t testing.TB) *search.Index {
	t.Helper()
	ctx := context.Background()
	tm, _, err := gitbook.Load(ctx, content.FS)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Build(ctx, tm, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestEvaluation scores the question sets: dev.jsonl is the shared set;
// extra.jsonl and holdout.jsonl hold questions written here, of the same
// kinds (holdout.jsonl by someone who had not read the search code), to
// watch for answers that fit one set only.
func TestEvaluation(t *testing.T) {
	ix := buildShipped(t)
	for _, set := range []struct {
		file string
		min  float64
	}{
		{"testdata/dev.jsonl", 0.95},
		{"testdata/extra.jsonl", 0.90},
		{"testdata/holdout.jsonl", 0.90},
	} {
		t.Run(set.file, func(t *testing.T) {
			cases := readCases(t, set.file)
			ok := 0
			for _, c := range cases {
				a := ix.Ask(context.Background(), c.Q)
				if why := check(c, a); why != "" {
					t.Logf("FAIL %q: want %s %s%s, got %s", c.Q, c.Intent, c.Role, c.Task, why)
					continue
				}
				ok++
			}
			acc := float64(ok) / float64(len(cases))
			t.Logf("accuracy %s: %d/%d (%.1f%%)", set.file, ok, len(cases), 100*acc)
			if acc < set.min {
				t.Errorf("accuracy %.1f%% is under %.0f%%", 100*acc, 100*set.min)
			}
		})
	}
}

func contentFS() fs.FS { return content.FS }

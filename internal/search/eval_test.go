package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
	// Kind and Lang are the writer's labels, where a set has them ("everyday",
	// "tricky", "typo"…; "fr", "en"): the report counts by them.
	Kind string `json:"kind"`
	Lang string `json:"lang"`
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
// kinds (holdout.jsonl by someone who had not read the search code);
// tune-a.jsonl was written from the content's meaning by someone who saw
// neither the code nor the other sets (the set the decision was tuned on);
// issue.jsonl holds issue 12's quoted misses; plain.jsonl is asked of
// testdata/plain, another team's folder; the last four are described below. Each set must stay right on at
// least min of its questions, and confidently wrong (a wrong answer given
// as sure, or any card for a question the pages do not answer) on at most
// maxWrong.
func TestEvaluation(t *testing.T) {
	ix := buildShipped(t)
	for _, set := range []struct {
		file, content string
		min, maxWrong float64
	}{
		{"testdata/dev.jsonl", "", 1, 0},
		{"testdata/extra.jsonl", "", 1, 0.01},
		{"testdata/holdout.jsonl", "", 0.99, 0.01},
		{"testdata/tune-a.jsonl", "", 0.988, 0.005}, // issue-none: 98.9 %
		{"testdata/issue.jsonl", "", 1, 0},
		{"testdata/plain.jsonl", "testdata/plain", 1, 0},
		// Written by three more writers who saw neither the code nor the other sets, and
		// measured once, untouched, at the end of issue 12's first session (fresh.jsonl and
		// tune-b.jsonl on our pages; altteam.jsonl on altteam/, role pages another writer made
		// from the brief alone). Below issue 12's goals: these floors are the figures measured
		// since, with the label scorer (fresh.jsonl still untuned on), so that a change cannot
		// make them worse; raise them as they improve.
		{"testdata/fresh.jsonl", "", 0.966, 0},      // issue-engnone: 96.7 %
		{"testdata/tune-b.jsonl", "", 0.952, 0.004}, // issue-taskq: 95.3 %
		{"testdata/altteam.jsonl", "testdata/altteam", 0.975, 0},
		// tune-e.jsonl: 220 questions by a writer who never saw the code, handed over during
		// the scorer's work and tuned on (before it: 78.2 % right, 0.9 % confidently wrong).
		{"testdata/tune-e.jsonl", "", 0.968, 0}, // issue-taskq: 96.8 %
		// fresh-e.jsonl (260, our pages) and alt3.jsonl (200, asked of alt3/, an 8-role
		// folder another writer made from the brief alone): by writers who saw neither the
		// code nor the other sets, kept away from the scorer's tuning and measured once, at
		// the end of its session (before the scorer: 72.7 % / 6.9 % and 68.5 % / 1.5 %). Far
		// below issue 12's goals; floors at what was measured. Seen from now on. Its
		// 28 questions on the two conformity tasks expected a title holding "RGPD" or
		// "RGAA", words of those tasks' details, not titles (TestEvalSetsNameOneTask):
		// with the titles, 77.7 % / 5.8 % was 86.9 % / 0.4 %. Tuned on since (branch
		// issue-scorer): the floors of fresh, tune-b, altteam, tune-e, fresh-e and alt3 are its figures.
		{"testdata/fresh-e.jsonl", "", 0.965, 0}, // issue-taskq: 96.5 %
		{"testdata/alt3.jsonl", "testdata/alt3", 0.915, 0},
		// fresh-f.jsonl (250, our pages) and alt4.jsonl (200, asked of alt4/, a 10-role folder
		// its writer made from the seed's format alone, Déclar'Eau): by writers who saw neither
		// the code nor the other sets, kept from the scorer's tuning and measured on main
		// before and after the scorer's second round (branch issue-scorer): fresh-f 90.8 % /
		// 0.8 % → 93.6 % / 0.4 %, alt4 71.5 % / 5.0 % → 76.0 % / 4.5 %. Floors at what was
		// measured; seen from now on. Tuned on since (branch issue-scorer3: the names a
		// folder's prose gives its roles, fact questions, the English of job titles): alt4
		// 76.0 % / 4.5 % -> 92.0 % / 1.5 %; the floors of holdout, tune-b, alt3, fresh-f and
		// alt4 are its figures.
		{"testdata/fresh-f.jsonl", "", 0.98, 0}, // issue-none: 98.0 %
		// Branch issue-rolecal: a role card is given alone only on clear evidence
		// (calibrate.go); alt4's one confidently wrong answer, a cleft, is now a guess.
		{"testdata/alt4.jsonl", "testdata/alt4", 0.95, 0}, // issue-engnone: 95.0 %
		// fresh-g.jsonl (220, our pages) and alt5.jsonl (200, asked of alt5/, a 9-role folder,
		// Embarq, whose writer gave most roles a nickname): by writers who saw neither the code
		// nor the other sets, kept from the tuning of issue-scorer3 (which tuned on alt4) and
		// measured on main before and after it: fresh-g 89.5 % / 0.9 % → 90.0 % / 0.9 %, alt5
		// 73.5 % / 4.0 % → 82.5 % / 2.5 %. Floors at what was measured; seen from now on.
		// Tuned on since (branch issue-scorer4: counts the pages do not hold, "???"): the
		// floors of tune-a, fresh, tune-b, fresh-f, alt4, fresh-g and alt5 are its figures.
		{"testdata/fresh-g.jsonl", "", 0.959, 0},          // issue-engnone: 95.9 %
		{"testdata/alt5.jsonl", "testdata/alt5", 0.92, 0}, // issue-taskq: 92.0 %, no card for what the pages do not answer
		// fresh-h.jsonl (200, our pages) and alt6.jsonl (200, asked of alt6/, a 10-role
		// hospital team with role names of its own: directrice des admissions, product lead,
		// cadre de santé référente, tech lead…): by writers who saw neither the code nor the
		// other sets, told not to reuse the brief's example role names, kept from
		// issue-scorer4 and measured on main before it (after issue-scorer3) and after it:
		// fresh-h 92.5 % / 1.5 % → 93.0 % / 1.0 %, alt6 74.5 % / 1.5 % → 74.5 % / 1.5 %
		// (before issue-scorer3: 92.0 % / 1.5 % and 70.5 % / 2.5 %). Floors at what was
		// measured; seen from now on.
		{"testdata/fresh-h.jsonl", "", 0.96, 0.005},       // issue-rolecal: 96.0 %
		{"testdata/alt6.jsonl", "testdata/alt6", 0.93, 0}, // issue-roleq: 92.0 %; merged with issue-none: 92.5 %, no card for what the pages do not answer; issue-engnone: 93.0 %
		// fresh-i.jsonl (200, our pages) and alt7.jsonl (200, asked of alt7/, a 9-role
		// university team, role names of its own): by writers who saw neither the code nor the
		// other sets, measured once on main after issue-scorer4: 95.5 % / 0 % and 78.0 % /
		// 1.0 %. Floors at what was measured; seen from now on. Tuned on since (branch
		// issue-lex: a broad lexicon of the work, lexicon_work.txt): alt7 78.0 → 87.5 %, alt6
		// 74.5 → 87.0 %, alt5 83.5 → 88.0 %; the floors of extra, holdout, tune-e, fresh-e,
		// alt3, fresh-f, alt4, fresh-g, alt5, alt6, fresh-i and alt7 are its figures. Merged
		// with issue-sent (who-questions read as tasks first, objects no page names, roles by
		// description): alt7 91.5 %, alt6 90.5 %, alt5 90.0 %; the floors of tune-e, fresh-e,
		// alt3, fresh-f, alt4, fresh-g, alt5, fresh-h, alt6, fresh-i and alt7 are the merge's.
		{"testdata/fresh-i.jsonl", "", 0.985, 0}, // issue-none: 98.5 %
		// Branch issue-rolecal: "what does the <description> do?" read as the role whose
		// names hold the description (frames.go): alt7 92.0 %.
		{"testdata/alt7.jsonl", "testdata/alt7", 0.94, 0}, // issue-taskq (tasks in everyday words): 94.0 %
		// fresh-j.jsonl (200, our pages) and alt8.jsonl (200, asked of alt8/, a 10-role team of
		// a national library's online service, Sésame, several roles titled in the feminine):
		// by writers who saw neither the code nor the other sets, measured on main before
		// issue-lex (93.0 % / 1.0 % and 81.0 % / 3.0 %), after issue-lex and issue-sent
		// (95.5 % / 1.0 %, 85.0 % / 3.5 %) and after issue-rolecal (95.5 % / 0.5 %, 85.0 % /
		// 3.5 %). Floors at that last measure; seen from now on. Branch issue-gender (roles
		// found by their title's head noun in either gender, and by its English): alt8
		// 85.0 → 87.5 %. Branch issue-roleq (questions about a role: "le rôle du X", "what
		// does the X do?", "who is our X?", read as the role whose names hold X, over a task
		// sharing its words): alt8 88.0 % / 3.0 % → 92.5 % / 1.0 %.
		// Branch issue-none (what a role's page never says together, typos into ownership
		// words): the floors of tune-a, fresh-f, alt5, alt6, fresh-i, alt7 and fresh-j.
		{"testdata/fresh-j.jsonl", "", 0.955, 0},             // issue-none: no confidently wrong answer
		{"testdata/alt8.jsonl", "testdata/alt8", 0.93, 0.01}, // issue-taskq: 93.0 %
		// fresh-k.jsonl (200, our pages) and alt9.jsonl (200, asked of alt9/, a 10-role team
		// of a court's online registry service, « Greffe en ligne »): by writers who saw
		// neither the code nor the other sets, measured on main before issue-roleq and
		// issue-none (97.0 % / 0.0 % and 83.0 % / 1.0 %), after them (97.0 / 0.0, 84.0 / 1.0)
		// and after issue-taskq (97.0 / 0.0, 84.5 / 1.0). Floors at that last measure; seen
		// from now on. Branch issue-engnone (real roles and tasks that got none: glued
		// names, English participles, who-is questions, an unpaired role's own row): alt9
		// 86.5 %.
		{"testdata/fresh-k.jsonl", "", 0.97, 0},
		{"testdata/alt9.jsonl", "testdata/alt9", 0.865, 0.01},
	} {
		t.Run(set.file, func(t *testing.T) {
			on := ix
			if set.content != "" {
				on = loadFolder(t, set.content)
			}
			s := scoreSet(on, readCases(t, set.file))
			for _, m := range s.misses {
				t.Log(m)
			}
			acc, wrong := float64(s.right)/float64(s.n), float64(s.confWrong)/float64(s.n)
			t.Logf("%s: right %d/%d (%.1f%%), confidently wrong %d (%.1f%%)", set.file, s.right, s.n, 100*acc, s.confWrong, 100*wrong)
			if acc < set.min {
				t.Errorf("right on %.1f%%, under %.0f%%", 100*acc, 100*set.min)
			}
			if wrong > set.maxWrong {
				t.Errorf("confidently wrong on %.1f%%, over %.0f%%", 100*wrong, 100*set.maxWrong)
			}
		})
	}
}

func contentFS() fs.FS { return content.FS }

// TestEvalSetsNameOneTask checks that every expected task of every set
// names one task title of the folder it is asked of: the scoring, like
// shared/eval/run.py, matches the regexp on the title alone, so one written
// against a task's details ("RGPD" for "S'assurer de la conformité légale
// (lois, RGPD, déclaration CNIL)") would count the right answer as wrong.
func TestEvalSetsNameOneTask(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sets: %v", err)
	}
	shipped := buildShipped(t)
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			ix := shipped
			if dir := strings.TrimSuffix(path, ".jsonl"); isDir(dir) {
				ix = loadFolder(t, dir)
			}
			seen := map[string]bool{}
			for _, c := range readCases(t, path) {
				if c.Intent != answer.IntentTask || seen[c.Task] {
					continue
				}
				seen[c.Task] = true
				re := regexp.MustCompile("(?i)" + c.Task)
				var titles []string
				for _, k := range ix.Team().Tasks {
					if re.MatchString(k.Title) {
						titles = append(titles, k.Title)
					}
				}
				if len(titles) != 1 {
					t.Errorf("task %q matches %d titles %q", c.Task, len(titles), titles)
				}
			}
		})
	}
}

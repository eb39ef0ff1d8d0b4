package search_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/search"
	"github.com/rolebot/rolebot/internal/team"
)

// lexLines is the flag of TestLexiconLinesReport: a file of candidate
// lexicon lines.
var lexLines = flag.String("lexlines", "", "a file of candidate lexicon lines for TestLexiconLinesReport")

// TestLexiconLinesReport scores every set of testdata with each candidate
// line of -lexlines added alone to the lists, and with none: how lines of
// lexicon_work.txt were chosen (a line that loses a question or adds a
// confidently wrong answer on any set is narrowed or left out). It asserts
// nothing: TestEvaluation does. Run it so:
//
//	go test ./internal/search -run TestLexiconLinesReport -v -args -lexlines=FILE
//
// Each line prints the totals over every set, then right/confidently wrong
// per set; the first, with no line, is the base.
func TestLexiconLinesReport(t *testing.T) {
	if *lexLines == "" {
		t.Skip("a report: run with -args -lexlines=FILE")
	}
	ctx := context.Background()
	paths, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sets: %v", err)
	}
	// Each set is asked of its own folder (testdata/X/ beside X.jsonl), or
	// of the shipped content; a folder's own synonyms.txt is kept.
	type folder struct {
		team *team.Team
		syn  string
	}
	folders := map[string]folder{}
	cases := map[string][]evalCase{}
	for _, p := range paths {
		cases[p] = readCases(t, p)
		key := folderOf(p)
		if _, ok := folders[key]; ok {
			continue
		}
		var f folder
		if key == "" {
			f.team, _, err = gitbook.Load(ctx, contentFS())
		} else {
			f.team, _, err = gitbook.Load(ctx, os.DirFS(key))
			if b, rerr := os.ReadFile(filepath.Join(key, "synonyms.txt")); rerr == nil {
				f.syn = string(b)
			}
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		folders[key] = f
	}
	for _, line := range append([]string{""}, candidateLines(t, *lexLines)...) {
		indexes := map[string]*search.Index{}
		for key, f := range folders {
			syn, err := search.ParseSynonyms(strings.NewReader(f.syn+"\n"+line), "candidate")
			if err != nil {
				t.Fatal(err)
			}
			ix, err := search.Build(ctx, f.team, search.Options{Synonyms: syn})
			if err != nil {
				t.Fatal(err)
			}
			indexes[key] = ix
		}
		right, wrong := 0, 0
		var per []string
		for _, p := range paths {
			s := scoreSet(indexes[folderOf(p)], cases[p])
			right, wrong = right+s.right, wrong+s.confWrong
			per = append(per, fmt.Sprintf("%s=%d/%d", strings.TrimSuffix(filepath.Base(p), ".jsonl"), s.right, s.confWrong))
		}
		for _, ix := range indexes {
			ix.Close()
		}
		if line == "" {
			line = "(base)"
		}
		t.Logf("right %d, confidently wrong %d: %s\n\t%s", right, wrong, line, strings.Join(per, " "))
	}
}

// folderOf is the folder a set is asked of: testdata/X/ beside
// testdata/X.jsonl, or "" for the shipped content.
func folderOf(set string) string {
	if dir := strings.TrimSuffix(set, ".jsonl"); isDir(dir) {
		return dir
	}
	return ""
}

// candidateLines reads the rules of a lexicon file, comments and blank
// lines left out.
func candidateLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

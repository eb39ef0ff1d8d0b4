package search

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/gitbook"
)

// buildWith indexes the shipped content with extra synonyms.
func buildWith(t testing.TB, extra string) *Index {
	t.Helper()
	ctx := context.Background()
	tm, _, err := gitbook.Load(ctx, content.FS)
	if err != nil {
		t.Fatal(err)
	}
	var opts Options
	if extra != "" {
		syn, err := ParseSynonyms(strings.NewReader(extra), "extra")
		if err != nil {
			t.Fatal(err)
		}
		opts.Synonyms = syn
	}
	ix, err := Build(ctx, tm, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestSynonymFormsLeaveOutWhatNoPageHolds: an added phrase that no page
// can match is not among a phrase's forms; one a page holds is, once; a
// phrase with no terms of its own keeps its first added phrase, so that a
// question still holds the concept.
func TestSynonymFormsLeaveOutWhatNoPageHolds(t *testing.T) {
	ix := buildWith(t, "zqmot => zqnulle, backlog, backlogs, zqrien\nzqmot2 => zqrien")
	for _, c := range []struct {
		phrase string
		want   synForms
	}{
		{"zqmot", synForms{own: []string{"zqmot"}, alts: [][]string{{"backlog"}}}},
		{"zqmot2", synForms{own: []string{"zqmot2"}}},
	} {
		if got := ix.synForms[c.phrase]; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: forms %v, want %v", c.phrase, got, c.want)
		}
	}
	// "the" analyses to nothing (a stop word): its first added phrase is
	// kept though no page holds it.
	ix = buildWith(t, "the => zqrien, backlog")
	if got := ix.synForms["the"].alts; len(got) != 2 || got[0][0] != "zqrien" {
		t.Errorf("the: alternatives %v, want zqrien then backlog", got)
	}
}

// TestBroadLexiconChangesNothingItCannotMatch: thousands of lines that no
// page can match, some of them on the very words of the questions, give
// every question of two sets the same concepts and the same answer as
// without them. Their cost is a map lookup (BenchmarkAskBroadLexicon).
func TestBroadLexiconChangesNothingItCannotMatch(t *testing.T) {
	base := buildWith(t, "")
	qs := append(questionsOf(t, "testdata/dev.jsonl"), questionsOf(t, "testdata/tune-a.jsonl")...)
	lex := unmatchedLexicon(base, qs, 3000)
	if n := strings.Count(lex, "zqg"); n < 5 {
		t.Fatalf("only %d lines on the questions' words: the test would show little", n)
	}
	broad := buildWith(t, lex)
	ctx := context.Background()
	for _, q := range qs {
		pa, pb := base.parse(base.questionWords(clean(q))), broad.parse(broad.questionWords(clean(q)))
		if !reflect.DeepEqual(pa.concepts, pb.concepts) {
			t.Errorf("%q: concepts %v, want %v", q, pb.concepts, pa.concepts)
			continue
		}
		a, _ := json.Marshal(base.Ask(ctx, q))
		b, _ := json.Marshal(broad.Ask(ctx, q))
		if string(a) != string(b) {
			t.Errorf("%q: answer %s, want %s", q, b, a)
		}
	}
}

// unmatchedLexicon makes n lines of words no page uses, and one line for
// every word of qs that the synonyms read and no page writes ("gdpr",
// "compliance"), adding ten phrases no page holds to it: what most of a
// broad lexicon is on one folder.
func unmatchedLexicon(ix *Index, qs []string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "zqa%d, zqb%d, zqc%d => zqd%d, zqe%d\n", i, i, i, i, i)
	}
	var seen []string
	for _, q := range qs {
		for _, w := range words(q) {
			// A word the synonyms read already, which no page writes: a
			// new word of the synonyms would no longer be read as a typo,
			// and a page's word would give its sentences the added phrases.
			terms := ix.terms(w)
			if !ix.synonyms.words[w] || len(terms) == 0 || ix.df[terms[0]] > 0 || slices.Contains(seen, w) || structural[w] || weak[w] {
				continue
			}
			seen = append(seen, w)
			fmt.Fprintf(&b, "%s =>", w)
			for j := range 10 {
				fmt.Fprintf(&b, " zqf%s%d,", w, j)
			}
			b.WriteString(" zqg\n")
		}
	}
	return b.String()
}

// questionsOf reads the questions of a set.
func questionsOf(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct {
			Q string `json:"q"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		qs = append(qs, c.Q)
	}
	return qs
}

// BenchmarkAskBroadLexicon answers BenchmarkAsk's English task question
// with and without 3,000 more lines no page can match, one of them on
// each of its words the pages lack.
func BenchmarkAskBroadLexicon(b *testing.B) {
	q := "who owns GDPR compliance?"
	base := buildWith(b, "")
	for _, c := range []struct {
		name  string
		lines int
	}{{"builtin", -1}, {"plus3000", 3000}} {
		ix := base
		if c.lines >= 0 {
			ix = buildWith(b, unmatchedLexicon(base, []string{q, "compliance rules zqtest"}, c.lines))
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ix.Ask(context.Background(), q)
			}
		})
	}
}

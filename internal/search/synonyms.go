package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
)

//go:embed synonyms.txt
var builtinSynonyms string

//go:embed lexicon_fr.txt
var builtinLexicon string

//go:embed lexicon_work.txt
var builtinWorkLexicon string

// Synonyms maps the words people type to the words the pages use. Each rule
// reads a phrase of folded, lower-case words and adds other phrases to the
// question: "kpi => indicateurs", or "a, b, c" where each stands for all.
type Synonyms struct {
	rules map[string][]string // first word → phrases starting with it
	// split holds rules' phrases as words, in the same order: a question's
	// words are matched against them without splitting a phrase per word.
	split map[string][][]string
	adds  map[string][]string // phrase → phrases it adds
	words map[string]bool     // every word of every phrase: none is a typo
}

// BuiltinSynonyms returns the lists compiled into rolebot: the team's jargon
// and English equivalents (synonyms.txt), the everyday lexicon of the acts
// people ask about (lexicon_fr.txt), and the broad lexicon of a
// public-service product team's work (lexicon_work.txt).
func BuiltinSynonyms() *Synonyms {
	s, err := ParseSynonyms(strings.NewReader(builtinSynonyms), "synonyms.txt")
	if err != nil {
		// The lists are compiled in and covered by tests: this is a build bug.
		panic(err)
	}
	for _, l := range []struct{ text, name string }{{builtinLexicon, "lexicon_fr.txt"}, {builtinWorkLexicon, "lexicon_work.txt"}} {
		lex, err := ParseSynonyms(strings.NewReader(l.text), l.name)
		if err != nil {
			panic(err)
		}
		s.Merge(lex)
	}
	return s
}

// ParseSynonyms reads a list in the same format as the built-in one: one rule
// a line, "#" starts a comment, "left, … => right, …" adds the right-hand
// phrases to a question holding a left-hand one, and "a, b, c" makes each an
// equivalent of the others. name is used in error messages.
func ParseSynonyms(r io.Reader, name string) (*Synonyms, error) {
	s := &Synonyms{rules: map[string][]string{}, split: map[string][][]string{}, adds: map[string][]string{}, words: map[string]bool{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		left, right, oneWay := strings.Cut(line, "=>")
		from := phrases(left)
		to := from
		if oneWay {
			to = phrases(right)
		}
		if len(from) == 0 || len(to) == 0 || (!oneWay && len(from) < 2) {
			return nil, fmt.Errorf("%s:%d: règle de synonymes illisible : %q", name, n, sc.Text())
		}
		for _, f := range from {
			s.phrase(f)
			for _, t := range to {
				if t != f {
					s.add(f, t)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return s, nil
}

// Merge adds other's rules to s.
func (s *Synonyms) Merge(other *Synonyms) {
	if other == nil {
		return
	}
	for from, tos := range other.adds {
		s.phrase(from) // a phrase that adds nothing is still read as one
		for _, t := range tos {
			s.add(from, t)
		}
	}
}

func (s *Synonyms) add(from, to string) {
	s.phrase(from)
	if !slices.Contains(s.adds[from], to) {
		s.adds[from] = append(s.adds[from], to)
	}
}

// phrase registers a phrase, so that its words are read together even when
// it adds nothing: "co-conception" is one thing, not "co" and "conception".
func (s *Synonyms) phrase(p string) {
	if _, ok := s.adds[p]; ok {
		return
	}
	s.adds[p] = nil
	ws := strings.Fields(p)
	for _, w := range ws {
		s.words[w] = true
	}
	s.rules[ws[0]] = append(s.rules[ws[0]], p)
	s.split[ws[0]] = append(s.split[ws[0]], ws)
}

// phrases splits a comma-separated list into normalised phrases. The
// words a question's reading drops ("de", "en", "la": the structural
// words) are dropped here too, so that "indicateurs de suivi" matches the
// question's "indicateurs suivi"; a phrase of such words only is kept
// whole.
func phrases(list string) []string {
	var out []string
	for _, p := range strings.Split(list, ",") {
		w := words(p)
		kept := slices.DeleteFunc(slices.Clone(w), func(x string) bool { return structural[x] || whoWords[x] || whichWords[x] })
		if len(kept) > 0 {
			w = kept
		}
		if len(w) > 0 {
			out = append(out, strings.Join(w, " "))
		}
	}
	return out
}

// match finds the longest phrase starting at words[i] and returns its length
// in words and the phrases it adds.
func (s *Synonyms) match(ws []string, i int) (int, []string) {
	n, p := s.matchPhrase(ws, i)
	if n == 0 {
		return 0, nil
	}
	return n, s.adds[p]
}

// matchPhrase finds the longest phrase starting at words[i] and returns its
// length in words and the phrase itself, as the rules key it.
func (s *Synonyms) matchPhrase(ws []string, i int) (int, string) {
	best, phrase := 0, ""
	for k, pw := range s.split[ws[i]] {
		if len(pw) <= best || i+len(pw) > len(ws) {
			continue
		}
		if slices.Equal(ws[i:i+len(pw)], pw) {
			best, phrase = len(pw), s.rules[ws[i]][k]
		}
	}
	return best, phrase
}

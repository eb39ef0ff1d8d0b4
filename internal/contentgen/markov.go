package contentgen

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// chain is a word-level Markov chain of order two that sometimes falls back
// on order one. Order two alone, trained on a few thousand words, mostly
// copies the training sentences back; order one alone rambles. Mixing them
// gives sentences that read as French and are not the shipped pages' own.
type chain struct {
	next2 map[[2]string][]string // successors of two words, repeated by frequency
	next1 map[string][]string    // successors of one word
}

// Markers of a sentence's start and end, which no word can equal.
const (
	begin = "\x02"
	stop  = "\x03"
)

// bigramShare is how often a word is drawn from the order-one successors.
const bigramShare = 0.25

func newChain() *chain {
	return &chain{next2: map[[2]string][]string{}, next1: map[string][]string{}}
}

// train adds one sentence: words and punctuation tokens, ending with its
// final punctuation.
func (c *chain) train(sentence []string) {
	a, b := begin, begin
	for _, w := range append(sentence, stop) {
		k := [2]string{a, b}
		c.next2[k] = append(c.next2[k], w)
		if b != begin {
			c.next1[b] = append(c.next1[b], w)
		}
		a, b = b, w
	}
}

// maxTokens bounds a sentence, so that a loop of the chain ends.
const maxTokens = 60

// sentence draws a sentence of minW to maxW words (punctuation does not
// count). It gives up after a few draws and returns the last one, so a
// narrow range cannot stall generation.
func (c *chain) sentence(r *rand.Rand, minW, maxW int) []string {
	var out []string
	for range 40 {
		out = out[:0]
		a, b := begin, begin
		ended := false
		for len(out) < maxTokens {
			cands := c.next2[[2]string{a, b}]
			if b != begin && r.Float64() < bigramShare {
				if alt := c.next1[b]; len(alt) > 0 {
					cands = alt
				}
			}
			if len(cands) == 0 {
				break
			}
			w := cands[r.IntN(len(cands))]
			if w == stop {
				ended = true
				break
			}
			out = append(out, w)
			a, b = b, w
		}
		if n := countWords(out); ended && n >= minW && n <= maxW {
			return out
		}
	}
	if len(out) == 0 || !isEnd(out[len(out)-1]) {
		out = append(trimPunct(out), ".")
	}
	return out
}

// countWords counts the tokens that are words.
func countWords(toks []string) int {
	n := 0
	for _, t := range toks {
		if !isPunct(t) {
			n++
		}
	}
	return n
}

func isPunct(t string) bool {
	return len(t) == 1 && strings.ContainsAny(t, ",;:.?!")
}

func isEnd(t string) bool { return t == "." || t == "?" || t == "!" }

// trimPunct drops trailing punctuation tokens.
func trimPunct(toks []string) []string {
	for len(toks) > 0 && isPunct(toks[len(toks)-1]) {
		toks = toks[:len(toks)-1]
	}
	return toks
}

// render joins tokens the French way: no space before a comma or a full
// stop, a space before the two-part signs : ; ? !
func render(toks []string) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t != "," && t != "." {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	return b.String()
}

// corpus is what generation learns from the shipped role pages.
type corpus struct {
	prose, items, questions *chain
	// partners are the reasons pages give for working with another role,
	// "pour relier les choix de design aux objectifs.", reused as written.
	partners []string
}

// Cleaning of the training text: links keep their words, parenthesised
// asides and emphasis go, and characters that would be markup (or editors'
// marks such as @mentions) in a generated page are dropped.
var (
	linkRe     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	asideRe    = regexp.MustCompile(`\s*\([^)]*\)`)
	underRe    = regexp.MustCompile(`(^|\s)_([^_]+)_`)
	elisionRe  = regexp.MustCompile(`'\s+`)
	markupRepl = strings.NewReplacer("**", "", "__", "", "`", "", "’", "'", "\u00a0", " ", "\u202f", " ",
		"«", "", "»", "", "[", "", "]", "", "|", "", "*", "", "#", "", "@", "", "<", "", ">", "",
		"{", "", "}", "", "\"", "", "\\", "", "(", "", ")", "", "…", ".")
)

func cleanLine(s string) string {
	s = linkRe.ReplaceAllString(s, "$1")
	s = asideRe.ReplaceAllString(s, "")
	s = underRe.ReplaceAllString(s, "$1$2")
	// Dropping « » leaves "d' intra": an elision sticks to its word.
	return elisionRe.ReplaceAllString(strings.Join(strings.Fields(markupRepl.Replace(s)), " "), "'")
}

// readCorpus trains the chains on every role page of fsys (every .md but
// README.md and SUMMARY.md). Paragraphs train the prose chain, list items
// the items chain, and the items under "Questions à se poser" the questions
// chain, so that each part of a generated page reads like its model.
func readCorpus(fsys fs.FS) (*corpus, error) {
	c := &corpus{prose: newChain(), items: newChain(), questions: newChain()}
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if strings.EqualFold(name, "README.md") || strings.EqualFold(name, "SUMMARY.md") {
			continue
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path.Join(".", name), err)
		}
		c.page(raw)
	}
	if len(c.prose.next2) == 0 || len(c.items.next2) == 0 || len(c.questions.next2) == 0 {
		return nil, fmt.Errorf("no role page text to learn from")
	}
	return c, nil
}

// page trains on one role page.
func (c *corpus) page(raw []byte) {
	sc := bufio.NewScanner(bytes.NewReader(stripFrontMatter(raw)))
	section := ""
	var para []string
	flush := func() {
		if len(para) > 0 {
			c.add(c.prose, strings.Join(para, " "))
			para = nil
		}
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
			flush()
			section = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "- "):
			flush()
			item := line[2:]
			switch section {
			case "Travaille avec":
				// The links are the shipped roles: only the reason is kept.
				if _, why, ok := strings.Cut(cleanLine(item), " : "); ok && why != "" {
					c.partners = append(c.partners, why)
				}
			case "Questions à se poser":
				c.add(c.questions, item)
			default:
				c.add(c.items, item)
			}
		default:
			para = append(para, line)
		}
	}
	flush()
}

// add splits a text into sentences and trains ch on each.
func (c *corpus) add(ch *chain, text string) {
	var cur []string
	for _, t := range tokenize(cleanLine(text)) {
		cur = append(cur, t)
		if isEnd(t) {
			trainSentence(ch, cur)
			cur = nil
		}
	}
	// A fragment with no final stop, such as an item ending with ";".
	if cur = trimPunct(cur); len(cur) > 0 {
		trainSentence(ch, append(cur, "."))
	}
}

func trainSentence(ch *chain, s []string) {
	if countWords(s) < 3 {
		return
	}
	first, n := utf8.DecodeRuneInString(s[0])
	if !unicode.IsLetter(first) {
		return
	}
	// Sub-items start in lower case; sentences drawn from the chain start
	// where training sentences did, so they must be capitalised.
	s[0] = string(unicode.ToUpper(first)) + s[0][n:]
	ch.train(s)
}

// tokenize splits text into words and punctuation tokens. A word keeps its
// apostrophes ("l'équipe") and inner dots ("beta.gouv.fr").
func tokenize(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		end := len(f)
		for end > 0 && strings.IndexByte(",;:.?!", f[end-1]) >= 0 {
			end--
		}
		if end > 0 {
			out = append(out, f[:end])
		}
		prev := ""
		for _, p := range f[end:] {
			// "..." and "?!" become one token.
			if t := string(p); prev == "" {
				out = append(out, t)
				prev = t
			}
		}
	}
	return out
}

// stripFrontMatter drops a leading "---" YAML block.
func stripFrontMatter(raw []byte) []byte {
	if !bytes.HasPrefix(raw, []byte("---\n")) {
		return raw
	}
	rest := raw[4:]
	if i := bytes.Index(rest, []byte("\n---\n")); i >= 0 {
		return rest[i+5:]
	}
	return raw
}

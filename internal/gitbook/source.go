package gitbook

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// source is one Markdown file as read, and the same bytes with everything
// that is not Markdown (front matter, GitBook's {% … %} tags) blanked out.
// Blanking with spaces instead of cutting keeps every byte offset, so that
// goldmark's positions map straight to the writer's line numbers.
type source struct {
	path       string // relative to the folder, with slashes
	raw        []byte // as read
	md         []byte // what goldmark parses
	lineStarts []int
	fm         frontMatter
	fmLines    int   // lines of the front matter, fences included; 0 for none
	refs       []ref // links held by GitBook tags, such as content-ref urls
}

// frontMatter holds the keys rolebot uses from a page's YAML header.
type frontMatter struct {
	description string
	aliases     []string
	// questions are example questions the page answers, which its writer
	// adds to teach rolebot the words people use ("questions:" list).
	questions []string
}

// ref is a link target and where the page writes it.
type ref struct {
	target string
	line   int
}

func newSource(path string, raw []byte, d *diags) *source {
	s := &source{path: path, raw: raw, md: bytes.Clone(raw), lineStarts: []int{0}}
	for i, c := range raw {
		if c == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	if bytes.HasPrefix(s.md, []byte("\ufeff")) {
		blank(s.md, 0, 3)
	}
	s.frontMatter(d)
	s.gitbookTags()
	return s
}

// line is the 1-based line of a byte offset; 0 when the offset is unknown.
func (s *source) line(off int) int {
	if off < 0 {
		return 0
	}
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off })
}

// blank replaces b[from:to] with spaces, keeping line breaks.
func blank(b []byte, from, to int) {
	for i := max(from, 0); i < to && i < len(b); i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
}

// frontMatter reads and blanks a leading "---" YAML block, as GitBook writes
// it for description, icon and layout.
func (s *source) frontMatter(d *diags) {
	start := 0
	if bytes.HasPrefix(s.raw, []byte("\ufeff")) {
		start = 3
	}
	if len(s.lineStarts) < 2 || strings.TrimRight(string(s.raw[start:s.lineStarts[1]]), " \t\r\n") != "---" {
		return
	}
	end := -1 // index of the closing line
	for i := 1; i < len(s.lineStarts); i++ {
		if t := strings.TrimRight(string(s.lineBytes(i)), " \t\r\n"); t == "---" || t == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		d.warnf(s.path, 1, "en-tête YAML non fermé : il manque la ligne « --- » qui le termine ; il est lu comme du texte")
		return
	}
	endOff := len(s.raw)
	if end+1 < len(s.lineStarts) {
		endOff = s.lineStarts[end+1]
	}
	yml := s.raw[s.lineStarts[1]:s.lineStarts[end]]
	blank(s.md, 0, endOff)
	s.fmLines = end + 1
	fm, err := parseFrontMatter(yml)
	if err != nil {
		line, msg := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			if n, convErr := strconv.Atoi(m[1]); convErr == nil {
				line = 1 + n
			}
			msg = strings.TrimSpace(strings.Replace(msg, m[0], "", 1))
		}
		msg = strings.TrimPrefix(strings.TrimPrefix(msg, "yaml:"), " ")
		d.warnf(s.path, line, "en-tête YAML illisible (%s) : la description et les alias de la page sont ignorés", msg)
		return
	}
	for _, w := range fm.warnings {
		d.warnf(s.path, 1+w.line, "%s", w.msg)
	}
	s.fm = fm.frontMatter
}

var yamlLine = regexp.MustCompile(`line (\d+):?`)

// release drops the page's bytes once it is read: only its line starts serve
// later diagnostics. Holding the bytes of every page (twice: as read and as
// parsed) until the end of a load doubled its peak memory at 10,000 pages.
func (s *source) release() { s.raw, s.md = nil, nil }

// lineBytes is line i (0-based) including its line break.
func (s *source) lineBytes(i int) []byte {
	if i+1 < len(s.lineStarts) {
		return s.raw[s.lineStarts[i]:s.lineStarts[i+1]]
	}
	return s.raw[s.lineStarts[i]:]
}

type fmWarning struct {
	line int // 1-based within the YAML block
	msg  string
}

type parsedFrontMatter struct {
	frontMatter
	warnings []fmWarning
}

// parseFrontMatter decodes the YAML block. yaml.v3 has panicked on hostile
// input in the past; a page is user input, so a panic becomes an error.
func parseFrontMatter(yml []byte) (fm parsedFrontMatter, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(yml, &doc); err != nil {
		return fm, err
	}
	if len(doc.Content) == 0 {
		return fm, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fm.warnings = append(fm.warnings, fmWarning{root.Line, "en-tête YAML inattendu : il devrait contenir des clés comme « description: »"})
		return fm, nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "description":
			if val.Kind == yaml.ScalarNode {
				fm.description = cleanText(val.Value)
			} else {
				fm.warnings = append(fm.warnings, fmWarning{val.Line, "« description » devrait être un texte"})
			}
		case "aliases":
			switch val.Kind {
			case yaml.SequenceNode:
				for _, item := range val.Content {
					if item.Kind == yaml.ScalarNode && strings.TrimSpace(item.Value) != "" {
						fm.aliases = append(fm.aliases, collapseSpace(item.Value))
					} else {
						fm.warnings = append(fm.warnings, fmWarning{item.Line, "chaque alias de « aliases » doit être un texte non vide"})
					}
				}
			case yaml.ScalarNode:
				// "aliases: PO, product owner" is a common slip: accept it.
				for a := range strings.SplitSeq(val.Value, ",") {
					if a = collapseSpace(a); a != "" {
						fm.aliases = append(fm.aliases, a)
					}
				}
			default:
				fm.warnings = append(fm.warnings, fmWarning{val.Line, "« aliases » doit être une liste de noms (- PO, - product owner…)"})
			}
		case "questions":
			if val.Kind != yaml.SequenceNode {
				fm.warnings = append(fm.warnings, fmWarning{val.Line, "« questions » doit être une liste de questions (- Qui anime les rituels ?…)"})
				continue
			}
			for _, item := range val.Content {
				if item.Kind == yaml.ScalarNode && strings.TrimSpace(item.Value) != "" {
					fm.questions = append(fm.questions, collapseSpace(item.Value))
				} else {
					fm.warnings = append(fm.warnings, fmWarning{item.Line, "chaque élément de « questions » doit être une question non vide"})
				}
			}
		}
	}
	return fm, nil
}

// gitbookTag matches GitBook's Liquid-like tags: {% hint style="info" %},
// {% endhint %}, {% content-ref url="x.md" %}, {% embed url="…" %}…
var gitbookTag = regexp.MustCompile(`(?s)\{%-?\s*(end)?([A-Za-z][\w-]*)(.*?)-?%\}`)

// tagURL reads the url or src attribute of a tag.
var tagURL = regexp.MustCompile(`\b(?:url|src)\s*=\s*"([^"]*)"`)

// gitbookTags blanks GitBook's tags so that goldmark sees plain Markdown. The
// words inside a hint, tab or stepper are kept; a content-ref block is only a
// link card, so all of it goes, after its url is kept for the link check.
func (s *source) gitbookTags() {
	if !bytes.Contains(s.md, []byte("{%")) {
		return
	}
	tags := gitbookTag.FindAllSubmatchIndex(s.md, -1)
	// nextEnd[i] is the first {% endcontent-ref %} after tag i, found in one
	// backward pass so that many unclosed tags stay linear.
	nextEnd := make([]int, len(tags)+1)
	nextEnd[len(tags)] = -1
	for i := len(tags) - 1; i >= 0; i-- {
		nextEnd[i] = nextEnd[i+1]
		if u := tags[i]; u[2] >= 0 && string(s.md[u[4]:u[5]]) == "content-ref" {
			nextEnd[i] = i
		}
	}
	for i := 0; i < len(tags); i++ {
		t := tags[i]
		closing := t[2] >= 0
		name := string(s.md[t[4]:t[5]])
		if !closing {
			if m := tagURL.FindSubmatch(s.md[t[6]:t[7]]); m != nil && (name == "content-ref" || name == "file") {
				s.refs = append(s.refs, ref{target: string(m[1]), line: s.line(t[0])})
			}
		}
		if closing || name != "content-ref" {
			blank(s.md, t[0], t[1])
			continue
		}
		end := t[1]
		if j := nextEnd[i+1]; j >= 0 {
			end, i = tags[j][1], j
		}
		blank(s.md, t[0], end)
	}
}

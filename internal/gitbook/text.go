package gitbook

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// newMarkdown builds the parser. GFM brings tables (the matrix) and
// strikethrough, which GitBook writes; it is built per Load because a parser
// is cheap and keeping none at package level keeps Load free of shared state.
func newMarkdown() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()
}

// parse runs goldmark over the blanked bytes of a source.
func (s *source) parse(p parser.Parser) ast.Node {
	return p.Parse(text.NewReader(s.md))
}

// nodeLine is the line of a node, falling back on its first text line and
// then on its parent for nodes goldmark does not place.
func (s *source) nodeLine(n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if p := n.Pos(); p >= 0 {
			return s.line(p)
		}
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return s.line(n.Lines().At(0).Start)
		}
	}
	return 0
}

// span is the lines a block covers, from the text segments of its subtree.
func (s *source) span(n ast.Node) lineSpan {
	first, last := -1, -1
	see := func(start, stop int) {
		if start < 0 || stop < start {
			return
		}
		if first < 0 || start < first {
			first = start
		}
		if stop > last {
			last = stop
		}
	}
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if c.Type() == ast.TypeBlock {
			for i := 0; i < c.Lines().Len(); i++ {
				seg := c.Lines().At(i)
				see(seg.Start, seg.Stop)
			}
		}
		if t, ok := c.(*ast.Text); ok {
			see(t.Segment.Start, t.Segment.Stop)
		}
		return ast.WalkContinue, nil
	})
	if first < 0 {
		line := s.nodeLine(n)
		return lineSpan{line, line}
	}
	return lineSpan{s.line(first), s.line(max(last-1, first))}
}

// inline returns the plain text of a block's inline content: emphasis
// markers, links (their words are kept), images, raw HTML and mention links
// go; what remains is cleaned of editors' marks.
func (s *source) inline(n ast.Node) string {
	var b strings.Builder
	s.writeInline(&b, n)
	return cleanText(b.String())
}

func (s *source) writeInline(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(s.md)
			if c.IsRaw() {
				b.Write(v)
			} else {
				if c.HardLineBreak() {
					v = bytes.TrimSuffix(bytes.TrimRight(v, " \t"), []byte(`\`))
				}
				b.WriteString(unescape(v))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b.Write(t.Segment.Value(s.md))
				}
			}
		case *ast.Link:
			if isMention(c.Destination, c.Title) {
				continue
			}
			s.writeInline(b, c)
		case *ast.AutoLink:
			b.Write(c.Label(s.md))
		case *ast.Image, *east.TaskCheckBox:
		case *ast.RawHTML:
			// Tags go, words between them stay; a <br> separates words.
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				if bytes.HasPrefix(bytes.ToLower(seg.Value(s.md)), []byte("<br")) {
					b.WriteByte(' ')
				}
			}
		default:
			s.writeInline(b, c)
		}
	}
}

// isMention tells GitBook's person mentions, written as
// [name](https://app.gitbook.com/u/… "mention"), from ordinary links.
func isMention(dest, title []byte) bool {
	return string(title) == "mention" || bytes.Contains(dest, []byte("app.gitbook.com/u/"))
}

// unescape resolves Markdown backslash escapes and HTML entities, which
// goldmark leaves in text segments for its renderer to handle.
func unescape(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && isASCIIPunct(v[i+1]) {
			i++
		}
		b.WriteByte(v[i])
	}
	return html.UnescapeString(b.String())
}

func isASCIIPunct(c byte) bool {
	return c < 0x80 && unicode.IsPunct(rune(c)) || strings.IndexByte("$+<=>^`|~", c) >= 0
}

// Editors' marks removed from the text given to the model; draftMarks (in
// lint.go) reports them.
var (
	bracketMark = regexp.MustCompile(`\\?\[(?:ENRICHIR|COMMENT|COMMENTAIRE|TODO|FIXME|À COMPLÉTER|A COMPLETER|À VALIDER|A VALIDER)(?:[^\]\p{L}][^\]]*)?\\?\]`)
	atMention   = regexp.MustCompile(`(^|[\s(\[])@[\p{L}\d][\p{L}\d._-]*`)
	noteParen   = regexp.MustCompile(`(?i)\(\s*(?:on va le faire ensemble|à compléter|a completer|à enrichir|a enrichir|à revoir|a revoir)\s*\)`)
	todoWord    = regexp.MustCompile(`\b(?:TODO|FIXME)\b:?`)
	leftTag     = regexp.MustCompile(`\{%.*?%\}`)
	loneSlash   = regexp.MustCompile(`\\(\s|$)`)
	spaceBefore = regexp.MustCompile(`\s+([.,])`)
)

// cleanText turns extracted text into plain prose: no editors' marks, no
// GitBook leftovers, single spaces.
func cleanText(s string) string {
	// Each regexp runs only when its first character is there: this runs
	// on every paragraph.
	if strings.Contains(s, "[") {
		s = bracketMark.ReplaceAllString(s, " ")
	}
	if strings.Contains(s, "@") {
		s = atMention.ReplaceAllString(s, "$1")
	}
	if strings.Contains(s, "(") {
		s = noteParen.ReplaceAllString(s, " ")
	}
	if strings.Contains(s, "TODO") || strings.Contains(s, "FIXME") {
		s = todoWord.ReplaceAllString(s, " ")
	}
	if strings.Contains(s, "{%") {
		s = leftTag.ReplaceAllString(s, " ")
	}
	if strings.Contains(s, "\\") {
		s = loneSlash.ReplaceAllString(s, " ")
	}
	s = collapseSpace(s)
	if strings.Contains(s, " .") || strings.Contains(s, " ,") {
		s = spaceBefore.ReplaceAllString(s, "$1")
	}
	s = strings.TrimLeft(s, ".,;: ")
	return s
}

// collapseSpace joins the words of s with single spaces.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// htmlTag matches one HTML tag, to strip markup from HTML blocks.
var htmlTag = regexp.MustCompile(`(?s)<!--.*?-->|</?[A-Za-z][^>]*>`)

// htmlText is the words of an HTML fragment.
func htmlText(s string) string {
	s = htmlTag.ReplaceAllStringFunc(s, func(tag string) string {
		t := strings.ToLower(tag)
		if strings.HasPrefix(t, "<br") || strings.HasPrefix(t, "<p") || strings.HasPrefix(t, "</p") ||
			strings.HasPrefix(t, "<td") || strings.HasPrefix(t, "<th") || strings.HasPrefix(t, "<li") {
			return " "
		}
		return ""
	})
	return cleanText(html.UnescapeString(s))
}

// blockRaw is the source text of a block node, such as an HTML block, and
// its offset. The bytes are taken whole from the first line to the last so
// that offsets inside map back to the source.
func (s *source) blockRaw(n ast.Node) (string, int) {
	lines := n.Lines()
	if lines.Len() == 0 {
		return "", -1
	}
	start, stop := lines.At(0).Start, lines.At(lines.Len()-1).Stop
	if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
		stop = max(stop, h.ClosureLine.Stop)
	}
	if start < 0 || stop > len(s.md) || start > stop {
		return "", -1
	}
	return string(s.md[start:stop]), start
}

// stripLeadingSymbols drops what GitBook puts before a title: emoji, their
// joiners and variation selectors, and spaces: "👷‍♀️ L'équipe produit" gives
// "L'équipe produit".
func stripLeadingSymbols(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("«\"'(", r)
	})
	return strings.TrimRightFunc(s, unicode.IsSpace)
}

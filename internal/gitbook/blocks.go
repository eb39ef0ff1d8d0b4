package gitbook

import (
	"regexp"
	"strings"

	"github.com/rolebot/rolebot/internal/team"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// sink receives a page's content as plain text, block by block.
type sink interface {
	heading(level int, text string, line int)
	para(text string)
	item(text string)
}

// visit turns one block into plain paragraphs and list items. GitBook-only
// markup goes: card tables, figures (their caption stays), HTML tags.
func (s *source) visit(n ast.Node, k sink) {
	switch n := n.(type) {
	case *ast.Heading:
		k.heading(n.Level, s.inline(n), s.nodeLine(n))
	case *ast.Paragraph, *ast.TextBlock:
		if t := s.inline(n); t != "" {
			k.para(t)
		}
	case *ast.List:
		for li := n.FirstChild(); li != nil; li = li.NextSibling() {
			s.visitItem(li, k)
		}
	case *ast.HTMLBlock:
		raw, _ := s.blockRaw(n)
		if isCardTable(raw) {
			return
		}
		if t := htmlBlockText(raw); t != "" {
			k.para(t)
		}
	case *east.Table:
		// A table in a role page is read row by row: "Outil : usage".
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			if _, ok := row.(*east.TableRow); !ok {
				continue
			}
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				if t := s.inline(c); t != "" {
					cells = append(cells, t)
				}
			}
			if len(cells) > 0 {
				k.item(strings.Join(cells, " : "))
			}
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.ThematicBreak:
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			s.visit(c, k)
		}
	}
}

// visitItem makes one list item of the item's own text; a nested list adds
// its items after it, flattened, since the model keeps one level.
func (s *source) visitItem(li ast.Node, k sink) {
	var own []string
	var rest []ast.Node
	for c := li.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.(type) {
		case *ast.Paragraph, *ast.TextBlock:
			if t := s.inline(c); t != "" {
				own = append(own, t)
			}
		default:
			rest = append(rest, c)
		}
	}
	if len(own) > 0 {
		k.item(strings.Join(own, " "))
	}
	for _, c := range rest {
		s.visit(c, k)
	}
}

var (
	cardTableRe = regexp.MustCompile(`(?i)<table[^>]*data-view\s*=\s*["']?cards`)
	figcaption  = regexp.MustCompile(`(?is)<figcaption[^>]*>(.*?)</figcaption>`)
	figureRe    = regexp.MustCompile(`(?i)^\s*<figure`)
)

func isCardTable(raw string) bool { return cardTableRe.MatchString(raw) }

// htmlBlockText is what an HTML block says in words: only the caption of a
// figure (the image itself is not text), the text of anything else.
func htmlBlockText(raw string) string {
	if figureRe.MatchString(raw) {
		var caps []string
		for _, m := range figcaption.FindAllStringSubmatch(raw, -1) {
			if t := htmlText(m[1]); t != "" {
				caps = append(caps, t)
			}
		}
		return strings.Join(caps, " ")
	}
	return htmlText(raw)
}

// rolePage is what a role page says, before the team page is taken into
// account.
type rolePage struct {
	src       *source
	id        string
	title     string // from "# Title"; "" when the page has none
	titleLine int
	firstPara string
	// lead holds the paragraphs after the first and before any section
	// ("Elle est souvent appelée « PO » dans l'équipe."), joined by blank
	// lines.
	lead     string
	sections []team.Section
	words    int  // words of the body, title excluded
	broken   bool // unreadable or badly encoded: no content used
}

// roleReader collects a role page through the sink interface.
type roleReader struct {
	p   *rolePage
	cur *team.Section
}

func (r *roleReader) heading(level int, text string, line int) {
	switch {
	case level == 1 && r.p.title == "" && r.cur == nil:
		r.p.title, r.p.titleLine = stripLeadingSymbols(text), line
	case level <= 2:
		r.p.words += len(strings.Fields(text))
		r.p.sections = append(r.p.sections, team.Section{Title: stripLeadingSymbols(text), Line: line})
		r.cur = &r.p.sections[len(r.p.sections)-1]
	default:
		// A "###" inside a section reads as a paragraph of that section.
		r.para(text)
	}
}

func (r *roleReader) para(text string) {
	r.p.words += len(strings.Fields(text))
	first := r.p.firstPara == ""
	if first {
		r.p.firstPara = text
	}
	if r.cur == nil {
		if first {
			return
		}
		if r.p.lead != "" {
			r.p.lead += "\n\n"
		}
		r.p.lead += text
		return
	}
	if r.cur.Text != "" {
		r.cur.Text += "\n\n"
	}
	r.cur.Text += text
}

func (r *roleReader) item(text string) {
	r.p.words += len(strings.Fields(text))
	if r.cur != nil {
		r.cur.Items = append(r.cur.Items, text)
	}
}

// readRole reads a parsed role page.
func (s *source) readRole(id string, doc ast.Node) *rolePage {
	p := &rolePage{src: s, id: id}
	r := &roleReader{p: p}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		s.visit(n, r)
	}
	return p
}

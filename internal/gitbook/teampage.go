package gitbook

import (
	"strings"

	"github.com/rolebot/rolebot/internal/team"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// teamPage is what the team page holds, before roles are known.
type teamPage struct {
	src        *source
	title      string
	intro      string // the first paragraph under the title
	cardTables []cardTable
	tables     []*east.Table
	other      *ast.List
	// read are the lines the model takes text from: front matter, title,
	// introduction, cards, tables and the list of other tasks.
	read []lineSpan
}

// lineSpan is a range of 1-based lines, both ends included.
type lineSpan struct{ first, last int }

// reads reports whether the model takes text from a line of the team page.
// Line 0, a diagnostic about the whole page, counts as read.
func (tp *teamPage) reads(line int) bool {
	if line == 0 {
		return true
	}
	for _, sp := range tp.read {
		if line >= sp.first && line <= sp.last {
			return true
		}
	}
	return false
}

// readTeam reads the parts of the team page the model uses, and notes which
// lines they cover.
func (s *source) readTeam(doc ast.Node) *teamPage {
	tp := &teamPage{src: s}
	if s.fmLines > 0 {
		tp.read = append(tp.read, lineSpan{1, s.fmLines}) // the description
	}
	defer func() {
		if tp.other != nil {
			tp.read = append(tp.read, s.span(tp.other))
		}
	}()
	heading := ""
	headings := 0
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Heading:
			text := s.inline(n)
			if n.Level == 1 && tp.title == "" {
				tp.title = stripLeadingSymbols(text)
				tp.read = append(tp.read, s.span(n))
			}
			heading = text
			headings++
			if isOtherTasks(text) {
				tp.other = nextList(n)
			}
		case *ast.Paragraph:
			text := s.inline(n)
			if tp.intro == "" && headings <= 1 && text != "" {
				tp.intro = text
				tp.read = append(tp.read, s.span(n))
			}
			if isOtherTasks(text) || (tp.other == nil && leadsListAfterTable(n, text)) {
				tp.other = nextList(n)
			}
		case *ast.HTMLBlock:
			raw, off := s.blockRaw(n)
			if isCardTable(raw) {
				tp.cardTables = append(tp.cardTables, cardTable{heading: heading, expert: expertHeading(heading), cards: s.parseCards(raw, off)})
				tp.read = append(tp.read, s.span(n))
			}
		case *east.Table:
			// Any table may be the matrix, which is chosen later.
			tp.tables = append(tp.tables, n)
			tp.read = append(tp.read, s.span(n))
		}
	}
	return tp
}

// otherTasksLeads are the ways a team page opens its list of tasks with no
// owner, accent-folded and lower-cased: "Autres tâches liées à la réussite du
// produit :" (the seed's), "Autres chantiers qui comptent…", "Tâches sans
// responsable :". Writers name these tasks with any of the nouns French uses
// for a piece of work.
var otherTasksLeads = []string{
	"autres taches", "autres chantiers", "autres sujets", "autres activites", "autres missions",
	"autres responsabilites", "taches non attribuees", "taches sans responsable", "taches a attribuer",
}

// isOtherTasks recognises the lead-in of the list of tasks with no owner.
func isOtherTasks(text string) bool {
	folded := strings.ToLower(team.Fold(text))
	for _, lead := range otherTasksLeads {
		if strings.HasPrefix(folded, lead) {
			return true
		}
	}
	return false
}

// maxLegendParagraphs is how many paragraphs may stand between the matrix
// and the lead-in of the list of other tasks: a legend of the cells ("🔒 :
// ne se délègue pas.") or a sentence about the matrix, not a new section.
const maxLegendParagraphs = 2

// leadsListAfterTable recognises, whatever its words, a lead-in that opens a
// list under a table ("…qui restent à attribuer :" under the matrix, maybe
// after a legend): the page's structure says it is the list of other tasks.
// A heading or a list in between starts something else.
func leadsListAfterTable(n ast.Node, text string) bool {
	if !strings.HasSuffix(strings.TrimSpace(text), ":") || nextList(n) == nil {
		return false
	}
	prev := n.PreviousSibling()
	for range maxLegendParagraphs {
		if _, ok := prev.(*ast.Paragraph); !ok {
			break
		}
		prev = prev.PreviousSibling()
	}
	_, ok := prev.(*east.Table)
	return ok
}

func nextList(n ast.Node) *ast.List {
	l, _ := n.NextSibling().(*ast.List)
	return l
}

package gitbook

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rolebot/rolebot/internal/team"
)

// GitBook writes a card view as one HTML table: a header row whose <th>
// attributes say what each column is (data-type="content-ref" or
// data-card-target: the page the card opens; data-type="files": the cover;
// data-hidden: not shown), then one <tr> per card.

// card is one row of a card table.
type card struct {
	href        string // the page the card opens, as written; "" for none
	label       string // the first cell without a link
	labelHidden bool   // the label's column is data-hidden: readers never see it
	// more holds the row's other text cells: descriptions such as "Appui
	// juridique et données personnelles" beside the label "Juriste".
	more []string
	line int
}

// cardTable is one card view of the team page and the heading above it.
type cardTable struct {
	heading string
	expert  bool
	cards   []card
}

type cardColumn struct {
	hidden, target, files bool
}

var (
	htmlTagRe  = regexp.MustCompile(`<(/?)([A-Za-z][A-Za-z0-9]*)\b([^>]*)>`)
	hrefRe     = regexp.MustCompile(`(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	dataTypeRe = regexp.MustCompile(`(?i)\bdata-type\s*=\s*["']?([\w-]+)`)
	hiddenRe   = regexp.MustCompile(`(?i)\bdata-hidden\b`)
	targetRe   = regexp.MustCompile(`(?i)\bdata-card-target\b`)
)

// expertHeading decides from the heading above a card table whether its
// cards are expert supports: the page's wording, not the tables' order, says
// which group is which.
func expertHeading(h string) bool {
	f := strings.ToLower(team.Fold(h))
	return strings.Contains(f, "expert") || strings.Contains(f, "soutien") || strings.Contains(f, "appui")
}

// parseCards reads the rows of a card table. raw starts at byte offset base
// of the source, so that each card gets its own line.
func (s *source) parseCards(raw string, base int) []card {
	var (
		cols          []cardColumn
		cards         []card
		inHead, inRow bool
		cellStart     = -1
		row           card
		rowCells      []string
		rowHrefs      [][]string
		closeCell     func(end int)
		finishRow     func()
		addColumn     = func(attrs string) {
			cols = append(cols, cardColumn{
				hidden: hiddenRe.MatchString(attrs),
				target: targetRe.MatchString(attrs) || strings.EqualFold(firstGroup(dataTypeRe, attrs), "content-ref"),
				files:  strings.EqualFold(firstGroup(dataTypeRe, attrs), "files"),
			})
		}
	)
	closeCell = func(end int) {
		if cellStart < 0 {
			return
		}
		inner := raw[cellStart:max(end, cellStart)]
		var hrefs []string
		for _, m := range hrefRe.FindAllStringSubmatch(inner, -1) {
			hrefs = append(hrefs, m[1]+m[2])
		}
		rowCells = append(rowCells, htmlText(inner))
		rowHrefs = append(rowHrefs, hrefs)
		cellStart = -1
	}
	finishRow = func() {
		if !inRow {
			return
		}
		inRow = false
		for i, hrefs := range rowHrefs {
			col := cardColumn{}
			if i < len(cols) {
				col = cols[i]
			}
			if col.target && len(hrefs) > 0 && row.href == "" {
				row.href = hrefs[0]
			}
			if len(hrefs) == 0 && rowCells[i] != "" && !col.files {
				if row.label == "" {
					row.label, row.labelHidden = rowCells[i], col.hidden
				} else {
					row.more = append(row.more, rowCells[i])
				}
			}
		}
		if row.href == "" {
			// No column says which is the target: take the first link to
			// a page, skipping covers.
			for i, hrefs := range rowHrefs {
				if i < len(cols) && cols[i].files {
					continue
				}
				for _, h := range hrefs {
					if isPageLink(h) {
						row.href = h
						break
					}
				}
				if row.href != "" {
					break
				}
			}
		}
		if row.href != "" || row.label != "" {
			cards = append(cards, row)
		}
	}
	for _, m := range htmlTagRe.FindAllStringSubmatchIndex(raw, -1) {
		closing := m[3] > m[2]
		name := strings.ToLower(raw[m[4]:m[5]])
		attrs := raw[m[6]:m[7]]
		switch {
		case name == "thead":
			inHead = !closing
		case name == "th" && !closing && inHead:
			addColumn(attrs)
		case name == "tr" && !closing && !inHead:
			closeCell(m[0])
			finishRow()
			inRow, row, rowCells, rowHrefs = true, card{line: s.line(base + m[0])}, nil, nil
		case name == "tr" && closing:
			closeCell(m[0])
			finishRow()
		case name == "td" && !closing && inRow:
			closeCell(m[0])
			cellStart = m[1]
		case name == "td" && closing:
			closeCell(m[0])
		}
	}
	closeCell(len(raw))
	finishRow()
	return cards
}

func firstGroup(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// isPageLink reports whether a link points to a page of the folder rather
// than to a web site or a file.
func isPageLink(h string) bool {
	if hasScheme(h) {
		return false
	}
	p := stripFragment(h)
	return strings.HasSuffix(strings.ToLower(p), ".md") || strings.HasSuffix(p, "/")
}

// supportWords say a card is a support, not what it supports: "Appui
// juridique" is described by "juridique" alone.
var supportWords = map[string]bool{"appui": true, "appuis": true, "soutien": true, "soutiens": true, "expert": true, "experts": true, "experte": true, "expertes": true}

// stemPrefix is how many leading letters two words share to be read as one
// ("juridique", "juridiquement"; "données", "donnee").
const stemPrefix = 5

// describedShare is the share of a card text's words its page's
// description must bear out: "Appui architecture et urbanisation du SI"
// on a page about architecture and the information system.
const describedShare = 0.5

// describedBy says whether most words of a card's text, but the words of a
// support, begin a word of the page's own description (front matter or
// first paragraph): the card says what the page says the role is.
func (rs *roleState) describedBy(label string) bool {
	desc := nameWords(rs.src.fm.description + " " + rs.firstPara)
	prefix := func(w string) string { return w[:min(len(w), stemPrefix)] }
	n, borne := 0, 0
	for _, w := range nameWords(label) {
		if supportWords[w] {
			continue
		}
		n++
		if slices.ContainsFunc(desc, func(d string) bool { return prefix(d) == prefix(w) }) {
			borne++
		}
	}
	return n > 0 && float64(borne) >= describedShare*float64(n)
}

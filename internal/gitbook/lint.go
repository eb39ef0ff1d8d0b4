package gitbook

import (
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// draftMark is one kind of editors' note that must not reach readers.
type draftMark struct {
	hint string // a substring every match contains, to skip the regexp cheaply
	re   *regexp.Regexp
	what string // French: what was found, with %s for the match
}

// draftMarks lists the notes GitBook editors leave behind. The matching text
// is quoted back so that the writer can search for it.
var draftMarks = []draftMark{
	{"[", bracketMark, "marque de brouillon « %s » : texte à compléter avant publication"},
	{"app.gitbook.com/u/", regexp.MustCompile(`\[[^\]]*\]\(https?://app\.gitbook\.com/u/[^)]*\)`), "mention GitBook d'une personne « %s » : note d'édition à retirer"},
	{"@", regexp.MustCompile(`(?:^|[\s(])(@[\p{L}\d][\p{L}\d._-]*[\p{L}\d])`), "mention d'une personne « %s » : note d'édition à retirer"},
	{"(", noteParen, "note d'édition « %s » : à retirer avant publication"},
	{"", todoWord, "marque « %s » : texte à compléter avant publication"},
}

// lintDrafts reports editors' notes, line by line, on the raw text: they are
// visible in GitBook's editor but also in every answer built from the page.
// Fenced code is skipped.
func (s *source) lintDrafts(d *diags) {
	fence := ""
	for i := range s.lineStarts {
		line := strings.TrimRight(string(s.lineBytes(i)), "\r\n")
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			switch {
			case fence == "":
				fence = t[:3]
			case strings.HasPrefix(t, fence):
				fence = ""
			}
			continue
		}
		if fence != "" || !strings.ContainsAny(line, "[@(TF") {
			continue
		}
		for _, m := range draftMarks {
			if m.hint != "" && !strings.Contains(line, m.hint) ||
				m.hint == "" && !strings.Contains(line, "TODO") && !strings.Contains(line, "FIXME") {
				continue
			}
			for _, found := range m.re.FindAllStringSubmatch(line, -1) {
				// A pattern with a group quotes the group: the mention
				// without the space before it.
				d.warnf(s.path, i+1, m.what, found[len(found)-1])
			}
		}
	}
}

// lintLinks reports relative links to files that do not exist in the
// folder. Links to web sites, and links that climb above the folder (GitBook
// keeps images in ../.gitbook/assets, out of reach), cannot be checked here.
func (s *source) lintLinks(doc ast.Node, exists func(string) bool, d *diags) {
	check := func(target string, line int) {
		if p, ok := resolveLink(s.path, target); ok && !exists(p) {
			d.warnf(s.path, line, "lien mort : « %s » n'existe pas dans le dossier (cherché : %s)", target, p)
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !isMention(n.Destination, n.Title) {
				check(string(n.Destination), s.nodeLine(n))
			}
		case *ast.Image:
			check(string(n.Destination), s.nodeLine(n))
		case *ast.HTMLBlock:
			raw, off := s.blockRaw(n)
			if isCardTable(raw) {
				// Cards are checked with their labels, in cards.go.
				return ast.WalkSkipChildren, nil
			}
			for _, m := range htmlLinkRe.FindAllStringSubmatch(raw, -1) {
				check(m[1]+m[2], s.line(off+strings.Index(raw, m[0])))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, r := range s.refs {
		check(r.target, r.line)
	}
}

var htmlLinkRe = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// hasScheme reports whether a link names a protocol: http:, mailto:…
func hasScheme(h string) bool {
	if i := strings.IndexByte(h, ':'); i > 0 {
		return !strings.ContainsAny(h[:i], "/?#")
	}
	return strings.HasPrefix(h, "//")
}

// stripFragment drops "#anchor" and "?query" from a link.
func stripFragment(h string) string {
	if i := strings.IndexAny(h, "#?"); i >= 0 {
		return h[:i]
	}
	return h
}

// resolveLink turns a link written in file into a path of the folder. It
// returns false for what cannot be checked: web links, anchors of the same
// page, and paths climbing above the folder.
func resolveLink(file, target string) (string, bool) {
	target = strings.TrimSpace(target)
	if strings.HasPrefix(target, "<") && strings.HasSuffix(target, ">") {
		target = target[1 : len(target)-1]
	}
	if target == "" || hasScheme(target) {
		return "", false
	}
	p := stripFragment(target)
	if p == "" {
		return "", false
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if strings.HasPrefix(p, "/") {
		p = path.Clean(strings.TrimLeft(p, "/"))
	} else {
		p = path.Join(path.Dir(file), p)
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

package gitbook

import (
	"cmp"
	"io/fs"
	"slices"
)

// teamPage is the path of the team page in the folder.
func (l *loader) teamPage() string {
	if l.opts.TeamPage != "" {
		return l.opts.TeamPage
	}
	return DefaultReadme
}

// readSummary sets the table of contents to follow: the one of the options,
// or the folder's own SUMMARY.md. It reports the entries that lead to no
// file, when the summary is in the folder (a writer can fix them there).
func (l *loader) readSummary() {
	l.summary = l.opts.Summary
	if l.summary == nil {
		raw, err := fs.ReadFile(l.fsys, DefaultSummary)
		if err != nil {
			return // no table of contents: path order
		}
		l.summary = &Summary{File: DefaultSummary, Entries: ParseSummary(DefaultSummary, raw)}
	}
	l.summaryTitles = make(map[string]string, len(l.summary.Entries))
	for _, e := range l.summary.Entries {
		if _, dup := l.summaryTitles[e.Path]; !dup {
			l.summaryTitles[e.Path] = e.Title
		}
	}
	if l.summary.File == "" {
		return
	}
	for _, e := range l.summary.Entries {
		if !l.exists[e.Path] {
			l.diags.warnf(l.summary.File, e.Line, "la table des matières renvoie vers « %s », qui n'existe pas dans le dossier : corrigez le lien ou retirez la ligne", e.Path)
		}
	}
}

// summaryOrder sorts pages as the table of contents lists them; pages it
// does not list follow, in their order.
func (l *loader) summaryOrder(pages []*roleState) []*roleState {
	if l.summary == nil || len(l.summary.Entries) == 0 {
		return pages
	}
	rank := make(map[string]int, len(l.summary.Entries))
	for i, e := range l.summary.Entries {
		if _, dup := rank[e.Path]; !dup {
			rank[e.Path] = i
		}
	}
	at := func(rs *roleState) int {
		if r, ok := rank[rs.src.path]; ok {
			return r
		}
		return len(rank)
	}
	slices.SortStableFunc(pages, func(a, b *roleState) int { return cmp.Compare(at(a), at(b)) })
	return pages
}

// summaryTitle is the title the table of contents gives a page; empty if it
// does not list it.
func (l *loader) summaryTitle(p string) string { return l.summaryTitles[p] }

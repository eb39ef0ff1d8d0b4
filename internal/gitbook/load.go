package gitbook

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rolebot/rolebot/internal/team"
	"github.com/yuin/goldmark/parser"
)

// minWords is the body size under which a role page is reported as (almost)
// empty: below it, the bot has nothing to say about the role but its name.
const minWords = 40

// loader holds the state of one Load call.
type loader struct {
	ctx    context.Context
	fsys   fs.FS
	diags  diags
	files  int
	exists map[string]bool // every file and folder, for the link checks
	// readable is false when the folder itself could not be listed: then
	// nothing else about it is worth reporting.
	readable bool
	// missing are the cards whose page does not exist, so that a matrix
	// column naming one of them can say why it names no role.
	missing []missingPage
	opts    Options
	summary *Summary // the table of contents followed; nil if none
	// summaryTitles maps the pages of summary to their titles there.
	summaryTitles map[string]string
}

// missingPage is a card whose page is not in the folder.
type missingPage struct {
	card card
	path string // the page it opens, resolved in the folder
}

// roleState is a role page with what the team page adds to it.
type roleState struct {
	*rolePage
	core, expert bool
	cards        []card   // the cards that open this page
	labels       []string // card labels that agree with the page
	cardTexts    []string // visible card texts that do not name the page: descriptions
}

func (l *loader) load() (*team.Team, error) {
	paths, err := l.walk()
	if err != nil {
		return nil, err
	}
	var tp *teamPage
	teamSeen := false
	byPath := map[string]*roleState{}
	byID := map[string]*roleState{}
	var pageOrder []*roleState
	var reads []pageRead
	for _, p := range paths {
		l.files++
		isTeam := strings.EqualFold(p, l.teamPage())
		var rs *roleState
		if isTeam {
			teamSeen = true
		} else {
			id := pageID(p)
			if id == "" {
				l.diags.warnf(p, 0, "nom de fichier sans lettres ni chiffres : la page ne peut pas devenir un rôle et est ignorée")
				continue
			}
			if first, dup := byID[id]; dup {
				l.diags.errorf(p, 0, "deux pages pour le même rôle « %s » : %s et %s ; renommez ou supprimez l'une des deux", id, first.src.path, p)
				byPath[p] = first
			} else {
				rs = &roleState{rolePage: &rolePage{src: &source{path: p}, id: id, broken: true}}
				byID[id], byPath[p] = rs, rs
				pageOrder = append(pageOrder, rs)
			}
		}
		reads = append(reads, pageRead{path: p, team: isTeam, role: rs})
	}
	if err := l.readPages(reads); err != nil {
		return nil, err
	}
	// In path order, as the diagnostics were when pages were read one by one.
	for i := range reads {
		r := &reads[i]
		l.diags.list = append(l.diags.list, r.diags.list...)
		switch {
		case r.teamPage != nil:
			tp = r.teamPage
		case r.rolePage != nil:
			r.role.rolePage = r.rolePage
		}
	}

	if !teamSeen && l.readable {
		l.diags.errorf(l.teamPage(), 0, "page d'équipe introuvable : le dossier doit avoir un %s à sa racine, avec les cartes des rôles et la matrice de responsabilités", l.teamPage())
	}

	ordered := l.applyCards(tp, byPath, pageOrder)
	roles := make([]team.Role, 0, len(ordered))
	for _, rs := range ordered {
		l.checkRole(rs)
		roles = append(roles, rs.role())
	}
	t := &team.Team{Roles: roles}
	defer func() {
		t.Compact()
		t.Reindex()
	}()
	if tp == nil {
		return t, nil
	}
	t.Title, t.Source = tp.title, tp.src.path
	t.Summary = tp.src.fm.description
	if t.Summary == "" {
		t.Summary = tp.intro
	}
	if t.Title == "" {
		l.diags.warnf(tp.src.path, 0, "la page d'équipe n'a pas de titre « # … »")
	}
	idx := newRoleIndex(ordered)
	t.Tasks = append(l.matrixTasks(tp, idx), l.otherTasks(tp)...)
	l.uniqueTaskIDs(tp.src.path, t.Tasks)
	return t, nil
}

// pageRead is one page to read, and once read, what it holds.
type pageRead struct {
	path string
	team bool       // the team page
	role *roleState // the role it is the page of; nil for the team page or a duplicate
	// Filled by read:
	diags    diags
	teamPage *teamPage
	rolePage *rolePage
}

// readPages reads, checks and parses the pages on every CPU: at thousands of
// pages, goldmark is most of a load. Each page keeps its own diagnostics.
func (l *loader) readPages(reads []pageRead) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(reads), 1)) {
		wg.Go(func() {
			md := newMarkdown() // one per goroutine: a goldmark parser keeps state
			for i := int(next.Add(1) - 1); i < len(reads); i = int(next.Add(1) - 1) {
				if l.ctx.Err() != nil {
					return
				}
				l.read(&reads[i], md)
			}
		})
	}
	wg.Wait()
	return l.ctx.Err()
}

// read reads one page. It changes nothing in l, so calls may run in
// parallel.
func (l *loader) read(r *pageRead, md parser.Parser) {
	raw, ok := readPage(l.fsys, r.path, r.team, &r.diags)
	if !ok || !checkEncoding(r.path, raw, &r.diags) || !checkControls(r.path, raw, &r.diags) {
		return
	}
	src := newSource(r.path, raw, &r.diags)
	if !src.checkNesting(&r.diags) {
		return
	}
	doc := src.parse(md)
	if r.team {
		// Editors' marks where rolebot never reads the team page reach no
		// answer: they are the writer's business, notes, not warnings.
		var drafts diags
		src.lintDrafts(&drafts)
		r.teamPage = src.readTeam(doc)
		for i := range drafts.list {
			if !r.teamPage.reads(drafts.list[i].Line) {
				drafts.list[i].Severity = Note
			}
		}
		r.diags.list = append(r.diags.list, drafts.list...)
	} else {
		src.lintDrafts(&r.diags)
	}
	src.lintLinks(doc, l.exist, &r.diags)
	if !r.team && r.role != nil {
		r.rolePage = src.readRole(r.role.id, doc)
		src.release()
	}
}

// walk lists the Markdown pages of the folder, shallowest first so that
// when two pages claim one role id the one nearer the root wins. Files in
// hidden folders (.gitbook) and SUMMARY.md, GitBook's table of contents, are
// not pages.
func (l *loader) walk() ([]string, error) {
	l.exists = map[string]bool{}
	l.readable = true
	var pages []string
	err := fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := l.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if p == "." {
				// Reported, not returned: `rolebot check` must fail on it.
				l.diags.errorf("", 0, "dossier de contenu illisible : %v", unwrapPath(err))
				l.readable = false
				return fs.SkipAll
			}
			l.diags.errorf(p, 0, "dossier illisible : %v", unwrapPath(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		// Hidden folders hold no pages, but .gitbook/assets holds the
		// images pages link to, so they are listed for the link check.
		l.exists[p] = true
		if !d.IsDir() && !hiddenPath(p) && strings.EqualFold(path.Ext(p), ".md") && !strings.EqualFold(d.Name(), "SUMMARY.md") {
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.readSummary()
	if l.summary != nil && l.summary.File != "" {
		pages = slices.DeleteFunc(pages, func(p string) bool { return p == l.summary.File })
	}
	slices.SortFunc(pages, func(a, b string) int {
		if c := cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return pages, nil
}

func (l *loader) exist(p string) bool { return l.exists[p] }

// hiddenPath reports whether a path is in or is a dot-file or dot-folder.
func hiddenPath(p string) bool {
	return strings.HasPrefix(p, ".") || strings.Contains(p, "/.")
}

// unwrapPath drops the *fs.PathError wrapper, whose path the diagnostic
// already shows.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// pageID is a page's role id: its file name's slug, or its folder's for a
// GitBook group page (sub/README.md).
func pageID(p string) string {
	base := path.Base(p)
	name := strings.TrimSuffix(base, path.Ext(base))
	if strings.EqualFold(name, "README") && path.Dir(p) != "." {
		name = path.Base(path.Dir(p))
	}
	return team.Slug(name)
}

// applyCards marks roles core or expert from the card tables and reports
// cards that lead nowhere. It returns the roles in the team page's order,
// then the pages no card opens, in the table of contents' order and then in
// path order.
func (l *loader) applyCards(tp *teamPage, byPath map[string]*roleState, pages []*roleState) []*roleState {
	var ordered []*roleState
	seen := map[*roleState]bool{}
	if tp != nil {
		file := tp.src.path
		for _, ct := range tp.cardTables {
			for _, c := range ct.cards {
				if c.href == "" {
					// A card that opens nothing adds no role. Readers see
					// its label, if any: a role the writer may have meant
					// to link, worth a warning. A card showing nothing (the
					// team page's "Appui data") is only a note.
					if c.label != "" && !c.labelHidden {
						l.diags.warnf(file, c.line, "la carte « %s » ne renvoie vers aucune page : elle n'ajoute aucun rôle ; liez-la à la page du rôle", c.label)
					} else {
						l.diags.notef(file, c.line, "la carte « %s » ne renvoie vers aucune page et n'affiche rien : elle n'ajoute aucun rôle", c.label)
					}
					continue
				}
				if hasScheme(c.href) {
					continue // a card opening a web site is not a role
				}
				p, ok := resolveLink(file, c.href)
				if !ok {
					l.diags.warnf(file, c.line, "la carte « %s » renvoie hors du dossier (« %s ») : elle n'ajoute aucun rôle", cardName(c), c.href)
					continue
				}
				rs := byPath[p]
				if rs == nil {
					rs = byPath[path.Join(p, "README.md")]
				}
				if rs == nil {
					// An error: the team page promises a role that no page
					// describes, as when a role's page was deleted.
					l.diags.errorf(file, c.line, "la carte « %s » renvoie vers « %s », qui n'existe pas dans le dossier : le rôle n'a pas de page ; créez-la, corrigez le lien ou retirez la carte", cardName(c), c.href)
					l.missing = append(l.missing, missingPage{card: c, path: p})
					continue
				}
				if ct.expert {
					rs.expert = true
				} else {
					rs.core = true
				}
				rs.cards = append(rs.cards, c)
				if !seen[rs] {
					seen[rs] = true
					ordered = append(ordered, rs)
				}
			}
		}
	}
	rest := slices.DeleteFunc(slices.Clone(pages), func(rs *roleState) bool { return seen[rs] })
	ordered = append(ordered, l.summaryOrder(rest)...)
	// Titles first: label checks compare with them.
	for _, rs := range ordered {
		if rs.title != "" {
			continue
		}
		if !rs.broken && rs.words > 0 {
			l.diags.warnf(rs.src.path, 1, "la page n'a pas de titre « # … » : le rôle prend le nom de sa carte ou de son fichier")
		}
		rs.title = l.summaryTitle(rs.src.path)
		for _, c := range rs.cards {
			if rs.title == "" && c.label != "" && !c.labelHidden {
				rs.title = c.label
				break
			}
		}
		if rs.title == "" {
			rs.title = humanize(rs.id)
		}
	}
	if tp != nil {
		for _, rs := range ordered {
			for _, c := range rs.cards {
				for _, m := range c.more {
					if rs.describedBy(m) {
						rs.cardTexts = append(rs.cardTexts, m)
					}
				}
				if c.label == "" {
					continue
				}
				if rs.named(c.label) {
					rs.labels = append(rs.labels, c.label)
					continue
				}
				hint := ""
				for _, other := range ordered {
					if other != rs && other.named(c.label) {
						hint = fmt.Sprintf(" (il désigne plutôt %s)", other.src.path)
						break
					}
				}
				if c.labelHidden {
					// Readers never see a hidden label, and some folders
					// scramble them (ours: "Appui homologations" on the
					// data card). One its page's own description bears out
					// ("Appui juridique et données personnelles" on a page
					// about law and personal data) describes the role;
					// others are ignored, worth a note only.
					if hint == "" && rs.describedBy(c.label) {
						rs.cardTexts = append(rs.cardTexts, c.label)
						continue
					}
					l.diags.notef(tp.src.path, c.line, "le libellé masqué « %s » de la carte vers %s ne correspond pas au titre de la page, « %s »%s : il n'est ni affiché ni utilisé", c.label, rs.src.path, rs.title, hint)
					continue
				}
				l.diags.warnf(tp.src.path, c.line, "le libellé « %s » de la carte vers %s ne correspond pas au titre de la page, « %s »%s : corrigez le libellé ou le lien", c.label, rs.src.path, rs.title, hint)
				if hint == "" && rs.describedBy(c.label) {
					// Readers see it on the card, and the page bears it
					// out: a description of the role ("Appui juridique").
					rs.cardTexts = append(rs.cardTexts, c.label)
				}
			}
		}
	}
	return ordered
}

func cardName(c card) string {
	if c.label != "" {
		return c.label
	}
	return c.href
}

// humanize makes a title from a role id: "responsable-data" gives
// "Responsable data". Accents are lost; a "# Title" avoids that.
func humanize(id string) string {
	s := strings.ReplaceAll(id, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// named reports whether a name designates this role: its title, id or an
// alias, compared without case, accents or small words, or as a part of one
// another ("Designer" for "Designer UX").
func (rs *roleState) named(name string) bool {
	names := append([]string{rs.title, rs.id}, rs.src.fm.aliases...)
	for _, n := range names {
		if sameName(name, n) {
			return true
		}
	}
	return false
}

// checkRole reports a page too thin to answer questions about its role.
func (l *loader) checkRole(rs *roleState) {
	if rs.broken || rs.words >= minWords {
		return
	}
	line := max(rs.titleLine, 1)
	if rs.words == 0 {
		l.diags.warnf(rs.src.path, line, "page vide : le rôle « %s » n'a que son titre ; ajoutez une introduction et des sections (Mission, Au quotidien, Livrables…)", rs.title)
		return
	}
	l.diags.warnf(rs.src.path, line, "page presque vide (%s) : le rôle « %s » mérite au moins une introduction et quelques sections (Mission, Au quotidien, Livrables…)", plural(rs.words, "mot", "mots"), rs.title)
}

// role builds the model's role.
func (rs *roleState) role() team.Role {
	r := team.Role{
		ID:        rs.id,
		Title:     rs.title,
		Summary:   rs.src.fm.description,
		Intro:     rs.firstPara,
		Lead:      rs.lead,
		Aliases:   slices.Clone(rs.src.fm.aliases),
		Questions: slices.Clone(rs.src.fm.questions),
		Cards:     slices.Clone(rs.cardTexts),
		Sections:  rs.sections,
		Source:    rs.src.path,
		Line:      rs.titleLine,
		Core:      rs.core,
		Expert:    rs.expert,
	}
	if r.Summary == "" {
		r.Summary = rs.firstPara
	}
	return r
}

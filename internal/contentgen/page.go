package contentgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// generator holds what every page of one folder shares. It is read-only once
// built, so pages can be written concurrently.
type generator struct {
	plan   *plan
	corpus *corpus
	banned map[string]bool // offTopic, folded: invented names must avoid them
}

// pageWriter writes one role page with its own random stream, so that a page
// is the same whatever order pages are written in.
type pageWriter struct {
	g    *generator
	r    *rand.Rand
	role *roleName
	idx  int
	// Page-specific rare words: two applications and a system's acronym,
	// plus one of the tools shared by many pages.
	apps []string
	acr  string
	tool string
}

// section is one "## Title" part of a page: paragraphs, a list, then
// paragraphs after the list.
type section struct {
	title string
	paras []string
	items []string
	after []string
}

func (g *generator) newPageWriter(i int) *pageWriter {
	w := &pageWriter{
		g:    g,
		r:    rand.New(rand.NewPCG(uint64(g.plan.size.Seed), streamPages+uint64(i))),
		role: &g.plan.roles[i],
		idx:  i,
	}
	w.apps = []string{inventName(w.r, g.banned), inventName(w.r, g.banned)}
	w.acr = strings.ToUpper(unaccent(inventName(w.r, g.banned)))
	if w.r.IntN(5) == 0 {
		w.acr = "SI-" + inventName(w.r, g.banned)
	}
	// Zipf-like: the first tools are on many pages, the last on few.
	u := w.r.Float64()
	w.tool = g.plan.tools[int(u*u*float64(len(g.plan.tools)))]
	return w
}

// unaccent folds accents out of an acronym: systems' acronyms are written in
// plain capitals.
func unaccent(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'é', 'è', 'ê':
			return 'e'
		}
		return r
	}, s)
}

// prose draws a sentence from the chain and gives it the page's names.
func (w *pageWriter) prose(ch *chain, minW, maxW int) string {
	return render(w.spice(ch.sentence(w.r, minW, maxW)))
}

// spice replaces, half of the time, the shipped pages' acronyms and proper
// names ("DSFR", "Figma") by the page's own, so that each page brings rare
// words as a real ministry's pages do.
func (w *pageWriter) spice(toks []string) []string {
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case isAcronym(t):
			if w.r.IntN(2) == 0 {
				toks[i] = w.acr
			}
		case isProper(t):
			if w.r.IntN(2) == 0 {
				toks[i] = w.name()
			}
		}
	}
	return toks
}

func (w *pageWriter) name() string {
	if w.r.IntN(4) == 0 {
		return w.tool
	}
	return w.apps[w.r.IntN(len(w.apps))]
}

// isAcronym reports a word in capitals, such as "RGAA" or "CI/CD".
func isAcronym(t string) bool {
	caps := 0
	for _, r := range t {
		switch {
		case unicode.IsUpper(r):
			caps++
		case unicode.IsDigit(r), r == '/', r == '-':
		default:
			return false
		}
	}
	return caps >= 2
}

// isProper reports a capitalised word inside a sentence: a name.
func isProper(t string) bool {
	r, n := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(r) && n < len(t) && strings.IndexFunc(t[n:], unicode.IsLower) >= 0 &&
		!strings.ContainsRune(t, '\'')
}

// words picks n of the role's domain words.
func (w *pageWriter) words(n int) []string { return pickN(w.r, w.role.dom.words, n) }

// enum is "a, b et c".
func enum(ws []string) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " et " + ws[len(ws)-1]
}

// subject is the role as the subject of a sentence: "La chargée de la paie".
func (w *pageWriter) subject() string {
	t := lowerFirst(w.role.title)
	return upperFirst(article(w.role.fem, t)) + t
}

// domainPhrase is the role's domain with its speciality: "de la paie
// numérique".
func (w *pageWriter) domainPhrase() string { return join(w.role.dom.de, w.role.spec) }

func (w *pageWriter) pick(options ...string) string { return options[w.r.IntN(len(options))] }

// Templates give the page's rare words a realistic setting. Each returns a
// sentence or a list item.

func (w *pageWriter) introSentence() string {
	ws := w.words(3)
	return w.pick(
		fmt.Sprintf("%s connaît les dossiers du quotidien %s : %s.", w.subject(), w.domainPhrase(), enum(ws)),
		fmt.Sprintf("%s veille sur les sujets %s, en particulier %s.", w.subject(), w.domainPhrase(), enum(ws)),
		fmt.Sprintf("%s fait le lien entre les services et les usagers sur les questions %s : %s.", w.subject(), w.domainPhrase(), enum(ws)),
	)
}

func (w *pageWriter) proseTemplate() string {
	ws := w.words(2)
	a, b := w.apps[0], w.apps[1]
	return w.pick(
		fmt.Sprintf("Les données viennent %s, le système qui centralise %s, puis sont reprises dans %s.", de(w.acr), enum(ws), a),
		fmt.Sprintf("%s reste l'outil de référence pour %s : chaque demande y est tracée, de l'arrivée à la clôture.", a, ws[0]),
		fmt.Sprintf("Chaque mois, un point avec l'équipe %s fait le bilan : %s, délais et qualité de service.", de(b), enum(ws)),
		fmt.Sprintf("Le passage %s à %s est prévu pour l'an prochain, avec une reprise de l'historique : %s.", de(w.acr), a, enum(ws)),
		fmt.Sprintf("%s, l'application partagée par tout le ministère, sert de point d'entrée ; %s et %s complètent le dispositif.", w.tool, a, w.acr),
	)
}

func (w *pageWriter) itemTemplate() string {
	ws := w.words(2)
	a, b := w.apps[0], w.apps[1]
	return w.pick(
		fmt.Sprintf("Tenir à jour les référentiels %s : %s.", de(a), enum(ws)),
		fmt.Sprintf("Traiter les demandes arrivées dans %s et relancer celles qui attendent.", w.acr),
		fmt.Sprintf("Préparer les extractions %s pour le bilan %s.", de(b), w.role.dom.de),
		fmt.Sprintf("Vérifier la qualité des données %s avant chaque comité.", de(w.tool)),
		fmt.Sprintf("Signaler les anomalies %s à l'équipe %s.", de(a), w.acr),
	)
}

func (w *pageWriter) deliverableTemplate() string {
	return w.pick(
		fmt.Sprintf("Le bilan annuel %s.", w.domainPhrase()),
		fmt.Sprintf("Les extractions mensuelles %s.", de(w.apps[0])),
		fmt.Sprintf("Le guide d'utilisation %s.", de(w.apps[1])),
		fmt.Sprintf("La cartographie des flux entre %s et %s.", w.acr, w.tool),
	)
}

func (w *pageWriter) questionTemplate() string {
	return w.pick(
		fmt.Sprintf("Les données %s sont-elles à jour ?", de(w.acr)),
		fmt.Sprintf("Qui prévenir quand %s est indisponible ?", w.apps[0]),
		fmt.Sprintf("Le bilan %s est-il prêt pour le prochain comité ?", w.role.dom.de),
		fmt.Sprintf("Les agents savent-ils retrouver %s dans %s ?", w.words(1)[0], w.apps[1]),
	)
}

func (w *pageWriter) toolItems() []string {
	items := []string{
		fmt.Sprintf("%s : l'application de gestion %s, utilisée chaque jour.", w.apps[0], w.role.dom.de),
		fmt.Sprintf("%s : le système d'information historique, alimenté par les services.", w.acr),
		fmt.Sprintf("%s : le portail commun du ministère.", w.tool),
	}
	if w.r.IntN(2) == 0 {
		items = append(items, fmt.Sprintf("%s : %s", w.apps[1], lowerFirst(w.prose(w.g.corpus.items, 4, 12))))
	}
	return items
}

// Words a page aims at, counted as `wc -w` would on its body.
const (
	minPageWords = 460
	maxPageWords = 600
)

// page writes the role page's Markdown.
func (w *pageWriter) page() []byte {
	c := w.g.corpus
	n := func(lo, hi int) int { return lo + w.r.IntN(hi-lo+1) }

	intro := w.introSentence() + " " + w.prose(c.prose, 8, 25)

	mission := &section{title: w.pick("Mission", "Mission", "Mission", "Missions")}
	mission.paras = append(mission.paras, w.prose(c.prose, 10, 28)+" "+w.prose(c.prose, 8, 25))
	if w.r.IntN(3) == 0 {
		for range n(2, 3) {
			mission.items = append(mission.items, w.prose(c.items, 4, 14))
		}
	}

	daily := &section{title: w.pick("Au quotidien", "Au quotidien", "Au quotidien", "Activités principales")}
	for range n(4, 6) {
		daily.items = append(daily.items, w.prose(c.items, 4, 16))
	}
	for range n(1, 2) {
		at := w.r.IntN(len(daily.items) + 1)
		daily.items = append(daily.items[:at], append([]string{w.itemTemplate()}, daily.items[at:]...)...)
	}
	daily.after = append(daily.after, w.proseTemplate())

	deliv := &section{title: "Livrables"}
	for range n(2, 3) {
		deliv.items = append(deliv.items, w.prose(c.items, 3, 10))
	}
	deliv.items = append(deliv.items, w.deliverableTemplate())

	var tools *section
	if w.r.IntN(2) == 0 {
		tools = &section{title: "Outils", items: w.toolItems()}
	}

	with := &section{title: "Travaille avec", items: w.partners()}

	not := &section{title: "Ce que ce rôle n'est pas"}
	not.paras = append(not.paras, w.prose(c.prose, 6, 20))
	for range n(2, 3) {
		not.items = append(not.items, w.prose(c.items, 4, 16))
	}

	questions := &section{title: "Questions à se poser"}
	for range n(3, 5) {
		questions.items = append(questions.items, w.prose(c.questions, 4, 16))
	}
	questions.items = append(questions.items, w.questionTemplate())

	sections := []*section{mission, daily, deliv}
	if tools != nil {
		sections = append(sections, tools)
	}
	sections = append(sections, with, not, questions)

	// Grow the prose sections up to the page's target length.
	target := n(minPageWords, maxPageWords)
	grow := []*section{mission, daily, not}
	for words := countPage(intro, sections); words < target; {
		s := grow[w.r.IntN(len(grow))]
		sentence := w.prose(c.prose, 8, 28)
		if w.r.IntN(6) == 0 {
			sentence = w.proseTemplate()
		}
		paras := &s.paras
		if s == daily {
			paras = &s.after
		}
		if k := len(*paras); k > 0 && strings.Count((*paras)[k-1], ". ") < 2 {
			(*paras)[k-1] += " " + sentence
		} else {
			*paras = append(*paras, sentence)
		}
		words += wordCount(sentence)
	}

	var b strings.Builder
	w.frontMatter(&b)
	fmt.Fprintf(&b, "# %s\n\n%s\n", w.role.title, intro)
	for _, s := range sections {
		blocks := slices.Clone(s.paras)
		if len(s.items) > 0 {
			blocks = append(blocks, "* "+strings.Join(s.items, "\n* "))
		}
		blocks = append(blocks, s.after...)
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", s.title, strings.Join(blocks, "\n\n"))
	}
	return []byte(b.String())
}

// countPage counts the words of a page's body.
func countPage(intro string, sections []*section) int {
	n := wordCount(intro)
	for _, s := range sections {
		n += wordCount(s.title)
		for _, list := range [][]string{s.paras, s.items, s.after} {
			for _, t := range list {
				n += wordCount(t)
			}
		}
	}
	return n
}

// wordCount counts words as a reader does: "?" and ":" are not words.
func wordCount(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// partners links to two to four other roles, core roles first since every
// role works with the product team, then says who else the role works with.
func (w *pageWriter) partners() []string {
	roles := w.g.plan.roles
	core := min(len(roles), coreRoles)
	var picked []int
	seen := map[int]bool{w.idx: true}
	want := min(2+w.r.IntN(3), len(roles)-1)
	for tries := 0; len(picked) < want && tries < 20; tries++ {
		k := w.r.IntN(len(roles))
		if len(picked) < 2 {
			k = w.r.IntN(core)
		}
		if !seen[k] {
			seen[k] = true
			picked = append(picked, k)
		}
	}
	var items []string
	for _, k := range picked {
		why := "pour avancer ensemble."
		if ps := w.g.corpus.partners; len(ps) > 0 {
			why = ps[w.r.IntN(len(ps))]
		}
		items = append(items, fmt.Sprintf("[%s](%s.md) : %s", roles[k].title, roles[k].id, why))
	}
	items = append(items, fmt.Sprintf("L'équipe %s et les référents %s %s.", w.apps[0], w.role.dom.head, w.pick("des directions", "des services", "en région")))
	return items
}

// frontMatter writes the YAML header of about two pages in three: a plain
// GitBook folder has pages with and without one.
func (w *pageWriter) frontMatter(b *strings.Builder) {
	if w.r.IntN(3) == 0 {
		return
	}
	rn := w.role
	desc := fmt.Sprintf("%s prend en charge les sujets %s (%s) et s'appuie sur %s et %s.",
		w.subject(), w.domainPhrase(), strings.Join(w.words(3), ", "), w.apps[0], w.acr)
	b.WriteString("---\ndescription: >-\n")
	for _, line := range wrap(desc, 78) {
		b.WriteString("  " + line + "\n")
	}
	if w.r.IntN(5) > 0 {
		var aliases []string
		if rn.alt != "" {
			aliases = append(aliases, lowerFirst(rn.alt))
		}
		if w.r.IntN(2) == 0 {
			aliases = append(aliases, lowerFirst(rn.short))
		}
		if utf8.RuneCountInString(rn.acronym) >= 3 {
			aliases = append(aliases, rn.acronym)
		}
		if len(aliases) > 0 {
			b.WriteString("aliases:\n")
			for _, a := range aliases {
				b.WriteString("  - " + a + "\n")
			}
		}
	}
	b.WriteString("---\n\n")
}

// wrap cuts text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, f := range strings.Fields(text) {
		if line != "" && len(line)+1+len(f) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += f
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

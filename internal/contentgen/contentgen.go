// Package contentgen generates GitBook folders of realistic French content at
// any size, for benchmarks and load tests.
//
// A folder has the shipped content's shape: a team page (README.md) with
// card tables, a responsibility matrix and a list of other tasks, and one
// page per role. Role titles ("Chargée de la paie", "Architecte des données
// de santé") and task titles ("Valider le budget des achats numériques")
// combine lists of words; page text comes from a Markov chain trained on the
// shipped role pages, with each page's own invented application names and
// acronyms, so that the vocabulary grows with the number of pages as a
// ministry's documentation does.
//
// Everything is deterministic: one Size always gives the same bytes.
package contentgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
	"unicode/utf8"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/team"
)

// Size says what to generate.
type Size struct {
	// Pages is the number of role pages, hence of roles; at least 1. Beyond
	// MaxPages, the folder has MaxPages roles.
	Pages int
	// Tasks is the number of rows of the responsibility matrix.
	Tasks int
	// Seed chooses one folder among all those of this size.
	Seed int64
}

// MaxPages is the largest number of distinct role titles the generator can
// make.
func MaxPages() int { return titleCombos() * (1 + len(sites)) }

func (s Size) normalized() Size {
	s.Pages = max(s.Pages, 1)
	s.Tasks = max(s.Tasks, 0)
	return s
}

// Folder generates the folder: README.md, SUMMARY.md and one page per role,
// named by the role's id.
func Folder(s Size) fstest.MapFS {
	s = s.normalized()
	c, err := readCorpus(content.FS)
	if err != nil {
		// content.FS is compiled in: failing to read it is a build defect.
		panic(fmt.Sprintf("contentgen: shipped content: %v", err))
	}
	g := &generator{plan: newPlan(s), corpus: c, banned: bannedWords()}

	// Pages are independent (each has its own random stream), so they are
	// written in parallel: 10,000 pages take well under a second.
	pages := make([][]byte, len(g.plan.roles))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				pages[i] = g.newPageWriter(i).page()
			}
		})
	}
	for i := range pages {
		next <- i
	}
	close(next)
	wg.Wait()

	fsys := fstest.MapFS{
		"README.md":  {Data: g.teamPage(), Mode: 0o644},
		"SUMMARY.md": {Data: g.summaryPage(), Mode: 0o644},
	}
	for i, rn := range g.plan.roles {
		fsys[rn.id+".md"] = &fstest.MapFile{Data: pages[i], Mode: 0o644}
	}
	return fsys
}

// WriteDir writes Folder(s) into dir, creating it if needed. Files already
// in dir that the folder does not have are left alone.
func WriteDir(dir string, s Size) error {
	fsys := Folder(s)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(fsys))
	for name := range fsys {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, fsys[name].Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Questions returns about forty questions that make sense for Folder(s):
// role titles as written, in lower case without accents and with a typo;
// "qui …" questions from task titles; English "who owns …" questions;
// questions about words the folder never uses; the list of roles and help.
// They are built from the folder's names, without generating its pages.
func Questions(s Size) []string {
	s = s.normalized()
	p := newPlan(s)
	r := rand.New(rand.NewPCG(uint64(s.Seed), streamQuestions))
	var qs []string
	for _, rn := range pickN(r, p.roles, 5) {
		qs = append(qs, rn.title)
	}
	for _, rn := range pickN(r, p.roles, 5) {
		qs = append(qs, plain(rn.title))
	}
	for i, rn := range pickN(r, p.roles, 5) {
		qs = append(qs, typo(plain(rn.title), i))
	}
	matrix := p.tasks[:p.matrix]
	for i, t := range pickN(r, matrix, 12) {
		switch i % 3 {
		case 0:
			qs = append(qs, "qui "+t.verb.third+" "+t.obj.np+" "+t.phrase()+" ?")
		case 1:
			qs = append(qs, "qui est responsable "+deNP(t.obj.np)+" "+t.phrase()+" ?")
		default:
			qs = append(qs, plain("qui "+t.verb.third+" "+t.obj.np+" "+t.phrase()))
		}
	}
	var english []taskName
	for _, t := range matrix {
		if t.obj.en != "" {
			english = append(english, t)
		}
	}
	for _, t := range pickN(r, english, 6) {
		qs = append(qs, "who owns the "+t.obj.en+" of "+t.dom.head+"?")
	}
	qs = append(qs, offTopicQuestions...)
	qs = append(qs, "liste des rôles", "aide")
	return qs
}

// plain is text as typed in a hurry: lower case, no accents.
func plain(s string) string { return strings.ToLower(team.Fold(s)) }

// typo misspells the longest word of s: a letter dropped, or doubled, in
// its middle. Alternating the kinds covers both ways people mistype.
func typo(s string, kind int) string {
	ws := strings.Fields(s)
	longest := 0
	for i, w := range ws {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(ws[longest]) {
			longest = i
		}
	}
	rs := []rune(ws[longest])
	if len(rs) < 4 {
		return s
	}
	mid := len(rs) / 2
	if kind%2 == 0 {
		rs = slices.Delete(rs, mid, mid+1)
	} else {
		rs = slices.Insert(rs, mid, rs[mid])
	}
	ws[longest] = string(rs)
	return strings.Join(ws, " ")
}

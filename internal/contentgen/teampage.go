package contentgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// coreRoles is how many roles the matrix has as columns; the other roles are
// expert supports, as on the shipped team page.
const coreRoles = 10

// Matrix cell icons, as GitBook editors type them.
const (
	iconResponsable = "🙆‍♂️"
	iconParticipe   = "🤝"
	iconLock        = "🔒"
)

// notes are what a matrix cell may add in parentheses.
var notes = []string{
	"porte la politique publique", "valide en comité", "avec la DNUM", "sur le périmètre national",
	"pour les aspects juridiques", "en lien avec le RSSI", "arbitre en dernier ressort",
	"apporte les données", "relit et commente", "au moins une fois par trimestre",
}

// teamPage writes README.md: the card tables, the matrix and the other tasks.
func (g *generator) teamPage() []byte {
	p := g.plan
	r := rand.New(rand.NewPCG(uint64(p.size.Seed), streamTeam))
	core := min(len(p.roles), coreRoles)

	var b strings.Builder
	b.WriteString(`---
description: >-
  Une équipe pluridisciplinaire qui partage la vision produit, réalise sa
  conception, met en place son développement et le suit au cours de son cycle de
  vie.
icon: people-group
layout:
  title:
    visible: true
  description:
    visible: true
  tableOfContents:
    visible: true
  outline:
    visible: true
  pagination:
    visible: false
---

# L'équipe produit

`)
	intro := render(g.corpus.prose.sentence(r, 12, 30))
	fmt.Fprintf(&b, "L'équipe produit de la direction %s rassemble %d rôles autour des services numériques du ministère. %s\n\n",
		inventName(r, g.banned), len(p.roles), intro)

	b.WriteString("### Les rôles de l'équipe produit\n\n")
	b.WriteString(`<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th><th data-hidden data-card-cover data-type="files"></th></tr></thead><tbody>` + "\n")
	for _, rn := range p.roles[:core] {
		fmt.Fprintf(&b, `<tr><td>%s</td><td><a href="%s.md">%s.md</a></td><td><a href="../../.gitbook/assets/%s.jpg">%s.jpg</a></td></tr>`+"\n",
			rn.title, rn.id, rn.id, rn.id, rn.id)
	}
	b.WriteString("</tbody></table>\n\n")

	if len(p.roles) > core {
		b.WriteString("### Les soutiens experts\n\n")
		b.WriteString(`<table data-view="cards"><thead><tr><th data-type="content-ref"></th><th data-hidden></th></tr></thead><tbody>` + "\n")
		for _, rn := range p.roles[core:] {
			fmt.Fprintf(&b, `<tr><td><a href="%s.md">%s.md</a></td><td>%s</td></tr>`+"\n", rn.id, rn.id, rn.title)
		}
		b.WriteString("</tbody></table>\n\n")
	}

	b.WriteString("### Porter un produit, c'est :\n\n|  |")
	for _, rn := range p.roles[:core] {
		b.WriteString(" " + rn.title + " |")
	}
	b.WriteString("\n| --- |" + strings.Repeat(" --- |", core) + "\n")
	for _, t := range p.tasks[:p.matrix] {
		cells := make([]string, core)
		for i, col := range pickN(r, r.Perm(core), 1+r.IntN(3)) {
			cells[col] = cell(r, i)
		}
		title := t.title
		if t.details != "" {
			title += " (" + t.details + ")"
		}
		b.WriteString("| " + title + " |")
		for _, c := range cells {
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}

	b.WriteString("\nAutres tâches liées à la réussite du produit :\n\n")
	for _, t := range p.tasks[p.matrix:] {
		b.WriteString("* " + t.title + "\n")
	}
	return []byte(b.String())
}

// cell writes the i-th filled cell of a matrix row: the first is the
// owner, the second sometimes shares the responsibility, the others take
// part. Cells are written the ways editors write them: with or without an
// icon, sometimes locked or with a note.
func cell(r *rand.Rand, i int) string {
	level, icon := "Participe", iconParticipe
	switch {
	case i == 0:
		level, icon = "Responsable", iconResponsable
	case i == 1 && r.IntN(5) < 2:
		level, icon = "Co-responsable", iconResponsable
	}
	s := level
	switch r.IntN(10) {
	case 0, 1, 2, 3, 4:
		s = icon + " " + level
	case 5:
		if i == 0 {
			s = iconLock + " " + level
		}
	}
	if r.IntN(6) == 0 {
		s += " (" + notes[r.IntN(len(notes))] + ")"
	}
	return s
}

// summaryPage writes SUMMARY.md, GitBook's table of contents: not a page,
// but every GitBook folder has one.
func (g *generator) summaryPage() []byte {
	var b strings.Builder
	b.WriteString("# Table of contents\n\n* [L'équipe produit](README.md)\n")
	for _, rn := range g.plan.roles {
		fmt.Fprintf(&b, "  * [%s](%s.md)\n", rn.title, rn.id)
	}
	return []byte(b.String())
}

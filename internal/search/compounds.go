package search

import (
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/team"
)

// minGluedPart is the length of the shortest word a glued name is split
// into: "techlead" is "tech lead", but a one-letter part would split
// ordinary words.
const minGluedPart = 2

// gluedNames maps a name of two words written as one ("techlead",
// "productowner", "scrummaster") to its two words, for every pair of
// adjacent words in the team's role titles and aliases and in the
// synonyms' phrases: askers often type a title they know as one word.
func gluedNames(t *team.Team, syn *Synonyms) map[string][2]string {
	glued := map[string][2]string{}
	add := func(ws []string) {
		for i := 0; i+1 < len(ws); i++ {
			a, b := ws[i], ws[i+1]
			if utf8.RuneCountInString(a) < minGluedPart || utf8.RuneCountInString(b) < minGluedPart {
				continue
			}
			glued[a+b] = [2]string{a, b}
		}
	}
	for _, r := range t.Roles {
		add(words(r.Title))
		for _, al := range r.Aliases {
			add(words(al))
		}
	}
	for _, phrases := range syn.split {
		for _, ws := range phrases {
			if len(ws) == 2 {
				add(ws)
			}
		}
	}
	return glued
}

// unglueName splits a word that is a two-word name typed as one
// (gluedNames), unless the word is one the pages or questions know.
func (ix *Index) unglueName(w string) (string, string, bool) {
	parts, ok := ix.glued[w]
	if !ok || ix.knownWord(w) {
		return "", "", false
	}
	return parts[0], parts[1], true
}

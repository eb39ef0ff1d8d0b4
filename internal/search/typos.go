package search

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Typos: the vocabulary a question's words are corrected against.

// minCorrected is the length of the shortest word correct may return.
const minCorrected = 5

// correct replaces a word the pages never use by the nearest one they do
// ("respnsable" → "responsable"), before stemming makes the typo worse. Words
// the synonyms know are left alone: they are not typos.
func (ix *Index) correct(w string) string {
	n := utf8.RuneCountInString(w)
	if n == 4 && ix.vocab[w] == nil && !ix.synonyms.words[w] {
		return ix.transposed(w)
	}
	if n < 5 || ix.vocab[w] != nil || ix.synonyms.words[w] {
		return w
	}
	if t := ix.terms(w); len(t) == 0 || ix.df[t[0]] > 0 {
		return w
	}
	limit := 1
	if n >= 8 {
		limit = 2
	}
	best, bestD, bestN := w, limit+1, 0
	lw, mask := ix.byFirst.sharing(w), letterMask(w)
	for i, c := range lw.words {
		// Not into a shorter word: "frais" is no typo of "fais".
		if utf8.RuneCountInString(c) < minCorrected {
			continue
		}
		if d := utf8.RuneCountInString(c) - n; d > limit || -d > limit || !lw.mayBeNear(i, mask, limit) {
			continue
		}
		if weak[c] && vowelSwap(w, c) {
			continue // ownershipSlip
		}
		if d := distance(w, c); d <= limit && (d < bestD || (d == bestD && *ix.vocab[c] > bestN)) {
			best, bestD, bestN = c, d, *ix.vocab[c]
		}
	}
	return best
}

// vowelSwap says whether two words of the same length differ only where
// each has a vowel: "menage" and "manage", "parte" and "porte".
//
// The rule it serves (ownershipSlip): a word is corrected into an
// ownership word ("manage", "porte", "gère") only by a slip of the fingers
// (a letter left out, doubled, swapped, or another consonant), never by
// one vowel for another, which makes another plain word more often than a
// typo: "qui fait le ménage dans les chambres" asks about cleaning, and
// an ownership word would drop its subject from the question.
func vowelSwap(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	swapped := false
	for i := range ra {
		if ra[i] == rb[i] {
			continue
		}
		if !strings.ContainsRune(vowels, ra[i]) || !strings.ContainsRune(vowels, rb[i]) {
			return false
		}
		swapped = true
	}
	return swapped
}

// vowels are the folded vowels.
const vowels = "aeiouy"

// transposed corrects a four-letter word by a jargon word of the synonyms
// with two letters swapped ("rgdp" → "rgpd"), or by a question word one
// edit away ("wich" → "which"): any other edit on so short a word makes
// another word ("data", "date").
func (ix *Index) transposed(w string) string {
	lw, mask := ix.byFirst.sharing(w), letterMask(w)
	for i, c := range lw.words {
		if lw.masks[i] == mask && ix.synonyms.words[c] && len(c) == len(w) && distance(w, c) == 1 {
			return c
		}
	}
	for _, list := range []map[string]bool{whoWords, whichWords} {
		for _, c := range slices.Sorted(maps.Keys(list)) {
			if len(c) >= 4 && distance(w, c) == 1 {
				return c
			}
		}
	}
	return w
}

// learn adds a text's words to the vocabulary typos are corrected against.
func (ix *Index) learn(text string) { ix.learnWords(words(text)) }

// learnWords adds words, as words makes them, to the vocabulary.
func (ix *Index) learnWords(ws []string) {
	for _, w := range ws {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		// Counted through a pointer: assigning to a string key stores the
		// key given, and w is a slice of the whole page's text, which the
		// map would then keep alive (a third of the heap at 10,000 pages).
		if c := ix.vocab[w]; c != nil {
			*c++
			continue
		}
		w = strings.Clone(w)
		ix.vocab[w] = new(int)
		*ix.vocab[w] = 1
		ix.byFirst.add(w)
	}
}

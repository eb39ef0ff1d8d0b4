package search

import (
	"math/bits"
	"unicode/utf8"
)

// lexicon holds words by first letter, each with a mask of the letters it
// uses. Words within k edits of each other differ by at most k letters each
// way (an edit brings in or takes out at most one), so comparing masks rules
// out most words before the costlier edit distance is computed: typo lookups
// stay cheap as a folder's vocabulary grows.
type lexicon map[rune]*letterWords

// letterWords are the words of a lexicon that share a first letter.
type letterWords struct {
	words []string
	masks []uint64
}

// add adds w, which must not be in l yet.
func (l lexicon) add(w string) {
	first, _ := utf8.DecodeRuneInString(w)
	lw := l[first]
	if lw == nil {
		lw = &letterWords{}
		l[first] = lw
	}
	lw.words = append(lw.words, w)
	lw.masks = append(lw.masks, letterMask(w))
}

// sharing returns the words that start with w's first letter.
func (l lexicon) sharing(w string) *letterWords {
	first, _ := utf8.DecodeRuneInString(w)
	if lw := l[first]; lw != nil {
		return lw
	}
	return &letterWords{}
}

// mayBeNear reports whether word i could be within k edits of a word with
// mask m; false is certain, true needs distance to confirm.
func (lw *letterWords) mayBeNear(i int, m uint64, k int) bool {
	c := lw.masks[i]
	return bits.OnesCount64(m&^c) <= k && bits.OnesCount64(c&^m) <= k
}

// letterMask sets one bit per letter or digit w uses; other runes share the
// remaining bits, which only lets more words through.
func letterMask(w string) uint64 {
	var m uint64
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
			m |= 1 << (r - 'a')
		case r >= '0' && r <= '9':
			m |= 1 << (26 + r - '0')
		default:
			m |= 1 << (36 + uint(r)%28)
		}
	}
	return m
}

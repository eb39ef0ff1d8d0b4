package search

import (
	"strings"
	"unicode/utf8"
)

// Chat spellings of question words, as people type them in a hurry: "ki
// fait la comm ?", "c koi un PO ?". Only words that frame a question, never
// a subject: these are French writing habits, not any folder's vocabulary.
var chatSpellings = map[string]string{
	"ki": "qui", "koi": "quoi", "kel": "quel", "kelle": "quelle", "kels": "quels", "kelles": "quelles",
	"ke": "que", "kan": "quand", "pk": "pourquoi", "pq": "pourquoi", "cad": "c", "qqn": "quelqu", "qqun": "quelqu",
	// Greetings and help, as chat writes them ("slt tu fais quoi", "jcomprend
	// pas"): small talk gets help, not none.
	"slt": "salut", "bjr": "bonjour", "cc": "coucou", "mrc": "merci", "jcomprend": "comprends", "jcomprends": "comprends",
	"quest": "que", "fe": "fait",
}

// elisions are the French words that lose their vowel before another
// word ("l'", "d'", "s'", "qu'"): typed without the apostrophe, they glue to
// it ("soccupe", "lequipe").
var elisions = []string{"qu", "l", "d", "s", "j", "m", "t", "n", "c"}

// minElided is the length of the shortest word split at a lost
// apostrophe: shorter ones are too often words of their own.
const minElided = 5

// questionWords splits a cleaned question into words as Ask reads them:
// chat spellings of question words replaced, and words glued by a missing
// apostrophe ("soccupe") split when the rest is a word the pages or the
// question vocabulary know and the whole is not.
func (ix *Index) questionWords(q string) []string {
	ws := words(q)
	var out []string // made only when a word is split
	for i, w := range ws {
		if r, ok := chatSpellings[w]; ok {
			w = r
			ws[i] = r
		}
		first, rest, split := ix.unglue(w)
		if !split {
			first, rest, split = ix.unglueName(w)
		}
		if split && out == nil {
			out = append(make([]string, 0, len(ws)+1), ws[:i]...)
		}
		switch {
		case split:
			out = append(out, first, rest)
		case out != nil:
			out = append(out, w)
		}
	}
	if out == nil {
		return ws
	}
	return out
}

// unglue splits a word glued to an elided article or pronoun.
func (ix *Index) unglue(w string) (string, string, bool) {
	if utf8.RuneCountInString(w) < minElided || ix.knownWord(w) {
		return "", "", false
	}
	for _, e := range elisions {
		rest, ok := strings.CutPrefix(w, e)
		if !ok || rest == "" || !strings.ContainsRune("aeiouyh", rune(rest[0])) {
			continue
		}
		if ix.knownWord(rest) {
			return e, rest, true
		}
	}
	return "", "", false
}

// knownWord says whether the pages, the synonyms or the question
// vocabulary (small talk and lists included: "cover" is no "c'over") use a
// folded word.
func (ix *Index) knownWord(w string) bool {
	return ix.vocab[w] != nil || ix.synonyms.words[w] || weak[w] || structural[w] || fillers[w] || whoWords[w] || whichWords[w] ||
		helpWords[w] || listWords[w] || listFrames[w] || smallTalk[w]
}

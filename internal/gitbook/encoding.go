package gitbook

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Broken encodings are the commonest way a page gets spoiled on its way
// through a Windows tool: the UTF-8 bytes of "é" (C3 A9) are read as two
// Windows-1252 characters "Ã©" and saved again as UTF-8. The result is valid
// UTF-8, so only its content can tell. The detector below maps each character
// back to the byte a legacy single-byte code page gives it; when a run of such
// bytes is itself a well-formed UTF-8 sequence for a character people
// actually write (accented letters, typographic punctuation, emoji), the text
// was decoded twice.

// legacy is how one character maps back to a single-byte code page.
type legacy uint8

const (
	legacyNone   legacy = iota // not a byte of any code page below
	legacyAny                  // the same byte in Latin-1, Windows-1252 and Windows-1254
	legacy1252                 // only Windows-1252 has this character
	legacy1254                 // only Windows-1254 (Turkish) has this character
	legacyLatin1               // a C1 control: Latin-1, or a code page's undefined byte passed through
)

// legacyByte returns the byte that Latin-1, Windows-1252 or Windows-1254
// encode r as.
func legacyByte(r rune) (byte, legacy) {
	switch {
	case r < 0x80:
		return byte(r), legacyAny
	case r < 0xA0:
		return byte(r), legacyLatin1
	case r <= 0xFF:
		return byte(r), legacyAny
	}
	switch r {
	case 'Ğ':
		return 0xD0, legacy1254
	case 'İ':
		return 0xDD, legacy1254
	case 'Ş':
		return 0xDE, legacy1254
	case 'ğ':
		return 0xF0, legacy1254
	case 'ı':
		return 0xFD, legacy1254
	case 'ş':
		return 0xFE, legacy1254
	}
	if b, ok := cp1252High(r); ok {
		return b, legacy1252
	}
	return 0, legacyNone
}

// cp1252High maps the characters Windows-1252 (and, for most of them,
// Windows-1254) puts at bytes 0x80–0x9F.
func cp1252High(r rune) (byte, bool) {
	switch r {
	case '€':
		return 0x80, true
	case '‚':
		return 0x82, true
	case 'ƒ':
		return 0x83, true
	case '„':
		return 0x84, true
	case '…':
		return 0x85, true
	case '†':
		return 0x86, true
	case '‡':
		return 0x87, true
	case 'ˆ':
		return 0x88, true
	case '‰':
		return 0x89, true
	case 'Š':
		return 0x8A, true
	case '‹':
		return 0x8B, true
	case 'Œ':
		return 0x8C, true
	case 'Ž':
		return 0x8E, true
	case '‘':
		return 0x91, true
	case '’':
		return 0x92, true
	case '“':
		return 0x93, true
	case '”':
		return 0x94, true
	case '•':
		return 0x95, true
	case '–':
		return 0x96, true
	case '—':
		return 0x97, true
	case '˜':
		return 0x98, true
	case '™':
		return 0x99, true
	case 'š':
		return 0x9A, true
	case '›':
		return 0x9B, true
	case 'œ':
		return 0x9C, true
	case 'ž':
		return 0x9E, true
	case 'Ÿ':
		return 0x9F, true
	}
	return 0, false
}

// plausible reports whether r is a character that French pages really
// contain, so that a double-decoded sequence producing it is evidence of
// mojibake. It keeps legitimate text such as "fatigué\u00a0»" (whose bytes
// happen to spell a CJK ideograph) from being flagged.
func plausible(r rune) bool {
	switch {
	case r >= 0xA0 && r <= 0x17F: // Latin-1 supplement, Latin extended-A: é, œ, NBSP…
		return true
	case r >= 0x300 && r <= 0x36F: // combining accents (macOS file names)
		return true
	case r >= 0x2000 && r <= 0x206F: // ’ “ ” – — … • ZWJ, narrow spaces
		return true
	case r >= 0x20A0 && r <= 0x20CF: // €
		return true
	case r >= 0x2100 && r <= 0x2BFF: // ™, arrows, ✅, ♂, ⚠
		return true
	case r >= 0xFE00 && r <= 0xFE0F: // emoji variation selectors
		return true
	case r >= 0x1F000 && r <= 0x1FAFF: // emoji
		return true
	}
	return false
}

// mojibakeHit is one double-decoded sequence found on a line.
type mojibakeHit struct {
	seen   string // the characters as they appear: "Ã©"
	meant  string // what they stood for, "é", or "" when bytes were lost
	legacy legacy // the most specific code page the characters point to
}

// findMojibake returns the first double-decoded sequence of line, if any.
func findMojibake(line string) (mojibakeHit, bool) {
	runes := []rune(line)
	bs := make([]byte, len(runes))
	kinds := make([]legacy, len(runes))
	for i, r := range runes {
		bs[i], kinds[i] = legacyByte(r)
	}
	isCont := func(j int) bool {
		return j < len(runes) && kinds[j] != legacyNone && bs[j] >= 0x80 && bs[j] <= 0xBF
	}
	for i := range runes {
		if kinds[i] == legacyNone || bs[i] < 0xC2 || bs[i] > 0xF4 {
			continue
		}
		need := 1
		switch {
		case bs[i] >= 0xF0:
			need = 3
		case bs[i] >= 0xE0:
			need = 2
		}
		n := 0
		for n < need && isCont(i+1+n) {
			n++
		}
		if n == 0 {
			continue
		}
		end := i + 1 + n
		hit := mojibakeHit{seen: string(runes[i:end]), legacy: strongest(kinds[i:end])}
		if n == need {
			r, size := utf8.DecodeRune(bs[i:end])
			if r != utf8.RuneError && size == end-i && plausible(r) {
				hit.meant = string(r)
				return hit, true
			}
			continue
		}
		// A truncated sequence: the code page had no character for a byte
		// and dropped it (Windows-1254 has none for 0x9D, the last byte of
		// 🤝). Only prefixes that no real text contains are taken: an emoji
		// ("ğŸ"), general punctuation ("â€") or a variation selector ("ï¸").
		if second := bs[i+1]; (bs[i] == 0xF0 && second == 0x9F) ||
			(bs[i] == 0xE2 && second == 0x80) || (bs[i] == 0xEF && second == 0xB8) {
			return hit, true
		}
	}
	return mojibakeHit{}, false
}

// strongest picks the code page that the characters of a hit single out.
func strongest(kinds []legacy) legacy {
	best := legacyAny
	for _, k := range kinds {
		if k == legacy1254 || (k == legacy1252 && best != legacy1254) || (k == legacyLatin1 && best == legacyAny) {
			best = k
		}
	}
	return best
}

// checkEncoding reports invalid UTF-8 or double-decoded text, once per file
// at the first line where it happens. It returns false when the file's text
// cannot be trusted.
func checkEncoding(file string, src []byte, d *diags) bool {
	if !utf8.Valid(src) {
		off := firstInvalid(src)
		line := 1 + bytes.Count(src[:off], []byte("\n"))
		col := off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
		guess := ""
		if r, k := decode1252(src[off]); k && unicode.IsLetter(r) {
			guess = fmt.Sprintf(", sans doute « %c »", r)
		}
		d.errorf(file, line, "encodage invalide : l'octet 0x%02X (colonne %d%s) n'est pas de l'UTF-8, le fichier a été enregistré en Latin-1 ou Windows-1252 ? Réenregistrez-le en UTF-8", src[off], col, guess)
		return false
	}
	var first mojibakeHit
	firstLine, lines := 0, 0
	kind := legacyAny
	for n, line := range bytes.Split(src, []byte("\n")) {
		if isASCII(line) {
			continue
		}
		hit, ok := findMojibake(string(line))
		if !ok {
			continue
		}
		lines++
		if firstLine == 0 {
			first, firstLine = hit, n+1
		}
		kind = strongest([]legacy{kind, hit.legacy})
	}
	if firstLine == 0 {
		return true
	}
	page := "Windows-1252 ou Latin-1"
	switch kind {
	case legacy1254:
		page = "Windows-1254"
	case legacy1252:
		page = "Windows-1252"
	}
	what := fmt.Sprintf("« %s » au lieu de « %s »", first.seen, first.meant)
	if first.meant == "" {
		what = fmt.Sprintf("« %s » (caractère perdu)", first.seen)
	}
	d.errorf(file, firstLine, "encodage cassé : %s, du texte UTF-8 lu comme %s ? (%s touchées) ; repartez du fichier d'origine et enregistrez-le en UTF-8",
		what, page, plural(lines, "ligne", "lignes"))
	return false
}

// firstInvalid is the offset of the first byte that is not valid UTF-8.
func firstInvalid(src []byte) int {
	for off := 0; off < len(src); {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			return off
		}
		off += size
	}
	return len(src)
}

// decode1252 gives the character Windows-1252 assigns to b, to suggest what
// an invalid byte was meant to be.
func decode1252(b byte) (rune, bool) {
	if b >= 0xA0 {
		return rune(b), true
	}
	for r := rune(0x152); r < 0x2200; r++ {
		if c, ok := cp1252High(r); ok && c == b {
			return r, true
		}
	}
	return 0, false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

package reply

import (
	"encoding/json"
	"unicode/utf8"
)

// jsonLen is the size v takes once marshalled, as slack-go sends it.
func jsonLen(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return maxMessageJSON + 1 // never fits
	}
	return len(b)
}

// stringLen is jsonLen(s) for a string, without marshalling it: the
// composer measures many prefixes and joins of the same texts. It follows
// encoding/json's escaping, HTML characters included (json.Marshal escapes
// them).
func stringLen(s string) int {
	return 2 + escapedLen(s)
}

// escapedLen is the size of s between the quotes of its JSON string.
func escapedLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6 // \u00XX
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6 // \ufffd for an invalid byte, \u2028, \u2029
		default:
			n += size
		}
		i += size
	}
	return n
}

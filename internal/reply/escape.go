package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// oneLine folds runs of spaces, tabs and newlines: titles and notes are
// one-line texts, and a stray newline would break a bullet list.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// esc is oneLine then Escape: the form of every content text in a card.
func esc(s string) string {
	return Escape(oneLine(s))
}

func escAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = esc(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func titleOr(title, id string) string {
	if strings.TrimSpace(title) != "" {
		return title
	}
	return id
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// shorten keeps s within max characters, ending with "…" when it cuts. It
// never cuts an entity such as "&amp;" in half, which Slack would show raw.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	cut, n := len(s), 0
	for i := range s {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	t := s[:cut]
	if amp := strings.LastIndexByte(t, '&'); amp >= 0 && !strings.Contains(t[amp:], ";") {
		t = t[:amp]
	}
	return strings.TrimRight(t, " \n") + "…"
}

package reply

import (
	"encoding/json"
	"testing"
)

func FuzzStringLen(f *testing.F) {
	for _, s := range []string{"", "abc", "l'équipe « produit »", "<@U123> & co", "a\"b\\c", "\b\f\n\r\t\x00\x1f\x7f",
		"\u2028\u2029", "\xff\xfe", "é\xc3", "😀 emoji", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := stringLen(s); got != len(b) {
			t.Errorf("stringLen(%q) = %d, json.Marshal gives %d bytes: %s", s, got, len(b), b)
		}
	})
}

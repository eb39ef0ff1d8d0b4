package reply

import (
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// TestTextNotEscaped checks that the terminal text shows questions and pages
// as written, while the Slack card of the same answer escapes them.
func TestTextNotEscaped(t *testing.T) {
	hostile := "<!channel> R&D <b>"
	r := designer()
	r.Title = "Designer " + hostile
	r.Responsibilities = []string{"Faire " + hostile}
	answers := []answer.Answer{
		{Query: hostile, Intent: answer.IntentNone, Suggestions: []answer.Ref{{Intent: answer.IntentRole, ID: "x", Title: hostile}}},
		{Query: "designer", Intent: answer.IntentRole, Role: r},
	}
	for _, a := range answers {
		txt := Text(a)
		if !strings.Contains(txt, hostile) || strings.Contains(txt, "&lt;") || strings.Contains(txt, "&amp;") {
			t.Errorf("%s: terminal text must show %q as is:\n%s", a.Intent, hostile, txt)
		}
		if c := Card(a, CardOptions{}); strings.Contains(c.Text, "<!channel>") || !strings.Contains(c.Text, "&lt;!channel&gt;") {
			t.Errorf("%s: Slack text must escape %q: %s", a.Intent, hostile, c.Text)
		}
	}
	if got := Text(answer.Answer{Query: "a\x1b[2Jb\rc", Intent: answer.IntentNone}); strings.ContainsAny(got, "\x1b\r") {
		t.Errorf("control characters reach the terminal: %q", got)
	}
}

package reply

import (
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// TestDailyLabel checks that a card labels a role's items by the section of
// the page they come from, in Slack and in the terminal.
func TestDailyLabel(t *testing.T) {
	tests := []struct {
		from    string
		card    string // a line of the blocks' text
		text    string // the terminal's heading line
		cardNot string
	}{
		{"Au quotidien", "*Au quotidien*", "Au quotidien :", ""},
		{"Mission", "*Mission*", "Mission :", "Au quotidien"},
		{"", "*Au quotidien*", "Au quotidien :", ""},
		{"Activités  \n principales", "*Activités principales*", "Activités principales :", ""},
		{"Rôle <!channel> & co", "*Rôle &lt;!channel&gt; &amp; co*", "", "<!channel>"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			r := designer()
			r.ResponsibilitiesFrom = tt.from
			a := answer.Answer{Query: "designer", Intent: answer.IntentRole, Role: r}
			texts := allText(t, Card(a, CardOptions{}).Blocks)
			found := false
			for _, s := range strings.Split(texts, "\n") {
				if s == tt.card {
					found = true
				}
			}
			if !found {
				t.Errorf("card has no line %q:\n%s", tt.card, texts)
			}
			if tt.cardNot != "" && strings.Contains(texts, tt.cardNot) {
				t.Errorf("card holds %q:\n%s", tt.cardNot, texts)
			}
			if txt := Text(a); tt.text != "" && !strings.Contains(txt, "\n"+tt.text+"\n") {
				t.Errorf("text has no line %q:\n%s", tt.text, txt)
			}
		})
	}
}

package reply

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

// A reading search is not sure of is offered, not asserted: "Vouliez-vous
// dire…" first, the reading's card, then the other readings as buttons.
func TestGuessIsOfferedWithItsAlternatives(t *testing.T) {
	alts := []answer.Ref{{Intent: answer.IntentTask, ID: "piloter-le-delivery", Title: "Piloter le delivery"}}
	for _, tt := range []struct {
		name       string
		confidence answer.Confidence
		guess      bool
	}{
		{"guess", answer.Guess, true},
		{"sure", answer.Sure, false},
		{"built by hand", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := answer.Answer{Query: "qui ordonne ?", Intent: answer.IntentRole, Role: designer(), Alternatives: alts, Confidence: tt.confidence}
			msg := Card(a, CardOptions{Command: "/role"})
			first, ok := msg.Blocks[0].(*slack.ContextBlock)
			isGuess := ok && first.BlockID == blockGuess
			if isGuess != tt.guess {
				t.Fatalf("first block %T guess=%v, want guess=%v", msg.Blocks[0], isGuess, tt.guess)
			}
			if got := strings.HasPrefix(msg.Text, "Vouliez-vous dire"); got != tt.guess {
				t.Errorf("text %q: guess prefix %v, want %v", msg.Text, got, tt.guess)
			}
			label := ""
			for _, b := range msg.Blocks {
				if cb, ok := b.(*slack.ContextBlock); ok && cb.BlockID == blockAltLabel {
					label = cb.ContextElements.Elements[0].(*slack.TextBlockObject).Text
				}
			}
			if want := map[bool]string{true: guessOthers, false: "Voir aussi :"}[tt.guess]; label != want {
				t.Errorf("alternatives label %q, want %q", label, want)
			}
			var buttons int
			for _, b := range msg.Blocks {
				if ab, ok := b.(*slack.ActionBlock); ok && ab.BlockID == blockAlternatives {
					buttons = len(ab.Elements.ElementSet)
				}
			}
			if buttons != 1 {
				t.Errorf("%d alternative buttons, want 1", buttons)
			}
			txt := Text(a)
			if got := strings.HasPrefix(txt, "Vouliez-vous dire"); got != tt.guess {
				t.Errorf("terminal text %q: guess prefix %v, want %v", txt, got, tt.guess)
			}
			if tt.guess && !strings.Contains(txt, guessOthers+" Piloter le delivery") {
				t.Errorf("terminal text %q lacks the alternatives as choices", txt)
			}
		})
	}
}

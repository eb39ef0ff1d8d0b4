package reply

import (
	"encoding/json"
	"testing"
)

// BenchmarkCardFeedback measures what the feedback buttons add to a card: its assembly and the
// marshalling slack-go then does, without then with a key.
func BenchmarkCardFeedback(b *testing.B) {
	for _, tc := range cardCases() {
		for _, key := range []string{"", "r0123456789abcdef01234567"} {
			name := tc.name + "/none"
			if key != "" {
				name = tc.name + "/buttons"
			}
			o := tc.o
			o.FeedbackKey = key
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					m := Card(tc.a, o)
					if _, err := json.Marshal(m.Blocks); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

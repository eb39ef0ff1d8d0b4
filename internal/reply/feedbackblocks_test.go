package reply

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"
)

// slackFeedbackBlock and slackFallbackBlock are the feedback blocks as slack-go builds them:
// what FeedbackBlock and FeedbackFallbackBlock must marshal to.
func slackFeedbackBlock(key string) slack.Block {
	el := slack.NewFeedbackButtonsBlockElement(ActionFeedback,
		slack.NewFeedbackButton(plainObject(feedbackUsefulText), FeedbackValue(key, true)).WithAccessibilityLabel(feedbackUsefulLabel),
		slack.NewFeedbackButton(plainObject(feedbackNotUsefulText), FeedbackValue(key, false)).WithAccessibilityLabel(feedbackNotUsefulLabel))
	return slack.NewContextActionsBlock(BlockFeedback, el)
}

func slackFallbackBlock(key string) slack.Block {
	useful := slack.NewButtonBlockElement(ActionFeedback, FeedbackValue(key, true), plainObject(fallbackUsefulText))
	notUseful := slack.NewButtonBlockElement(ActionFeedback+":2", FeedbackValue(key, false), plainObject(fallbackNotUsefulText))
	return slack.NewActionBlock(BlockFeedback, useful, notUseful)
}

// TestFeedbackJSON: the feedback blocks marshal, alone and among others, to the bytes slack-go
// marshals for the same blocks, for keys as the bot makes them and for strings that need
// escaping; slack-go reads them back as its own blocks, with their key.
func TestFeedbackJSON(t *testing.T) {
	for _, key := range []string{"r0123456789abcdef01234567", "k1", `a"b\c`, "<&>", "é\u2028\x01", "\xff"} {
		for _, tc := range []struct {
			name      string
			got, want slack.Block
		}{
			{"feedback", FeedbackBlock(key), slackFeedbackBlock(key)},
			{"fallback", FeedbackFallbackBlock(key), slackFallbackBlock(key)},
		} {
			if tc.got.BlockType() != tc.want.BlockType() || tc.got.ID() != tc.want.ID() {
				t.Errorf("%s %q: block %s %s, want %s %s", tc.name, key, tc.got.BlockType(), tc.got.ID(), tc.want.BlockType(), tc.want.ID())
			}
			header := slack.NewHeaderBlock(plainObject("Designer"))
			got := marshal(t, slack.Blocks{BlockSet: []slack.Block{header, tc.got}})
			want := marshal(t, slack.Blocks{BlockSet: []slack.Block{header, tc.want}})
			if !bytes.Equal(got, want) {
				t.Errorf("%s %q:\n got %s\nwant %s", tc.name, key, got, want)
			}
			var back slack.Blocks
			if err := json.Unmarshal(got, &back); err != nil || len(back.BlockSet) != 2 {
				t.Fatalf("%s %q: read back %+v, %v", tc.name, key, back, err)
			}
			if tc.name == "feedback" && ValidFeedbackKey(key) {
				// As a message read back from Slack holds them.
				if k, ok := feedbackKey(back.BlockSet[1]); !ok || k != key {
					t.Errorf("key read back = %q, %v; want %q", k, ok, key)
				}
			}
		}
	}
}

// TestFallbackOfSlackBlocks: WithFallbackFeedback finds the feedback buttons in blocks as
// slack-go reads them back too, and leaves blocks without them.
func TestFallbackOfSlackBlocks(t *testing.T) {
	const key = "r0123456789abcdef01234567"
	blocks := []slack.Block{slack.NewDividerBlock(), slackFeedbackBlock(key)}
	plain, ok := WithFallbackFeedback(blocks)
	if !ok || !bytes.Equal(marshal(t, plain[1]), marshal(t, slackFallbackBlock(key))) || blocks[1].BlockType() != slack.MBTContextActions {
		t.Errorf("fallback = %v, %s", ok, marshal(t, plain))
	}
	for _, b := range [][]slack.Block{{slack.NewDividerBlock()}, {slackFallbackBlock(key)}, {slackFeedbackBlock("forged key")}} {
		if _, ok := WithFallbackFeedback(b); ok {
			t.Errorf("fallback of %s found feedback buttons", marshal(t, b))
		}
	}
}

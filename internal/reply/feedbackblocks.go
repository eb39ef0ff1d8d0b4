package reply

// The feedback blocks as plain structs that encoding/json marshals by itself. Every answer
// carries them, and a card marshals them three times or more (Card measures both kinds to
// hold room for the larger, then places one; slack-go sends it): slack-go's own blocks
// marshal through nested MarshalJSON methods, whose output encoding/json parses and compacts
// again, about five times slower than these (BenchmarkCardFeedback). TestFeedbackJSON checks
// that they marshal, byte for byte, as slack-go's blocks for the same buttons.

import "github.com/slack-go/slack"

// Texts of the feedback buttons, in French (no user input in them).
const (
	feedbackUsefulText     = "Utile"
	feedbackNotUsefulText  = "Pas utile"
	feedbackUsefulLabel    = "Cette réponse m'a été utile"
	feedbackNotUsefulLabel = "Cette réponse ne m'a pas été utile"
	// The plain fallback buttons say it with an emoji, as they have no icon of their own.
	fallbackUsefulText    = "👍 " + feedbackUsefulText
	fallbackNotUsefulText = "👎 " + feedbackNotUsefulText
)

// blockHead is a block's type and block_id, first in its JSON, and the methods of slack.Block.
type blockHead struct {
	Type    slack.MessageBlockType `json:"type"`
	BlockID string                 `json:"block_id"`
}

// BlockType is the block's type, as slack.Block asks.
func (h *blockHead) BlockType() slack.MessageBlockType { return h.Type }

// ID is the block's block_id, as slack.Block asks.
func (h *blockHead) ID() string { return h.BlockID }

// feedbackBlock is FeedbackBlock's block: Slack's feedback_buttons element in a
// context_actions block. key is the answer's key its buttons carry, for WithFallbackFeedback.
type feedbackBlock struct {
	blockHead
	Elements [1]feedbackButtons `json:"elements"`
	key      string
}

// feedbackButtons is a feedback_buttons element.
type feedbackButtons struct {
	Type     slack.MessageElementType `json:"type"`
	ActionID string                   `json:"action_id"`
	Positive feedbackButton           `json:"positive_button"`
	Negative feedbackButton           `json:"negative_button"`
}

// feedbackButton is one button of a feedback_buttons element.
type feedbackButton struct {
	Text  plainText `json:"text"`
	Value string    `json:"value"`
	Label string    `json:"accessibility_label"`
}

// plainText is plainObject's text object.
type plainText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji"`
}

// newFeedbackBlock builds FeedbackBlock(key).
func newFeedbackBlock(key string) *feedbackBlock {
	return &feedbackBlock{blockHead: blockHead{Type: slack.MBTContextActions, BlockID: BlockFeedback}, key: key, Elements: [1]feedbackButtons{{
		Type:     slack.METFeedbackButtons,
		ActionID: ActionFeedback,
		Positive: feedbackButton{Text: plainTextOf(feedbackUsefulText), Value: FeedbackValue(key, true), Label: feedbackUsefulLabel},
		Negative: feedbackButton{Text: plainTextOf(feedbackNotUsefulText), Value: FeedbackValue(key, false), Label: feedbackNotUsefulLabel},
	}}}
}

// fallbackBlock is FeedbackFallbackBlock's block: two plain buttons in an actions block.
type fallbackBlock struct {
	blockHead
	Elements [2]plainButton `json:"elements"`
}

// plainButton is a button element with a text and a value.
type plainButton struct {
	Type     slack.MessageElementType `json:"type"`
	Text     plainText                `json:"text"`
	ActionID string                   `json:"action_id"`
	Value    string                   `json:"value"`
}

// newFallbackBlock builds FeedbackFallbackBlock(key).
func newFallbackBlock(key string) *fallbackBlock {
	return &fallbackBlock{blockHead: blockHead{Type: slack.MBTAction, BlockID: BlockFeedback}, Elements: [2]plainButton{
		{Type: slack.METButton, Text: plainTextOf(fallbackUsefulText), ActionID: ActionFeedback, Value: FeedbackValue(key, true)},
		{Type: slack.METButton, Text: plainTextOf(fallbackNotUsefulText), ActionID: ActionFeedback + ":2", Value: FeedbackValue(key, false)},
	}}
}

// plainTextOf is plainObject(text) as a plainText.
func plainTextOf(text string) plainText { return plainText{Type: slack.PlainTextType, Text: text} }

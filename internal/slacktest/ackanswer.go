package slacktest

// A slash command answered in its socket-mode acknowledgement: Slack shows the ack's payload
// (response_type, text, blocks) as the command's answer, as it would the body of an HTTP
// answer to the command. The fake records it as a Message with Method MethodAck, so that a
// test counts it with the answers posted to the command's response_url.

import (
	"encoding/json"
	"net/http"
)

// MethodAck is the Method recorded for a slash command's answer carried by its socket-mode
// ack. Its ResponseURL, Channel and User are the command's.
const MethodAck = "ack"

// maxAckPayload is Slack's limit on a socket-mode response: larger ones are dropped without a
// word (slack-go refuses to send them; the fake refuses them too, in case one gets through).
const maxAckPayload = 20 * 1024

// slashFields are the parts of a slash command's payload an answer in its ack is shown with.
type slashFields struct {
	ChannelID   string `json:"channel_id"`
	UserID      string `json:"user_id"`
	ResponseURL string `json:"response_url"`
}

// ackMessage is the answer an ack's payload carries for the slash command d, if it carries
// one: a payload without text or blocks is a plain acknowledgement. A late ack is recorded
// with the error the user sees instead (operation_timeout), an oversized one with
// payload_too_large: Slack shows neither.
func ackMessage(d *Delivery, ack Ack) (Message, bool) {
	if d == nil || d.Type != "slash_commands" || ack.Duplicate || len(ack.Payload) == 0 {
		return Message{}, false
	}
	var p struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if json.Unmarshal(ack.Payload, &p) != nil {
		return Message{}, false
	}
	hasBlocks := len(p.Blocks) > 0 && string(p.Blocks) != "null"
	if p.Text == "" && !hasBlocks {
		return Message{}, false
	}
	var cmd slashFields
	_ = json.Unmarshal(d.Payload, &cmd)
	msg := Message{
		Method: MethodAck, ResponseURL: cmd.ResponseURL, Channel: cmd.ChannelID, User: cmd.UserID,
		Text: p.Text, ResponseType: p.ResponseType, Body: ack.Payload, Received: ack.Received,
	}
	if msg.ResponseType == "" {
		msg.ResponseType = "ephemeral" // Slack's default for a command's answer
	}
	if hasBlocks {
		msg.BlocksJSON = p.Blocks
	}
	decodeMessage(&msg)
	return msg, true
}

// ackResponse is how the fake takes an answer in an ack, as an API response to record it with.
func ackResponse(ack Ack) apiResponse {
	switch {
	case ack.Late:
		return errResponse("operation_timeout")
	case len(ack.Payload) >= maxAckPayload:
		return errResponse("payload_too_large")
	}
	return apiResponse{status: http.StatusOK, body: map[string]any{"ok": true}}
}

package slacktest

// Channel history: the messages posted with chat.postMessage (and the user messages sent as
// events) are kept per channel, so that conversations.history and conversations.replies
// answer as Slack's do, message metadata included when include_all_metadata is set. A bot
// retrying an answer reads them to find out whether its first attempt reached Slack.
//
// Slack keeps every message; the fake keeps the newest MaxChannelHistory of each channel, as
// it serves load runs of 100k messages whose history no one reads past the last few pages.

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Page sizes of the reads, Slack's defaults.
const (
	defaultHistoryPage = 100
	maxHistoryPage     = 999
)

// MaxChannelHistory is how many messages the fake keeps of each channel (thread replies
// included), the oldest dropped first: twice the 1,000 messages that rolebot's delivery
// check reads at most (5 pages of 200), and more than two of the largest pages (999), so
// that what the history API is asked for is still there. A reply whose thread's parent was
// dropped can no longer be read with conversations.replies (thread_not_found).
const MaxChannelHistory = 2 * 1000

// storedMessage is one message of a channel's history.
type storedMessage struct {
	ts, threadTS, text, user, botID string
	blocks                          json.RawMessage
	// metadata is the message metadata as posted ({"event_type":…,"event_payload":…}).
	metadata json.RawMessage
}

// storeMessageLocked adds m to its channel's history, in ts order, dropping the oldest past
// MaxChannelHistory; a message already there (an event sent again) is kept once.
func (s *Server) storeMessageLocked(channel string, m storedMessage) {
	h := s.history[channel]
	i, found := slices.BinarySearchFunc(h, m.ts, func(e *storedMessage, ts string) int { return compareTS(e.ts, ts) })
	if found {
		return
	}
	h = slices.Insert(h, i, &m)
	if over := len(h) - MaxChannelHistory; over > 0 {
		// Delete clears the tail it leaves, so the dropped messages can be freed.
		h = slices.Delete(h, 0, over)
	}
	s.history[channel] = h
}

// storedLocked returns the message of channel at ts, nil if there is none.
func (s *Server) storedLocked(channel, ts string) *storedMessage {
	h := s.history[channel]
	i, found := slices.BinarySearchFunc(h, ts, func(e *storedMessage, ts string) int { return compareTS(e.ts, ts) })
	if !found {
		return nil
	}
	return h[i]
}

// deleteStoredLocked removes the message of channel at ts.
func (s *Server) deleteStoredLocked(channel, ts string) {
	s.history[channel] = slices.DeleteFunc(s.history[channel], func(e *storedMessage) bool { return e.ts == ts })
}

// storeEventMessageLocked keeps the user message an app_mention or message event carries, so
// that a thread started by it has a parent for conversations.replies.
func (s *Server) storeEventMessageLocked(inner []byte) {
	var ev struct {
		Type     string `json:"type"`
		SubType  string `json:"subtype"`
		Channel  string `json:"channel"`
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
		User     string `json:"user"`
		Text     string `json:"text"`
		BotID    string `json:"bot_id"`
	}
	if json.Unmarshal(inner, &ev) != nil || (ev.Type != "app_mention" && ev.Type != "message") ||
		ev.SubType != "" || ev.Channel == "" || ev.TS == "" {
		return
	}
	s.storeMessageLocked(ev.Channel, storedMessage{ts: ev.TS, threadTS: ev.ThreadTS, text: ev.Text, user: ev.User, botID: ev.BotID})
}

// compareTS orders Slack timestamps ("1700000000.000100") by time.
func compareTS(a, b string) int {
	sa, ua, _ := strings.Cut(a, ".")
	sb, ub, _ := strings.Cut(b, ".")
	if c := compareDigits(sa, sb); c != 0 {
		return c
	}
	return strings.Compare(ua+strings.Repeat("0", max(0, 6-len(ua))), ub+strings.Repeat("0", max(0, 6-len(ub))))
}

// compareDigits orders two unsigned decimal numbers written without leading zeros.
func compareDigits(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// inRange tells whether ts is within (oldest, latest), bounds included when inclusive; an
// empty bound is no bound.
func inRange(ts, oldest, latest string, inclusive bool) bool {
	if oldest != "" {
		if c := compareTS(ts, oldest); c < 0 || (c == 0 && !inclusive) {
			return false
		}
	}
	if latest != "" {
		if c := compareTS(ts, latest); c > 0 || (c == 0 && !inclusive) {
			return false
		}
	}
	return true
}

// historyJSON is m as conversations.history and .replies return it.
func (s *Server) historyJSON(m *storedMessage, withMetadata bool) map[string]any {
	out := map[string]any{"type": "message", "ts": m.ts, "text": m.text}
	setIf(out, "user", m.user)
	setIf(out, "bot_id", m.botID)
	setIf(out, "thread_ts", m.threadTS)
	if m.botID != "" {
		out["subtype"] = "bot_message"
	}
	if m.blocks != nil {
		out["blocks"] = m.blocks
	}
	if withMetadata && m.metadata != nil {
		out["metadata"] = m.metadata
	}
	return out
}

// page cuts msgs by the limit and cursor arguments of req (the cursor is an offset, opaque to
// clients as Slack's is).
func page[T any](req *request, msgs []T) (out []T, next string, errCode string) {
	limit, err := strconv.Atoi(req.str("limit"))
	if err != nil || limit <= 0 {
		limit = defaultHistoryPage
	}
	limit = min(limit, maxHistoryPage)
	from := 0
	if c := req.str("cursor"); c != "" {
		if from, err = strconv.Atoi(c); err != nil || from < 0 || from > len(msgs) {
			return nil, "", "invalid_cursor"
		}
	}
	to := min(from+limit, len(msgs))
	if to < len(msgs) {
		next = strconv.Itoa(to)
	}
	return msgs[from:to], next, ""
}

// flag reads a boolean argument as slack-go sends it ("1", "true").
func (r *request) flag(name string) bool {
	v := r.str(name)
	return v == "1" || v == "true"
}

// conversationsHistoryLocked answers conversations.history: the channel's top-level messages
// (thread replies left out, as on Slack), newest first, within oldest and latest.
func (s *Server) conversationsHistoryLocked(req *request) apiResponse {
	channel := req.str("channel")
	if channel == "" {
		return errResponse("channel_not_found")
	}
	oldest, latest, inclusive := req.str("oldest"), req.str("latest"), req.flag("inclusive")
	withMeta := req.flag("include_all_metadata")
	var sel []*storedMessage
	h := s.history[channel]
	for i := len(h) - 1; i >= 0; i-- {
		m := h[i]
		if m.threadTS != "" && m.threadTS != m.ts {
			continue // a reply
		}
		if inRange(m.ts, oldest, latest, inclusive) {
			sel = append(sel, m)
		}
	}
	return s.messagesResponse(req, sel, withMeta)
}

// conversationsRepliesLocked answers conversations.replies: the thread's parent first, then
// its replies within oldest and latest, oldest first.
func (s *Server) conversationsRepliesLocked(req *request) apiResponse {
	channel, ts := req.str("channel"), req.str("ts")
	if channel == "" {
		return errResponse("channel_not_found")
	}
	if ts == "" {
		return errResponse("invalid_arguments")
	}
	parent := s.storedLocked(channel, ts)
	if parent == nil {
		return errResponse("thread_not_found")
	}
	oldest, latest, inclusive := req.str("oldest"), req.str("latest"), req.flag("inclusive")
	sel := []*storedMessage{parent}
	for _, m := range s.history[channel] {
		if m.threadTS == ts && m.ts != ts && inRange(m.ts, oldest, latest, inclusive) {
			sel = append(sel, m)
		}
	}
	return s.messagesResponse(req, sel, req.flag("include_all_metadata"))
}

// messagesResponse is a page of sel as the reads return it.
func (s *Server) messagesResponse(req *request, sel []*storedMessage, withMeta bool) apiResponse {
	cut, next, code := page(req, sel)
	if code != "" {
		return errResponse(code)
	}
	msgs := make([]map[string]any, 0, len(cut))
	for _, m := range cut {
		msgs = append(msgs, s.historyJSON(m, withMeta))
	}
	return okResponse(map[string]any{
		"messages":          msgs,
		"has_more":          next != "",
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

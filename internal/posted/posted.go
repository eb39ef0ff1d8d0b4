// Package posted finds a message the bot posted earlier in a Slack conversation by its
// message metadata. A job retried after a crash (its process killed between Slack's 200 and
// the job's completion) reads the conversation back before posting again, so that what it
// posts shows once: the answers (internal/slackbot/once.go, decided in internal/jobs/once.go)
// and the weekly report (internal/reportpost).
package posted

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// Bounds of a look.
const (
	// ClockSkew widens the look back before Look.Since: the job's clock is the database's,
	// Slack's ts its own.
	ClockSkew = time.Minute
	// PageSize and MaxPages bound the read: a thread, a DM or the report's channel rarely
	// holds more than a page since a job was created; past the bound Find says it did not
	// read everything, and the caller posts (at least once rather than lost).
	PageSize = 200
	MaxPages = 5
)

// Reader is the part of slack-go's client a look calls (the bot needs channels:history,
// groups:history, im:history).
type Reader interface {
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
}

// Call makes one Web API call, f, named method: a caller wraps it with its metrics, logs and
// error types. Direct is the Call that adds nothing.
type Call func(ctx context.Context, method string, f func(ctx context.Context) error) error

// Direct runs f as it is: slack-go's errors come back untouched.
func Direct(ctx context.Context, _ string, f func(ctx context.Context) error) error { return f(ctx) }

// Look says where to look, since when, and for what metadata.
type Look struct {
	// Channel is the conversation's id.
	Channel string
	// ThreadTS, if set, is the thread to read (conversations.replies); else the channel's
	// top-level messages are read (conversations.history).
	ThreadTS string
	// Since is when the post can have been made at the earliest (a job's creation).
	Since time.Time
	// EventType, Field and Value are what the message's metadata holds: its event_type, and
	// Value at Field of its payload.
	EventType, Field, Value string
}

// Metadata is the option that posts a message with the metadata l looks for.
func Metadata(eventType, field, value string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: eventType, EventPayload: map[string]any{field: value}})
}

// Find reports whether a message of l's conversation posted at or after l.Since (less
// ClockSkew) carries l's metadata. complete is false when MaxPages pages were read without
// reaching the end: found is then false but not known. err is the read's error as call
// returns it (slack-go's through Direct), for the caller to tell a rate limit from a
// definite refusal.
func Find(ctx context.Context, api Reader, call Call, l Look) (found, complete bool, err error) {
	oldest := TS(l.Since.Add(-ClockSkew))
	cursor := ""
	for range MaxPages {
		var msgs []slack.Message
		var next string
		if l.ThreadTS != "" {
			err = call(ctx, "conversations.replies", func(ctx context.Context) error {
				var e error
				msgs, _, next, e = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: l.Channel, Timestamp: l.ThreadTS, Oldest: oldest, Inclusive: true,
					Limit: PageSize, Cursor: cursor, IncludeAllMetadata: true,
				})
				return e
			})
		} else {
			err = call(ctx, "conversations.history", func(ctx context.Context) error {
				h, e := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
					ChannelID: l.Channel, Oldest: oldest, Inclusive: true,
					Limit: PageSize, Cursor: cursor, IncludeAllMetadata: true,
				})
				if e == nil {
					msgs, next = h.Messages, h.ResponseMetaData.NextCursor
				}
				return e
			})
		}
		if err != nil {
			return false, false, err
		}
		for _, m := range msgs {
			if l.matches(m) {
				return true, true, nil
			}
		}
		if next == "" {
			return false, true, nil
		}
		cursor = next
	}
	return false, false, nil
}

// matches tells whether m carries l's metadata.
func (l Look) matches(m slack.Message) bool {
	if m.Metadata.EventType != l.EventType {
		return false
	}
	v, ok := m.Metadata.EventPayload[l.Field].(string)
	return ok && v == l.Value
}

// TS writes t as a Slack timestamp ("1700000000.000100").
func TS(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

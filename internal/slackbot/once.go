package slackbot

// Exactly once across a crash (see internal/jobs/once.go): every chat.postMessage an answer
// job makes carries the job's delivery key in its message metadata, and an attempt after the
// first reads the thread (conversations.replies) or the channel (conversations.history) since
// the job was created, metadata included, to find out whether an earlier attempt's post went
// through before its process died. Answers through a response_url (slash commands, clicks)
// cannot be checked: Slack offers no way to read an ephemeral answer back, nor to replace a
// slash command's earlier answer (replace_original only replaces the message a button was
// clicked on), so they stay at least once; docs/benchmarks.md says what that leaves.

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/reply"
)

// Message metadata of the answers.
const (
	// answerEventType is the metadata event_type of every answer posted by a job.
	answerEventType = "rolebot_answer"
	// answerKeyField is the field of the metadata payload holding the job's delivery key.
	answerKeyField = "delivery_key"
)

// Bounds of the look for an earlier attempt's post.
const (
	// checkClockSkew widens the look back before the job's creation: the job's clock is the
	// database's, Slack's ts its own.
	checkClockSkew = time.Minute
	// checkPageSize and checkMaxPages bound the read: a thread or a DM rarely holds more
	// than a page since a job was created; past the bound the answer is posted (at least
	// once rather than lost).
	checkPageSize = 200
	checkMaxPages = 5
)

// answerKey is the context key of the delivery key of the job being answered.
type answerKey struct{}

// withAnswerKey marks ctx as answering the job of key: the posts made with it carry key in
// their metadata.
func withAnswerKey(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return context.WithValue(ctx, answerKey{}, key)
}

// answerMetadata is the metadata option of a post made while answering a job, if it is.
func answerMetadata(ctx context.Context) (slack.MsgOption, bool) {
	key, ok := ctx.Value(answerKey{}).(string)
	if !ok {
		return nil, false
	}
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: answerEventType, EventPayload: map[string]any{answerKeyField: key}}), true
}

// Delivered implements jobs.DeliveryChecker: it reports whether the chat.postMessage answer
// to a is already in its thread or channel, posted at or after since. Answers through a
// response_url, and clicks answered privately, cannot be read back: false, nil.
func (b *Bot) Delivered(ctx context.Context, a jobs.AnswerArgs, since time.Time) (bool, error) {
	if !checkable(a) {
		return false, nil
	}
	oldest := slackTS(since.Add(-checkClockSkew))
	cursor := ""
	for range checkMaxPages {
		var msgs []slack.Message
		var next string
		var err error
		if a.ThreadTS != "" {
			err = b.call(ctx, "conversations.replies", func(ctx context.Context) error {
				var e error
				msgs, _, next, e = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: a.Channel, Timestamp: a.ThreadTS, Oldest: oldest, Inclusive: true,
					Limit: checkPageSize, Cursor: cursor, IncludeAllMetadata: true,
				})
				return e
			})
		} else {
			err = b.call(ctx, "conversations.history", func(ctx context.Context) error {
				h, e := b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
					ChannelID: a.Channel, Oldest: oldest, Inclusive: true,
					Limit: checkPageSize, Cursor: cursor, IncludeAllMetadata: true,
				})
				if e == nil {
					msgs, next = h.Messages, h.ResponseMetaData.NextCursor
				}
				return e
			})
		}
		if err != nil {
			return false, err
		}
		for _, m := range msgs {
			if m.Metadata.EventType == answerEventType && m.Metadata.EventPayload[answerKeyField] == a.DeliveryKey {
				return true, nil
			}
		}
		if next == "" {
			return false, nil
		}
		cursor = next
	}
	b.log.Warn("vérification d'une réponse précédente : trop de messages depuis la question, réponse publiée",
		"delivery", a.DeliveryKey, "channel", a.Channel, "pages", checkMaxPages)
	return false, nil
}

// checkable tells the answers posted with chat.postMessage in a known conversation: mentions,
// direct messages and the share button.
func checkable(a jobs.AnswerArgs) bool {
	if a.Channel == "" {
		return false
	}
	switch a.Surface {
	case SurfaceMention, SurfaceDM:
		return true
	case SurfaceButton:
		return reply.ActionName(a.Action) == reply.ActionShare
	}
	return false
}

// slackTS writes t as a Slack timestamp ("1700000000.000100").
func slackTS(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

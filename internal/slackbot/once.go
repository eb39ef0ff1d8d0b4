package slackbot

// Exactly once across a crash (see internal/jobs/once.go): every chat.postMessage an answer
// job makes carries the job's delivery key in its message metadata, and an attempt after the
// first reads the thread (conversations.replies) or the channel (conversations.history) since
// the job was created, metadata included (internal/posted, shared with the weekly report), to find out whether an earlier attempt's post went
// through before its process died. Answers through a response_url (slash commands, clicks)
// cannot be checked: Slack offers no way to read an ephemeral answer back, nor to replace a
// slash command's earlier answer (replace_original only replaces the message a button was
// clicked on), so they stay at least once; docs/benchmarks.md says what that leaves.

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/posted"
	"github.com/rolebot/rolebot/internal/reply"
)

// Message metadata of the answers.
const (
	// answerEventType is the metadata event_type of every answer posted by a job.
	answerEventType = "rolebot_answer"
	// answerKeyField is the field of the metadata payload holding the job's delivery key.
	answerKeyField = "delivery_key"
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
	return posted.Metadata(answerEventType, answerKeyField, key), true
}

// Delivered implements jobs.DeliveryChecker: it reports whether the chat.postMessage answer
// to a is already in its thread or channel, posted at or after since. Answers through a
// response_url, and clicks answered privately, cannot be read back: false, nil.
func (b *Bot) Delivered(ctx context.Context, a jobs.AnswerArgs, since time.Time) (bool, error) {
	if !checkable(a) {
		return false, nil
	}
	found, complete, err := posted.Find(ctx, b.api, b.call, posted.Look{Channel: a.Channel, ThreadTS: a.ThreadTS,
		Since: since, EventType: answerEventType, Field: answerKeyField, Value: a.DeliveryKey})
	if err != nil {
		return false, err
	}
	if !complete {
		b.log.Warn("vérification d'une réponse précédente : trop de messages depuis la question, réponse publiée",
			"delivery", a.DeliveryKey, "channel", a.Channel, "pages", posted.MaxPages)
	}
	return found, nil
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

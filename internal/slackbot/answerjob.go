package slackbot

// Answers as jobs: what a request becomes (jobs.AnswerArgs, everything needed to answer it in
// another process), and the answer rebuilt from it. Every answer goes through Answer, from
// the in-memory workers, the durable queue's fast path, or River's workers.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/reply"
)

// argsOf returns the job of a request that is answered as a job, and false for the others:
// the App Home (published again on the next visit), the team's modal and `/role équipe`
// (their trigger_id lives 3 s: an answer later could not open a modal).
func (b *Bot) argsOf(j job) (jobs.AnswerArgs, bool) {
	a := jobs.AnswerArgs{EnvelopeID: j.envelope, Surface: j.surface, ReceivedAt: j.received}
	switch {
	case j.slash != nil:
		cmd := j.slash
		if isTeamCommand(cmd.Text) {
			return a, false
		}
		a.DeliveryKey = deliveryKey("trigger:"+cmd.TriggerID, cmd.TriggerID, j.envelope)
		a.Channel, a.User, a.Text = cmd.ChannelID, cmd.UserID, cmd.Text
		a.ResponseURL, a.ResponseURLExpiresAt = cmd.ResponseURL, j.received.Add(jobs.ResponseURLLifetime)
	case j.mention != nil:
		ev := j.mention
		a.DeliveryKey = "message:" + ev.Channel + "/" + ev.TimeStamp
		a.Channel, a.User, a.Text = ev.Channel, ev.User, stripMention(ev.Text, b.botUserID)
		a.ThreadTS = ev.ThreadTimeStamp
		if a.ThreadTS == "" {
			a.ThreadTS = ev.TimeStamp
		}
	case j.message != nil:
		ev := j.message
		a.DeliveryKey = "message:" + ev.Channel + "/" + ev.TimeStamp
		a.Channel, a.User, a.Text = ev.Channel, ev.User, stripMention(ev.Text, b.botUserID)
		a.ThreadTS = ev.ThreadTimeStamp
	case j.interaction != nil && j.action != nil:
		cb, act := j.interaction, j.action
		if reply.ActionName(act.ActionID) == reply.ActionEditTeam || isFeedbackAction(act) {
			return a, false // feedback only writes the store: in memory (feedback.go)
		}
		a.DeliveryKey = deliveryKey("trigger:"+cb.TriggerID, cb.TriggerID, j.envelope)
		a.Channel = cb.Container.ChannelID
		if a.Channel == "" {
			a.Channel = cb.Channel.ID
		}
		a.User, a.Text, a.Action = cb.User.ID, act.Value, act.ActionID
		a.ThreadTS, a.MessageTS, a.Ephemeral = cb.Container.ThreadTs, cb.Container.MessageTs, cb.Container.IsEphemeral
		if key, ok := reply.FollowedKey(act.BlockID); ok && reply.ActionName(act.ActionID) == reply.ActionOpen {
			a.Follows = key
		} else if key, ok := reply.SharedKey(act.BlockID); ok && reply.ActionName(act.ActionID) == reply.ActionShare {
			a.Follows = key
		}
		if cb.ResponseURL != "" {
			a.ResponseURL, a.ResponseURLExpiresAt = cb.ResponseURL, j.received.Add(jobs.ResponseURLLifetime)
		}
	default:
		return a, false
	}
	return a, true
}

// deliveryKey is key when id is set, else the envelope's key.
func deliveryKey(key, id, envelope string) string {
	if id != "" {
		return key
	}
	return "envelope:" + envelope
}

// shareKey is the de-duplication key of a share click: a double click must not share the
// card twice.
func shareKey(channel, messageTS, user, value string) string {
	return "share:" + channel + "/" + messageTS + "/" + user + "/" + value
}

// Answer answers one request rebuilt from its job (it implements jobs.Answerer): it computes
// the answer from the current content and posts it, once, without waiting out a rate limit.
// It returns Slack's error as slack-go gave it (inside an *APIError), for the queue to snooze
// on a 429, retry or record the job as failed; a request it cannot answer at all is a
// *jobs.PermanentError.
func (b *Bot) Answer(ctx context.Context, a jobs.AnswerArgs) error {
	return b.prepare(ctx, a).send(ctx)
}

// prepared is an answer computed, not sent yet.
type prepared struct {
	// send posts it, as Answer does.
	send jobs.Send
	// an and msg are the answer and its card, key its feedback buttons' key; an is nil for
	// a click (answered whole by send) and a request that cannot be answered.
	an  *answer.Answer
	msg reply.Message
	key string
}

// prepare computes the answer of a (the content's, the people's, the card) and returns what
// posts it, as Answer does: the durable path computes it while the request's job is being
// stored, and posts it once the job is claimed. A click is answered whole when sent.
func (b *Bot) prepare(ctx context.Context, a jobs.AnswerArgs) (p prepared) {
	defer func() {
		if r := recover(); r != nil {
			p = prepared{send: b.panicked(a, r)}
		}
	}()
	key := b.answerKey(a) // of the answer's feedback buttons (record.go)
	var an answer.Answer
	var msg reply.Message
	switch a.Surface {
	case SurfaceSlash:
		if a.ResponseURL == "" {
			return prepared{send: fail(&jobs.PermanentError{Err: errors.New("commande sans response_url")})}
		}
		an = b.ask(ctx, a.Text)
		msg = b.card(an, true, "", b.people(ctx, a.Channel, a.User, an), key)
	case SurfaceMention:
		an = b.ask(ctx, a.Text)
		msg = b.card(an, false, "", b.people(ctx, a.Channel, a.User, an), key)
	case SurfaceDM:
		an = b.ask(ctx, a.Text)
		// A DM's channel is no team's: the asker's channels' teams apply.
		msg = b.card(an, false, "", b.people(ctx, "", a.User, an), key)
	case SurfaceButton:
		return prepared{key: key, send: func(ctx context.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = b.panicked(a, r)(ctx)
				}
			}()
			ctx = withAnswerKey(ctx, a.DeliveryKey)
			r := result{user: a.User, channel: a.Channel, question: a.Text}
			var shown *answer.Answer
			r.intent, shown, r.err = b.answerClick(ctx, a, key)
			return b.answered(ctx, a, key, shown, r)
		}}
	default:
		return prepared{send: fail(&jobs.PermanentError{Err: fmt.Errorf("surface %q inconnue", a.Surface)})}
	}
	return prepared{an: &an, msg: msg, key: key, send: func(ctx context.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = b.panicked(a, r)(ctx)
			}
		}()
		ctx = withAnswerKey(ctx, a.DeliveryKey) // its posts say which job they answer (once.go)
		r := result{user: a.User, channel: a.Channel, question: a.Text, intent: an.Intent}
		if a.Surface == SurfaceSlash {
			r.err = b.respond(ctx, a.ResponseURL, msg, false)
		} else {
			r.err = b.post(ctx, a.Channel, a.ThreadTS, msg)
		}
		return b.answered(ctx, a, key, &an, r)
	}}
}

// answered logs and counts the outcome of an answer's post and records the answer shown;
// it returns the post's error.
func (b *Bot) answered(ctx context.Context, a jobs.AnswerArgs, key string, shown *answer.Answer, r result) error {
	if rateLimited(r.err) {
		// Not an outcome yet: the answer is posted later, and logged then.
		return r.err
	}
	if r.err == nil && shown != nil {
		b.recordShown(a, key, *shown) // off the critical path: the answer is out
	}
	b.done(ctx, a.Surface, a.ReceivedAt, r)
	return r.err
}

// panicked logs and counts a panic while answering a, and returns the Send that reports it
// as a permanent failure.
func (b *Bot) panicked(a jobs.AnswerArgs, r any) jobs.Send {
	b.metrics.Failures.WithLabelValues(a.Surface).Inc()
	b.log.Error("panique en répondant", "surface", a.Surface, "panic", fmt.Sprint(r))
	return fail(&jobs.PermanentError{Err: fmt.Errorf("panique en répondant : %v", r)})
}

// fail is a Send that posts nothing and returns err.
func fail(err error) jobs.Send { return func(context.Context) error { return err } }

// rateLimited tells a 429 from Slack.
func rateLimited(err error) bool {
	var rl *slack.RateLimitedError
	return errors.As(err, &rl)
}

// answerClick handles the share and open buttons of a card; a card opened carries the feedback
// buttons of key, and is returned as the answer shown; a card shared carries those of the
// answer shared, and is not an answer of its own.
func (b *Bot) answerClick(ctx context.Context, a jobs.AnswerArgs, key string) (answer.Intent, *answer.Answer, error) {
	cb := &slack.InteractionCallback{
		ResponseURL: a.ResponseURL,
		User:        slack.User{ID: a.User},
		Container:   slack.Container{ChannelID: a.Channel, ThreadTs: a.ThreadTS, MessageTs: a.MessageTS, IsEphemeral: a.Ephemeral},
	}
	found, ok := b.lookup(a.Text)
	if !ok {
		// Before the first content nothing can be looked up: that is not a card gone.
		text := goneText
		if b.content() == nil {
			text = NotLoadedText
		}
		return answer.IntentNone, nil, b.privately(ctx, cb, reply.Message{Text: text}, false)
	}
	if reply.ActionName(a.Action) == reply.ActionShare {
		// The card shared is the preview's answer: its feedback buttons are that answer's.
		err := b.share(ctx, cb, a.Channel, found, b.sharedKey(a))
		if err != nil && !rateLimited(err) {
			b.seen.forget(shareKey(a.Channel, a.MessageTS, a.User, a.Text))
		}
		return found.Intent, nil, err
	}
	// From a private preview, the new card replaces it; from a public message, it comes as
	// a new private message. A card opened from the App Home goes to the app's DM, where
	// there is no one to share it with.
	msg := b.card(found, a.ResponseURL != "", "", b.people(ctx, a.Channel, a.User, found), key)
	return found.Intent, &found, b.privately(ctx, cb, msg, a.Ephemeral)
}

// answerWaiting answers a request of the in-memory path (a bot without a durable queue):
// there the rate limits are waited out, as nothing else would answer later.
func (b *Bot) answerWaiting(ctx context.Context, a jobs.AnswerArgs) {
	err := b.waitingOut(ctx, methodOf(a), func() error { return b.Answer(ctx, a) })
	if rateLimited(err) {
		// Answer logs every outcome but a 429: the last one is logged here.
		b.done(ctx, a.Surface, a.ReceivedAt, result{user: a.User, channel: a.Channel, question: a.Text, err: err})
	}
}

// waitingOut runs post, and again after each 429 the Retry-After Slack asked for, bounded in
// total by maxRetryWait and by ctx: for the posts no queue would make later (the in-memory
// path, the busy replies), from goroutines of their own.
func (b *Bot) waitingOut(ctx context.Context, method string, post func() error) error {
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		err := post()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			return err
		}
		wait := max(rl.RetryAfter, time.Second)
		if attempt >= maxRateLimitRetries || waited+wait > b.maxRetryWait {
			return err
		}
		b.metrics.SlackRetries.WithLabelValues(method).Inc()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
			waited += wait
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// methodOf names the call that posts a's answer, for the metrics.
func methodOf(a jobs.AnswerArgs) string {
	if a.ResponseURL != "" {
		return methodResponseURL
	}
	return "chat.postMessage"
}

package slackbot

// What the read loop does with each request: acknowledge it, drop it as a
// duplicate, or hand it to the workers.

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/reply"
)

// job is one acknowledged request waiting for a worker.
type job struct {
	surface  string
	received time.Time
	envelope string

	slash       *slack.SlashCommand
	mention     *slackevents.AppMentionEvent
	message     *slackevents.MessageEvent
	home        *slackevents.AppHomeOpenedEvent
	interaction *slack.InteractionCallback
	action      *slack.BlockAction
	// submission is a team's modal submitted: the worker acks it, with
	// sm and req, once it has validated it.
	submission *slack.InteractionCallback
	sm         *socketmode.Client
	req        *socketmode.Request
	// forget is the de-duplication key to drop if the work fails, so the
	// user may try again.
	forget string
}

// loop is what the read loop hands work with.
type loop struct {
	sm    *socketmode.Client
	queue chan job
	// work is the workers' context, which outlives Run's by the shutdown
	// timeout.
	work context.Context
	// durable is the path through the durable queue; nil without one.
	durable *durablePath
}

// full tells whether the channel a request goes to is full: the durable path's intake for a
// request answered as a job (durable true), the in-memory workers' queue otherwise. Only the
// read loop sends on them, so a channel seen with room has room.
func (lp *loop) full(durable bool) bool {
	if durable && lp.durable != nil {
		return len(lp.durable.intake) == cap(lp.durable.intake)
	}
	return len(lp.queue) == cap(lp.queue)
}

// ackTimeout bounds how long the read loop waits to queue an ack: slack-go
// queues 20 of them, and while it reconnects nobody sends them. Past it the
// ack is dropped (Slack redelivers an event, and the retry is recognised) so
// the read loop never stalls.
const ackTimeout = 2 * time.Second

// dispatch handles one socket-mode event on the read loop: it must never
// block on Slack or on the workers.
func (b *Bot) dispatch(ctx context.Context, lp *loop, evt socketmode.Event) {
	sm := lp.sm
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.setConnected(false)
		if ce, ok := evt.Data.(*slack.ConnectingEvent); ok {
			b.log.Debug("connexion à Slack", "attempt", ce.Attempt, "connection", ce.ConnectionCount)
		}
	case socketmode.EventTypeConnectionError:
		b.setConnected(false)
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.log.Warn("connexion à Slack impossible, nouvel essai", "attempt", ce.Attempt, "backoff", ce.Backoff,
				"error", sanitize(ce.ErrorObj).Error())
		}
	case socketmode.EventTypeInvalidAuth:
		b.setConnected(false)
	case socketmode.EventTypeConnected:
		if ce, ok := evt.Data.(*socketmode.ConnectedEvent); ok {
			if ce.ConnectionCount > 0 {
				b.metrics.Reconnections.Inc()
			}
			b.log.Info("connexion socket-mode ouverte", "connection", ce.ConnectionCount)
		}
	case socketmode.EventTypeHello:
		b.setConnected(true)
		b.log.Info("connecté à Slack")
	case socketmode.EventTypeIncomingError:
		if ie, ok := evt.Data.(*slack.IncomingEventError); ok {
			b.log.Debug("lecture du socket interrompue", "error", sanitize(ie.ErrorObj).Error())
		}
	case socketmode.EventTypeErrorWriteFailed:
		if we, ok := evt.Data.(*socketmode.ErrorWriteFailed); ok {
			envelope := ""
			if we.Response != nil {
				envelope = we.Response.EnvelopeID
			}
			b.log.Warn("accusé de réception non envoyé", "envelope", envelope, "error", sanitize(we.Cause).Error())
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not parse it: acknowledge anyway, or Slack retries
		// a message that will never parse.
		if bm, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bm.Message, &env) == nil && env.EnvelopeID != "" {
				actx, cancel := context.WithTimeout(ctx, ackTimeout)
				_ = sm.AckCtx(actx, env.EnvelopeID, nil)
				cancel()
			}
			b.log.Warn("message de Slack illisible, ignoré", "envelope", env.EnvelopeID, "error", bm.Cause.Error())
		}
	case socketmode.EventTypeSlashCommand:
		b.onSlash(ctx, lp, evt)
	case socketmode.EventTypeEventsAPI:
		b.onEvent(ctx, lp, evt)
	case socketmode.EventTypeInteractive:
		b.onInteraction(ctx, lp, evt)
	}
}

// ack acknowledges a request and records how long it took since it was read.
//
// ackLast: handlers ack on return, after queuing the job, not before. Both
// only wake a goroutine (slack-go's writer, a worker), and Go runs the one
// woken last first: acking last lets the ack go out before the answer's
// work takes the CPU. Measured with cmd/loadtest, the bot alone on one CPU:
// acking first made the ack wait for the whole answer (ack p50 0.6 ms, after
// the answer); acking last, 0.3 ms, the floor bot's.
func (b *Bot) ack(ctx context.Context, sm *socketmode.Client, req *socketmode.Request, read time.Time, payload any) {
	if req == nil || req.EnvelopeID == "" {
		return
	}
	actx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := sm.AckCtx(actx, req.EnvelopeID, payload); err != nil {
		b.log.Warn("accusé de réception impossible", "envelope", req.EnvelopeID, "error", err.Error())
		return
	}
	b.metrics.AckLatency.WithLabelValues(req.Type).Observe(time.Since(read).Seconds())
}

// laterAck acknowledges a request when its handler returns, after the job
// is queued (see ackLast), unless skip is set: the request is then left for
// Slack to deliver again.
type laterAck struct {
	b    *Bot
	ctx  context.Context
	sm   *socketmode.Client
	req  *socketmode.Request
	read time.Time
	skip bool
}

func (l *laterAck) send() {
	if !l.skip {
		l.b.ack(l.ctx, l.sm, l.req, l.read, nil)
	}
}

// enqueue hands j to the workers, or, when the queue is full, tells the
// user the bot is busy. When even that cannot be sent, it forgets keys and
// reports false: the caller must not acknowledge the request, so that Slack
// delivers an event again later, and shows its error for a click, rather
// than the request being dropped without a word. Only the read loop
// sends on queue, so a queue seen with room has room.
//
// A request answered as a job goes to the durable path's intake, which
// acknowledges it once its job is in the database (the ack is taken from
// later): nothing acknowledged is lost, even to kill -9.
func (b *Bot) enqueue(lp *loop, j job, later *laterAck, keys ...string) bool {
	if a, ok := b.argsOf(j); ok && lp.durable != nil {
		select {
		case lp.durable.intake <- intakeItem{args: a, sm: later.sm, req: later.req, read: later.read}:
			later.skip = true
			return true
		default:
		}
	} else {
		select {
		case lp.queue <- j:
			return true
		default:
		}
	}
	if b.overloaded(lp.work, j) {
		return true
	}
	for _, k := range keys {
		b.seen.forget(k)
	}
	if j.interaction != nil {
		// Slack never sends a click again: the user sees its error.
		b.metrics.Overloaded.WithLabelValues(j.surface).Inc()
		b.log.Warn("file pleine : clic laissé sans accusé de réception, Slack affichera une erreur", "surface", j.surface)
	} else {
		b.metrics.Deferred.WithLabelValues(j.surface).Inc()
		b.log.Warn("file pleine : requête laissée sans accusé de réception, Slack la renverra", "surface", j.surface)
	}
	return false
}

func (b *Bot) onSlash(ctx context.Context, lp *loop, evt socketmode.Event) {
	sm := lp.sm
	read := time.Now()
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		b.ack(ctx, sm, evt.Request, read, nil)
		return
	}
	// The queue's fill is known before the ack: a full queue is answered
	// in the ack itself, which costs no call to Slack.
	if _, durable := b.argsOf(job{slash: &cmd}); lp.full(durable) {
		b.ack(ctx, sm, evt.Request, read, map[string]any{"response_type": "ephemeral", "text": BusyText})
		b.metrics.Overloaded.WithLabelValues(SurfaceSlash).Inc()
		b.log.Warn("file pleine : commande refusée", "surface", SurfaceSlash, "user", cmd.UserID, "channel", cmd.ChannelID)
		return
	}
	later := &laterAck{b: b, ctx: ctx, sm: sm, req: evt.Request, read: read}
	defer later.send() // see ackLast
	if !b.seen.first("envelope:"+evt.Request.EnvelopeID, "trigger:"+cmd.TriggerID) {
		b.duplicate("slash", evt.Request)
		return
	}
	// The queue had room (checked above) and only this loop fills it.
	b.enqueue(lp, job{surface: SurfaceSlash, received: read, envelope: evt.Request.EnvelopeID, slash: &cmd}, later)
}

func (b *Bot) onEvent(ctx context.Context, lp *loop, evt socketmode.Event) {
	read := time.Now()
	later := &laterAck{b: b, ctx: ctx, sm: lp.sm, req: evt.Request, read: read}
	defer later.send()
	outer, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok {
		return
	}
	eventID := ""
	if cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent); ok {
		eventID = cb.EventID
	}
	j := job{received: read, envelope: evt.Request.EnvelopeID}
	keys := []string{"event:" + eventID}
	kind := "event"
	switch ev := outer.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" || ev.User == b.botUserID {
			b.log.Debug("mention d'un bot ignorée", "channel", ev.Channel, "bot_id", ev.BotID)
			return
		}
		j.surface, j.mention = SurfaceMention, ev
		keys = append(keys, "message:"+ev.Channel+"/"+ev.TimeStamp)
		kind = "message"
	case *slackevents.MessageEvent:
		if ev.ChannelType != "im" {
			return
		}
		if ev.SubType != "" || ev.BotID != "" || ev.User == "" || ev.User == b.botUserID {
			b.log.Debug("message ignoré", "channel", ev.Channel, "subtype", ev.SubType, "bot_id", ev.BotID)
			return
		}
		j.surface, j.message = SurfaceDM, ev
		keys = append(keys, "message:"+ev.Channel+"/"+ev.TimeStamp)
		kind = "message"
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab != "home" {
			return
		}
		j.surface, j.home = SurfaceHome, ev
	default:
		return
	}
	if eventID == "" {
		keys[0] = "" // no event id: the message key alone decides
	}
	if !b.seen.first(keys...) {
		b.duplicate(kind, evt.Request)
		return
	}
	if !b.enqueue(lp, j, later, keys...) {
		later.skip = true
	}
}

func (b *Bot) onInteraction(ctx context.Context, lp *loop, evt socketmode.Event) {
	read := time.Now()
	later := &laterAck{b: b, ctx: ctx, sm: lp.sm, req: evt.Request, read: read}
	defer later.send()
	cb, ok := evt.Data.(slack.InteractionCallback)
	if ok && cb.Type == slack.InteractionTypeViewSubmission {
		later.skip = b.onSubmission(lp, evt, &cb, read)
		return
	}
	if !ok || cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	var act *slack.BlockAction
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		// Action ids of a kind get a suffix (":2") after the first.
		if name := reply.ActionName(a.ActionID); name == reply.ActionShare || name == reply.ActionOpen || name == reply.ActionEditTeam || name == reply.ActionFeedback {
			act = a
			break
		}
	}
	if act == nil {
		return
	}
	keys := []string{"envelope:" + evt.Request.EnvelopeID, "trigger:" + cb.TriggerID}
	j := job{surface: SurfaceButton, received: read, envelope: evt.Request.EnvelopeID, interaction: &cb, action: act}
	if isFeedbackAction(act) {
		j.surface = SurfaceFeedback
	}
	if reply.ActionName(act.ActionID) == reply.ActionShare {
		// A double click must not share the card twice.
		channel := cb.Container.ChannelID
		if channel == "" {
			channel = cb.Channel.ID
		}
		j.forget = shareKey(channel, cb.Container.MessageTs, cb.User.ID, act.Value)
		keys = append(keys, j.forget)
	}
	if !b.seen.first(keys...) {
		b.duplicate("interaction", evt.Request)
		return
	}
	if key, ok := reply.FollowedKey(act.BlockID); ok && reply.ActionName(act.ActionID) == reply.ActionOpen {
		b.recordFollow(key, act.Value)
	}
	if !b.enqueue(lp, j, later, keys...) {
		later.skip = true
	}
}

// onSubmission queues a team's modal submitted, for a worker to validate and
// ack with its errors; it reports whether it left the ack to the worker.
// Other views are acked at once, with nothing to say.
func (b *Bot) onSubmission(lp *loop, evt socketmode.Event, cb *slack.InteractionCallback, read time.Time) bool {
	surface := SurfaceTeam
	switch cb.View.CallbackID {
	case reply.TeamCallbackID:
	case reply.FeedbackCallbackID:
		surface = SurfaceFeedback
	default:
		return false
	}
	if !b.seen.first("envelope:" + evt.Request.EnvelopeID) {
		b.duplicate("interaction", evt.Request)
		return false
	}
	j := job{surface: surface, received: read, envelope: evt.Request.EnvelopeID, submission: cb, sm: lp.sm, req: evt.Request}
	select {
	case lp.queue <- j:
		return true
	default:
	}
	// A full queue: say so under the modal's first input, in the ack.
	b.metrics.Overloaded.WithLabelValues(surface).Inc()
	b.ack(lp.work, lp.sm, evt.Request, read, map[string]any{
		"response_action": "errors", "errors": map[string]string{firstInput(cb.View): modalBusy},
	})
	return true
}

func (b *Bot) duplicate(kind string, req *socketmode.Request) {
	b.metrics.Duplicates.WithLabelValues(kind).Inc()
	b.log.Debug("requête déjà traitée, ignorée", "kind", kind, "envelope", req.EnvelopeID, "retry_attempt", req.RetryAttempt)
}

package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/store"
)

// Defaults for the zero fields of Options.
const (
	DefaultCommand         = "/role"
	DefaultWorkers         = 8
	DefaultShutdownTimeout = 10 * time.Second
	// DefaultQueuePerWorker sizes the queue: Workers times this many
	// requests may wait for a worker before newcomers are turned away.
	DefaultQueuePerWorker = 128
)

// BusyText is what a user is told when the bot has too much work queued.
const BusyText = "Je suis débordé, réessayez dans un instant."

// Snapshots gives the content to answer from; *knowledge.Store is one.
// Current is called for every answer, so a reload takes effect at once.
type Snapshots interface {
	Current() *knowledge.Snapshot
}

// Options configures a Bot.
type Options struct {
	// API is the Slack client, with the bot token, the app-level token and
	// the API URL; see NewClient. Required.
	API *slack.Client
	// Store gives the content to answer from. Required.
	Store Snapshots
	// Logger receives one line per question and the connection's events;
	// nil discards them.
	Logger *slog.Logger
	// Metrics are updated as the bot works; nil creates unregistered ones.
	Metrics *Metrics
	// Command is the slash command, for the help and the cards ("/role").
	Command string
	// BaseURL is the published content's address, to link cards to their
	// page; empty for no links.
	BaseURL string
	// Workers is how many questions are answered at the same time.
	Workers int
	// QueueSize bounds the requests waiting for a worker; when it is full,
	// new requests get BusyText. Default: Workers × DefaultQueuePerWorker.
	QueueSize int
	// ShutdownTimeout bounds how long Run finishes the work in flight once
	// its context is cancelled.
	ShutdownTimeout time.Duration
	// MaxRetryWait bounds the total time one Slack call waits out rate
	// limits. Default: DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// DedupTTL and DedupSize bound the memory of requests already seen.
	DedupTTL  time.Duration
	DedupSize int
	// SocketOptions are passed to socketmode.New after the bot's own, e.g.
	// socketmode.OptionPingInterval (DefaultPingInterval otherwise).
	SocketOptions []socketmode.Option
	// StartRetryBase is the first delay between two auth.test attempts at
	// start while Slack fails (5xx, 429, unreachable). Default:
	// DefaultStartRetryBase.
	StartRetryBase time.Duration
	// Teams keeps each channel's team and the delivery claims shared by
	// replicas (internal/store); nil runs without people. Optional.
	Teams *store.Store
}

// Bot is rolebot's Slack app. Create it with New and start it with Run.
type Bot struct {
	api             *slack.Client
	store           Snapshots
	log             *slog.Logger
	metrics         *Metrics
	command         string
	baseURL         string
	workers         int
	queueSize       int
	shutdownTimeout time.Duration
	maxRetryWait    time.Duration
	socketOpts      []socketmode.Option
	startRetryBase  time.Duration
	seen            *dedup

	// botUserID and botID are learnt from auth.test before the socket
	// opens, and only read afterwards.
	botUserID string
	botID     string

	connected atomic.Bool
	started   atomic.Bool
	// startProblem is why the start waits, while auth.test is retried.
	startProblem atomic.Pointer[string]

	// turnAway bounds the goroutines that tell users the bot is busy.
	turnAway   chan struct{}
	turnAwayWG sync.WaitGroup
}

// New returns a Bot; it does nothing until Run.
func New(o Options) *Bot {
	b := &Bot{
		api:             o.API,
		store:           o.Store,
		log:             o.Logger,
		metrics:         o.Metrics,
		command:         o.Command,
		baseURL:         o.BaseURL,
		workers:         o.Workers,
		queueSize:       o.QueueSize,
		shutdownTimeout: o.ShutdownTimeout,
		maxRetryWait:    o.MaxRetryWait,
		socketOpts:      o.SocketOptions,
		startRetryBase:  o.StartRetryBase,
		seen:            newDedup(o.DedupTTL, o.DedupSize, nil),
	}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if b.metrics == nil {
		b.metrics, _ = NewMetrics(nil)
	}
	if b.command == "" {
		b.command = DefaultCommand
	}
	if b.workers <= 0 {
		b.workers = DefaultWorkers
	}
	if b.queueSize <= 0 {
		b.queueSize = b.workers * DefaultQueuePerWorker
	}
	if b.shutdownTimeout <= 0 {
		b.shutdownTimeout = DefaultShutdownTimeout
	}
	if b.startRetryBase <= 0 {
		b.startRetryBase = DefaultStartRetryBase
	}
	if b.maxRetryWait <= 0 {
		b.maxRetryWait = DefaultMaxRetryWait
	}
	b.turnAway = make(chan struct{}, b.workers)
	return b
}

// Connected reports whether the socket-mode connection is up: Slack's hello
// was received and no reconnection is under way.
func (b *Bot) Connected() bool { return b.connected.Load() }

func (b *Bot) setConnected(up bool) {
	b.connected.Store(up)
	if up {
		b.metrics.Connected.Set(1)
	} else {
		b.metrics.Connected.Set(0)
	}
}

// ErrAlreadyStarted is returned by a second call to Run.
var ErrAlreadyStarted = errors.New("slackbot : le bot tourne déjà")

// Run connects to Slack and answers until ctx is cancelled, then stops
// reading new requests, finishes those already acknowledged (bounded by
// ShutdownTimeout) and returns nil. It returns an *AuthError when Slack
// refuses a token (at start or when reconnecting), and another error when
// the bot cannot start; while Slack fails at start (5xx, 429, unreachable)
// it retries, and NotReadyReason says so. A Bot runs once.
func (b *Bot) Run(ctx context.Context) error {
	if b.api == nil || b.store == nil {
		return errors.New("slackbot : API et Store sont requis")
	}
	if !b.started.CompareAndSwap(false, true) {
		return ErrAlreadyStarted
	}
	if err := b.whoAmIRetrying(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}

	sm := socketmode.New(b.api, append([]socketmode.Option{
		socketmode.OptionLog(silentLogger()),
		socketmode.OptionDebug(false),
		socketmode.OptionPingInterval(DefaultPingInterval),
	}, b.socketOpts...)...)
	// The socket closes when stopSocket says, not with ctx: on shutdown,
	// what slack-go has read is acknowledged first (drainSocket).
	runCtx, stopSocket := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSocket()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(runCtx) }()

	// Work outlives ctx by up to ShutdownTimeout, so answers in flight
	// complete after SIGTERM.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	queue := make(chan job, b.queueSize)
	var workers sync.WaitGroup
	for range b.workers {
		workers.Go(func() {
			for j := range queue {
				if workCtx.Err() != nil {
					// Past the shutdown timeout: drop what is left
					// without computing answers nobody can send.
					b.metrics.Failures.WithLabelValues(j.surface).Inc()
					continue
				}
				b.handle(workCtx, j)
			}
		})
	}

	lp := &loop{sm: sm, queue: queue, work: workCtx}
	// Acks have a context of their own: when ctx ends, both cases of the
	// select below may be ready, and a request dispatched then would be
	// acked with a cancelled context, which slack-go drops at random. It
	// ends with the drain.
	ackCtx, stopAcks := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAcks()
	var result error
	socketDone := false
read:
	for {
		select {
		case <-ctx.Done():
			break read
		case err := <-runErr:
			socketDone = true
			result = b.socketError(ctx, err)
			break read
		case evt := <-sm.Events:
			b.dispatch(ackCtx, lp, evt)
		}
	}

	// Stop taking work: Slack redelivers what was not acknowledged.
	b.setConnected(false)
	if !socketDone {
		b.drainSocket(ackCtx, lp, sm.Events)
		// A hello read during the drain (a reconnection under way) must
		// not make the bot ready again.
		b.setConnected(false)
	}
	stopAcks()
	stopSocket()
	close(queue)
	pending := len(queue)
	drained := make(chan struct{})
	go func() {
		workers.Wait()
		b.turnAwayWG.Wait()
		close(drained)
	}()
	b.log.Info("arrêt : fin des réponses en cours", "queued", pending, "timeout", b.shutdownTimeout)
	timer := time.NewTimer(b.shutdownTimeout)
	select {
	case <-drained:
		timer.Stop()
	case <-timer.C:
		b.log.Warn("arrêt : délai dépassé, réponses en cours abandonnées", "timeout", b.shutdownTimeout)
		stopWork()
		<-drained
	}
	if !socketDone {
		select {
		case <-runErr:
		case <-time.After(5 * time.Second):
			b.log.Warn("arrêt : la connexion socket-mode ne s'est pas fermée à temps")
		}
	}
	b.log.Info("arrêt terminé")
	return result
}

// Requests slack-go has already read wait in its Events buffer (and more
// may be on the wire): on shutdown they are acknowledged and queued before
// the socket closes, until none has come for drainQuiet, for drainMax at
// most. Slack redelivers an event never acknowledged, but a slash command
// would fail for its user.
const (
	drainQuiet = 50 * time.Millisecond
	drainMax   = time.Second
)

// drainSocket handles what events holds until it stays empty for
// drainQuiet, for drainMax at most: the acks it sends end with it too, so a
// stalled socket cannot hold the shutdown.
func (b *Bot) drainSocket(ctx context.Context, lp *loop, events <-chan socketmode.Event) {
	ctx, cancel := context.WithTimeout(ctx, drainMax)
	defer cancel()
	quiet := time.NewTimer(drainQuiet)
	defer quiet.Stop()
	for {
		select {
		case evt := <-events:
			b.dispatch(ctx, lp, evt)
			quiet.Reset(drainQuiet)
		case <-quiet.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// whoAmI calls auth.test to learn the bot's own ids, so it can ignore its
// own messages and strip its mention from questions.
func (b *Bot) whoAmI(ctx context.Context) error {
	var res *slack.AuthTestResponse
	err := b.call(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		res, err = b.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) && isAuthCode(ae.Code) {
			return &AuthError{Var: "SLACK_BOT_TOKEN", Method: "auth.test", Code: ae.Code}
		}
		return fmt.Errorf("vérification du jeton de bot (auth.test) : %w", err)
	}
	b.botUserID, b.botID = res.UserID, res.BotID
	b.log.Info("identité du bot", "bot_user", res.UserID, "bot_id", res.BotID, "team", res.TeamID)
	return nil
}

// socketError turns what socketmode's RunContext returned into Run's result.
func (b *Bot) socketError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return nil
	}
	code := slackCode(err)
	b.metrics.SlackErrors.WithLabelValues("apps.connections.open", code).Inc()
	if isAuthCode(code) {
		return &AuthError{Var: "SLACK_APP_TOKEN", Method: "apps.connections.open", Code: code}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return fmt.Errorf("connexion à Slack en mode socket refusée (HTTP %d) : vérifiez SLACK_APP_TOKEN et SLACK_API_URL", sc.Code)
	}
	return fmt.Errorf("connexion à Slack en mode socket : %w", sanitize(err))
}

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
func (b *Bot) enqueue(lp *loop, j job, keys ...string) bool {
	select {
	case lp.queue <- j:
		return true
	default:
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
	if len(lp.queue) == cap(lp.queue) {
		b.ack(ctx, sm, evt.Request, read, map[string]any{"response_type": "ephemeral", "text": BusyText})
		b.metrics.Overloaded.WithLabelValues(SurfaceSlash).Inc()
		b.log.Warn("file pleine : commande refusée", "surface", SurfaceSlash, "user", cmd.UserID, "channel", cmd.ChannelID)
		return
	}
	defer b.ack(ctx, sm, evt.Request, read, nil) // see ackLast
	if !b.seen.first("envelope:"+evt.Request.EnvelopeID, "trigger:"+cmd.TriggerID) {
		b.duplicate("slash", evt.Request)
		return
	}
	// The queue had room (checked above) and only this loop fills it.
	b.enqueue(lp, job{surface: SurfaceSlash, received: read, envelope: evt.Request.EnvelopeID, slash: &cmd})
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
	later.skip = !b.enqueue(lp, j, keys...)
}

func (b *Bot) onInteraction(ctx context.Context, lp *loop, evt socketmode.Event) {
	read := time.Now()
	later := &laterAck{b: b, ctx: ctx, sm: lp.sm, req: evt.Request, read: read}
	defer later.send()
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok || cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	var act *slack.BlockAction
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		// Action ids of a kind get a suffix (":2") after the first.
		if name := reply.ActionName(a.ActionID); name == reply.ActionShare || name == reply.ActionOpen {
			act = a
			break
		}
	}
	if act == nil {
		return
	}
	keys := []string{"envelope:" + evt.Request.EnvelopeID, "trigger:" + cb.TriggerID}
	j := job{surface: SurfaceButton, received: read, envelope: evt.Request.EnvelopeID, interaction: &cb, action: act}
	if reply.ActionName(act.ActionID) == reply.ActionShare {
		// A double click must not share the card twice.
		j.forget = "share:" + cb.Container.ChannelID + "/" + cb.Container.MessageTs + "/" + cb.User.ID + "/" + act.Value
		keys = append(keys, j.forget)
	}
	if !b.seen.first(keys...) {
		b.duplicate("interaction", evt.Request)
		return
	}
	later.skip = !b.enqueue(lp, j, keys...)
}

func (b *Bot) duplicate(kind string, req *socketmode.Request) {
	b.metrics.Duplicates.WithLabelValues(kind).Inc()
	b.log.Debug("requête déjà traitée, ignorée", "kind", kind, "envelope", req.EnvelopeID, "retry_attempt", req.RetryAttempt)
}

package slackbot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/knowledge"
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
	// Teams gives each channel's team, so that answers name people and
	// `/role équipe` edits them; nil: answers name nobody.
	Teams Teams
	// Queue is the durable queue of answers (see durable.go): every
	// question and click becomes a job in it before it is answered, and the
	// job's unique delivery key de-duplicates deliveries across replicas.
	// Nil: answers in memory only, the in-memory de-duplication alone.
	Queue AnswerQueue
	// Admins are Slack user ids who may edit every channel's team
	// (ADMIN_USER_IDS).
	Admins []string
	// UserCacheTTL and MembersCacheTTL bound the caches of users.info and
	// of channels' members. Defaults: DefaultUserCacheTTL and
	// DefaultMembersCacheTTL.
	UserCacheTTL    time.Duration
	MembersCacheTTL time.Duration
	// Feedback records every answer shown and the opinions on them (the
	// feedback buttons under each answer, the comment modal), and gives the
	// admins' App Home its report; nil: answers carry no feedback buttons.
	Feedback Feedback
	// RecordBuffer bounds the answers shown waiting to be recorded; when it
	// is full, records are dropped, never the answers. Default:
	// DefaultRecordBuffer.
	RecordBuffer int
	// AckAnswerBudget is how long after a slash command is read its answer may take to go in
	// the command's socket-mode ack, on the durable queue's path (ackanswer.go); past it, the
	// command is acknowledged empty and answered through its response_url. Default:
	// DefaultAckAnswerBudget.
	AckAnswerBudget time.Duration
	// StartRetryBase is the first delay between two auth.test attempts at
	// start while Slack fails (5xx, 429, unreachable). Default:
	// DefaultStartRetryBase.
	StartRetryBase time.Duration
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
	ackBudget       time.Duration
	seen            *dedup
	teams           Teams
	queue           AnswerQueue
	admins          map[string]bool
	dir             *directory
	feedback        Feedback
	rec             *recorder

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
		ackBudget:       o.AckAnswerBudget,
		seen:            newDedup(o.DedupTTL, o.DedupSize, nil),
		teams:           o.Teams,
		queue:           o.Queue,
		admins:          map[string]bool{},
		feedback:        o.Feedback,
	}
	b.rec = newRecorder(b, o.RecordBuffer)
	for _, a := range o.Admins {
		b.admins[a] = true
	}
	b.dir = newDirectory(b, o.UserCacheTTL, o.MembersCacheTTL)
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
	if b.ackBudget <= 0 {
		b.ackBudget = DefaultAckAnswerBudget
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

	// Acks have a context of their own: when ctx ends, both cases of the
	// select below may be ready, and a request dispatched then would be
	// acked with a cancelled context, which slack-go drops at random. It
	// ends with the drain.
	ackCtx, stopAcks := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAcks()
	if b.feedback != nil {
		b.rec.start()
		// After the answers in flight, whose records it flushes.
		defer b.rec.stop()
	}
	lp := &loop{sm: sm, queue: queue, work: workCtx}
	if b.queue != nil {
		lp.durable = b.startDurable(workCtx, ackCtx)
	}
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
	pending := len(queue)
	if lp.durable != nil {
		// What was read is stored, then acknowledged, before the socket closes.
		lp.durable.closeIntake()
		for _, lane := range lp.durable.lanes {
			pending += len(lane)
		}
	}
	stopAcks()
	stopSocket()
	close(queue)
	drained := make(chan struct{})
	go func() {
		workers.Wait()
		if lp.durable != nil {
			lp.durable.wait()
		}
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
	if lp.durable != nil {
		lp.durable.releaseLeft(ctx)
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

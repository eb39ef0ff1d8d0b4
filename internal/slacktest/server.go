package slacktest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// Defaults used for the zero fields of Config.
const (
	DefaultBotToken   = "xoxb-000000000001-slacktest"
	DefaultAppToken   = "xapp-1-A000000001-slacktest"
	DefaultTeamID     = "T0000000001"
	DefaultTeamDomain = "slacktest"
	DefaultAppID      = "A1"
	DefaultBotUserID  = "U0000000BOT"
	DefaultBotID      = "B0000000BOT"
	// DefaultAckTimeout is Slack's: an envelope not acked within 3 s fails
	// for the user (commands, interactions) or is retried (events).
	DefaultAckTimeout = 3 * time.Second
	// DefaultMaxRedeliveries is how many times Slack retries an event.
	DefaultMaxRedeliveries = 3
	// DefaultPingInterval is well under slack-go's default 30 s ping
	// watchdog (socketmode.OptionPingInterval).
	DefaultPingInterval = 5 * time.Second
	// DefaultResponseURLUses and DefaultResponseURLTTL are Slack's
	// response_url limits: 5 uses within 30 minutes.
	DefaultResponseURLUses = 5
	DefaultResponseURLTTL  = 30 * time.Minute
)

// ErrClosed is returned by waits and injections once the server is closed.
var ErrClosed = errors.New("slacktest: server closed")

// Config configures a Server; zero fields take the Default values.
type Config struct {
	// BotToken is the only bot token the Web API accepts.
	BotToken string
	// AppToken is the only app-level token apps.connections.open accepts.
	AppToken string
	// TeamID, TeamDomain, AppID, BotUserID and BotID identify the fake
	// workspace and app in payloads and in auth.test.
	TeamID     string
	TeamDomain string
	AppID      string
	BotUserID  string
	BotID      string
	// AckTimeout is how long an envelope may wait for its ack before it
	// counts as late (and, with Redeliver, before an event is sent again).
	AckTimeout time.Duration
	// Redeliver makes the fake retry an events_api envelope not acked within
	// AckTimeout, as Slack does: a new envelope_id, the same event_id,
	// retry_attempt+1 and retry_reason "timeout". Slash commands and
	// interactions are never retried, as on Slack. Off by default so that a
	// test sees exactly what it injected.
	Redeliver bool
	// MaxRedeliveries bounds the retries of one event.
	MaxRedeliveries int
	// PingInterval is how often the fake pings each connection. slack-go drops
	// a connection that got no ping within its OptionPingInterval (30 s by
	// default), so keep this well under it. Negative disables pings, to
	// exercise that watchdog.
	PingInterval time.Duration
	// ResponseURLUses and ResponseURLTTL limit each response_url.
	ResponseURLUses int
	ResponseURLTTL  time.Duration
	// TriggerTTL is how long a trigger_id may open a view.
	TriggerTTL time.Duration
	// Logf, when set, receives a line for each connection event and fault.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	def(&c.BotToken, DefaultBotToken)
	def(&c.AppToken, DefaultAppToken)
	def(&c.TeamID, DefaultTeamID)
	def(&c.TeamDomain, DefaultTeamDomain)
	def(&c.AppID, DefaultAppID)
	def(&c.BotUserID, DefaultBotUserID)
	def(&c.BotID, DefaultBotID)
	if c.AckTimeout <= 0 {
		c.AckTimeout = DefaultAckTimeout
	}
	if c.MaxRedeliveries <= 0 {
		c.MaxRedeliveries = DefaultMaxRedeliveries
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.ResponseURLUses <= 0 {
		c.ResponseURLUses = DefaultResponseURLUses
	}
	if c.ResponseURLTTL <= 0 {
		c.ResponseURLTTL = DefaultResponseURLTTL
	}
	if c.TriggerTTL <= 0 {
		c.TriggerTTL = DefaultTriggerTTL
	}
	return c
}

// Server is a fake Slack listening on 127.0.0.1. Its methods are safe for
// concurrent use. Close it to stop its goroutines.
type Server struct {
	cfg      Config
	base     string // http://127.0.0.1:PORT
	http     *http.Server
	upgrader websocket.Upgrader

	// eventPrefix makes the event ids this server mints unique across servers, as
	// Slack's are: a bot that keeps its claims in a database between runs (startbench's
	// restarts) would otherwise take a new run's Ev…1 for the last run's.
	eventPrefix string

	// ctx ends when Close starts; it bounds redeliveries and pingers.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	changed chan struct{} // closed and replaced whenever recorded state changes

	msgSeq, envSeq, eventSeq, connSeq, urlSeq, ticketSeq, viewSeq, triggerSeq int
	opened                                                                    int   // connections registered
	lastTS                                                                    int64 // microseconds of the last minted ts

	messages   []Message
	acks       []Ack
	deliveries []*Delivery
	byEnvelope map[string]*Delivery
	firstAck   map[string]int // envelope_id → index in acks of its first ack
	eventAck   map[string]int // event_id → index in acks of the first ack of any of its deliveries

	conns   map[int]*wsConn
	rr      int
	tickets map[string]bool

	responseURLs map[string]*responseURL
	faults       map[string][]*fault
	revoked      string // error code answered to every token once revoked
	posted       map[string]bool
	history      map[string][]*storedMessage // by channel, in ts order (history.go)
	holds        map[string]chan struct{}    // methods whose answers are held (Hold)

	users    map[string]User
	members  map[string][]string
	triggers map[string]*trigger
	views    map[string]*view
}

// New starts a fake Slack on an ephemeral port of 127.0.0.1.
func New(cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("slacktest: listening on 127.0.0.1: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:         cfg.withDefaults(),
		base:        "http://" + ln.Addr().String(),
		eventPrefix: rand.Text()[:8],
		ctx:         ctx,
		cancel:      cancel,
		upgrader: websocket.Upgrader{
			// slack-go sends Origin: https://api.slack.com, which the default
			// same-origin check would refuse.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		changed:      make(chan struct{}),
		byEnvelope:   map[string]*Delivery{},
		firstAck:     map[string]int{},
		eventAck:     map[string]int{},
		conns:        map[int]*wsConn{},
		tickets:      map[string]bool{},
		responseURLs: map[string]*responseURL{},
		faults:       map[string][]*fault{},
		posted:       map[string]bool{},
		history:      map[string][]*storedMessage{},
		holds:        map[string]chan struct{}{},
		users:        map[string]User{},
		members:      map[string][]string{},
		triggers:     map[string]*trigger{},
		views:        map[string]*view{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.handleAPI)
	mux.HandleFunc("/response/{id}", s.handleResponseURL)
	mux.HandleFunc("/link/", s.handleLink)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Go(func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("slacktest: serving: %v", err)
		}
	})
	return s, nil
}

// Close closes every connection, stops every goroutine of the server and
// waits for them. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := s.activeLocked(false)
	s.notifyLocked()
	s.mu.Unlock()

	s.cancel()
	for _, c := range conns {
		c.kill()
	}
	// Requests in flight get a moment to finish; a client's new keep-alive
	// connection that never sent a request counts as active for seconds, so
	// a longer wait only slows every test down.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		_ = s.http.Close()
	}
	s.wg.Wait()
}

// APIURL is the Web API base for slack.OptionAPIURL; it ends with "/".
func (s *Server) APIURL() string { return s.base + "/api/" }

// Config returns the configuration in effect, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Client returns a slack-go Web API client with the server's tokens and API
// URL; wrap it with socketmode.New to get a socket-mode client.
func (s *Server) Client(opts ...slack.Option) *slack.Client {
	all := append([]slack.Option{
		slack.OptionAppLevelToken(s.cfg.AppToken),
		slack.OptionAPIURL(s.APIURL()),
	}, opts...)
	return slack.New(s.cfg.BotToken, all...)
}

// goTracked runs f in a goroutine that Close waits for, unless the server is
// already closed; it reports whether f was started.
func (s *Server) goTracked(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	// Add under mu, before closed is set, so no Add races Close's Wait.
	s.wg.Go(f)
	return true
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitUntil waits until cond, called with s.mu held, is true.
func (s *Server) waitUntil(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// newTSLocked mints a unique, increasing Slack timestamp ("1700000000.000100").
func (s *Server) newTSLocked() string {
	us := time.Now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// NewTS mints a unique Slack timestamp, later than any the server minted
// before, for events a test builds itself.
func (s *Server) NewTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTSLocked()
}

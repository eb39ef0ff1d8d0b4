package slackbot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

// allLogs receives every log line of every bot of the test run, at debug
// level, so that TestMain can check no token ever reached a log.
var allLogs syncBuffer

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestMain(m *testing.M) {
	code := m.Run()
	logs := allLogs.String()
	for _, tok := range []string{slacktest.DefaultBotToken, slacktest.DefaultAppToken, wrongBotToken} {
		if strings.Contains(logs, tok) {
			fmt.Fprintf(os.Stderr, "FAIL: a token appears in the bots' logs\n")
			code = 1
		}
	}
	if code == 0 && logs != "" && !strings.Contains(logs, `"msg":"identité du bot"`) {
		fmt.Fprintf(os.Stderr, "FAIL: the logs of the run were not captured\n")
		code = 1
	}
	os.Exit(code)
}

// wrongBotToken is a well-formed bot token the fake does not know.
const wrongBotToken = "xoxb-999999999999-wrongtoken"

var (
	storeOnce sync.Once
	store     *knowledge.Store
	storeErr  error
)

// content loads the embedded content once for the whole test binary.
func content(t testing.TB) *knowledge.Store {
	t.Helper()
	storeOnce.Do(func() {
		fsys, err := knowledge.Open("")
		if err != nil {
			storeErr = err
			return
		}
		snap, err := knowledge.Load(context.Background(), fsys)
		if err != nil {
			storeErr = err
			return
		}
		store = knowledge.NewStore(snap)
	})
	if storeErr != nil {
		t.Fatalf("loading the embedded content: %v", storeErr)
	}
	return store
}

// harness is a bot running against a fake Slack.
type harness struct {
	t       *testing.T
	srv     *slacktest.Server
	bot     *slackbot.Bot
	reg     *prometheus.Registry
	logs    *syncBuffer
	cancel  context.CancelFunc
	done    chan error
	stopped bool
	result  error
}

type setup struct {
	slack    slacktest.Config
	botToken string
	opts     func(*slackbot.Options)
	noStart  bool
	// queueURL, when set, gives the bot a durable queue on that database,
	// its River workers started with the bot.
	queueURL string
}

// start runs a bot against a new fake Slack until the test ends.
func start(t *testing.T, s setup) *harness {
	t.Helper()
	srv := slacktest.NewTB(t, s.slack)
	h := newHarness(t, srv, s)
	if !s.noStart {
		h.run()
		h.waitConnected()
	}
	return h
}

func newHarness(t *testing.T, srv *slacktest.Server, s setup) *harness {
	t.Helper()
	reg := httpapi.NewRegistry()
	metrics, err := slackbot.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(io.MultiWriter(logs, &allLogs), &slog.HandlerOptions{Level: slog.LevelDebug}))
	botToken := srv.Config().BotToken
	if s.botToken != "" {
		botToken = s.botToken
	}
	o := slackbot.Options{
		API:             slackbot.NewClient(config.Secret(botToken), config.Secret(srv.Config().AppToken), srv.APIURL()),
		Store:           content(t),
		Logger:          logger,
		Metrics:         metrics,
		Command:         "/role",
		Workers:         4,
		ShutdownTimeout: 5 * time.Second,
	}
	if s.opts != nil {
		s.opts(&o)
	}
	var fwd jobs.DeferredAnswerer
	if s.queueURL != "" {
		jm, err := jobs.NewMetrics(reg)
		if err != nil {
			t.Fatal(err)
		}
		q, err := jobs.Open(context.Background(), s.queueURL, "", jobs.Config{
			Answerer: &fwd, Metrics: jm, Log: logger, FetchPollInterval: 50 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(q.Close)
		o.Queue = q
		defer func() {
			if err := q.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
		}()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = q.Stop(ctx)
		})
	}
	h := &harness{t: t, srv: srv, bot: slackbot.New(o), reg: reg, logs: logs, done: make(chan error, 1)}
	fwd.Set(h.bot)
	t.Cleanup(func() {
		if h.cancel != nil && !h.stopped {
			h.stop()
		}
	})
	return h
}

func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.bot.Run(ctx) }()
}

// stop cancels the bot and returns what Run returned.
func (h *harness) stop() error {
	h.t.Helper()
	if h.stopped {
		return h.result
	}
	h.cancel()
	select {
	case h.result = <-h.done:
	case <-time.After(15 * time.Second):
		h.t.Fatal("Run did not return after cancel")
	}
	h.stopped = true
	return h.result
}

// wait returns what Run returned by itself, without cancelling it.
func (h *harness) wait(d time.Duration) error {
	h.t.Helper()
	select {
	case h.result = <-h.done:
		h.stopped = true
		return h.result
	case <-time.After(d):
		h.t.Fatalf("Run did not return within %v", d)
		return nil
	}
}

func (h *harness) waitConnected() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !h.bot.Connected() {
		if time.Now().After(deadline) {
			h.t.Fatal("the bot did not connect")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// answerTo sends ev and returns the first message that matches filters, failing the test
// when none comes in ctx.
func (h *harness) answerTo(ctx context.Context, ev slacktest.EventsAPI, filters ...slacktest.Filter) slacktest.Message {
	h.t.Helper()
	if _, err := h.srv.SendEvent(ctx, ev); err != nil {
		h.t.Fatal(err)
	}
	m, err := h.srv.WaitMessage(ctx, filters...)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

// posted returns the messages that changed what users see, successful ones.
func (h *harness) posted() []slacktest.Message {
	return h.srv.Messages(slacktest.Posted(), slacktest.Succeeded())
}

// strings walks a JSON document and returns every string in it, keys
// excluded, decoded (so \u003c is "<").
func jsonStrings(raw []byte) []string {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []string{string(raw)}
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// allText is every text of a message: its top-level text, and every string
// of its blocks, view and body.
func allText(m slacktest.Message) []string {
	out := []string{m.Text}
	out = append(out, jsonStrings(m.BlocksJSON)...)
	out = append(out, jsonStrings(m.ViewJSON)...)
	out = append(out, jsonStrings(m.Body)...)
	for k, vs := range m.Params {
		if k == "blocks" || k == "view" {
			for _, v := range vs {
				out = append(out, jsonStrings([]byte(v))...)
			}
			continue
		}
		out = append(out, vs...)
	}
	return out
}

func contains(m slacktest.Message, s string) bool {
	for _, t := range allText(m) {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// buttons returns the buttons of a message's blocks.
func buttons(m slacktest.Message) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range m.Blocks.BlockSet {
		ab, ok := b.(*slack.ActionBlock)
		if !ok || ab.Elements == nil {
			continue
		}
		for _, e := range ab.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok {
				out = append(out, btn)
			}
		}
	}
	return out
}

// button finds a button whose action is name, with the block holding it.
func button(m slacktest.Message, name string) (*slack.ButtonBlockElement, string, bool) {
	for _, b := range m.Blocks.BlockSet {
		ab, ok := b.(*slack.ActionBlock)
		if !ok || ab.Elements == nil {
			continue
		}
		for _, e := range ab.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok && strings.SplitN(btn.ActionID, ":", 2)[0] == name {
				return btn, ab.BlockID, true
			}
		}
	}
	return nil, "", false
}

// metric returns the sum of a metric's samples whose labels include want.
func (h *harness) metric(name string, want map[string]string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue metrics
				}
			}
			switch {
			case m.GetCounter() != nil:
				sum += m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				sum += m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

// settle waits a little for anything that should not happen to show up.
func settle() { time.Sleep(150 * time.Millisecond) }

func isAuthError(err error) (*slackbot.AuthError, bool) {
	var ae *slackbot.AuthError
	return ae, errors.As(err, &ae)
}

// metricEventually waits up to two seconds for a metric to reach want (the
// metrics are updated just after Slack accepts an answer), and returns its
// last value.
func (h *harness) metricEventually(name string, labels map[string]string, want float64) float64 {
	h.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := h.metric(name, labels)
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

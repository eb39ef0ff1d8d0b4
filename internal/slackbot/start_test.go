package slackbot_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

// fastStart makes the start-up retries of auth.test quick.
func fastStart(o *slackbot.Options) { o.StartRetryBase = 20 * time.Millisecond }

// readyz returns /readyz's status and body for h's bot.
func readyz(h *harness) (int, string) {
	handler := httpapi.Handler(httpapi.Options{
		Content:     content(h.t),
		Connected:   h.bot.Connected,
		SlackStatus: h.bot.NotReadyReason,
	})
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return rec.Code, rec.Body.String()
}

// waitFor polls cond; the limit only stops a test that would hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartRetriesWhileSlackFails(t *testing.T) {
	t.Parallel()
	h := start(t, setup{noStart: true, opts: fastStart})
	h.srv.FailStatus("auth.test", -1, http.StatusServiceUnavailable)
	h.run()
	waitFor(t, "a failed auth.test", func() bool { return h.bot.NotReadyReason() != "" })
	code, body := readyz(h)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "slack : déconnecté : Slack injoignable au démarrage") || !strings.Contains(body, "http_503") {
		t.Errorf("/readyz while Slack answers 503 = %d %q, want 503 with the reason", code, body)
	}
	// Slack comes back, after a 429 for good measure.
	h.srv.ClearFaults()
	h.srv.RateLimit("auth.test", 1, time.Second)
	h.waitConnected()
	if h.bot.NotReadyReason() != "" {
		t.Errorf("NotReadyReason = %q once connected, want empty", h.bot.NotReadyReason())
	}
	if code, body := readyz(h); code != http.StatusOK {
		t.Errorf("/readyz once connected = %d %q, want 200", code, body)
	}
	if n := len(h.srv.Messages(func(m slacktest.Message) bool { return m.Method == "auth.test" })); n < 3 {
		t.Errorf("auth.test called %d times, want at least 3 (failures, 429, success)", n)
	}
	if !strings.Contains(h.logs.String(), "Slack injoignable au démarrage, nouvel essai") {
		t.Error("no log line for the retries")
	}
}

func TestStartRetriesWhileSlackUnreachable(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	// A port nobody listens on: the address of a server already closed.
	closed := httptest.NewServer(http.NotFoundHandler())
	unreachable := closed.URL + "/api/"
	closed.Close()
	h := newHarness(t, srv, setup{opts: func(o *slackbot.Options) {
		fastStart(o)
		o.API = slackbot.NewClient(config.Secret(srv.Config().BotToken), config.Secret(srv.Config().AppToken), unreachable)
	}})
	h.run()
	waitFor(t, "a failed auth.test", func() bool { return h.bot.NotReadyReason() != "" })
	if code, body := readyz(h); code != http.StatusServiceUnavailable || !strings.Contains(body, "Slack injoignable au démarrage") {
		t.Errorf("/readyz while Slack is unreachable = %d %q, want 503 with the reason", code, body)
	}
	select {
	case err := <-h.done:
		t.Fatalf("Run returned %v while Slack was unreachable, want it to keep trying", err)
	default:
	}
	if err := h.stop(); err != nil {
		t.Errorf("Run stopped during the retries = %v, want nil", err)
	}
}

func TestAuthErrorAfterFailureEndsRun(t *testing.T) {
	t.Parallel()
	h := start(t, setup{noStart: true, opts: fastStart})
	h.srv.FailStatus("auth.test", 1, http.StatusBadGateway)
	h.srv.Fail("auth.test", 1, "account_inactive")
	h.run()
	err := h.wait(10 * time.Second)
	ae, ok := isAuthError(err)
	if !ok || ae.Code != "account_inactive" || ae.Var != "SLACK_BOT_TOKEN" {
		t.Fatalf("Run = %v, want an auth error on SLACK_BOT_TOKEN", err)
	}
	if !strings.Contains(err.Error(), "vérifiez le jeton") {
		t.Errorf("error %q does not say what to do", err)
	}
	if !strings.Contains(h.logs.String(), "Slack refuse le jeton au démarrage : arrêt (Slack refused the token at start: exiting)") {
		t.Errorf("no clear log line for the refused token:\n%s", h.logs.String())
	}
	if n := h.srv.Connections(); n != 0 {
		t.Errorf("%d socket connections opened with a refused bot token", n)
	}
}

func TestHalfOpenSocketReplaced(t *testing.T) {
	t.Parallel()
	h := start(t, setup{
		slack: slacktest.Config{PingInterval: 50 * time.Millisecond},
		opts: func(o *slackbot.Options) {
			o.SocketOptions = []socketmode.Option{socketmode.OptionPingInterval(300 * time.Millisecond)}
		},
	})
	// The fake registers a connection just after its hello: wait for it.
	if err := h.srv.WaitConnections(ctxFor(t, 10*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	if n := h.srv.Silence(); n != 1 {
		t.Fatalf("silenced %d connections, want 1", n)
	}
	waitFor(t, "a second connection", func() bool { return h.srv.Connections() >= 2 && h.bot.Connected() })
	// The new connection answers.
	ctx := ctxFor(t, 10*time.Second)
	if err := h.srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	url := h.srv.ResponseURL()
	if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "aide", UserID: "U1", ChannelID: "C1", ResponseURL: url}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == url }); err != nil {
		t.Fatalf("no answer over the new connection: %v", err)
	}
	if got := h.metricEventually(slackbot.MetricReconnections, nil, 1); got < 1 {
		t.Errorf("reconnections = %v, want at least 1", got)
	}
}

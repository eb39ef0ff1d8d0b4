package slackbot_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

func get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// TestHTTPEndpoints checks /healthz, /readyz and /metrics against a real
// bot: not ready before hello, ready when connected, not ready once the
// token is revoked; the metrics named in the issue after some questions.
func TestHTTPEndpoints(t *testing.T) {
	t.Parallel()
	h := start(t, setup{noStart: true})
	reg := h.reg
	reg.MustRegister(httpapi.ContentVersion(content(t)))
	web := httptest.NewServer(httpapi.Handler(httpapi.Options{Gatherer: reg, Content: content(t), Connected: h.bot.Connected}))
	t.Cleanup(web.Close)

	if code, _ := get(t, web.URL, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d before start, want 200", code)
	}
	if code, body := get(t, web.URL, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d %q before hello, want 503", code, body)
	}
	h.run()
	h.waitConnected()
	if code, body := get(t, web.URL, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q when connected, want 200", code, body)
	}

	ctx := ctxFor(t, 10*time.Second)
	if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "ornithorynque", Channel: "D1"}}); err != nil {
		t.Fatal(err)
	}
	h.srv.RateLimit("chat.postMessage", 1, time.Second)
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{User: "U1", Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: "C1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessages(ctx, 3, slacktest.Posted(), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	h.srv.DropConnections()
	if err := h.srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	h.waitConnected()
	h.metricEventually(slackbot.MetricQuestions, nil, 3)

	code, body := get(t, web.URL, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`rolebot_questions_total{intent="role",surface="slash"} 1`,
		`rolebot_questions_total{intent="none",surface="dm"} 1`,
		`rolebot_unanswered_questions_total{surface="dm"} 1`,
		`rolebot_ack_latency_seconds_bucket{type="slash_commands",le="0.001"}`,
		`rolebot_ack_latency_seconds_count{type="events_api"}`,
		`rolebot_answer_latency_seconds_count{surface="mention"} 1`,
		`rolebot_socket_reconnections_total 1`,
		`rolebot_socket_connected 1`,
		`rolebot_slack_api_retries_total{method="chat.postMessage"} 1`,
		`rolebot_slack_api_errors_total{error="ratelimited",method="chat.postMessage"} 1`,
		`rolebot_content_version{version="` + content(t).Current().Version + `"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	h.srv.Revoke()
	if _, ok := isAuthError(h.wait(10 * time.Second)); !ok {
		t.Fatal("Run did not end on the revoked token")
	}
	if code, body := get(t, web.URL, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d %q after revocation, want 503", code, body)
	}
	if code, _ := get(t, web.URL, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d after revocation, want 200 (alive)", code)
	}
}

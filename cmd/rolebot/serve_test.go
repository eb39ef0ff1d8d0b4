package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func getenvOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// serveEnv is the environment of a serve against srv, its SQLite database in a temporary
// folder.
func serveEnv(t testing.TB, srv *slacktest.Server) map[string]string {
	return map[string]string{
		"DATA_DIR":         t.TempDir(),
		"SLACK_APP_TOKEN":  srv.Config().AppToken,
		"SLACK_BOT_TOKEN":  srv.Config().BotToken,
		"SLACK_API_URL":    srv.APIURL(),
		"HTTP_ADDR":        "127.0.0.1:0",
		"LOG_LEVEL":        "debug",
		"SHUTDOWN_TIMEOUT": "5s",
	}
}

// httpAddr finds the address serve logged it listens on.
func httpAddr(t testing.TB, logs *lockedBuffer) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Addr != "" {
				return line.Addr
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("serve did not log its HTTP address:\n%s", logs.String())
	return ""
}

func status(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestServeAnswersThenStops(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env)) }()

	wait, stopWait := context.WithTimeout(context.Background(), 15*time.Second)
	defer stopWait()
	if _, err := srv.SendSlashCommand(wait, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	m, err := srv.WaitMessage(wait, slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck))
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, stderr.String())
	}
	if m.ResponseType != "ephemeral" || m.Text == "" || !m.OK() {
		t.Errorf("answer = %+v", m)
	}
	base := "http://" + httpAddr(t, &stderr)
	if code := status(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code := status(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d when connected", code)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after cancel, want 0\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	logs := stdout.String() + stderr.String()
	for _, tok := range []string{env["SLACK_APP_TOKEN"], env["SLACK_BOT_TOKEN"]} {
		if strings.Contains(logs, tok) {
			t.Error("a token shows in serve's output")
		}
	}
	if !strings.Contains(logs, `"msg":"question"`) {
		t.Errorf("no question log line:\n%s", logs)
	}
}

func TestServeConfigError(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	delete(env, "SLACK_APP_TOKEN")
	var stdout, stderr lockedBuffer
	code := run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env))
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	out := stderr.String()
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "SLACK_APP_TOKEN") {
		t.Errorf("stderr = %q, want one line naming SLACK_APP_TOKEN", out)
	}
	if strings.Contains(out, env["SLACK_BOT_TOKEN"]) {
		t.Error("the bot token shows in the error")
	}
	if srv.Connections() != 0 || len(srv.Messages()) != 0 {
		t.Error("serve called Slack with a bad configuration")
	}
}

func TestServeRefusedToken(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	srv.Revoke()
	env := serveEnv(t, srv)
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env))
	}()
	select {
	case code := <-done:
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on a revoked token")
	}
	out := stderr.String()
	if !strings.Contains(out, "Slack refuse le jeton de bot (SLACK_BOT_TOKEN)") || !strings.Contains(out, "token_revoked") {
		t.Errorf("stderr lacks a clear message:\n%s", out)
	}
	for _, tok := range []string{env["SLACK_APP_TOKEN"], env["SLACK_BOT_TOKEN"]} {
		if strings.Contains(out, tok) {
			t.Error("a token shows in serve's output")
		}
	}
}

func TestServeHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr lockedBuffer
	if code := run(context.Background(), []string{"serve", "-h"}, strings.NewReader(""), &stdout, &stderr, getenvOf(nil)); code != 0 {
		t.Errorf("serve -h exited %d", code)
	}
	if !strings.Contains(stderr.String(), "SLACK_APP_TOKEN") {
		t.Errorf("serve -h does not list the variables:\n%s", stderr.String())
	}
	if code := run(context.Background(), []string{"serve", "extra"}, strings.NewReader(""), &stdout, &stderr, getenvOf(nil)); code != 2 {
		t.Errorf("serve extra exited %d, want 2", code)
	}
}

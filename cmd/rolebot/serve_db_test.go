package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeWaitsForTheDatabase starts serve with its PostgreSQL away: /readyz says why (503, no
// password) and Slack is not connected; once the database is back, serve connects and answers.
// Then the database goes away while running: /readyz turns 503, and recovers by itself.
func TestServeWaitsForTheDatabase(t *testing.T) {
	t.Parallel()
	pgURL, proxy := storetest.NewProxy(t, storetest.PostgresURL(t))
	proxy.Cut()
	u, _ := url.Parse(pgURL)
	password, _ := u.User.Password()

	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["DATABASE_URL"] = pgURL
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env)) }()

	base := "http://" + httpAddr(t, &stderr)
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := readyz(t, base)
		if code == 503 && strings.Contains(body, "base de données : indisponible") {
			if password != "" && strings.Contains(body, password) {
				t.Fatalf("/readyz shows the password:\n%s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %q, want 503 naming the database", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if srv.Connections() != 0 {
		t.Fatal("serve connected to Slack without its database")
	}

	proxy.Restore()
	wait, stopWait := context.WithTimeout(context.Background(), 40*time.Second)
	defer stopWait()
	if err := srv.WaitConnections(wait, 1); err != nil {
		t.Fatalf("serve did not connect once the database was back: %v\n%s", err, stderr.String())
	}
	if _, err := srv.SendSlashCommand(wait, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitMessage(wait, slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck)); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, stderr.String())
	}
	waitReadyz := func(want int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, body := readyz(t, base)
			if code == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz = %d %q, want %d", code, body, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitReadyz(200)
	proxy.Cut()
	waitReadyz(503) // the next ping (dbPingInterval) sees it
	proxy.Restore()
	waitReadyz(200)

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d, want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if logs := stdout.String() + stderr.String(); password != "" && strings.Contains(logs, password) {
		t.Error("the database password shows in serve's logs")
	}
}

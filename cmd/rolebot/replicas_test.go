package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// replicaEvents is how many distinct events the two-replica test sends, in
// each of its two patterns.
const replicaEvents = 100

// TestTwoReplicasAnswerEachEventOnce runs two real `rolebot serve`
// processes on one PostgreSQL against one fake Slack. Every event is
// delivered on both sockets (the same event_id), or once and retried
// (retry_attempt 1) on the other socket; each must be answered exactly once.
func TestTwoReplicasAnswerEachEventOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the real binary twice")
	}
	dbURL := storetest.PostgresURL(t) // skips, saying so, without PostgreSQL
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	bin := filepath.Join(t.TempDir(), "rolebot")
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/rolebot/rolebot/cmd/rolebot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := slacktest.NewTB(t, slacktest.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	var logs []*lockedBuffer
	for i := range 2 {
		env := serveEnv(t, srv)
		env["DATABASE_URL"] = dbURL
		env["LOG_LEVEL"] = "info"
		cmd := exec.Command(bin, "serve")
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, "HOME="+os.Getenv("HOME"), "PATH="+os.Getenv("PATH"))
		buf := &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = buf, buf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		logs = append(logs, buf)
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("replica %d after SIGTERM: %v", i+1, err)
				}
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				t.Errorf("replica %d did not stop within 15 s of SIGTERM", i+1)
			}
			if t.Failed() {
				t.Logf("replica %d logs:\n%s", i+1, buf.String())
			}
		})
	}
	if err := srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	var conns []int
	for len(conns) < 2 {
		if ctx.Err() != nil {
			t.Fatalf("two connections never open at once: %v", srv.ConnectionIDs())
		}
		conns = srv.ConnectionIDs()
		time.Sleep(10 * time.Millisecond)
	}
	// Both are ready once each has answered a first question: its store
	// is open and migrated.
	for i, c := range conns {
		ts := srv.NewTS()
		ev := slacktest.AppMentionEvent{User: "U0WARM", Text: "<@" + slacktest.DefaultBotUserID + "> aide", Channel: "C0WARM", TS: ts}
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{Conn: c, Event: ev}); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ThreadTS == ts }); err != nil {
			t.Fatalf("replica on connection %d: %v\n%s", c, err, logs[i].String())
		}
	}
	srv.ResetRecords()

	type sent struct {
		ts      string
		pattern string
	}
	var events []sent
	for i := range 2 * replicaEvents {
		first, other := conns[i%2], conns[(i+1)%2]
		ts := srv.NewTS()
		ev := slacktest.AppMentionEvent{User: "U0ASKER", Text: "<@" + slacktest.DefaultBotUserID + "> qui priorise le backlog ?", Channel: "C0PROD", TS: ts}
		id := fmt.Sprintf("EvReplica%04d", i)
		deliveries := []slacktest.EventsAPI{
			{EventID: id, Conn: first, Event: ev},
			{EventID: id, Conn: other, Event: ev}, // the same event on both sockets
			{EventID: id, Conn: other, RetryAttempt: 1, RetryReason: "timeout", Event: ev},
		}
		pattern := "both sockets, then a retry"
		if i >= replicaEvents {
			// Once, then Slack's retry reaches the other replica.
			deliveries = []slacktest.EventsAPI{deliveries[0], deliveries[2]}
			pattern = "a retry on the other socket"
		}
		for _, d := range deliveries {
			if _, err := srv.SendEvent(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		events = append(events, sent{ts: ts, pattern: pattern})
	}
	if _, err := srv.WaitMessages(ctx, len(events), slacktest.Method("chat.postMessage")); err != nil {
		t.Fatal(err)
	}
	// Whatever would come late comes within this.
	time.Sleep(time.Second)
	answers := map[string]int{}
	byConn := map[int]int{}
	for _, m := range srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded()) {
		answers[m.ThreadTS]++
	}
	for _, d := range srv.Deliveries() {
		byConn[d.Conn]++
	}
	answered, duplicated := 0, 0
	for _, e := range events {
		switch n := answers[e.ts]; {
		case n == 0:
			t.Errorf("event %s (%s) was never answered", e.ts, e.pattern)
		case n > 1:
			t.Errorf("event %s (%s) was answered %d times", e.ts, e.pattern, n)
			duplicated += n - 1
			answered++
		default:
			answered++
		}
	}
	t.Logf("two replicas on PostgreSQL: %d events, %d deliveries (%v per connection), %d answered, %d duplicated",
		len(events), len(srv.Deliveries()), byConn, answered, duplicated)
	for i, l := range logs {
		if !strings.Contains(l.String(), "connecté à Slack") {
			t.Errorf("replica %d never connected", i+1)
		}
	}
	if len(byConn) != 2 {
		t.Errorf("deliveries per connection = %v, want both connections used", byConn)
	}
}

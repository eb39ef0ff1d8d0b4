package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestReadyWhileQueueDrains keeps many answers queued (chat.postMessage answers 429) past
// QUEUE_AGE_WARNING: serve logs that its queue is late, and /readyz stays 200 all along, as a
// replica draining a queue after a Slack incident must not be restarted or taken out of
// service; once Slack lets answers through, every question is answered.
func TestReadyWhileQueueDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real process through a rate limit")
	}
	t.Parallel()
	const questions = 100
	bin := buildRolebot(t)
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["LOG_LEVEL"] = "info"
	env["QUEUE_AGE_WARNING"] = "1s"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := startServe(t, "serve", bin, env)
	base := "http://" + httpAddr(t, p.logs)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.RateLimit("chat.postMessage", -1, 3*time.Second)
	for i := range questions {
		id := fmt.Sprintf("EvDrain%04d", i)
		ev := slacktest.AppMentionEvent{User: "U0ASKER", Text: "<@" + slacktest.DefaultBotUserID + "> qui priorise le backlog ?", Channel: fmt.Sprintf("C0DRAIN%d", i%3)}
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: id, Event: ev}); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitEventAck(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	q, err := jobs.Open(ctx, "", env["DATA_DIR"], jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	// The warning may come before the first poll on a busy machine (sending 100 questions can
	// take longer than QUEUE_AGE_WARNING): poll a few times in any case, while Slack holds the answers.
	const minPolls = 10
	polls, maxWaiting := 0, 0
	for polls < minPolls || !strings.Contains(p.logs.String(), "file des réponses en retard") {
		if ctx.Err() != nil {
			t.Fatalf("no warning of a late queue:\n%s", p.logs.String())
		}
		if code, body := readyz(t, base); code != 200 {
			t.Fatalf("/readyz = %d %q while the queue waits, want 200", code, body)
		}
		polls++
		waiting, err := q.Waiting(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range waiting {
			n += c
		}
		maxWaiting = max(maxWaiting, n)
		time.Sleep(50 * time.Millisecond)
	}
	if maxWaiting < questions/2 {
		t.Errorf("at most %d jobs seen waiting, want most of the %d questions queued", maxWaiting, questions)
	}
	srv.ClearFaults()
	if _, err := srv.WaitMessages(ctx, questions, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	if code, body := readyz(t, base); code != 200 {
		t.Fatalf("/readyz = %d %q after the queue drained, want 200", code, body)
	}
	t.Logf("%d /readyz polls at 200 with up to %d jobs waiting, the late queue warned in the log", polls, maxWaiting)
}

package main

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestSIGKILLAfterSlackTookReportPostsOnce: the weekly report is due as `serve` starts (its
// slot a minute ago: the leader's catch-up posts it); Slack takes it but its 200 is held back,
// and the process is killed there, before it marks the report posted. The next process, once
// River has rescued the job left running, finds the report in the channel by its metadata and
// does not post it again.
func TestSIGKILLAfterSlackTookReportPostsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes, waits for River's rescue of a killed process's jobs")
	}
	t.Parallel()
	const channel = "C0WEEKLY"
	bin := buildRolebot(t)
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["LOG_LEVEL"] = "info"
	slot := time.Now().UTC().Add(-time.Minute)
	env["REPORT_CHANNEL"] = channel
	env["REPORT_SCHEDULE"] = slot.Weekday().String() + " " + slot.Format("15:04") + " UTC"
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	reports := []slacktest.Filter{slacktest.Method("chat.postMessage"), slacktest.Channel(channel), slacktest.Succeeded()}

	release := srv.Hold("chat.postMessage")
	defer release()
	first := startServe(t, "process 1", bin, env)
	if _, err := srv.WaitMessage(ctx, reports...); err != nil {
		t.Fatalf("waiting for the report: %v", err)
	}
	if err := first.signal(t, syscall.SIGKILL, 30*time.Second); err == nil {
		t.Fatalf("%s survived SIGKILL", first.name)
	}
	release()

	next := startServe(t, "the next process", bin, env)
	const found = "rapport hebdomadaire déjà dans le canal"
	for !strings.Contains(next.logs.String(), found) && len(srv.Messages(reports...)) < 2 {
		select {
		case <-ctx.Done():
			t.Fatalf("the next process neither found the report in the channel nor posted it again")
		case <-time.After(200 * time.Millisecond):
		}
	}
	if n := len(srv.Messages(reports...)); n != 1 {
		t.Fatalf("the report posted %d times, want once", n)
	}
	if err := next.signal(t, syscall.SIGTERM, 30*time.Second); err != nil {
		t.Errorf("%s: %v", next.name, err)
	}
}

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
	teamstore "github.com/rolebot/rolebot/internal/store"
)

func TestServeBadReportSchedule(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["REPORT_CHANNEL"] = "C0REPORT"
	env["REPORT_SCHEDULE"] = "lundi 25h"
	var stdout, stderr lockedBuffer
	code := run(context.Background(), []string{"serve"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env))
	want := `REPORT_SCHEDULE invalide : "lundi 25h" : heure « 25h » impossible`
	if code != 1 || !strings.Contains(stderr.String(), want) {
		t.Fatalf("serve exited %d, stderr:\n%s\nwant 1 and %q", code, stderr.String(), want)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("serve called Slack %d times with a bad configuration", n)
	}
}

// TestServePurgesAtStart checks serve's wiring of the periodic work: the questions older than
// FEEDBACK_RETENTION are gone soon after start, the others kept, and the weekly report's
// schedule is logged.
func TestServePurgesAtStart(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["FEEDBACK_RETENTION"] = "30d"
	env["REPORT_CHANNEL"] = "C0REPORT"
	env["REPORT_SCHEDULE"] = "vendredi 16h30"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := teamstore.Open(ctx, "", env["DATA_DIR"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if _, err := st.RecordAnswers(ctx, []teamstore.Shown{
		{Key: "k-old", Question: "vieille question", Ref: "none", Intent: "none", Channel: "C1", User: "U1", At: now.Add(-31 * 24 * time.Hour)},
		{Key: "k-new", Question: "question récente", Ref: "none", Intent: "none", Channel: "C1", User: "U1", At: now.Add(-29 * 24 * time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env)) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		left, err := st.AnswersSince(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(left) == 1 {
			if left[0].Key != "k-new" {
				t.Fatalf("left after the purge: %+v", left)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no purge within 60 s of start; logs:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after cancel\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	logs := stderr.String()
	for _, want := range []string{`"report_schedule":"vendredi 16h30 (Europe/Paris)"`, `"msg":"questions et avis anciens effacés"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

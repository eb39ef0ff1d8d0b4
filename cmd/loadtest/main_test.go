package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestBurstExactlyOnce sends a smaller burst to the real bot: every question
// is acknowledged within Slack's 3 s and answered exactly once. It asserts no
// latency beyond Slack's rule: figures come from the command on a quiet
// machine, not from a test run under the race detector.
func TestBurstExactlyOnce(t *testing.T) {
	ctx := context.Background()
	store, err := loadContent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	o := options{n: 100, users: 20, workers: 8, timeout: 30 * time.Second}
	r, err := measure(ctx, o, func(srv *slacktest.Server) (func() error, error) {
		return startRolebot(srv, store, o.workers, logger, nil)
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	r.print(&out)
	t.Logf("rolebot:\n%s", out.String())
	if r.sent != 100 || r.acked != 100 || r.ackedLate != 0 {
		t.Errorf("acked %d of %d, %d late; want all within 3 s", r.acked, r.sent, r.ackedLate)
	}
	if r.answered != 100 || r.lost != 0 || r.duplicated != 0 {
		t.Errorf("answered %d, lost %d, duplicated %d; want each exactly once", r.answered, r.lost, r.duplicated)
	}
	if !r.ok() {
		t.Error("report not ok")
	}
}

func TestFloorAcksEverything(t *testing.T) {
	r, err := measure(context.Background(), options{n: 50, users: 10, timeout: 30 * time.Second}, startFloor, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.acked != 50 || r.ackedLate != 0 {
		t.Errorf("floor acked %d of 50, %d late", r.acked, r.ackedLate)
	}
}

func TestUsage(t *testing.T) {
	var out, errs strings.Builder
	if code := run(context.Background(), []string{"-n", "0"}, &out, &errs); code != 2 {
		t.Errorf("-n 0 exited %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-h"}, &out, &errs); code != 0 {
		t.Errorf("-h exited %d, want 0", code)
	}
}

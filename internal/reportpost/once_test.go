package reportpost_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// oneSlot is a report schedule of a single slot, just past: a leader starting posts it (as
// late: River's catch-up at start), and no other comes during a test.
type oneSlot time.Time

func (s oneSlot) Next(t time.Time) time.Time { return t.Add(1000 * 24 * time.Hour) }
func (s oneSlot) Prev(time.Time) time.Time   { return time.Time(s) }

// logBook collects the logs of every replica of a test.
type logBook struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBook) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// replicas starts n replicas on url posting the report of sched.
func (l *logBook) replicas(t *testing.T, n int, url string, srv *slacktest.Server, sched jobs.Schedule) []*jobs.Queue {
	t.Helper()
	var purges atomic.Int32
	var qs []*jobs.Queue
	for range n {
		qs = append(qs, replicaOn(t, url, srv, sched, &purges, &l.b, &l.mu))
	}
	return qs
}

// cut stops q at once: the jobs it is working see their context cancelled, as a process
// stopped past its grace period (or killed) leaves them.
func cut(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = q.Stop(ctx) // the context's error, by design
}

// waitReport waits until the report job of the test is completed, and returns it.
func waitReport(ctx context.Context, t *testing.T, q *jobs.Queue) *rivertype.JobRow {
	t.Helper()
	for {
		reports, err := q.PeriodicJobs(ctx, jobs.KindReport)
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) > 1 {
			t.Fatalf("%d report jobs for one slot", len(reports))
		}
		if len(reports) == 1 && reports[0].State == rivertype.JobStateCompleted {
			return reports[0]
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the report job is not completed: %+v", reports)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// posts returns the report posts Slack took.
func posts(srv *slacktest.Server) []slacktest.Message {
	return srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Channel(reportChannel), slacktest.Succeeded())
}

// TestReportCutAfterSlackTookIt: Slack takes the report (its 200 is held back), and the worker
// posting it is cut off before it can mark it posted: on SQLite one replica, on PostgreSQL
// both of two. The next replicas' attempt finds the report in the channel by its metadata and
// completes the job without posting it again.
func TestReportCutAfterSlackTookIt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		n := 1
		if strings.HasPrefix(url, "postgres") {
			n = 2
		}
		srv := slacktest.NewTB(t, slacktest.Config{})
		seed(t, openStore(t, url))
		slot := oneSlot(time.Now().UTC().Truncate(time.Second))
		var logs logBook
		defer func() {
			if t.Failed() {
				t.Logf("logs:\n%s", logs.String())
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()

		release := srv.Hold("chat.postMessage")
		defer release()
		first := logs.replicas(t, n, url, srv, slot)
		if _, err := srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
			t.Fatalf("waiting for the report: %v", err)
		}
		for _, q := range first {
			cut(t, q)
		}
		release()

		next := logs.replicas(t, n, url, srv, slot)
		job := waitReport(ctx, t, next[0])
		for _, q := range next {
			stop(t, q)
		}
		if got := posts(srv); len(got) != 1 {
			t.Errorf("the report posted %d times, want once", len(got))
		} else if u := until(t, got[0]); u != time.Time(slot).Format(time.RFC3339) {
			t.Errorf("report of %s posted, want the slot %s", u, time.Time(slot).Format(time.RFC3339))
		}
		if !strings.Contains(logs.String(), "rapport hebdomadaire déjà dans le canal") {
			t.Error("the next attempt did not say it found the report in the channel")
		}
		if reads := len(srv.Messages(slacktest.Method("conversations.history"), slacktest.Succeeded())); reads < 2 {
			t.Errorf("%d reads of the channel, want one before the post and one by the next attempt", reads)
		}
		if len(job.Errors) > 1 {
			t.Errorf("the report job recorded %d errors: %+v", len(job.Errors), job.Errors)
		}
	})
}

// TestReportLookRateLimited: Slack rate-limits the read of the channel before the post: the
// job is snoozed for the Retry-After (no attempt counted, nothing posted meanwhile), then
// reads again and posts once.
func TestReportLookRateLimited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		srv := slacktest.NewTB(t, slacktest.Config{})
		seed(t, openStore(t, url))
		srv.RateLimit("conversations.history", 1, time.Second)
		var logs logBook
		defer func() {
			if t.Failed() {
				t.Logf("logs:\n%s", logs.String())
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		qs := logs.replicas(t, 1, url, srv, oneSlot(time.Now().UTC().Truncate(time.Second)))
		job := waitReport(ctx, t, qs[0])
		stop(t, qs[0])

		var calls []string
		for _, m := range srv.Messages(slacktest.Method("conversations.history", "chat.postMessage")) {
			calls = append(calls, m.Method+":"+map[bool]string{true: "ok", false: m.Error}[m.OK()])
		}
		want := "conversations.history:ratelimited conversations.history:ok chat.postMessage:ok"
		if got := strings.Join(calls, " "); got != want {
			t.Errorf("calls: %s; want %s", got, want)
		}
		if job.Attempt != 1 {
			t.Errorf("the job took %d attempts, want 1 (a snooze is not an attempt)", job.Attempt)
		}
		if !strings.Contains(logs.String(), "rapport hebdomadaire limité par Slack : reporté") {
			t.Error("the snooze on the read's rate limit was not logged")
		}
	})
}

// TestBlocksRefusedFallsBackToText: Slack refuses the report's blocks (invalid_blocks): the
// report goes out as text alone, the text report's wording, escaped, with its metadata, and
// the channel read finds it.
func TestBlocksRefusedFallsBackToText(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	st := openStore(t, storetest.SQLiteURL(t))
	seed(t, st)
	p := poster(srv, st, t)
	srv.Fail("chat.postMessage", 1, "invalid_blocks")
	ctx := context.Background()
	start, end := time.Now(), time.Now().Truncate(time.Second)
	if err := p.PostReport(ctx, end.Add(-jobs.ReportPeriod), end); err != nil {
		t.Fatal(err)
	}
	calls := srv.Messages(slacktest.Method("chat.postMessage"))
	if len(calls) != 2 || calls[0].Error != "invalid_blocks" || len(calls[0].Blocks.BlockSet) == 0 || !calls[1].OK() {
		t.Fatalf("%d calls, want the refused blocks then the text: %+v", len(calls), calls)
	}
	text := calls[1]
	if len(text.Blocks.BlockSet) != 0 || !strings.Contains(text.Text, "Questions sans réponse") || !strings.Contains(text.Text, "1 fiche ouverte") {
		t.Errorf("fallback: %d blocks, text %q; want the text report alone", len(text.Blocks.BlockSet), text.Text)
	}
	if strings.Contains(text.Text, "<!channel>") || !strings.Contains(text.Text, "&lt;!channel&gt;") {
		t.Errorf("fallback text not escaped: %q", text.Text)
	}
	if got := until(t, text); got != end.UTC().Format(time.RFC3339) {
		t.Errorf("fallback metadata until = %s", got)
	}

	for _, tt := range []struct {
		name         string
		until, since time.Time
		want         bool
	}{
		{"this report", end, start, true},
		{"another week's", end.Add(-jobs.ReportPeriod), start, false},
		{"looked for after its post", end, time.Now().Add(time.Hour), false},
	} {
		got, err := p.Posted(ctx, tt.until, tt.since)
		if err != nil || got != tt.want {
			t.Errorf("%s: Posted = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	srv.Fail("conversations.history", 1, "missing_scope")
	if _, err := p.Posted(ctx, end, start); err == nil || !strings.Contains(err.Error(), "missing_scope") {
		t.Errorf("a refused read: err = %v, want Slack's missing_scope", err)
	}
}

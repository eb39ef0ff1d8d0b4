package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

func TestEnqueueOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		q := testQueue(t, url, nil, nil, nil)
		ctx := context.Background()
		a := mention("Ev001", "C1")
		first, inserted, err := q.Enqueue(ctx, a)
		if err != nil || !inserted {
			t.Fatalf("first enqueue: inserted %v, err %v", inserted, err)
		}
		// A Slack retry of the same delivery, seen by another replica: another envelope,
		// the same key.
		a.EnvelopeID = "env-retry"
		again, inserted, err := q.Enqueue(ctx, a)
		if err != nil || inserted || again.ID != first.ID {
			t.Fatalf("second enqueue: job %d inserted %v err %v, want job %d not inserted", again.ID, inserted, err, first.ID)
		}
		// A second queue on the same database (another replica) sees the same job.
		other := testQueue(t, url, nil, nil, nil)
		again, inserted, err = other.Enqueue(ctx, a)
		if err != nil || inserted || again.ID != first.ID {
			t.Fatalf("enqueue from another queue: job %d inserted %v err %v, want job %d not inserted", again.ID, inserted, err, first.ID)
		}
		other2, inserted, err := q.Enqueue(ctx, mention("Ev002", "C1"))
		if err != nil || !inserted || other2.ID == first.ID {
			t.Fatalf("another delivery: job %d inserted %v err %v, want a new job", other2.ID, inserted, err)
		}
		if _, _, err := q.Enqueue(ctx, AnswerArgs{Channel: "C1"}); err == nil {
			t.Error("enqueue without a delivery key: no error")
		}
		if err := q.Start(ctx); err == nil {
			t.Error("Start without an Answerer: no error")
		}
	})
}

func TestJobOutlivesStoppedQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		// The first process takes a request, starts answering it, and is stopped before Slack
		// answers: its grace period runs out.
		stuck := &answerer{block: true}
		q1 := testQueue(t, url, stuck, nil, nil)
		if err := q1.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		job := enqueue(t, q1, mention("Ev100", "C1"))
		waitFor(t, "the first process to start the job", func() bool { return len(stuck.callsOf("Ev100")) == 1 })
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := q1.Stop(ctx)
		cancel()
		if err == nil {
			t.Log("stop returned no error although its grace period ran out")
		}
		q1.Close()
		// A request acknowledged by nobody else while no process runs: left in the database.
		fresh := testQueue(t, url, nil, nil, nil)
		late := enqueue(t, fresh, mention("Ev101", "C2"))

		// The next process answers both, once.
		ok := &answerer{}
		m, _ := NewMetrics(nil)
		q2 := testQueue(t, url, ok, m, nil)
		startQueue(t, q2)
		waitState(t, q2, job.ID, rivertype.JobStateCompleted)
		waitState(t, q2, late.ID, rivertype.JobStateCompleted)
		for _, key := range []string{"Ev100", "Ev101"} {
			if n := len(ok.callsOf(key)); n != 1 {
				t.Errorf("%s answered %d times by the second process, want 1", key, n)
			}
		}
		if got := metric(m, QueuePost, OutcomeDone); got != 2 {
			t.Errorf("done = %v, want 2", got)
		}
	})
}

func TestRateLimitSnoozesItsChannelOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		const retryAfter = 5 * time.Second // longer than the other channel takes, even under -race on a busy machine
		f := &answerer{script: map[string][]error{"A1": {&slack.RateLimitedError{RetryAfter: retryAfter}}}}
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, f, m, nil)
		startQueue(t, q)
		a1 := enqueue(t, q, mention("A1", "CLIMITED"))
		waitFor(t, "A1's first attempt", func() bool { return len(f.callsOf("A1")) == 1 })
		a2 := enqueue(t, q, mention("A2", "CLIMITED"))
		b1 := enqueue(t, q, mention("B1", "COTHER"))

		waitState(t, q, b1.ID, rivertype.JobStateCompleted)
		if n := len(f.callsOf("A1")); n != 1 {
			t.Errorf("A1 tried %d times before the other channel's job was answered, want 1 (still snoozed)", n)
		}
		waitState(t, q, a1.ID, rivertype.JobStateCompleted)
		waitState(t, q, a2.ID, rivertype.JobStateCompleted)
		first := f.callsOf("A1")[0].at
		a1Calls, a2Calls := f.callsOf("A1"), f.callsOf("A2")
		if len(a1Calls) != 2 || a1Calls[1].at.Sub(first) < retryAfter {
			t.Errorf("A1: %d calls, second %v after the first; want 2, the second at least %v after", len(a1Calls), a1Calls[len(a1Calls)-1].at.Sub(first), retryAfter)
		}
		// A2 waited for its channel's limit without calling Slack.
		if len(a2Calls) != 1 || a2Calls[0].at.Sub(first) < retryAfter {
			t.Errorf("A2: %d calls, the first %v after A1's 429; want 1, after the limit", len(a2Calls), a2Calls[0].at.Sub(first))
		}
		if got := metric(m, QueuePost, OutcomeSnoozed); got < 2 {
			t.Errorf("snoozed = %v, want at least 2 (A1 on its 429, A2 behind it)", got)
		}
		if got := metric(m, QueuePost, OutcomeDone); got != 3 {
			t.Errorf("done = %v, want 3", got)
		}
	})
}

func TestExpiredAnswerDropped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		f := &answerer{script: map[string][]error{
			// Rate limited past its response_url's life: dropped at once, not snoozed.
			"S2": {&slack.RateLimitedError{RetryAfter: time.Hour}},
		}}
		m, _ := NewMetrics(nil)
		var logs syncBuffer
		q := testQueue(t, url, f, m, &logs)
		startQueue(t, q)
		expired := enqueue(t, q, slash("S1", "C1", time.Now().Add(-time.Second)))
		late := enqueue(t, q, slash("S2", "C2", time.Now().Add(ResponseURLLifetime)))

		job := waitState(t, q, expired.ID, rivertype.JobStateCancelled)
		if n := len(f.callsOf("S1")); n != 0 {
			t.Errorf("expired S1 answered %d times, want 0", n)
		}
		if len(job.Errors) != 1 || !strings.Contains(job.Errors[0].Error, ErrExpired.Error()) {
			t.Errorf("S1's errors = %+v, want one: %v", job.Errors, ErrExpired)
		}
		waitState(t, q, late.ID, rivertype.JobStateCancelled)
		if n := len(f.callsOf("S2")); n != 1 {
			t.Errorf("S2 tried %d times, want 1", n)
		}
		if got := metric(m, QueueResponse, OutcomeExpired); got != 2 {
			t.Errorf("expired = %v, want 2", got)
		}
		if got := strings.Count(logs.String(), "réponse abandonnée : response_url expirée"); got != 2 {
			t.Errorf("%d log lines for the dropped answers, want 2:\n%s", got, logs.String())
		}
	})
}

func TestDefiniteFailureRecordedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		f := &answerer{script: map[string][]error{
			"F1": {slack.SlackErrorResponse{Err: "channel_not_found"}},
			"F2": {slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}},
		}}
		m, _ := NewMetrics(nil)
		var logs syncBuffer
		q := testQueue(t, url, f, m, &logs)
		startQueue(t, q)
		failed := enqueue(t, q, mention("F1", "CGONE"))
		flaky := enqueue(t, q, mention("F2", "C1"))

		job := waitState(t, q, failed.ID, rivertype.JobStateCancelled)
		if n := len(f.callsOf("F1")); n != 1 {
			t.Errorf("F1 tried %d times, want 1", n)
		}
		if len(job.Errors) != 1 || !strings.Contains(job.Errors[0].Error, "channel_not_found") {
			t.Errorf("F1's errors = %+v, want one with channel_not_found", job.Errors)
		}
		if got := strings.Count(logs.String(), "réponse impossible, abandonnée"); got != 1 {
			t.Errorf("%d log lines for the failed answer, want 1", got)
		}
		// A 5xx may pass: tried again, answered.
		waitState(t, q, flaky.ID, rivertype.JobStateCompleted)
		if n := len(f.callsOf("F2")); n != 2 {
			t.Errorf("F2 tried %d times, want 2", n)
		}
		if got := metric(m, QueuePost, OutcomeFailed); got != 1 {
			t.Errorf("failed = %v, want 1", got)
		}
		if got := metric(m, QueuePost, OutcomeRetried); got != 1 {
			t.Errorf("retried = %v, want 1", got)
		}
	})
}

func TestCollector(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		q := testQueue(t, url, nil, nil, nil)
		reg := prometheus.NewPedanticRegistry()
		c := q.Collector().(*collector)
		// Scraped an hour later, so that the age does not depend on the clock's resolution.
		c.now = func() time.Time { return time.Now().Add(time.Hour) }
		reg.MustRegister(c)
		if got := gauge(t, reg, MetricOldestJobAge, ""); got != 0 {
			t.Errorf("oldest age of an empty queue = %v, want 0", got)
		}
		if got := gauge(t, reg, MetricJobsByState, "available"); got > 0 {
			t.Errorf("available jobs of an empty queue = %v, want 0", got)
		}
		enqueue(t, q, mention("M1", "C1"))
		enqueue(t, q, slash("M2", "C1", time.Now().Add(ResponseURLLifetime)))
		if got := gauge(t, reg, MetricJobsByState, "available"); got != 2 {
			t.Errorf("available jobs = %v, want 2", got)
		}
		if got := gauge(t, reg, MetricOldestJobAge, ""); got < time.Hour.Seconds() || got > 2*time.Hour.Seconds() {
			t.Errorf("oldest age = %v, want about an hour", got)
		}
	})
}

// gauge gathers reg and returns the value of name (with label state, if given); -1 when absent.
func gauge(t *testing.T, reg *prometheus.Registry, name, state string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if state == "" || (len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == state) {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestFastPathOutcomes answers leased jobs in-process, River's workers not started: each
// outcome is recorded on the job as River's own worker would record it.
func TestFastPathOutcomes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := &answerer{script: map[string][]error{
			"RL":   {&slack.RateLimitedError{RetryAfter: 3 * time.Second}},
			"GONE": {slack.SlackErrorResponse{Err: "channel_not_found"}},
			"5XX":  {slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}},
		}}
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, f, m, nil)
		batch := []AnswerArgs{mention("OK", "C1"), mention("RL", "C2"), mention("GONE", "C3"), mention("5XX", "C4"), mention("OK", "C1")}
		tickets, err := q.EnqueueLeased(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(tickets) != len(batch) || tickets[4] != nil {
			t.Fatalf("tickets = %v, want 5 with the duplicate's nil", tickets)
		}
		// Leased: its time to come, so River's fetch would not take it.
		if j, _ := q.Job(ctx, tickets[0].ID()); !j.ScheduledAt.After(time.Now()) {
			t.Fatalf("leased job scheduled at %s, want later", j.ScheduledAt)
		}
		// A retry of a delivery answered by the fast path gets no ticket.
		again, err := q.EnqueueLeased(ctx, batch[:1])
		if err != nil || again[0] != nil {
			t.Fatalf("retry of OK: ticket %v err %v, want none", again[0], err)
		}
		want := map[string]rivertype.JobState{
			// A snooze shorter than River's scheduler's period is available, but not before its time.
			"OK": rivertype.JobStateCompleted, "RL": rivertype.JobStateAvailable,
			"GONE": rivertype.JobStateCancelled, "5XX": rivertype.JobStateAvailable,
		}
		for _, tk := range tickets[:4] {
			ok, err := q.AnswerNow(ctx, tk)
			if err != nil || !ok {
				t.Fatalf("AnswerNow(%s) = %v, %v", tk.Args.DeliveryKey, ok, err)
			}
			j, err := q.Job(ctx, tk.ID())
			if err != nil {
				t.Fatal(err)
			}
			if j.State != want[tk.Args.DeliveryKey] {
				t.Errorf("%s: state %s, want %s", tk.Args.DeliveryKey, j.State, want[tk.Args.DeliveryKey])
			}
			switch tk.Args.DeliveryKey {
			case "RL":
				// Snoozed until Retry-After, the attempt not counted.
				if j.Attempt != 0 || j.ScheduledAt.Before(time.Now().Add(time.Second)) {
					t.Errorf("RL: attempt %d scheduled at %s, want 0 and about 3 s ahead", j.Attempt, j.ScheduledAt)
				}
			case "GONE":
				if len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, "channel_not_found") {
					t.Errorf("GONE: errors %+v, want Slack's channel_not_found once", j.Errors)
				}
			case "5XX":
				if j.Attempt != 1 || len(j.Errors) != 1 {
					t.Errorf("5XX: attempt %d errors %+v, want 1 attempt and its error", j.Attempt, j.Errors)
				}
			}
			// Worked once: a second AnswerNow finds it no longer leased.
			if ok, err := q.AnswerNow(ctx, tk); ok || err != nil {
				t.Errorf("%s answered again by the fast path: %v, %v", tk.Args.DeliveryKey, ok, err)
			}
		}
		if n := len(f.callsOf("OK")); n != 1 {
			t.Errorf("OK answered %d times, want 1", n)
		}
		if metric(m, QueuePost, OutcomeDone) != 1 || metric(m, QueuePost, OutcomeSnoozed) != 1 || metric(m, QueuePost, OutcomeFailed) != 1 {
			t.Errorf("metrics: done %v snoozed %v failed %v, want 1 each", metric(m, QueuePost, OutcomeDone),
				metric(m, QueuePost, OutcomeSnoozed), metric(m, QueuePost, OutcomeFailed))
		}

		// River's workers take what the fast path left: the snoozed and the retried jobs.
		startQueue(t, q)
		waitState(t, q, tickets[1].ID(), rivertype.JobStateCompleted)
		waitState(t, q, tickets[3].ID(), rivertype.JobStateCompleted)
		for _, k := range []string{"RL", "5XX"} {
			if n := len(f.callsOf(k)); n != 2 {
				t.Errorf("%s: %d calls, want 2 (the fast path's, then River's)", k, n)
			}
		}
	})
}

// TestReleaseHandsOverOnce releases a leased job to River's workers: they answer it, and the
// fast path can no longer take it, so it is answered once.
func TestReleaseHandsOverOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := &answerer{}
		q := testQueue(t, url, f, nil, nil)
		startQueue(t, q)
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("L1", "C1"), mention("L2", "C1")})
		if err != nil {
			t.Fatal(err)
		}
		// L2 is taken by the fast path first: a release leaves it alone.
		if ok, err := q.AnswerNow(ctx, tickets[1]); !ok || err != nil {
			t.Fatalf("AnswerNow(L2) = %v, %v", ok, err)
		}
		n, err := q.Release(ctx, tickets)
		if err != nil || n != 1 {
			t.Fatalf("Release = %d, %v; want 1 (L1 only)", n, err)
		}
		waitState(t, q, tickets[0].ID(), rivertype.JobStateCompleted)
		if ok, err := q.AnswerNow(ctx, tickets[0]); ok || err != nil {
			t.Errorf("fast path took a released job: %v, %v", ok, err)
		}
		for _, k := range []string{"L1", "L2"} {
			if n := len(f.callsOf(k)); n != 1 {
				t.Errorf("%s answered %d times, want 1", k, n)
			}
		}
	})
}

// TestLeaseEndsWithoutFastPath leaves a leased job unclaimed, as a process killed right after
// the insert would: River's workers answer it once its lease ends.
func TestLeaseEndsWithoutFastPath(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a lease to end")
	}
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		killed := testQueue(t, url, nil, nil, nil)
		tickets, err := killed.EnqueueLeased(ctx, []AnswerArgs{mention("K1", "C1")})
		if err != nil {
			t.Fatal(err)
		}
		f := &answerer{}
		next := testQueue(t, url, f, nil, nil)
		startQueue(t, next)
		waitState(t, next, tickets[0].ID(), rivertype.JobStateCompleted)
		if n := len(f.callsOf("K1")); n != 1 {
			t.Errorf("K1 answered %d times, want 1", n)
		}
	})
}

// TestCompleteLeasedOnce completes leased jobs whose answers went out in the requests' acks:
// the job is completed as one attempt, never worked by the fast path nor by River's workers;
// a job whose lease was given up (released, as at a stop) is not completed, and River's
// workers answer it once.
func TestCompleteLeasedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := &answerer{}
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, f, m, nil)
		acked := mention("ACKED", "C1")
		acked.ResponseURL, acked.ResponseURLExpiresAt = "https://hooks.example/1", time.Now().Add(ResponseURLLifetime)
		left := acked
		left.DeliveryKey, left.ResponseURL = "LEFT", "https://hooks.example/2"
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{acked, left})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := q.CompleteLeased(ctx, tickets[0]); !ok || err != nil {
			t.Fatalf("CompleteLeased(ACKED) = %v, %v", ok, err)
		}
		j, err := q.Job(ctx, tickets[0].ID())
		if err != nil {
			t.Fatal(err)
		}
		if j.State != rivertype.JobStateCompleted || j.Attempt != 1 || j.FinalizedAt == nil {
			t.Errorf("ACKED: state %s attempt %d finalized %v, want completed once", j.State, j.Attempt, j.FinalizedAt)
		}
		// Completed: neither a second completion nor the fast path takes it again.
		if ok, err := q.CompleteLeased(ctx, tickets[0]); ok || err != nil {
			t.Errorf("CompleteLeased(ACKED) again = %v, %v, want false", ok, err)
		}
		if ok, err := q.AnswerNow(ctx, tickets[0]); ok || err != nil {
			t.Errorf("AnswerNow(ACKED) = %v, %v, want false", ok, err)
		}
		// Released (the lease given up): not completed, River's workers answer it.
		if n, err := q.Release(ctx, tickets[1:]); n != 1 || err != nil {
			t.Fatalf("Release(LEFT) = %d, %v", n, err)
		}
		if ok, err := q.CompleteLeased(ctx, tickets[1]); ok || err != nil {
			t.Errorf("CompleteLeased of a released job = %v, %v, want false", ok, err)
		}
		startQueue(t, q)
		waitState(t, q, tickets[1].ID(), rivertype.JobStateCompleted)
		if n := len(f.callsOf("LEFT")); n != 1 {
			t.Errorf("LEFT answered %d times, want 1", n)
		}
		if n := len(f.callsOf("ACKED")); n != 0 {
			t.Errorf("ACKED worked %d times, want 0 (answered in its ack)", n)
		}
		if got := metric(m, QueueResponse, OutcomeAcked); got != 1 {
			t.Errorf("acked = %v, want 1", got)
		}
	})
}

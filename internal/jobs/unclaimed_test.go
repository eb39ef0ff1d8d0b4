package jobs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// newChecker is a checker whose answers are recorded as posted when they succeed, as Slack's
// history shows them.
func newChecker() *checker {
	c := &checker{posted: map[string]bool{}, checks: map[string][]time.Time{}}
	c.done = func(a AnswerArgs) {
		c.cmu.Lock()
		defer c.cmu.Unlock()
		c.posted[a.DeliveryKey] = true
	}
	return c
}

// TestMentionPostedWithinItsLease answers a mention with its job still leased: no claim
// before the post (one round fewer), the job settled once the committer has written; a
// /role answered through its response_url is claimed first, as before (it cannot be read back
// after a crash); a ticket taken by the fast path is not released.
func TestMentionPostedWithinItsLease(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		c := newChecker()
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, c, m, nil)
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("U1", "C1"), slash("U2", "C2", time.Now().Add(time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		stateDuringSend := func(tk *Ticket, want rivertype.JobState) Send {
			return func(ctx context.Context) error {
				j, err := q.Job(ctx, tk.ID())
				if err != nil || j.State != want {
					t.Errorf("%s sent while its job is %v (%v), want %s", tk.Args.DeliveryKey, j, err, want)
				}
				return nil
			}
		}
		if ok, err := q.AnswerWith(ctx, tickets[0], stateDuringSend(tickets[0], rivertype.JobStateScheduled)); !ok || err != nil {
			t.Fatalf("AnswerWith(U1) = %v, %v", ok, err)
		}
		if ok, err := q.AnswerWith(ctx, tickets[1], stateDuringSend(tickets[1], rivertype.JobStateRunning)); !ok || err != nil {
			t.Fatalf("AnswerWith(U2) = %v, %v", ok, err)
		}
		if n, err := q.Release(ctx, tickets[:1]); n != 0 || err != nil {
			t.Errorf("Release of a ticket posted = %d, %v; want 0", n, err)
		}
		if err := q.commits.flush(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tk := range tickets {
			j, err := q.Job(ctx, tk.ID())
			if err != nil {
				t.Fatal(err)
			}
			if j.State != rivertype.JobStateCompleted || j.Attempt != 1 || j.AttemptedAt == nil || j.FinalizedAt == nil {
				t.Errorf("%s: %s attempt %d, want completed as one attempt", tk.Args.DeliveryKey, j.State, j.Attempt)
			}
		}
		if got := metric(m, QueuePost, OutcomeDone); got != 1 {
			t.Errorf("mentions answered = %v, want 1", got)
		}
	})
}

// TestUnclaimedPostFailureRecordedAsAttempt answers mentions whose post fails, posted without
// a claim: each outcome is recorded as a claimed attempt's would be (a 429 snoozed, a Slack
// error cancelled, a 5xx retried), and a retried one asks Slack before posting again.
func TestUnclaimedPostFailureRecordedAsAttempt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		c := newChecker()
		c.script = map[string][]error{
			"F-RL":   {&slack.RateLimitedError{RetryAfter: 3 * time.Second}},
			"F-GONE": {slack.SlackErrorResponse{Err: "channel_not_found"}},
			"F-5XX":  {slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}},
		}
		q := testQueue(t, url, c, nil, nil)
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("F-RL", "C1"), mention("F-GONE", "C2"), mention("F-5XX", "C3")})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]struct {
			state   rivertype.JobState
			attempt int
		}{
			"F-RL":   {rivertype.JobStateAvailable, 0}, // a snooze is no attempt
			"F-GONE": {rivertype.JobStateCancelled, 1},
			"F-5XX":  {rivertype.JobStateAvailable, 1},
		}
		for _, tk := range tickets {
			if ok, err := q.AnswerWith(ctx, tk, nil); !ok || err != nil {
				t.Fatalf("AnswerWith(%s) = %v, %v", tk.Args.DeliveryKey, ok, err)
			}
			j, err := q.Job(ctx, tk.ID())
			if err != nil {
				t.Fatal(err)
			}
			if w := want[tk.Args.DeliveryKey]; j.State != w.state || j.Attempt != w.attempt {
				t.Errorf("%s: %s attempt %d, want %s attempt %d", tk.Args.DeliveryKey, j.State, j.Attempt, w.state, w.attempt)
			}
		}
		startQueue(t, q)
		waitState(t, q, tickets[2].ID(), rivertype.JobStateCompleted)
		if n := len(c.checksOf("F-5XX")); n != 1 {
			t.Errorf("F-5XX retried after %d reads, want 1", n)
		}
	})
}

// TestLeaseRanOutAfterUnclaimedPost is the edge of a post without a claim: Slack took the
// answer, then the lease ran out before the job was settled (a process stalled, or killed,
// between the post and its settlement; the settlement then finds the job no longer leased).
// River's worker takes the job for its first attempt, asks Slack, finds the answer and does
// not post it again. A job whose lease ran out before anything was posted (a process killed
// right after the insert) is asked about too, and posted once.
func TestLeaseRanOutAfterUnclaimedPost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		c := newChecker()
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, c, m, nil)
		endLease := leaseEnder(t, q, url)
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("E-POSTED", "C1"), mention("E-KILLED", "C2")})
		if err != nil {
			t.Fatal(err)
		}
		posted := tickets[0]
		send := func(ctx context.Context) error {
			if err := c.Answer(ctx, posted.Args); err != nil { // Slack takes the answer,
				return err
			}
			endLease(posted.ID()) // and the lease runs out before the settlement.
			return nil
		}
		if ok, err := q.AnswerWith(ctx, posted, send); !ok || err != nil {
			t.Fatalf("AnswerWith = %v, %v", ok, err)
		}
		if err := q.commits.flush(ctx); err != nil {
			t.Fatal(err)
		}
		if j, _ := q.Job(ctx, posted.ID()); j.State == rivertype.JobStateCompleted {
			t.Fatalf("settled after its lease ran out: %s", j.State)
		}
		endLease(tickets[1].ID()) // never posted: as a process killed after the insert
		startQueue(t, q)
		for _, tk := range tickets {
			waitState(t, q, tk.ID(), rivertype.JobStateCompleted)
			if n := len(c.callsOf(tk.Args.DeliveryKey)); n != 1 {
				t.Errorf("%s posted %d times, want 1", tk.Args.DeliveryKey, n)
			}
			if n := len(c.checksOf(tk.Args.DeliveryKey)); n != 1 {
				t.Errorf("%s: %d reads of Slack, want 1", tk.Args.DeliveryKey, n)
			}
		}
		if got := metric(m, QueuePost, OutcomeAlreadyPosted); got != 1 {
			t.Errorf("already_posted = %v, want 1", got)
		}
	})
}

// leaseEnder returns a function that ends a leased job's lease at once, as the time would:
// its created_at and scheduled_at both moved back by a lease and a second, so that the job
// still looks untouched (leaseRanOut), with its time come.
func leaseEnder(t *testing.T, q *Queue, url string) func(id int64) {
	t.Helper()
	const back = leaseAhead + time.Second
	if q.sqliteDB != nil {
		shift := func(col string) string {
			return fmt.Sprintf(`strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '-%d seconds')`, col, int(back.Seconds()))
		}
		query := `UPDATE river_job SET created_at = ` + shift("created_at") + `, scheduled_at = ` + shift("scheduled_at") + ` WHERE id = ?1`
		return func(id int64) {
			if _, err := q.sqliteDB.ExecContext(context.Background(), query, id); err != nil {
				t.Error(err)
			}
		}
	}
	pool := testPool(t, url)
	return func(id int64) {
		if _, err := pool.Exec(context.Background(), `UPDATE river_job SET created_at = created_at - $2::interval, scheduled_at = scheduled_at - $2::interval WHERE id = $1`,
			id, fmt.Sprintf("%d seconds", int(back.Seconds()))); err != nil {
			t.Error(err)
		}
	}
}

// TestLeaseRanOut tells the jobs River's worker must ask Slack about on their first attempt.
func TestLeaseRanOut(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 12, 3, 12, 0, 0, 123_000_000, time.UTC)
	tests := []struct {
		name    string
		attempt int
		sched   time.Time
		want    bool
	}{
		{"lease ran out untouched", 1, created.Add(leaseAhead), true},
		{"released (scheduled now)", 1, created.Add(3 * time.Second), false},
		{"snoozed after a claim", 1, created.Add(leaseAhead + 3*time.Second), false},
		{"second attempt (asked anyway)", 2, created.Add(leaseAhead), false},
		{"inserted by River, not leased", 1, created, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := &rivertype.JobRow{Kind: KindAnswer, Attempt: tt.attempt, CreatedAt: created, ScheduledAt: tt.sched}
			if got := leaseRanOut(j); got != tt.want {
				t.Errorf("leaseRanOut = %v, want %v", got, tt.want)
			}
		})
	}
}

package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestRecordEndsBeforeRescue: a claimed job's attempt and its record, retries included, end
// before River's rescuer may give the job to another worker (record.go relies on it).
func TestRecordEndsBeforeRescue(t *testing.T) {
	for _, budget := range []time.Duration{recordBudget, recordLaterBudget} {
		if jobTimeout+budget >= rescueAfter {
			t.Errorf("jobTimeout %s + record budget %s >= rescueAfter %s", jobTimeout, budget, rescueAfter)
		}
	}
}

// TestFastPathRecordOutlivesBusyDatabase makes the database refuse writes from the moment
// Slack has taken the answer until the first attempt at recording it has failed: the record
// is tried again, so the job ends completed (or snoozed) at once, instead of running until
// River's rescuer makes it answered a second time a minute later.
func TestFastPathRecordOutlivesBusyDatabase(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error // what Slack answered
		want rivertype.JobState
	}{
		{"answered", nil, rivertype.JobStateCompleted},
		{"rate limited", &slack.RateLimitedError{RetryAfter: 3 * time.Second}, rivertype.JobStateAvailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, url string) {
				ctx := context.Background()
				f := &answerer{script: map[string][]error{"K": {c.err}}}
				m, _ := NewMetrics(nil)
				q := testQueue(t, url, f, m, nil)
				tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("K", "C1")})
				if err != nil {
					t.Fatal(err)
				}
				// Held from the answer until past the first attempt's timeout: that attempt
				// fails whatever the machine's speed; the next ones find the database free.
				// held is closed before the release, so that a record made once the
				// database is free always finds it closed.
				held := make(chan struct{})
				f.done = func(AnswerArgs) {
					release := storetest.HoldWrites(t, url, "river_job")
					time.AfterFunc(recordTimeout+time.Second, func() { close(held); release() })
				}
				ok, err := q.AnswerNow(ctx, tickets[0])
				if !ok || err != nil {
					t.Fatalf("AnswerNow = %v, %v; want the outcome recorded", ok, err)
				}
				select {
				case <-held:
				default:
					t.Fatal("recorded while the database was held: the test injected nothing")
				}
				j, err := q.Job(ctx, tickets[0].ID())
				if err != nil {
					t.Fatal(err)
				}
				if j.State != c.want {
					t.Errorf("job %s, want %s", j.State, c.want)
				}
				if n := len(f.callsOf("K")); n != 1 {
					t.Errorf("%d calls to Slack, want 1", n)
				}
			})
		})
	}
}

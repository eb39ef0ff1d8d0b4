package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestRoundsInsertEachDeliveryOnce inserts the same deliveries from many goroutines at once,
// so that the committer's rounds hold several writes with one key: each delivery gets one
// ticket, the others none, and one job.
func TestRoundsInsertEachDeliveryOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		q := testQueue(t, url, &answerer{}, nil, nil)
		const writers, keys = 16, 8
		var mu sync.Mutex
		got := map[string][]int64{}
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				batch := make([]AnswerArgs, 0, keys+1)
				for k := range keys {
					batch = append(batch, mention(fmt.Sprintf("K%d", (k+w)%keys), "C1"))
				}
				batch = append(batch, batch[0]) // twice in one batch, too
				tickets, err := q.EnqueueLeased(ctx, batch)
				if err != nil {
					t.Error(err)
					return
				}
				if tickets[keys] != nil {
					t.Errorf("writer %d: the second sight of %s in its batch got a ticket", w, batch[0].DeliveryKey)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, tk := range tickets {
					if tk != nil {
						got[tk.Args.DeliveryKey] = append(got[tk.Args.DeliveryKey], tk.ID())
					}
				}
			})
		}
		wg.Wait()
		if len(got) != keys {
			t.Fatalf("tickets for %d deliveries, want %d: %v", len(got), keys, got)
		}
		for k, ids := range got {
			if len(ids) != 1 {
				t.Errorf("%s: %d tickets (%v), want 1", k, len(ids), ids)
			}
		}
		res, err := q.jobList(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) != keys {
			t.Errorf("%d jobs, want %d", len(res.Jobs), keys)
		}
	})
}

// TestRoundSkipsWritesAlreadyCancelled submits a write whose context is done: it is not
// written (the job stays leased), and its caller is told so; a closed queue refuses writes.
func TestRoundSkipsWritesAlreadyCancelled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		q := testQueue(t, url, &answerer{}, nil, nil)
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("C", "C1")})
		if err != nil {
			t.Fatal(err)
		}
		done, cancel := context.WithCancel(ctx)
		cancel()
		if ok, err := q.AnswerNow(done, tickets[0]); ok || !errors.Is(err, context.Canceled) {
			t.Fatalf("AnswerNow with a done context = %v, %v; want false and its error", ok, err)
		}
		if j, _ := q.Job(ctx, tickets[0].ID()); j.State != rivertype.JobStateScheduled || j.Attempt != 0 {
			t.Errorf("job %s attempt %d, want still leased (scheduled, 0)", j.State, j.Attempt)
		}
		q.Close()
		if _, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("D", "C1")}); !errors.Is(err, errClosed) {
			t.Errorf("insert into a closed queue: %v, want %v", err, errClosed)
		}
	})
}

// TestAnswerWithPostsOnlyClaimed answers a job with an answer computed beforehand: it is sent
// once, while the job is stored and running (claimed), and the job is completed once the
// committer has written what was pending; a job no longer leased is not sent at all.
func TestAnswerWithPostsOnlyClaimed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		q := testQueue(t, url, &answerer{}, nil, nil)
		tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("W1", "C1"), mention("W2", "C1")})
		if err != nil {
			t.Fatal(err)
		}
		sent := 0
		send := func(ctx context.Context) error {
			sent++
			j, err := q.Job(ctx, tickets[0].ID())
			if err != nil || j.State != rivertype.JobStateRunning {
				t.Errorf("sent while the job is %v (%v), want running", j, err)
			}
			return nil
		}
		if ok, err := q.AnswerWith(ctx, tickets[0], send); !ok || err != nil {
			t.Fatalf("AnswerWith = %v, %v", ok, err)
		}
		if err := q.commits.flush(ctx); err != nil {
			t.Fatal(err)
		}
		if j, _ := q.Job(ctx, tickets[0].ID()); j.State != rivertype.JobStateCompleted || sent != 1 {
			t.Errorf("job %s after %d sends, want completed after 1", j.State, sent)
		}
		// Released to River's workers: the fast path sends nothing.
		if n, err := q.Release(ctx, tickets[1:]); n != 1 || err != nil {
			t.Fatalf("Release = %d, %v", n, err)
		}
		if ok, err := q.AnswerWith(ctx, tickets[1], func(context.Context) error {
			t.Error("sent an answer for a job no longer leased")
			return nil
		}); ok || err != nil {
			t.Errorf("AnswerWith of a released job = %v, %v; want false", ok, err)
		}
	})
}

package jobs

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestInsertAnsweredOneRound inserts a slash command's job already answered: one row,
// completed as one attempt, marked; River's workers never work it; any later insert of the
// delivery (the fast path's, River's own) is a duplicate; and a retry after an attempt whose
// outcome was unknown tells its own job (committed after all) from another delivery's.
func TestInsertAnsweredOneRound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := &answerer{}
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, f, m, nil)
		riverInsert := riverInserter(t, q, url)
		exp := time.Now().Add(ResponseURLLifetime)

		one, err := q.NewAnswered(slash("ONE", "C1", exp))
		if err != nil {
			t.Fatal(err)
		}
		if ours, err := q.InsertAnswered(ctx, one); !ours || err != nil {
			t.Fatalf("InsertAnswered(ONE) = %v, %v; want its own job", ours, err)
		}
		id := jobOf(t, q, "ONE")
		j, err := q.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != rivertype.JobStateCompleted || j.Attempt != 1 || j.AttemptedAt == nil || j.FinalizedAt == nil {
			t.Errorf("ONE: state %s attempt %d attempted %v finalized %v, want completed once", j.State, j.Attempt, j.AttemptedAt, j.FinalizedAt)
		}
		var md map[string]string
		if err := json.Unmarshal(j.Metadata, &md); err != nil || md[markKey] != one.job.mark {
			t.Errorf("ONE: metadata %s, want the mark %q", j.Metadata, one.job.mark)
		}
		if j.Queue != QueueResponse || j.Kind != KindAnswer || j.MaxAttempts != answerMaxAttempts {
			t.Errorf("ONE: queue %s kind %s max attempts %d", j.Queue, j.Kind, j.MaxAttempts)
		}

		// The delivery again: a duplicate for the fast path, for River and for another
		// answered insert (another replica's, or Slack's retry).
		if tk, err := q.EnqueueLeased(ctx, []AnswerArgs{slash("ONE", "C1", exp)}); err != nil || tk[0] != nil {
			t.Errorf("EnqueueLeased(ONE) after its answered insert: %v, %v; want a duplicate", tk[0], err)
		}
		if r := riverInsert(slash("ONE", "C1", exp), time.Now()); !r.UniqueSkippedAsDuplicate || r.Job.ID != id {
			t.Errorf("River's insert of ONE: skipped %v, job %d; want job %d", r.UniqueSkippedAsDuplicate, r.Job.ID, id)
		}
		other, err := q.NewAnswered(slash("ONE", "C1", exp))
		if err != nil {
			t.Fatal(err)
		}
		if ours, err := q.InsertAnswered(ctx, other); ours || err != nil {
			t.Errorf("another answered insert of ONE = %v, %v; want a duplicate", ours, err)
		}

		// A retry after an unknown outcome: the job it collides with is its own (the first
		// attempt was committed) only if it bears its mark.
		one.tried = true
		if ours, err := q.InsertAnswered(ctx, one); !ours || err != nil {
			t.Errorf("retry of ONE after a committed attempt = %v, %v; want its own job", ours, err)
		}
		other.tried = true
		if ours, err := q.InsertAnswered(ctx, other); ours || err != nil {
			t.Errorf("retry of another insert of ONE = %v, %v; want a duplicate", ours, err)
		}
		leased, err := q.EnqueueLeased(ctx, []AnswerArgs{slash("LEASED", "C1", exp)})
		if err != nil || leased[0] == nil {
			t.Fatal(leased, err)
		}
		late, err := q.NewAnswered(slash("LEASED", "C1", exp))
		if err != nil {
			t.Fatal(err)
		}
		late.tried = true
		if ours, err := q.InsertAnswered(ctx, late); ours || err != nil {
			t.Errorf("retry colliding with a leased job = %v, %v; want a duplicate (its holder answers)", ours, err)
		}

		// Answered jobs and leased ones share a round: inserted in one statement.
		mixed, err := q.NewAnswered(slash("MIXED", "C1", exp))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("MIXED-MENTION", "C1")})
			done <- err
		}()
		if ours, err := q.InsertAnswered(ctx, mixed); !ours || err != nil {
			t.Errorf("InsertAnswered(MIXED) = %v, %v", ours, err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if j, err := q.Job(ctx, jobOf(t, q, "MIXED-MENTION")); err != nil || j.State != rivertype.JobStateScheduled || j.Attempt != 0 || j.FinalizedAt != nil || string(j.Metadata) != "{}" {
			t.Errorf("the leased job beside an answered one: %+v, %v", j, err)
		}

		startQueue(t, q)
		time.Sleep(3 * testPollInterval)
		if n := len(f.callsOf("ONE")) + len(f.callsOf("MIXED")); n != 0 {
			t.Errorf("answered jobs worked %d times, want 0 (answered in their acks)", n)
		}
		if got := metric(m, QueueResponse, OutcomeAcked); got != 3 {
			t.Errorf("acked = %v, want 3 (ONE, its retry, MIXED)", got)
		}
	})
}

// TestInsertAnsweredFailed holds the job table past the insert's deadline: the insert fails,
// nothing is stored, and the retry, once the table is free, stores the job as its own.
func TestInsertAnsweredFailed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		q := testQueue(t, url, &answerer{}, nil, nil)
		j, err := q.NewAnswered(slash("HELD", "C1", time.Now().Add(ResponseURLLifetime)))
		if err != nil {
			t.Fatal(err)
		}
		release := storetest.HoldWrites(t, url, "river_job")
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		ours, err := q.InsertAnswered(ctx, j)
		cancel()
		release()
		if err == nil {
			t.Fatalf("InsertAnswered with the table held = %v, nil; want an error", ours)
		}
		if ours, err := q.InsertAnswered(context.Background(), j); !ours || err != nil {
			t.Fatalf("retry = %v, %v; want its own job", ours, err)
		}
		if _, err := q.Job(context.Background(), jobOf(t, q, "HELD")); err != nil {
			t.Fatal(err)
		}
	})
}

// jobOf is the id of the job of a delivery (it must exist).
func jobOf(t *testing.T, q *Queue, key string) int64 {
	t.Helper()
	var id int64
	var err error
	if q.sqliteDB != nil {
		err = q.sqliteDB.QueryRow(`SELECT id FROM river_job WHERE unique_key = ?1`, uniqueKey(key)).Scan(&id)
	} else {
		err = q.commits.db.(*postgresDatabase).pool.QueryRow(context.Background(), `SELECT id FROM river_job WHERE unique_key = $1`, uniqueKey(key)).Scan(&id)
	}
	if err != nil {
		t.Fatalf("job of %s: %v", key, err)
	}
	return id
}

package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestOwnInsertIsRiversRow pins the fast path's insert (insert.go) against River's
// InsertMany of the same leased job: each sees the other's job as the delivery's (its unique
// key is River's), the rows are the same field by field (River's SQLite nonce aside), and
// River's workers work a job inserted by the fast path. Delivery keys with characters
// encoding/json escapes check that the unique key is computed on the same bytes.
func TestOwnInsertIsRiversRow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := &answerer{}
		q := testQueue(t, url, f, nil, nil)
		riverInsert := riverInserter(t, q, url)
		for _, key := range []string{"Ev0PLAIN", `Ev<&>"é` + "\u2028\\x", "C0AB12/1700000000.000100"} {
			t.Run("", func(t *testing.T) {
				at := time.Now().Add(leaseAhead)
				ours, theirs := mention("O"+key, "C1"), mention("R"+key, "C1")

				// River's first: the fast path sees a duplicate.
				r := riverInsert(theirs, at)
				if r.UniqueSkippedAsDuplicate {
					t.Fatalf("River's insert of %q skipped", theirs.DeliveryKey)
				}
				if tk, err := q.EnqueueLeased(ctx, []AnswerArgs{theirs}); err != nil || tk[0] != nil {
					t.Fatalf("fast path after River: ticket %v, err %v; want a duplicate", tk[0], err)
				}
				// The fast path's first: River's insert gives its job back.
				tk, err := q.EnqueueLeased(ctx, []AnswerArgs{ours})
				if err != nil || tk[0] == nil {
					t.Fatalf("fast path: ticket %v, err %v", tk, err)
				}
				if again := riverInsert(ours, at); !again.UniqueSkippedAsDuplicate || again.Job.ID != tk[0].ID() {
					t.Fatalf("River after the fast path: skipped %v, job %d; want the fast path's job %d",
						again.UniqueSkippedAsDuplicate, again.Job.ID, tk[0].ID())
				}

				mine, err := q.Job(ctx, tk[0].ID())
				if err != nil {
					t.Fatal(err)
				}
				rivers, err := q.Job(ctx, r.Job.ID)
				if err != nil {
					t.Fatal(err)
				}
				sameRow(t, mine, rivers, ours, theirs)
				if d := mine.ScheduledAt.Sub(at); d < -time.Second || d > time.Second {
					t.Errorf("scheduled at %s, want about %s", mine.ScheduledAt, at)
				}
				// The ticket's row is the row in the database.
				if got := tk[0].row; got.Queue != mine.Queue || got.MaxAttempts != mine.MaxAttempts || !bytes.Equal(got.UniqueKey, mine.UniqueKey) {
					t.Errorf("ticket row %+v differs from the stored %+v", got, mine)
				}
			})
		}

		// River's workers work a job the fast path inserted, once released.
		tk, err := q.EnqueueLeased(ctx, []AnswerArgs{mention("WORKED", "C1")})
		if err != nil {
			t.Fatal(err)
		}
		startQueue(t, q)
		if n, err := q.Release(ctx, tk); err != nil || n != 1 {
			t.Fatalf("Release = %d, %v", n, err)
		}
		waitState(t, q, tk[0].ID(), rivertype.JobStateCompleted)
		if n := len(f.callsOf("WORKED")); n != 1 {
			t.Errorf("WORKED answered %d times, want 1", n)
		}
	})
}

// sameRow fails t unless mine (the fast path's job of ours) and rivers (River's of theirs)
// are the same row, but for their ids, times and delivery.
func sameRow(t *testing.T, mine, rivers *rivertype.JobRow, ours, theirs AnswerArgs) {
	t.Helper()
	var a, b AnswerArgs
	if err := json.Unmarshal(mine.EncodedArgs, &a); err != nil || a != ours {
		t.Errorf("args %s (%v), want %+v", mine.EncodedArgs, err, ours)
	}
	if err := json.Unmarshal(rivers.EncodedArgs, &b); err != nil || b != theirs {
		t.Errorf("River's args %s (%v), want %+v", rivers.EncodedArgs, err, theirs)
	}
	type fields struct {
		Kind, Queue                    string
		State                          rivertype.JobState
		Attempt, MaxAttempts, Priority int
		Tags                           []string
		UniqueStates                   []rivertype.JobState
		Metadata                       map[string]any
		AttemptedAt, FinalizedAt       *time.Time
		Errors                         []rivertype.AttemptError
	}
	of := func(j *rivertype.JobRow) fields {
		var md map[string]any
		if err := json.Unmarshal(j.Metadata, &md); err != nil {
			t.Fatalf("metadata %s: %v", j.Metadata, err)
		}
		delete(md, riverdriver.UniqueInsertMetadataKey) // River's SQLite nonce
		states := slices.Clone(j.UniqueStates)
		slices.Sort(states)
		return fields{j.Kind, j.Queue, j.State, j.Attempt, j.MaxAttempts, j.Priority, j.Tags, states, md, j.AttemptedAt, j.FinalizedAt, j.Errors}
	}
	m, r := of(mine), of(rivers)
	if mb, rb := mustJSON(t, m), mustJSON(t, r); !bytes.Equal(mb, rb) {
		t.Errorf("row differs from River's:\n ours   %s\n River's %s", mb, rb)
	}
	want := slices.Clone(uniqueStates)
	slices.Sort(want)
	if !slices.Equal(m.UniqueStates, want) {
		t.Errorf("unique states %v, want %v", m.UniqueStates, want)
	}
	if !bytes.Equal(mine.UniqueKey, uniqueKey(ours.DeliveryKey)) || !bytes.Equal(rivers.UniqueKey, uniqueKey(theirs.DeliveryKey)) {
		t.Errorf("unique keys %x and %x, want uniqueKey's", mine.UniqueKey, rivers.UniqueKey)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// riverInserter returns a function inserting a leased job as EnqueueLeased did before it had
// its own insert: River's InsertMany, with the job's InsertOpts and ScheduledAt, on q's
// database.
func riverInserter(t *testing.T, q *Queue, url string) func(a AnswerArgs, at time.Time) *rivertype.JobInsertResult {
	t.Helper()
	ctx := context.Background()
	params := func(a AnswerArgs, at time.Time) []river.InsertManyParams {
		opts := a.InsertOpts()
		opts.ScheduledAt = at
		return []river.InsertManyParams{{Args: a, InsertOpts: &opts}}
	}
	one := func(res []*rivertype.JobInsertResult, err error) *rivertype.JobInsertResult {
		t.Helper()
		if err != nil || len(res) != 1 {
			t.Fatalf("River's InsertMany: %v, %v", res, err)
		}
		return res[0]
	}
	if q.sqliteDB != nil {
		c, err := river.NewClient(riversqlite.New(q.sqliteDB), &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		return func(a AnswerArgs, at time.Time) *rivertype.JobInsertResult {
			return one(c.InsertMany(ctx, params(a, at)))
		}
	}
	c, err := river.NewClient(riverpgxv5.New(testPool(t, url)), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return func(a AnswerArgs, at time.Time) *rivertype.JobInsertResult {
		return one(c.InsertMany(ctx, params(a, at)))
	}
}

// testPool is a connection pool of its own to the PostgreSQL database of url, closed with t.
func testPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	_, dsn, _, err := store.DataSource(url, "")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

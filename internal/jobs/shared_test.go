package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestSharesTheStoresDatabase checks that the queue and the store live in one database
// (one SQLite file with two pools, or one PostgreSQL schema): both migrate it, and each
// writes while the other works.
func TestSharesTheStoresDatabase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st, err := store.Open(ctx, url, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		f := &answerer{}
		q := testQueue(t, url, f, nil, nil)
		startQueue(t, q)
		var ids []int64
		for i, key := range []string{"D1", "D2", "D3", "D4", "D5"} {
			ids = append(ids, enqueue(t, q, mention(key, "C1")).ID)
			if ok, err := st.Claim(ctx, key, time.Hour); err != nil || !ok {
				t.Fatalf("claim %d beside the queue: %v, %v", i, ok, err)
			}
		}
		for _, id := range ids {
			waitState(t, q, id, rivertype.JobStateCompleted)
		}
		// Opening both again applies no migration twice.
		st2, err := store.Open(ctx, url, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		st2.Close()
		testQueue(t, url, nil, nil, nil)
	})
}

package jobs

import (
	"context"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestSQLiteUpdatesFindJobsByID checks SQLite's plan of the hand-over's updates: each job by
// its id, never a walk of River's index on the state. With the index (SQLite's choice for
// `state IN (…)` without the unary plus), every update of a burst read every job leased, so
// that a burst's updates grew with the jobs waiting: 44 µs a job in a burst of 3,000, against
// 8 µs in BenchmarkRound's rounds of 64.
func TestSQLiteUpdatesFindJobsByID(t *testing.T) {
	t.Parallel()
	q := testQueue(t, storetest.SQLiteURL(t), &answerer{}, nil, nil)
	for kind := writeClaim; kind < writeFlush; kind++ {
		rows, err := q.sqliteDB.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+updateSQL(store.DriverSQLite, kind), "[1,2]")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "river_job USING INTEGER PRIMARY KEY") || strings.Contains(joined, "river_job USING INDEX") || strings.Contains(joined, "river_job USING COVERING INDEX") {
			t.Errorf("update %d: plan %q, want river_job by its primary key only", kind, joined)
		}
	}
}

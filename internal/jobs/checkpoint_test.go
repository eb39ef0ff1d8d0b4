package jobs

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestCheckpointsOffTheCommits writes jobs on SQLite: the queue's commits leave the log alone
// (wal_autocheckpoint 0 on its connection), and the checkpointer copies it into the database
// file, which grows with the jobs.
func TestCheckpointsOffTheCommits(t *testing.T) {
	t.Parallel()
	url := storetest.SQLiteURL(t)
	ctx := context.Background()
	q := testQueue(t, url, &answerer{}, nil, nil)
	db := q.sqliteDB
	var auto int
	if err := db.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("queue's wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	path := strings.TrimPrefix(strings.SplitN(url, "?", 2)[0], "sqlite://")
	before := fileSize(t, path)
	for b := range 20 {
		batch := make([]AnswerArgs, 0, 50)
		for i := range 50 {
			a := mention(fmt.Sprintf("CP%d-%d", b, i), "C1")
			a.Text = strings.Repeat("qui fait quoi ? ", 20) // rows of some size
			batch = append(batch, a)
		}
		if _, err := q.EnqueueLeased(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the database file to hold the jobs", func() bool { return fileSize(t, path) > before+256*1024 })
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

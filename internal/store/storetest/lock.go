package storetest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// lockWait bounds how long HoldWrites waits for the lock it takes.
const lockWait = 30 * time.Second

// HoldWrites takes, on the database of rawURL (as SQLiteURL or PostgresURL return it), a lock
// that makes every write to table wait, as a database busy with someone else's transaction
// does: on SQLite, the file's one write lock (every table then waits); on PostgreSQL, an
// EXCLUSIVE lock on table (reads go on). Writers wait until release, or give up on their own
// timeouts. release is idempotent and also runs at the test's end.
func HoldWrites(t testing.TB, rawURL, table string) (release func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	driver, dsn, lockStmt := "pgx", rawURL, "LOCK TABLE "+table+" IN EXCLUSIVE MODE"
	if path, ok := strings.CutPrefix(rawURL, "sqlite://"); ok {
		driver, dsn, lockStmt = "sqlite", path+"?_pragma=busy_timeout(30000)", ""
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		_ = db.Close()
		t.Fatalf("storetest: connect: %v", err)
	}
	begin := "BEGIN"
	if driver == "sqlite" {
		begin = "BEGIN IMMEDIATE" // takes the write lock now, not at the first write
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		t.Fatalf("storetest: %s: %v", begin, err)
	}
	if lockStmt != "" {
		if _, err := conn.ExecContext(ctx, lockStmt); err != nil {
			t.Fatalf("storetest: lock %s: %v", table, err)
		}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				t.Errorf("storetest: rollback: %v", err)
			}
			_ = conn.Close()
			_ = db.Close()
		})
	}
	t.Cleanup(release)
	return release
}

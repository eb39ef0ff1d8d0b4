package jobs

// Checkpoints of the SQLite write-ahead log, off the answers' path. By default SQLite copies
// the log into the database file (a checkpoint, with its fsyncs) inside the commit that takes
// the log past 1,000 pages: that commit, and every answer of its round, then waits for the
// disk (tens of milliseconds on a busy one: the tail of the answers' latency). The queue's
// connection turns that off (wal_autocheckpoint 0, in its data source name) and a connection
// of its own checkpoints every checkpointInterval instead, in PASSIVE mode: it copies what no
// reader still needs, never waits for the writer, and the writer never waits for it. The
// store's connections keep SQLite's default, which a log kept short never reaches.

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// checkpointInterval is how often the checkpointer copies the log into the database: the log
// holds at most that much of the queue's writes (a few MiB in a burst).
const checkpointInterval = 500 * time.Millisecond

// noAutoCheckpoint is the data source parameter that turns SQLite's checkpoints in commits off
// on the queue's connection (modernc.org/sqlite applies it to every connection it opens).
const noAutoCheckpoint = "&_pragma=wal_autocheckpoint(0)"

// startCheckpointer checkpoints the database of dsn every checkpointInterval until the
// returned stop is called.
func startCheckpointer(dsn string, log *slog.Logger) (stop func(), err error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(checkpointInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil && ctx.Err() == nil {
				log.Warn("copie du journal SQLite dans la base en échec : nouvel essai plus tard", "err", err)
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
		_ = db.Close()
	}, nil
}

package main

// The durable queue's path (-path): the bot as serve runs it, every question a job in the
// database, answered at once by the fast path; measured beside the in-memory path.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
)

// childQueue passes the queue's database to a rolebot child: empty for the in-memory path.
const childQueue = "LOADTEST_QUEUE_URL"

// Paths of -path.
const (
	pathMemory = "memory" // answers in memory only (no durable queue)
	pathQueue  = "queue"  // every question a job in the database, as serve does
	pathBoth   = "both"   // both, one after the other, on the same machine
)

// queueStopTimeout bounds a child's stop of its queue's workers.
const queueStopTimeout = 5 * time.Second

// paths lists the runs of -path: false for the in-memory path, true for the queue's.
func (o options) paths() []bool {
	switch o.path {
	case pathQueue:
		return []bool{true}
	case pathBoth:
		return []bool{false, true}
	}
	return []bool{false}
}

// prepareQueue sets o.queueURL for a run through the queue: the teams' database when there is
// one, else a new SQLite file (removed by cleanup), so that no run sees another's jobs.
func prepareQueue(o *options) (cleanup func(), err error) {
	cleanup = func() {}
	if o.databaseURL != "" {
		o.queueURL = o.databaseURL
		return cleanup, nil
	}
	dir, err := os.MkdirTemp("", "loadtest-queue-")
	if err != nil {
		return cleanup, err
	}
	o.queueURL = "sqlite://" + filepath.Join(dir, "rolebot.db")
	return func() { _ = os.RemoveAll(dir) }, nil
}

// describeQueue names a run's path, for the report.
func (o options) describeQueue(queued bool) string {
	if !queued {
		return "chemin en mémoire (sans file durable)"
	}
	kind := "SQLite"
	if o.queueURL != "" && !isSQLite(o.queueURL) {
		kind = "PostgreSQL"
	}
	return "chemin par la file durable (" + kind + ", chaque question une tâche, réponse immédiate par le chemin rapide)"
}

// isSQLite tells a SQLite database URL.
func isSQLite(url string) bool { return strings.HasPrefix(url, "sqlite:") }

// openChildQueue opens the queue named in the environment, nil for the in-memory path; start
// starts its workers once the bot is built, stop stops them and closes it.
func openChildQueue(ctx context.Context, workers int, logger *slog.Logger) (q *jobs.Queue, fwd *jobs.DeferredAnswerer, stop func(), err error) {
	url := os.Getenv(childQueue)
	if url == "" {
		return nil, nil, func() {}, nil
	}
	fwd = &jobs.DeferredAnswerer{}
	q, err = jobs.Open(ctx, url, "", jobs.Config{Answerer: fwd, Workers: workers, Log: logger})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("file des réponses : %w", err)
	}
	return q, fwd, func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), queueStopTimeout)
		defer cancel()
		_ = q.Stop(sctx)
		q.Close()
	}, nil
}

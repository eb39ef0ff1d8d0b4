package main

// The durable queue's path (-path): the bot as serve runs it, every question a job in the
// database, answered at once by the fast path; measured beside the in-memory path.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slacktest"
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

// Faults of -fault: the first bot is stopped once every question is acknowledged, while Slack
// answers chat.postMessage with 429 (Retry-After faultRetryAfter), so that the mentions are
// acknowledged and not answered; then Slack lets answers through again.
const (
	faultTerm       = "term" // SIGTERM: a rolling update
	faultKill       = "kill" // SIGKILL: a crash, an OOM kill
	faultRetryAfter = 3 * time.Second
	// faultKillPost is SIGKILL while Slack has taken answers the bot has not heard back
	// about: the fake holds chat.postMessage's answers (no 429) until the kill, so the
	// mentions in flight are posted and their jobs left running, for the next process to
	// find them posted (their metadata) rather than post them again.
	faultKillPost = "killpost"
	// killPostWait bounds the wait, before the kill of -fault killpost, for every worker to
	// have a post held.
	killPostWait = 10 * time.Second
)

// stopMidBurst rate-limits chat.postMessage now, and returns what burst runs once every
// question is acknowledged: stop the first bot (o.fault), end the rate limit, and, with one
// replica, start the next process on the same database, as a rolling update does.
func stopMidBurst(srv *slacktest.Server, o options, stops *[]stopFunc) func() {
	release := func() {}
	if o.fault == faultKillPost {
		release = srv.Hold("chat.postMessage")
	} else {
		srv.RateLimit("chat.postMessage", -1, faultRetryAfter)
	}
	return func() {
		sig := syscall.SIGTERM
		if o.fault == faultKill || o.fault == faultKillPost {
			sig = syscall.SIGKILL
		}
		if o.fault == faultKillPost {
			// Killed once Slack holds a post from each worker of the mentions' lane (or
			// after killPostWait, with what it holds).
			ctx, cancel := context.WithTimeout(context.Background(), killPostWait)
			_, _ = srv.WaitMessages(ctx, o.workers, slacktest.Method("chat.postMessage"), slacktest.Succeeded())
			cancel()
		}
		if _, err := (*stops)[0](sig); err != nil {
			fmt.Fprintf(os.Stderr, "loadtest : arrêt de la première instance : %v\n", err)
		}
		release()
		if n := len(srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); o.fault == faultKillPost {
			fmt.Fprintf(os.Stderr, "loadtest : %d réponses prises par Slack sans que l'instance tuée le sache\n", n)
		}
		srv.ClearFaults()
		if len(*stops) > 1 {
			return // the other replica answers what the first left
		}
		next, err := startChild(srv, "rolebot", o)
		if err != nil {
			fmt.Fprintf(os.Stderr, "loadtest : démarrage de l'instance suivante : %v\n", err)
			return
		}
		*stops = append(*stops, next)
	}
}

// describeFault says what -fault does, for the report's header.
func (o options) describeFault() string {
	switch o.fault {
	case faultTerm:
		return ", SIGTERM à la première instance en pleine rafale (chat.postMessage en 429)"
	case faultKill:
		return ", SIGKILL à la première instance en pleine rafale (chat.postMessage en 429)"
	case faultKillPost:
		return ", SIGKILL à la première instance pendant que Slack retient les réponses de chat.postMessage déjà prises"
	}
	return ""
}

// queueDrainPoll is how often waitQueueDrained looks at the queue.
const queueDrainPoll = 100 * time.Millisecond

// waitQueueDrained waits until the queue at url has no unfinished job (queued, snoozed,
// retried or running), or ctx ends.
func waitQueueDrained(ctx context.Context, url string) error {
	q, err := jobs.Open(ctx, url, "", jobs.Config{})
	if err != nil {
		return err
	}
	defer q.Close()
	for {
		waiting, err := q.Waiting(ctx)
		if err != nil {
			return err
		}
		if len(waiting) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%v encore en attente : %w", waiting, ctx.Err())
		case <-time.After(queueDrainPoll):
		}
	}
}

// printPathRatios prints the queue path's answer and ack p99 as multiples of the in-memory
// path's, in all and for each surface: for /role, whose ack carries its answer on the queue
// path, the answer is what counts; for mentions, whose ack waits for the job's insert, both.
func printPathRatios(w io.Writer, memory, queue report) {
	ratio := func(what string, m, q stats) string {
		if m.p99 <= 0 || q.n == 0 {
			return ""
		}
		return fmt.Sprintf("%s p99 %.2f × (%s contre %s)", what, float64(q.p99)/float64(m.p99), ms(q.p99), ms(m.p99))
	}
	line := func(label string, m, q surfaceStats) {
		parts := []string{ratio("réponse", m.answer, q.answer), ratio("ack", m.ack, q.ack)}
		parts = slices.DeleteFunc(parts, func(s string) bool { return s == "" })
		if len(parts) > 0 {
			fmt.Fprintf(w, "%s%s\n", label, strings.Join(parts, ", "))
		}
	}
	fmt.Fprintln(w)
	line("file durable / mémoire : ", surfaceStats{ack: memory.ack, answer: memory.answer}, surfaceStats{ack: queue.ack, answer: queue.answer})
	for i := range memory.bySurface {
		line(fmt.Sprintf("  %-8s : ", surfaceNames[i]), memory.bySurface[i], queue.bySurface[i])
	}
}

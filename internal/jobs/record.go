package jobs

// Recording a fast-path outcome, again if need be. The update that records an answer's
// outcome (completed, snoozed, retried, cancelled) competes for the database with everything
// else: on SQLite the queue has one connection and the file one writer, so a loaded machine
// can make that update wait past recordTimeout. A failed record used to leave the job
// running, answered or not, until River's rescuer gave it to a worker a minute later
// (rescueAfter): a mention put off by a 429 waited that minute, and an answer already posted
// through a response_url, which cannot be read back (once.go), was posted a second time.
// River's own completer retries its updates for the same reason (three attempts, with
// backoff); the fast path now does too.

import (
	"context"
	"errors"
	"time"
)

// Retries of a fast-path record.
const (
	// recordAttempts is how many times a record is tried before the job is left to River's
	// rescuer.
	recordAttempts = 3
	// recordBackoff is the wait after the first failed attempt, doubled after each other.
	recordBackoff = 500 * time.Millisecond
	// recordBudget is the longest a record can take, all attempts and waits included. A
	// claimed job's attempt (at most jobTimeout) plus its record must end before River's
	// rescuer may take the job (rescueAfter, see TestRecordEndsBeforeRescue): until then
	// nobody but this process changes a job it claimed, which is why a retried update that
	// finds the job no longer running knows its earlier attempt was committed.
	recordBudget = recordAttempts*recordTimeout + (1<<(recordAttempts-1)-1)*recordBackoff
	// recordLaterBudget is the same for a completion whose first attempt went in a round
	// nobody waited for (AnswerWith), then recordAgain: that round, a backoff, recordBudget.
	recordLaterBudget = roundTimeout + recordBackoff + recordBudget
)

// errNotRunning is a completion that found the job no longer running on its first attempt:
// not a failure that passes, so not retried.
var errNotRunning = errors.New("tâche plus en cours")

// recordAgain is record after a first attempt that failed (made elsewhere: AnswerWith's, in a
// round nobody waited for): every attempt it makes is a retry.
func recordAgain(ctx context.Context, update func(ctx context.Context, retry bool) error) error {
	time.Sleep(recordBackoff)
	return record(ctx, func(ctx context.Context, _ bool) error { return update(ctx, true) })
}

// record runs update until it succeeds, recordAttempts times at most, each attempt within
// recordTimeout, even when ctx is done (the process is stopping: the job must not be left
// running). update is told whether an earlier attempt failed: such an attempt may still have
// been committed (a timeout after the commit), so update must then take "already recorded"
// for success. errNotRunning is returned at once.
func record(ctx context.Context, update func(ctx context.Context, retry bool) error) error {
	ctx = context.WithoutCancel(ctx)
	wait := recordBackoff
	var err error
	for attempt := range recordAttempts {
		if attempt > 0 {
			time.Sleep(wait)
			wait *= 2
		}
		actx, cancel := context.WithTimeout(ctx, recordTimeout)
		err = update(actx, attempt > 0)
		cancel()
		if err == nil || errors.Is(err, errNotRunning) {
			return err
		}
	}
	return err
}

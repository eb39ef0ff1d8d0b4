package jobs

// The fast path: a job answered at once by the process that inserted it, with the job as the
// record, instead of waiting for River's fetch (polled on SQLite: tens of milliseconds).
//
// The hand-over between the fast path and River's workers is one conditional update of the
// job's row, so a job is never worked by both:
//
//   - EnqueueLeased inserts each job as River would (insert.go; its unique key is the
//     delivery's claim) scheduled leaseAhead in the future. River's fetch only takes available jobs whose
//     scheduled time has come: until then the job belongs to the process that inserted it
//     (River's scheduler may mark it available ahead of time; its time is still to come).
//   - AnswerNow moves the job to running if its time is still to come (UPDATE … WHERE
//     scheduled_at > now, as River's own fetch moves due jobs to running), then answers it, then records the
//     outcome with River's driver (JobSetStateIfRunningMany, what River's completer and
//     JobCompleteTx call): completed, snoozed until Retry-After, retried later, cancelled with
//     Slack's error. If River's scheduler got there first (the process was too slow for its
//     lease), the update changes no row and the fast path leaves the job to River.
//   - A mention picked up soon after its insert is posted within its lease without the claim,
//     and settled after the post (unclaimed.go explains why nobody else can work it meanwhile,
//     and how a post left unrecorded is found again).
//   - A job whose answer went out with the request's acknowledgement, computed before its
//     insert, is inserted already completed (InsertAnswered, answered.go): no lease, no
//     hand-over, nothing for River to work.
//   - A process that dies between the insert and the claim leaves scheduled jobs, which River
//     makes available when the lease ends; one that dies mid-answer leaves a running job,
//     which River's rescuer makes retryable after rescueAfter, exactly as for its own workers.
//   - A process that stops (SIGTERM) releases the jobs it has not claimed (Release: scheduled
//     to available at once, again conditionally), and the answers it interrupts are recorded
//     as an attempt retried within a second (snoozed for 0 when nothing was sent yet), for
//     the next process, which then asks whether the interrupted post went through (once.go).
//
// Every one of these writes but the rare outcomes (a snooze, a retry, a cancel) goes through the
// committer (commit.go), which writes whatever waits in one transaction: the inserts of a
// burst, its claims and its completions share their rounds.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/store"
)

// leaseAhead is how long a job inserted by EnqueueLeased belongs to the fast path of its
// process before River's workers may take it: longer than River's scheduler's look-ahead
// (schedulerInterval), so that the scheduler never visits a job the fast path finishes in
// time (on SQLite it updates them one by one: a fifth of a burst's CPU with a 5 s lease), and
// short enough that a killed process's unclaimed jobs are soon answered elsewhere.
const leaseAhead = 2 * schedulerInterval

// schedulerInterval is River's scheduler's period (its default): a job snoozed or retried for
// less is made available at once, as River's own executor does.
const schedulerInterval = 5 * time.Second

// recordTimeout bounds one attempt at the update that records a fast-path outcome: it runs
// even when the answer's context is done (the process is stopping), so that the job is not
// left running, and is tried again if it fails (record.go).
const recordTimeout = 5 * time.Second

// Ticket is a job inserted by EnqueueLeased and leased to this process's fast path.
type Ticket struct {
	// Args are the job's arguments.
	Args AnswerArgs
	row  *rivertype.JobRow
	// taken is set by the first of the fast path's attempt and Release: a job posted without
	// a claim (unclaimed.go) has no write in the database to stop a release, so the ticket
	// does, in this process (the only one holding it).
	taken atomic.Bool
}

// ID is the job's id.
func (t *Ticket) ID() int64 { return t.row.ID }

// The hand-over's updates, per driver (placeholders and clocks differ; the SQLite clock's
// format is River's): what each kind of write (commit.go) sets, on the jobs still where it
// expects them. Each runs on a set of jobs at once (by id) and returns the ids it changed:
//   - writeClaim moves leased jobs to running, as one attempt; a job not changed had its
//     lease ended;
//   - writeComplete records running jobs as answered (as River's JobSetStateCompleted does);
//   - writeSettle records leased jobs as answered, as one attempt, in one statement: for
//     answers that went out with the requests' acknowledgements (CompleteLeased);
//   - writeRelease makes leased jobs available at once.
//
// A job is leased while it waits, scheduled or available, for a time still to come. River's
// scheduler looks ahead by its interval: it makes a job due within the next 5 s available
// before its time, with its scheduled_at unchanged; its fetch takes only available jobs whose
// time has come. The lease condition and the fetch's are thus exclusive, whatever the
// scheduler did; and a lease is for a job nobody has attempted yet (River's fetch sets
// attempted_at), so that a late claim never takes a job River has already worked and snoozed.
//
// On SQLite the state is written `+state`: the unary plus keeps SQLite's planner off River's
// index on the state, which it otherwise walks (every job leased or running) instead of
// looking the ids up by primary key, so that each update of a burst cost as much as the jobs
// waiting (TestSQLiteUpdatesFindJobsByID). PostgreSQL's planner takes the ids' index itself.
const (
	leasedPostgres = `state IN ('scheduled', 'available') AND attempted_at IS NULL AND scheduled_at > now()`
	leasedSQLite   = `+state IN ('scheduled', 'available') AND attempted_at IS NULL AND scheduled_at > datetime('now', 'subsec')`
)

var (
	updatesPostgres = [writeKinds]string{
		writeClaim:    `SET state = 'running', attempt = attempt + 1, attempted_at = now() WHERE ` + leasedPostgres,
		writeComplete: `SET state = 'completed', finalized_at = now() WHERE state = 'running'`,
		writeSettle:   `SET state = 'completed', attempt = attempt + 1, attempted_at = now(), finalized_at = now() WHERE ` + leasedPostgres,
		writeRelease:  `SET state = 'available', scheduled_at = now() WHERE ` + leasedPostgres,
	}
	updatesSQLite = [writeKinds]string{
		writeClaim:    `SET state = 'running', attempt = attempt + 1, attempted_at = datetime('now', 'subsec') WHERE ` + leasedSQLite,
		writeComplete: `SET state = 'completed', finalized_at = datetime('now', 'subsec') WHERE +state = 'running'`,
		writeSettle:   `SET state = 'completed', attempt = attempt + 1, attempted_at = datetime('now', 'subsec'), finalized_at = datetime('now', 'subsec') WHERE ` + leasedSQLite,
		writeRelease:  `SET state = 'available', scheduled_at = datetime('now', 'subsec') WHERE ` + leasedSQLite,
	}
)

// updateSQL is the statement of one kind of update, on a set of ids: a JSON array on SQLite,
// an array on PostgreSQL.
func updateSQL(driver string, kind writeKind) string {
	if driver == store.DriverSQLite {
		return `UPDATE river_job ` + updatesSQLite[kind] + ` AND id IN (SELECT value FROM json_each(?1)) RETURNING id`
	}
	return `UPDATE river_job ` + updatesPostgres[kind] + ` AND id = ANY($1::bigint[]) RETURNING id`
}

// EnqueueLeased inserts the answer jobs of a batch of requests in one transaction, each
// leased to this process's fast path (see the top of this file), and returns, in order, the
// ticket of each new job and nil for a delivery that already has one (a retry, or another
// replica took it: the job is the claim).
func (q *Queue) EnqueueLeased(ctx context.Context, batch []AnswerArgs) ([]*Ticket, error) {
	jobs := make([]newJob, 0, len(batch))
	now := time.Now()
	at := now.Add(leaseAhead)
	for _, a := range batch {
		if a.DeliveryKey == "" {
			return nil, errors.New("file des réponses : clé de livraison vide")
		}
		j, err := newLeasedJob(a, now, at)
		if err != nil {
			return nil, fmt.Errorf("file des réponses : %w", err)
		}
		jobs = append(jobs, j)
	}
	// A delivery seen twice within the batch (or the round) is inserted once, and its second
	// sight is a duplicate (commit.go).
	ids, err := q.commits.insert(ctx, jobs)
	if err != nil {
		return nil, fmt.Errorf("file des réponses : insertion de %d tâches : %w", len(jobs), err)
	}
	out := make([]*Ticket, len(batch))
	for k, id := range ids {
		if id != 0 {
			out[k] = &Ticket{Args: batch[k], row: jobs[k].row(id)}
		}
	}
	return out, nil
}

// AnswerNow answers a leased job in this process, as River's worker would (the same
// Answerer, rate-limit gate and metrics), and records the outcome on the job. It reports
// false, doing nothing, when the job was no longer leased (River's workers have it).
func (q *Queue) AnswerNow(ctx context.Context, t *Ticket) (bool, error) {
	return q.answer(ctx, t, nil, true)
}

// Send posts an answer computed beforehand (see AnswerWith) and returns Slack's error, as
// Answerer.Answer does.
type Send func(ctx context.Context) error

// AnswerWith is AnswerNow with an answer the caller computed before the job was claimed
// (while it was being inserted): send posts it, after the claim, instead of the Answerer's
// Answer (nil: the Answerer's). Nothing is posted for a job not claimed, so never for a job
// not stored; a mention's job picked up early in its lease is posted within it without the
// claim (unclaimed.go), and settled instead of completed. A job answered is recorded in the
// committer's next round, as AnswerNow does, but without waiting for it (the answer is out,
// and the caller's worker is free for the next one): a failure to record it is logged, and
// River then gives the job to a worker (its rescuer, or its fetch once the lease of a job
// posted without a claim runs out), which finds the answer posted (once.go). Close writes
// what is pending.
func (q *Queue) AnswerWith(ctx context.Context, t *Ticket, send Send) (bool, error) {
	return q.answer(ctx, t, send, false)
}

// answer is AnswerNow (wait: the completion recorded before it returns) and AnswerWith. The
// job is claimed first (one round), or posted within its lease without a claim when
// postsUnclaimed says so (unclaimed.go).
func (q *Queue) answer(ctx context.Context, t *Ticket, send Send, wait bool) (bool, error) {
	if q.worker == nil {
		return false, errors.New("file des réponses : aucun Answerer")
	}
	unclaimed := !wait && q.postsUnclaimed(t, time.Now())
	if !unclaimed {
		t.taken.Store(true)
		claimed, err := q.commits.update(ctx, writeClaim, t.row.ID)
		if err != nil {
			return false, fmt.Errorf("file des réponses : prise de la tâche %d : %w", t.row.ID, err)
		}
		if !claimed[t.row.ID] {
			return false, nil
		}
	}
	row := *t.row
	start := time.Now()
	row.State, row.Attempt, row.AttemptedAt = rivertype.JobStateRunning, row.Attempt+1, &start
	if send == nil {
		send = func(ctx context.Context) error { return q.worker.answerer.Answer(ctx, t.Args) }
	}
	deadline := start.Add(jobTimeout)
	if unclaimed {
		deadline = t.row.CreatedAt.Add(unclaimedPostEnd)
	}
	jctx, cancel := context.WithDeadline(ctx, deadline)
	werr := q.worker.attempt(jctx, &row, t.Args, send, byFastPath)
	cancel()
	// Recorded even if ctx is done, and again if the database failed (record.go).
	if werr == nil {
		return true, q.recordAnswered(ctx, t, &row, unclaimed, wait)
	}
	if unclaimed {
		// Any other outcome is recorded as the claimed attempt it was: claimed now, then
		// recorded as below.
		claimed, err := q.claimLate(ctx, row.ID)
		switch {
		case err != nil:
			return true, fmt.Errorf("file des réponses : tâche %d essayée sans prise, non enregistrée (%v) : River la reprendra à la fin de son bail", row.ID, err)
		case !claimed:
			return true, nil // the lease ran out: River's worker has it, and reads Slack first
		}
	}
	p := outcomeParams(&row, werr, start, time.Now())
	if err := record(ctx, func(ctx context.Context, _ bool) error { return q.setState(ctx, p) }); err != nil {
		// The job stays running: River's rescuer gives it to a worker after rescueAfter.
		return true, fmt.Errorf("file des réponses : enregistrement de la tâche %d (%s) : %w", row.ID, p.State, err)
	}
	return true, nil
}

// recordAnswered records the answered job of row: completed from running (claimed), or from
// leased (posted without a claim, the settlement CompleteLeased writes). wait says whether to
// wait for the record (AnswerNow), or to leave it to the committer's next round (AnswerWith).
func (q *Queue) recordAnswered(ctx context.Context, t *Ticket, row *rivertype.JobRow, unclaimed, wait bool) error {
	kind := writeComplete
	if unclaimed {
		kind = writeSettle
	}
	// The common case, in the committer's next round rather than by River's driver.
	complete := func(ctx context.Context, retry bool) error {
		done, err := q.commits.update(ctx, kind, row.ID)
		if err == nil && !done[row.ID] && !retry {
			return errNotRunning
		}
		// Not running (or not leased) on a retry: the failed attempt was committed, or, for
		// a settlement, the lease ran out and River's worker finds the answer posted.
		return err
	}
	unrecorded := func(err error) error {
		return fmt.Errorf("file des réponses : tâche %d répondue mais non enregistrée (%v) : River la reprendra", row.ID, err)
	}
	if wait {
		if err := record(ctx, complete); err != nil {
			return unrecorded(err)
		}
		return nil
	}
	// The first attempt in the next round, without waiting; if it fails, the others from a
	// goroutine of their own, as record does.
	q.commits.submitLater(&write{ctx: context.WithoutCancel(ctx), kind: kind, ids: []int64{row.ID}}, func(r writeResult) {
		switch {
		case r.err == nil && r.changed[row.ID]:
			return
		case r.err == nil:
			q.log.Warn(unrecorded(errNotRunning).Error(), "delivery", t.Args.DeliveryKey)
		default:
			go func() {
				if err := recordAgain(ctx, complete); err != nil {
					q.log.Warn(unrecorded(err).Error(), "delivery", t.Args.DeliveryKey)
				}
			}()
		}
	})
	return nil
}

// CompleteLeased records a leased job as answered without working it: its answer was
// computed by the caller and goes out with the request's acknowledgement (a slash command
// answered in its socket-mode ack), which the caller sends only once this returns true. The
// job moves from leased to completed in one conditional update, so it is either answered
// there or left to the workers, never both: false (the lease had ended, River's workers have
// the job) means the caller must not send the answer. An error leaves the outcome unknown
// (the update may or may not have been committed): the caller must then send neither the
// answer nor an empty acknowledgement, so that whatever the database holds stays true — a
// completed job owes nothing to a request Slack saw fail, a leased one is answered by River's
// workers once its lease ends.
func (q *Queue) CompleteLeased(ctx context.Context, t *Ticket) (bool, error) {
	settled, err := q.commits.update(ctx, writeSettle, t.row.ID)
	if err != nil {
		return false, fmt.Errorf("file des réponses : tâche %d répondue dans l'accusé de réception : %w", t.row.ID, err)
	}
	ok := settled[t.row.ID]
	if ok && q.worker != nil {
		q.worker.count(t.Args.Queue(), OutcomeAcked)
	}
	return ok, nil
}

// Release makes the leased jobs not claimed yet available at once to every worker, this
// process's or another's, and returns how many it released: a stopping process leaves them
// to the next one without waiting for their lease to end.
func (q *Queue) Release(ctx context.Context, tickets []*Ticket) (int, error) {
	if len(tickets) == 0 {
		return 0, nil
	}
	ids := make([]int64, 0, len(tickets))
	for _, t := range tickets {
		if t.taken.CompareAndSwap(false, true) { // else the fast path has it (unclaimed.go)
			ids = append(ids, t.row.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	released, err := q.commits.update(ctx, writeRelease, ids...)
	if err != nil {
		return 0, fmt.Errorf("file des réponses : libération de %d tâches : %w", len(ids), err)
	}
	return len(released), nil
}

// outcomeParams is how a fast-path attempt's error (as answerWorker.attempt returns it) is
// recorded, the way River's executor records a worker's: nil completes the job; a snooze puts
// it off without counting the attempt; a cancel records Slack's error for good; another error
// is retried after answerRetryPolicy's delay, or discarded after the last attempt.
func outcomeParams(row *rivertype.JobRow, err error, start, now time.Time) *riverdriver.JobSetStateIfRunningParams {
	if err == nil {
		return riverdriver.JobSetStateCompleted(row.ID, now, nil)
	}
	var snooze *rivertype.JobSnoozeError
	if errors.As(err, &snooze) {
		at := now.Add(snooze.Duration)
		if snooze.Duration <= schedulerInterval {
			return riverdriver.JobSetStateSnoozedAvailable(row.ID, at, row.Attempt-1, nil)
		}
		return riverdriver.JobSetStateSnoozed(row.ID, at, row.Attempt-1, nil)
	}
	msg := err.Error()
	var cancel *rivertype.JobCancelError
	isCancel := errors.As(err, &cancel)
	if isCancel && cancel.Unwrap() != nil {
		msg = cancel.Unwrap().Error()
	}
	errData, _ := json.Marshal(rivertype.AttemptError{At: start, Attempt: row.Attempt, Error: msg})
	switch {
	case isCancel:
		return riverdriver.JobSetStateCancelled(row.ID, now, errData, nil)
	case row.Attempt >= row.MaxAttempts:
		return riverdriver.JobSetStateDiscarded(row.ID, now, errData, nil)
	}
	next := answerRetryPolicy{}.NextRetry(row)
	if next.Sub(now) <= schedulerInterval {
		return riverdriver.JobSetStateErrorAvailable(row.ID, next, errData, nil)
	}
	return riverdriver.JobSetStateErrorRetryable(row.ID, next, errData, nil)
}

// setStateIfRunning records p on a running job through River's driver, as River's completer
// does.
func setStateIfRunning(ctx context.Context, exec riverdriver.Executor, p *riverdriver.JobSetStateIfRunningParams) error {
	rows, err := exec.JobSetStateIfRunningMany(ctx, &riverdriver.JobSetStateIfRunningManyParams{
		ID:              []int64{p.ID},
		Attempt:         []*int{p.Attempt},
		ErrData:         [][]byte{p.ErrData},
		FinalizedAt:     []*time.Time{p.FinalizedAt},
		MetadataDoMerge: []bool{false},
		MetadataUpdates: [][]byte{nil},
		ScheduledAt:     []*time.Time{p.ScheduledAt},
		State:           []rivertype.JobState{p.State},
	})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return errors.New("tâche introuvable")
	}
	return nil
}

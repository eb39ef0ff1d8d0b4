package jobs

// The fast path: a job answered at once by the process that inserted it, with the job as the
// record, instead of waiting for River's fetch (polled on SQLite: tens of milliseconds).
//
// The hand-over between the fast path and River's workers is one conditional update of the
// job's row, so a job is never worked by both:
//
//   - EnqueueLeased inserts each job through River (its unique key is the delivery's claim)
//     scheduled leaseAhead in the future. River's fetch only takes available jobs whose
//     scheduled time has come: until then the job belongs to the process that inserted it
//     (River's scheduler may mark it available ahead of time; its time is still to come).
//   - AnswerNow moves the job to running if its time is still to come (UPDATE … WHERE
//     scheduled_at > now, as River's own fetch moves due jobs to running), then answers it, then records the
//     outcome with River's driver (JobSetStateIfRunningMany, what River's completer and
//     JobCompleteTx call): completed, snoozed until Retry-After, retried later, cancelled with
//     Slack's error. If River's scheduler got there first (the process was too slow for its
//     lease), the update changes no row and the fast path leaves the job to River.
//   - A process that dies between the insert and the claim leaves scheduled jobs, which River
//     makes available when the lease ends; one that dies mid-answer leaves a running job,
//     which River's rescuer makes retryable after rescueAfter, exactly as for its own workers.
//   - A process that stops (SIGTERM) releases the jobs it has not claimed (Release: scheduled
//     to available at once, again conditionally), and the answers it interrupts are recorded
//     as an attempt retried within a second (snoozed for 0 when nothing was sent yet), for
//     the next process, which then asks whether the interrupted post went through (once.go).

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
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
}

// ID is the job's id.
func (t *Ticket) ID() int64 { return t.row.ID }

// rowSQL moves one job from one state to another, if it is still where it was: the
// driver-specific statements of the hand-over, on the queue's own connections. They are
// prepared once: River's SQLite driver parses each of its statements again at every call,
// which is most of an answer's cost in the database.
type rowSQL struct {
	// claim moves a leased job to running, as one attempt; false: its lease has ended.
	claim func(ctx context.Context, id int64) (bool, error)
	// release makes a leased job available at once; false: its lease had ended.
	release func(ctx context.Context, id int64) (bool, error)
	// complete records a running job as answered (as River's JobSetStateCompleted does);
	// false: not running.
	complete func(ctx context.Context, id int64) (bool, error)
	// settle records a leased job as answered, as one attempt, in one statement: for an
	// answer that went out with the request's acknowledgement (CompleteLeased); false: its
	// lease has ended.
	settle func(ctx context.Context, id int64) (bool, error)
}

// Claim, release and complete statements, per driver (placeholders and clocks differ; the
// SQLite clock's format is River's).
//
// A job is leased while it waits, scheduled or available, for a time still to come. River's
// scheduler looks ahead by its interval: it makes a job due within the next 5 s available
// before its time, with its scheduled_at unchanged; its fetch takes only available jobs whose
// time has come. The lease condition and the fetch's are thus exclusive, whatever the
// scheduler did; and a lease is for a job nobody has attempted yet (River's fetch sets
// attempted_at), so that a late claim never takes a job River has already worked and snoozed.
const (
	leasedPostgres = `state IN ('scheduled', 'available') AND attempted_at IS NULL AND scheduled_at > now()`
	leasedSQLite   = `state IN ('scheduled', 'available') AND attempted_at IS NULL AND scheduled_at > datetime('now', 'subsec')`

	claimPostgres    = `UPDATE river_job SET state = 'running', attempt = attempt + 1, attempted_at = now() WHERE id = $1 AND ` + leasedPostgres
	releasePostgres  = `UPDATE river_job SET state = 'available', scheduled_at = now() WHERE id = $1 AND ` + leasedPostgres
	completePostgres = `UPDATE river_job SET state = 'completed', finalized_at = now() WHERE id = $1 AND state = 'running'`
	settlePostgres   = `UPDATE river_job SET state = 'completed', attempt = attempt + 1, attempted_at = now(), finalized_at = now() WHERE id = $1 AND ` + leasedPostgres
	claimSQLite      = `UPDATE river_job SET state = 'running', attempt = attempt + 1, attempted_at = datetime('now', 'subsec') WHERE id = ?1 AND ` + leasedSQLite
	releaseSQLite    = `UPDATE river_job SET state = 'available', scheduled_at = datetime('now', 'subsec') WHERE id = ?1 AND ` + leasedSQLite
	completeSQLite   = `UPDATE river_job SET state = 'completed', finalized_at = datetime('now', 'subsec') WHERE id = ?1 AND state = 'running'`
	settleSQLite     = `UPDATE river_job SET state = 'completed', attempt = attempt + 1, attempted_at = datetime('now', 'subsec'), finalized_at = datetime('now', 'subsec') WHERE id = ?1 AND ` + leasedSQLite
)

// sqliteRows prepares the statements of the hand-over on db.
func sqliteRows(ctx context.Context, db *sql.DB) (rowSQL, error) {
	var rows rowSQL
	for _, s := range []struct {
		f    *func(ctx context.Context, id int64) (bool, error)
		stmt string
	}{{&rows.claim, claimSQLite}, {&rows.release, releaseSQLite}, {&rows.complete, completeSQLite}, {&rows.settle, settleSQLite}} {
		st, err := db.PrepareContext(ctx, s.stmt)
		if err != nil {
			return rows, fmt.Errorf("préparation de « %s » : %w", s.stmt, err)
		}
		*s.f = func(ctx context.Context, id int64) (bool, error) {
			res, err := st.ExecContext(ctx, id)
			if err != nil {
				return false, err
			}
			n, err := res.RowsAffected()
			return n == 1, err
		}
	}
	return rows, nil
}

// postgresRows runs the statements of the hand-over on pool (pgx caches their preparation).
func postgresRows(pool *pgxpool.Pool) rowSQL {
	update := func(stmt string) func(ctx context.Context, id int64) (bool, error) {
		return func(ctx context.Context, id int64) (bool, error) {
			tag, err := pool.Exec(ctx, stmt, id)
			if err != nil {
				return false, err
			}
			return tag.RowsAffected() == 1, nil
		}
	}
	return rowSQL{claim: update(claimPostgres), release: update(releasePostgres), complete: update(completePostgres),
		settle: update(settlePostgres)}
}

// EnqueueLeased inserts the answer jobs of a batch of requests in one transaction, each
// leased to this process's fast path (see the top of this file), and returns, in order, the
// ticket of each new job and nil for a delivery that already has one (a retry, or another
// replica took it: the job is the claim).
func (q *Queue) EnqueueLeased(ctx context.Context, batch []AnswerArgs) ([]*Ticket, error) {
	// River refuses a batch holding one unique key twice: a delivery seen twice within a
	// batch is inserted once, and its second sight is a duplicate.
	first := make(map[string]int, len(batch))
	var params []river.InsertManyParams
	var from []int // index in batch of each of params
	at := time.Now().Add(leaseAhead)
	for i, a := range batch {
		if a.DeliveryKey == "" {
			return nil, errors.New("file des réponses : clé de livraison vide")
		}
		if _, seen := first[a.DeliveryKey]; seen {
			continue
		}
		first[a.DeliveryKey] = i
		opts := a.InsertOpts()
		opts.ScheduledAt = at
		params = append(params, river.InsertManyParams{Args: a, InsertOpts: &opts})
		from = append(from, i)
	}
	res, err := q.insertMany(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("file des réponses : insertion de %d tâches : %w", len(params), err)
	}
	out := make([]*Ticket, len(batch))
	for k, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			out[from[k]] = &Ticket{Args: batch[from[k]], row: r.Job}
		}
	}
	return out, nil
}

// AnswerNow answers a leased job in this process, as River's worker would (the same
// Answerer, rate-limit gate and metrics), and records the outcome on the job. It reports
// false, doing nothing, when the job was no longer leased (River's workers have it).
func (q *Queue) AnswerNow(ctx context.Context, t *Ticket) (bool, error) {
	if q.worker == nil {
		return false, errors.New("file des réponses : aucun Answerer")
	}
	ok, err := q.rows.claim(ctx, t.row.ID)
	if err != nil {
		return false, fmt.Errorf("file des réponses : prise de la tâche %d : %w", t.row.ID, err)
	}
	if !ok {
		return false, nil
	}
	row := *t.row
	start := time.Now()
	row.State, row.Attempt, row.AttemptedAt = rivertype.JobStateRunning, row.Attempt+1, &start
	jctx, cancel := context.WithTimeout(ctx, jobTimeout)
	werr := q.worker.attempt(jctx, &row, t.Args)
	cancel()
	// Recorded even if ctx is done, and again if the database failed (record.go).
	if werr == nil {
		// The common case, by a prepared statement rather than River's driver.
		err := record(ctx, func(ctx context.Context, retry bool) error {
			ok, err := q.rows.complete(ctx, row.ID)
			if err == nil && !ok && !retry {
				return errNotRunning
			}
			return err // not running on a retry: the failed attempt was committed
		})
		if err != nil {
			return true, fmt.Errorf("file des réponses : tâche %d répondue mais non enregistrée (%v) : River la reprendra", row.ID, err)
		}
		return true, nil
	}
	p := outcomeParams(&row, werr, start, time.Now())
	if err := record(ctx, func(ctx context.Context, _ bool) error { return q.setState(ctx, p) }); err != nil {
		// The job stays running: River's rescuer gives it to a worker after rescueAfter.
		return true, fmt.Errorf("file des réponses : enregistrement de la tâche %d (%s) : %w", row.ID, p.State, err)
	}
	return true, nil
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
	ok, err := q.rows.settle(ctx, t.row.ID)
	if err != nil {
		return false, fmt.Errorf("file des réponses : tâche %d répondue dans l'accusé de réception : %w", t.row.ID, err)
	}
	if ok && q.worker != nil {
		q.worker.count(t.Args.Queue(), OutcomeAcked)
	}
	return ok, nil
}

// Release makes the leased jobs not claimed yet available at once to every worker, this
// process's or another's, and returns how many it released: a stopping process leaves them
// to the next one without waiting for their lease to end.
func (q *Queue) Release(ctx context.Context, tickets []*Ticket) (int, error) {
	n := 0
	var errs []error
	for _, t := range tickets {
		ok, err := q.rows.release(ctx, t.row.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("tâche %d : %w", t.row.ID, err))
			continue
		}
		if ok {
			n++
		}
	}
	if err := errors.Join(errs...); err != nil {
		return n, fmt.Errorf("file des réponses : libération : %w", err)
	}
	return n, nil
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

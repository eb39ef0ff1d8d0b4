// Package jobs is rolebot's durable queue of answers: each accepted Slack request becomes a
// job in the database (SQLite or PostgreSQL, the store's), worked by River
// (github.com/riverqueue/river) until it is answered, dropped because its response_url
// expired, or recorded as failed with Slack's error. A job outlives the process that took
// it: a stopped or killed process leaves its jobs to the next one, or to another replica.
//
// One job per delivery key (AnswerArgs.DeliveryKey): inserting the same delivery twice, from
// a Slack retry or from another replica, gives the first job back, so the job is also the
// claim that de-duplicates deliveries.
//
// Fresh jobs do not wait for River's fetch: EnqueueLeased leases them to the process that
// inserts them, AnswerNow answers and records them there at once, and River's workers take
// only what that fast path could not finish (fastpath.go explains the hand-over).
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/rolebot/rolebot/internal/store"
)

// Defaults of Config.
const (
	// DefaultWorkers is the number of jobs worked at once in each queue.
	DefaultWorkers = 8
	// DefaultFetchPollInterval is how often River looks for jobs when no notification tells
	// it of one: jobs whose snooze ends, jobs left by a dead process. River's own inserts are
	// noticed at once through LISTEN/NOTIFY on PostgreSQL; SQLite has no notifications (see
	// openSQLite); see docs/benchmarks.md for the pick-up latencies measured.
	// Fresh answers go through the fast path (fastpath.go), not River's fetch: polling is
	// for what waits anyway (a Retry-After, a retry's backoff), and each poll costs a query
	// per queue, which on SQLite competes with the answers for the one writer.
	DefaultFetchPollInterval = 500 * time.Millisecond
	// DefaultFetchCooldown is the least time between two fetches of one queue: a burst of
	// inserts is fetched in batches instead of one query each.
	DefaultFetchCooldown = time.Millisecond
	// jobTimeout bounds one attempt at an answer (a Slack call takes well under a second).
	jobTimeout = 30 * time.Second
	// rescueAfter is how long a job may stay running before River's leader gives it to
	// another worker: a process killed (kill -9, OOM) mid-answer leaves its jobs running, and
	// River's default (an hour) would outlive every response_url. It must exceed jobTimeout.
	rescueAfter = jobTimeout + 30*time.Second
	// stopCancelWait is how long Stop waits, after its grace period, for the jobs it cancels
	// to be recorded.
	stopCancelWait = 2 * time.Second
)

// Connection pool of the queue on PostgreSQL: the workers' completions and fetches, plus
// River's maintenance; LISTEN takes one more connection of its own.
const pgMaxConns = 6

// Config configures a Queue.
type Config struct {
	// Answerer answers the jobs. Nil, without Periodic, makes a queue that only inserts
	// (Start fails).
	Answerer Answerer
	// Workers is the number of jobs worked at once in each queue; 0 means DefaultWorkers.
	Workers int
	// FetchPollInterval and FetchCooldown tune River's fetching (0: the defaults above).
	FetchPollInterval time.Duration
	FetchCooldown     time.Duration
	// Metrics, if not nil, counts the jobs' outcomes.
	Metrics *Metrics
	// Log receives the queue's logs (nil: none).
	Log *slog.Logger
	// Periodic, if not nil, is the periodic work (periodic.go) that this queue's River client
	// runs beside the answers: inserted by River's elected leader only, so that of several
	// replicas one does each run. Every replica should have the same.
	Periodic *Periodic

	// pollOnly turns River's notifications off (always on SQLite; benchmarks compare).
	pollOnly bool
}

// Queue is the durable answer queue. It is safe for concurrent use.
type Queue struct {
	driver   string
	insert   func(ctx context.Context, args river.JobArgs) (*rivertype.JobInsertResult, error)
	jobGet   func(ctx context.Context, id int64) (*rivertype.JobRow, error)
	jobList  func(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	start    func(ctx context.Context) error
	stop     func(ctx context.Context) error
	cancel   func(ctx context.Context) error
	closeDB  func()
	canStart bool
	state    stateReader
	log      *slog.Logger

	// The fast path (fastpath.go), its writes grouped in rounds (commit.go).
	setState func(ctx context.Context, p *riverdriver.JobSetStateIfRunningParams) error
	commits  *committer
	worker   *answerWorker
	// marks marks the jobs inserted answered (answered.go).
	marks *marks
	// sqliteDB is the queue's connection on SQLite (tests read its settings); nil on PostgreSQL.
	sqliteDB *sql.DB
}

// Open connects to the database named by rawURL and dataDir (as store.Open reads them: the
// queue's tables live beside the store's), applies River's migrations, and returns a Queue
// that inserts jobs at once and works them once started.
func Open(ctx context.Context, rawURL, dataDir string, cfg Config) (*Queue, error) {
	driver, dsn, redacted, err := store.DataSource(rawURL, dataDir)
	if err != nil {
		return nil, fmt.Errorf("file des réponses : %w", err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.Log = cfg.Log.With("component", "jobs")
	var q *Queue
	switch driver {
	case store.DriverSQLite:
		q, err = openSQLite(ctx, dsn, cfg)
	case store.DriverPostgres:
		q, err = openPostgres(ctx, dsn, cfg)
	default:
		err = fmt.Errorf("pilote %q inconnu", driver)
	}
	if err != nil {
		// The error may quote the data source name: only the redacted URL is shown.
		return nil, fmt.Errorf("file des réponses (%s) : %w", redacted, store.RedactError(err, rawURL))
	}
	if q.marks, err = newMarks(); err != nil {
		q.Close()
		return nil, fmt.Errorf("file des réponses : %w", err)
	}
	q.driver = driver
	return q, nil
}

// sqliteMaxConns is the SQLite pool of the queue: River's advice for SQLite is one
// connection, as River runs its operations in parallel and SQLite has one writer at a time.
// The store's own pool on the same file waits for it through the busy timeout.
const sqliteMaxConns = 1

func openSQLite(ctx context.Context, dsn string, cfg Config) (*Queue, error) {
	// Checkpoints are the checkpointer's, not the commits' (checkpoint.go).
	db, err := sql.Open("sqlite", dsn+noAutoCheckpoint)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(sqliteMaxConns)
	// No notifications on SQLite: River's driver emulates them with a table it reads every
	// 50 ms (about 10 ms of CPU a second, measured idle, on the queue's one connection, which
	// the answers need), and they would only tell River's fetch of jobs it inserts itself:
	// fresh answers go through the fast path, and what River works (snoozes, retries, jobs
	// released or left by a stopped process) waits for the next poll anyway.
	cfg.pollOnly = true
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connexion : %w", err)
	}
	q, err := newQueue(ctx, riversqlite.New(db), cfg, retryMigration)
	var rounds *sqliteDatabase
	if err == nil {
		rounds, err = sqliteRounds(ctx, db) // after the migrations: the statements name River's table
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	stopCheckpoints, err := startCheckpointer(dsn, cfg.Log)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	q.commits, q.sqliteDB = newCommitter(rounds), db
	q.closeDB = func() {
		stopCheckpoints()
		_ = db.Close()
	}
	return q, nil
}

func openPostgres(ctx context.Context, dsn string, cfg Config) (*Queue, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("adresse PostgreSQL illisible") // its error quotes the URL
	}
	pc.MaxConns = pgMaxConns
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connexion : %w", err)
	}
	q, err := newQueue(ctx, riverpgxv5.New(pool), cfg, func(ctx context.Context, migrate func() error) error {
		return withMigrationLock(ctx, pool, migrate)
	})
	if err != nil {
		pool.Close()
		return nil, err
	}
	q.commits = newCommitter(&postgresDatabase{pool: pool})
	q.closeDB = pool.Close
	return q, nil
}

// SQLite has no advisory lock: two processes opening one file at once (replicas on one
// machine, a restart overlapping its predecessor) may both apply a migration, and the second
// fails, its transaction rolled back. migrationAttempts tries again, after migrationRetryWait,
// so that it finds the migration applied.
const (
	migrationAttempts  = 10
	migrationRetryWait = 200 * time.Millisecond
)

// retryMigration runs migrate until it succeeds, migrationAttempts times at most.
func retryMigration(ctx context.Context, migrate func() error) error {
	var err error
	for range migrationAttempts {
		if err = migrate(); err == nil {
			return nil
		}
		t := time.NewTimer(migrationRetryWait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		}
	}
	return err
}

// withMigrationLock runs migrate under a PostgreSQL advisory lock (per schema), so that
// replicas starting together apply River's migrations once.
func withMigrationLock(ctx context.Context, pool *pgxpool.Pool, migrate func() error) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	const key = `hashtext('rolebot:rivermigrate:' || current_schema())`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("verrou des migrations : %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even if ctx is done.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock(`+key+`)`); err != nil {
			_ = conn.Conn().Close(uctx) // closing the session releases the lock
		}
	}()
	return migrate()
}

// newQueue applies River's migrations through drv (under lock, if given) and builds the
// client.
func newQueue[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], cfg Config, lock func(context.Context, func() error) error) (*Queue, error) {
	migrator, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: cfg.Log})
	if err != nil {
		return nil, fmt.Errorf("migrations de River : %w", err)
	}
	migrate := func() error {
		res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return err
		}
		for _, v := range res.Versions {
			cfg.Log.Info("migration de River appliquée", "version", v.Version, "name", v.Name)
		}
		return nil
	}
	if lock != nil {
		err = lock(ctx, migrate)
	} else {
		err = migrate()
	}
	if err != nil {
		return nil, fmt.Errorf("migrations de River : %w", err)
	}

	workers := cmp.Or(cfg.Workers, DefaultWorkers)
	rc := &river.Config{
		FetchCooldown:        cmp.Or(cfg.FetchCooldown, DefaultFetchCooldown),
		FetchPollInterval:    cmp.Or(cfg.FetchPollInterval, DefaultFetchPollInterval),
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: rescueAfter,
		Logger:               cfg.Log,
		RetryPolicy:          answerRetryPolicy{},
		PollOnly:             cfg.pollOnly,
	}
	var worker *answerWorker
	ws := river.NewWorkers()
	rc.Queues = map[string]river.QueueConfig{}
	if cfg.Answerer != nil {
		// One worker, one gate: River's workers and the fast path share what they learn of
		// Slack's rate limits.
		worker = &answerWorker{answerer: cfg.Answerer, gate: newGate(), metrics: cfg.Metrics, log: cfg.Log, now: time.Now}
		if err := river.AddWorkerSafely(ws, worker); err != nil {
			return nil, err
		}
		rc.Queues[QueueResponse] = river.QueueConfig{MaxWorkers: workers}
		rc.Queues[QueuePost] = river.QueueConfig{MaxWorkers: workers}
	}
	if cfg.Periodic != nil {
		if err := addPeriodic(ws, rc, cfg.Periodic, cfg.Log); err != nil {
			return nil, err
		}
	}
	canStart := len(rc.Queues) > 0
	if canStart {
		rc.Workers = ws
	} else {
		rc.Queues = nil // a client that only inserts
	}
	client, err := river.NewClient(drv, rc)
	if err != nil {
		return nil, fmt.Errorf("client River : %w", err)
	}
	return &Queue{
		insert: func(ctx context.Context, args river.JobArgs) (*rivertype.JobInsertResult, error) {
			return client.Insert(ctx, args, nil)
		},
		jobGet:   client.JobGet,
		jobList:  client.JobList,
		start:    client.Start,
		stop:     client.Stop,
		cancel:   client.StopAndCancel,
		canStart: canStart,
		state:    newStateReader(client),
		log:      cfg.Log,

		setState: func(ctx context.Context, p *riverdriver.JobSetStateIfRunningParams) error {
			return setStateIfRunning(ctx, client.Driver().GetExecutor(), p)
		},
		worker: worker,
	}, nil
}

// Driver returns store.DriverSQLite or store.DriverPostgres.
func (q *Queue) Driver() string { return q.driver }

// Enqueue inserts the answer job of a request, and reports whether it is new: false means the
// delivery already has a job (a retry, or another replica took it), which is returned.
func (q *Queue) Enqueue(ctx context.Context, a AnswerArgs) (job *rivertype.JobRow, inserted bool, err error) {
	if a.DeliveryKey == "" {
		return nil, false, errors.New("file des réponses : clé de livraison vide")
	}
	res, err := q.insert(ctx, a)
	if err != nil {
		return nil, false, fmt.Errorf("file des réponses : insertion de %s : %w", a.DeliveryKey, err)
	}
	return res.Job, !res.UniqueSkippedAsDuplicate, nil
}

// Job returns the job of id, in whatever state it is.
func (q *Queue) Job(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	job, err := q.jobGet(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("file des réponses : tâche %d : %w", id, err)
	}
	return job, nil
}

// Start starts working the jobs, until Stop. It returns at once.
func (q *Queue) Start(ctx context.Context) error {
	if !q.canStart {
		return errors.New("file des réponses : ni Answerer ni tâches périodiques, la file ne peut qu'insérer")
	}
	return q.start(ctx)
}

// Stop stops fetching jobs and waits for the jobs being worked until ctx is done; the jobs
// not yet worked stay in the database for the next process. When ctx is done first, the jobs
// still running see their context cancelled and are left in the queue (retried within a
// second, see answerWorker.attempt).
func (q *Queue) Stop(ctx context.Context) error {
	// The fast path's completions not written yet first (AnswerWith), so that what the
	// queue holds once stopped is what is owed.
	if q.commits != nil {
		if err := q.commits.flush(ctx); err != nil {
			q.log.Warn("arrêt : écritures du chemin rapide non confirmées", "err", err)
		}
	}
	err := q.stop(ctx)
	if ctx.Err() == nil {
		return err
	}
	// Past the grace period: cancel the jobs still running, and wait a little for River to
	// record them as left (snoozed), so that the next process takes them at once instead of
	// after River's rescue of stuck jobs.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopCancelWait)
	defer cancel()
	if cerr := q.cancel(cctx); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}

// Close closes the database connections. Stop first if the queue was started.
func (q *Queue) Close() {
	if q.commits != nil {
		q.commits.close()
	}
	if q.closeDB != nil {
		q.closeDB()
	}
}

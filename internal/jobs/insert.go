package jobs

// The fast path's own insert. River's InsertManyTx costs most of a burst's database time and
// most of a lone request's insert round (BenchmarkRound): its SQLite driver parses its
// statement again at every call, and both drivers build the jobs' JSON (or arrays) through
// maps and reflection, compute the unique key through a generic JSON walk, add a nonce to the
// metadata (SQLite: its way to tell an inserted row from a duplicate) and read every row back
// whole. The leased jobs are all alike (fastpath.go): this file inserts them with one
// statement per driver, prepared once, that writes exactly the row River's InsertManyTx
// writes for AnswerArgs with InsertOpts and a ScheduledAt (the kind, queue, args, priority,
// max_attempts, metadata, tags, state, scheduled_at, unique_key and unique_states), River's
// nonce aside, and returns only the ids of the rows it inserted (ON CONFLICT … DO NOTHING on
// River's unique index, with River's own conflict target): a delivery that already has a job
// returns nothing, which tells the duplicate. TestOwnInsertIsRiversRow pins it against
// River's: the same delivery inserted by either collides with the other, the rows match, and
// River's workers work a job inserted here.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/rivertype"
)

// River's defaults that InsertOpts leaves as they are: a job's priority and tags.
const (
	riverPriorityDefault = 1
	riverTagsDefault     = "[]"
)

// uniqueStatesAll is River's unique_states bitmask of uniqueStates (every state, one bit
// each: 0xFF); TestOwnInsertIsRiversRow checks it against River's.
const uniqueStatesAll = 0xFF

// newJob is one answer job to insert: leased (EnqueueLeased), or already answered
// (InsertAnswered, answered.go).
type newJob struct {
	args AnswerArgs
	// encoded is args as River stores them (encoding/json, as River's insert marshals them).
	encoded []byte
	// key is River's unique key of the job (uniqueKey).
	key []byte
	// created and at are its created_at and scheduled_at (the end of its lease; created for
	// a job inserted answered).
	created, at time.Time
	// mark, for a job inserted answered, is the one insert's mark in the job's metadata
	// (answeredMetadata): a retry of an insert whose outcome was unknown finds by it whether
	// the job it collides with is its own. Empty for a leased job.
	mark string
}

// answered tells a job inserted completed, as attempted once at its creation.
func (j *newJob) answered() bool { return j.mark != "" }

// newLeasedJob is the job of a at created, leased until at.
func newLeasedJob(a AnswerArgs, created, at time.Time) (newJob, error) {
	encoded, err := json.Marshal(a)
	if err != nil {
		return newJob{}, fmt.Errorf("encodage de %s : %w", a.DeliveryKey, err)
	}
	return newJob{args: a, encoded: encoded, key: uniqueKey(a.DeliveryKey), created: created, at: at}, nil
}

// row is the job as River would read it once inserted with id.
func (j *newJob) row(id int64) *rivertype.JobRow {
	return &rivertype.JobRow{
		ID: id, EncodedArgs: j.encoded, CreatedAt: j.created, Kind: KindAnswer, MaxAttempts: answerMaxAttempts,
		Metadata: []byte("{}"), Priority: riverPriorityDefault, Queue: j.args.Queue(), ScheduledAt: j.at,
		State: rivertype.JobStateScheduled, Tags: []string{}, UniqueKey: j.key, UniqueStates: uniqueStates,
	}
}

// uniqueKey is River's unique key of the answer job of a delivery, as River computes it for
// UniqueOpts{ByArgs: true} with one field tagged unique (river's internal/dbunique): the
// SHA-256 of "&kind=" and the kind, then "&args=" and a JSON object holding only that field,
// its value as encoding/json writes it in the job's args.
func uniqueKey(deliveryKey string) []byte {
	value, _ := json.Marshal(deliveryKey) // a string always encodes
	sum := sha256.Sum256([]byte(`&kind=` + KindAnswer + `&args={"delivery_key":` + string(value) + `}`))
	return sum[:]
}

// River's conflict target: its unique index on unique_key, partial on the states the job's
// unique_states names (the drivers' JobInsertFastMany).
const (
	conflictSQLite = `ON CONFLICT (unique_key)
    WHERE unique_key IS NOT NULL
        AND unique_states IS NOT NULL
        AND CASE state
                WHEN 'available' THEN unique_states & (1 << 0)
                WHEN 'cancelled' THEN unique_states & (1 << 1)
                WHEN 'completed' THEN unique_states & (1 << 2)
                WHEN 'discarded' THEN unique_states & (1 << 3)
                WHEN 'pending'   THEN unique_states & (1 << 4)
                WHEN 'retryable' THEN unique_states & (1 << 5)
                WHEN 'running'   THEN unique_states & (1 << 6)
                WHEN 'scheduled' THEN unique_states & (1 << 7)
                ELSE 0
            END >= 1
    DO NOTHING`
	conflictPostgres = `ON CONFLICT (unique_key)
    WHERE unique_key IS NOT NULL
        AND unique_states IS NOT NULL
        AND river_job_state_in_bitmask(unique_states, state)
    DO NOTHING`
)

// insertSQLite inserts the jobs of ?1, a JSON array of {"a": args, "c": created_at, "s":
// scheduled_at, "k": unique key in hex} (times in River's SQLite format), as River's SQLite
// driver does ("WHERE true" is SQLite's way to put an upsert after a SELECT); a job inserted
// answered adds "m", its metadata, and is completed, attempted once and finalized at its
// creation (River's check constraint wants finalized_at on a completed job, and only there).
var insertSQLite = `INSERT INTO river_job (args, attempt, attempted_at, created_at, finalized_at, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags, unique_key, unique_states)
SELECT jsonb(json_extract(value, '$.a')), iif(m IS NULL, 0, 1), iif(m IS NULL, NULL, c), c, iif(m IS NULL, NULL, c),
    '` + KindAnswer + `', ` + strconv.Itoa(answerMaxAttempts) + `,
    jsonb(coalesce(m, '{}')), ` + strconv.Itoa(riverPriorityDefault) + `, json_extract(value, '$.q'), json_extract(value, '$.s'),
    iif(m IS NULL, 'scheduled', 'completed'),
    jsonb('` + riverTagsDefault + `'), unhex(json_extract(value, '$.k')), ` + strconv.Itoa(uniqueStatesAll) + `
FROM (SELECT value, json_extract(value, '$.c') AS c, json_extract(value, '$.m') AS m FROM json_each(?1)) WHERE true
` + conflictSQLite + `
RETURNING id, unique_key`

// insertPostgres inserts the jobs of six parallel arrays (args, queue, created_at,
// scheduled_at, unique key, metadata), as River's PostgreSQL driver does; a job with metadata
// is inserted answered (see insertSQLite).
var insertPostgres = `INSERT INTO river_job (args, attempt, attempted_at, created_at, finalized_at, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags, unique_key, unique_states)
SELECT j.args, CASE WHEN j.metadata IS NULL THEN 0 ELSE 1 END, CASE WHEN j.metadata IS NULL THEN NULL ELSE j.created_at END,
    j.created_at, CASE WHEN j.metadata IS NULL THEN NULL ELSE j.created_at END,
    '` + KindAnswer + `', ` + strconv.Itoa(answerMaxAttempts) + `, coalesce(j.metadata, '{}'::jsonb), ` + strconv.Itoa(riverPriorityDefault) + `,
    j.queue, j.scheduled_at, CASE WHEN j.metadata IS NULL THEN 'scheduled' ELSE 'completed' END::river_job_state,
    '{}'::varchar(255)[], j.unique_key, ` + strconv.Itoa(uniqueStatesAll) + `::bit(8)
FROM unnest($1::jsonb[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bytea[], $6::jsonb[]) AS j(args, queue, created_at, scheduled_at, unique_key, metadata)
` + conflictPostgres + `
RETURNING id, unique_key`

// sqliteTime is a time as River's SQLite driver stores it (its timeString): any other
// format stores fine and then compares wrongly against datetime('now').
func sqliteTime(t time.Time) string {
	return t.UTC().Round(time.Millisecond).Format("2006-01-02 15:04:05.000")
}

// sqliteInsertParam is insertSQLite's parameter for jobs.
func sqliteInsertParam(jobs []newJob) string {
	buf := make([]byte, 0, 64+len(jobs)*512)
	buf = append(buf, '[')
	for i, j := range jobs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"a":`...)
		buf = append(buf, j.encoded...)
		buf = append(buf, `,"q":`...)
		buf = strconv.AppendQuote(buf, j.args.Queue()) // a queue name: plain ASCII
		buf = append(buf, `,"c":"`...)
		buf = append(buf, sqliteTime(j.created)...)
		buf = append(buf, `","s":"`...)
		buf = append(buf, sqliteTime(j.at)...)
		buf = append(buf, `","k":"`...)
		buf = hex.AppendEncode(buf, j.key)
		buf = append(buf, '"')
		if j.answered() {
			buf = append(buf, `,"m":`...)
			buf = append(buf, answeredMetadata(j.mark)...)
		}
		buf = append(buf, '}')
	}
	return string(append(buf, ']'))
}

// sqliteInsert runs insertSQLite (st) on jobs and returns the id of each job inserted, 0 for
// a job whose delivery already had one.
func sqliteInsert(ctx context.Context, st *sql.Stmt, jobs []newJob) ([]int64, error) {
	rows, err := st.QueryContext(ctx, sqliteInsertParam(jobs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKey := make(map[string]int64, len(jobs))
	for rows.Next() {
		var id int64
		var key []byte
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		byKey[string(key)] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return inOrder(byKey, jobs), nil
}

// inOrder gives each job of jobs its id in byKey (by unique key, as the inserts return
// them), 0 for a job whose delivery already had one.
func inOrder(byKey map[string]int64, jobs []newJob) []int64 {
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = byKey[string(j.key)]
	}
	return ids
}

// postgresInsert runs insertPostgres on jobs through q (a round's transaction) and returns
// the id of each job inserted, 0 for a job whose delivery already had one.
func postgresInsert(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, jobs []newJob) ([]int64, error) {
	rows, err := q.Query(ctx, insertPostgres, postgresInsertArgs(jobs)...)
	if err != nil {
		return nil, err
	}
	return postgresInsertIDs(rows, jobs)
}

// postgresInsertArgs are insertPostgres's arguments for jobs.
func postgresInsertArgs(jobs []newJob) []any {
	args, queues := make([]string, len(jobs)), make([]string, len(jobs))
	created, at := make([]time.Time, len(jobs)), make([]time.Time, len(jobs))
	keys := make([][]byte, len(jobs))
	metadata := make([]*string, len(jobs)) // nil: NULL, a leased job
	for i, j := range jobs {
		args[i], queues[i], created[i], at[i], keys[i] = string(j.encoded), j.args.Queue(), j.created, j.at, j.key
		if j.answered() {
			m := string(answeredMetadata(j.mark))
			metadata[i] = &m
		}
	}
	return []any{args, queues, created, at, keys, metadata}
}

// postgresInsertIDs reads insertPostgres's rows: the id of each job of jobs inserted, 0 for
// a job whose delivery already had one.
func postgresInsertIDs(rows pgx.Rows, jobs []newJob) ([]int64, error) {
	byKey := make(map[string]int64, len(jobs))
	var id int64
	var key []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &key}, func() error {
		byKey[string(key)] = id
		return nil
	}); err != nil {
		return nil, err
	}
	return inOrder(byKey, jobs), nil
}

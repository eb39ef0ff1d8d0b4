package jobs

// One round's transaction (commit.go), per driver: the leased jobs' insert (insert.go), then
// the hand-over's updates (fastpath.go), each on every id of its kind at once; or one of them
// alone, outside a transaction.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rolebot/rolebot/internal/store"
)

// sqliteRounds prepares the insert and the hand-over's updates on db. The statements are
// prepared once: River's SQLite driver parses each of its statements again at every call,
// which is much of an update's cost.
func sqliteRounds(ctx context.Context, db *sql.DB) (*sqliteDatabase, error) {
	d := &sqliteDatabase{db: db}
	for kind := writeInsert; kind < writeFlush; kind++ {
		query := insertSQLite
		if kind != writeInsert {
			query = updateSQL(store.DriverSQLite, kind)
		}
		st, err := db.PrepareContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("préparation de « %s » : %w", query, err)
		}
		d.stmts[kind] = st
	}
	return d, nil
}

// sqliteDatabase is the committer's database on SQLite.
type sqliteDatabase struct {
	db    *sql.DB
	stmts [writeKinds]*sql.Stmt // by kind; writeInsert's is insertSQLite
}

func (d *sqliteDatabase) insert(ctx context.Context, jobs []newJob) ([]int64, error) {
	return sqliteInsert(ctx, d.stmts[writeInsert], jobs)
}

func (d *sqliteDatabase) begin(ctx context.Context) (roundTx, error) {
	// BEGIN IMMEDIATE (the store's data source name): the round takes the write lock first
	// rather than failing when it upgrades.
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &sqliteRound{tx: tx, d: d}, nil
}

func (d *sqliteDatabase) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	return sqliteUpdate(ctx, d.stmts[kind], ids)
}

// sqliteUpdate runs st on ids, a JSON array.
func sqliteUpdate(ctx context.Context, st *sql.Stmt, ids []int64) ([]int64, error) {
	raw, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, string(raw))
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

type sqliteRound struct {
	tx *sql.Tx
	d  *sqliteDatabase
}

func (r *sqliteRound) insert(ctx context.Context, jobs []newJob) ([]int64, error) {
	return sqliteInsert(ctx, r.tx.StmtContext(ctx, r.d.stmts[writeInsert]), jobs)
}

func (r *sqliteRound) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	return sqliteUpdate(ctx, r.tx.StmtContext(ctx, r.d.stmts[kind]), ids)
}

func (r *sqliteRound) commit(context.Context) error { return r.tx.Commit() }
func (r *sqliteRound) rollback(context.Context)     { _ = r.tx.Rollback() }

// scanIDs reads the ids an UPDATE … RETURNING id returned.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// postgresDatabase is the committer's database on PostgreSQL (pgx caches the statements'
// preparation).
type postgresDatabase struct {
	pool *pgxpool.Pool
}

// insert inserts jobs in a transaction of their own, not as one statement alone as on SQLite:
// a statement that times out here (waiting for a lock) may still be committed by the server
// once it runs, the connection closed meanwhile, and the intake would then take for not
// stored a job that was (storeretry.go: answered only once its lease ends). Within a
// transaction nothing commits before COMMIT, sent once the insert has returned; BEGIN goes
// in one pipeline with the insert, so that the whole takes two round trips instead of three.
func (d *postgresDatabase) insert(ctx context.Context, jobs []newJob) ([]int64, error) {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	args := postgresInsertArgs(jobs)
	b.Queue(insertPostgres, args...)
	br := conn.SendBatch(ctx, b)
	_, err = br.Exec()
	var ids []int64
	if err == nil {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			ids, err = postgresInsertIDs(rows, jobs)
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	// The pipeline's Sync must have left the transaction open (PostgreSQL commits an
	// implicit one at Sync): checked, as a COMMIT without a transaction is only a warning.
	if st := conn.Conn().PgConn().TxStatus(); err == nil && st != txInProgress {
		err = fmt.Errorf("insertion hors transaction (état %q)", st)
	}
	if err == nil {
		_, err = conn.Exec(ctx, "COMMIT")
	}
	if err != nil {
		// Not committed: rolled back, or the connection dropped (the server then aborts
		// the transaction).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		if _, rerr := conn.Exec(rctx, "ROLLBACK"); rerr != nil {
			_ = conn.Conn().Close(rctx)
		}
		return nil, err
	}
	return ids, nil
}

// rollbackTimeout bounds the rollback of a failed insert.
const rollbackTimeout = time.Second

// txInProgress is PostgreSQL's transaction status "in a transaction block" (ReadyForQuery).
const txInProgress = 'T'

func (d *postgresDatabase) begin(ctx context.Context) (roundTx, error) {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &postgresRound{tx: tx}, nil
}

func (d *postgresDatabase) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	return postgresUpdate(ctx, d.pool, kind, ids)
}

// postgresUpdate runs the update of kind on ids through q (the pool, or a round's
// transaction).
func postgresUpdate(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, kind writeKind, ids []int64) ([]int64, error) {
	rows, err := q.Query(ctx, updateSQL(store.DriverPostgres, kind), ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

type postgresRound struct {
	tx pgx.Tx
}

func (r *postgresRound) insert(ctx context.Context, jobs []newJob) ([]int64, error) {
	return postgresInsert(ctx, r.tx, jobs)
}

func (r *postgresRound) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	return postgresUpdate(ctx, r.tx, kind, ids)
}

func (r *postgresRound) commit(ctx context.Context) error { return r.tx.Commit(ctx) }
func (r *postgresRound) rollback(ctx context.Context)     { _ = r.tx.Rollback(ctx) }

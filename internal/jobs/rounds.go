package jobs

// One round's transaction (commit.go), per driver: River's insert inside it (InsertManyTx),
// then the hand-over's updates (fastpath.go), each on every id of its kind at once.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/rolebot/rolebot/internal/store"
)

// sqliteRounds prepares the hand-over's updates on db. The statements are prepared once:
// River's SQLite driver parses each of its statements again at every call, which is much of an
// update's cost.
func sqliteRounds(ctx context.Context, db *sql.DB, client *river.Client[*sql.Tx]) (*sqliteDatabase, error) {
	d := &sqliteDatabase{db: db, client: client}
	for kind := writeClaim; kind < writeFlush; kind++ {
		st, err := db.PrepareContext(ctx, updateSQL(store.DriverSQLite, kind))
		if err != nil {
			return nil, fmt.Errorf("préparation de « %s » : %w", updateSQL(store.DriverSQLite, kind), err)
		}
		d.stmts[kind] = st
	}
	return d, nil
}

// sqliteDatabase is the committer's database on SQLite.
type sqliteDatabase struct {
	db     *sql.DB
	stmts  [writeKinds]*sql.Stmt
	client *river.Client[*sql.Tx]
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

func (r *sqliteRound) insert(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return r.d.client.InsertManyTx(ctx, r.tx, params)
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
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
}

func (d *postgresDatabase) begin(ctx context.Context) (roundTx, error) {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &postgresRound{tx: tx, client: d.client}, nil
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
	tx     pgx.Tx
	client *river.Client[pgx.Tx]
}

func (r *postgresRound) insert(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return r.client.InsertManyTx(ctx, r.tx, params)
}

func (r *postgresRound) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	return postgresUpdate(ctx, r.tx, kind, ids)
}

func (r *postgresRound) commit(ctx context.Context) error { return r.tx.Commit(ctx) }
func (r *postgresRound) rollback(ctx context.Context)     { _ = r.tx.Rollback(ctx) }

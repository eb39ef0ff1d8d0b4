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

// sqliteRounds prepares the hand-over's updates on db and returns how a round begins. The
// statements are prepared once: River's SQLite driver parses each of its statements again at
// every call, which is much of an update's cost.
func sqliteRounds(ctx context.Context, db *sql.DB, client *river.Client[*sql.Tx]) (func(ctx context.Context) (roundTx, error), error) {
	var stmts [writeKinds]*sql.Stmt
	for kind := writeClaim; kind < writeFlush; kind++ {
		st, err := db.PrepareContext(ctx, updateSQL(store.DriverSQLite, kind))
		if err != nil {
			return nil, fmt.Errorf("préparation de « %s » : %w", updateSQL(store.DriverSQLite, kind), err)
		}
		stmts[kind] = st
	}
	return func(ctx context.Context) (roundTx, error) {
		// BEGIN IMMEDIATE (the store's data source name): the round takes the write lock
		// first rather than failing when it upgrades.
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		return &sqliteRound{tx: tx, stmts: &stmts, client: client}, nil
	}, nil
}

type sqliteRound struct {
	tx     *sql.Tx
	stmts  *[writeKinds]*sql.Stmt
	client *river.Client[*sql.Tx]
}

func (r *sqliteRound) insert(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return r.client.InsertManyTx(ctx, r.tx, params)
}

func (r *sqliteRound) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	raw, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := r.tx.StmtContext(ctx, r.stmts[kind]).QueryContext(ctx, string(raw))
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
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

// postgresRounds returns how a round begins on pool (pgx caches the statements' preparation).
func postgresRounds(pool *pgxpool.Pool, client *river.Client[pgx.Tx]) func(ctx context.Context) (roundTx, error) {
	return func(ctx context.Context) (roundTx, error) {
		tx, err := pool.Begin(ctx)
		if err != nil {
			return nil, err
		}
		return &postgresRound{tx: tx, client: client}, nil
	}
}

type postgresRound struct {
	tx     pgx.Tx
	client *river.Client[pgx.Tx]
}

func (r *postgresRound) insert(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return r.client.InsertManyTx(ctx, r.tx, params)
}

func (r *postgresRound) update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error) {
	rows, err := r.tx.Query(ctx, updateSQL(store.DriverPostgres, kind), ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (r *postgresRound) commit(ctx context.Context) error { return r.tx.Commit(ctx) }
func (r *postgresRound) rollback(ctx context.Context)     { _ = r.tx.Rollback(ctx) }

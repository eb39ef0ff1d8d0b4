package store

import (
	"context"
	"database/sql"
	"errors"
)

// Claimed reports whether key holds a claim that has not expired, without taking it: a job
// that claims a key once its work is done (the weekly report, once posted) checks it first,
// so that a retry of that job does the work once.
func (s *Store) Claimed(ctx context.Context, key string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM claims WHERE claim_key = $1 AND expires_us > $2`,
		key, micros(s.now())).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, s.wrap("claim", err)
	}
	return true, nil
}

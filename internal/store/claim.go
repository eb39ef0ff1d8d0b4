package store

import (
	"context"
	"time"
)

// MinClaimTTL is the shortest life of a claim: Slack retries a delivery for minutes, never for
// an hour, so a claim that lives an hour covers every retry.
const MinClaimTTL = time.Hour

// Claim records key (an event id, an envelope id…) and reports whether this call was the first
// to claim it: one INSERT … ON CONFLICT, so that of several replicas receiving the same delivery,
// exactly one gets true. A claim lives ttl (at least MinClaimTTL); an expired claim may be taken
// again.
func (s *Store) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ttl = max(ttl, MinClaimTTL)
	now := s.now()
	res, err := s.db.ExecContext(ctx, `INSERT INTO claims (claim_key, expires_us) VALUES ($1, $2)
		ON CONFLICT (claim_key) DO UPDATE SET expires_us = excluded.expires_us
		WHERE claims.expires_us <= $3`, key, micros(now.Add(ttl)), micros(now))
	if err != nil {
		return false, s.wrap("claim", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap("claim", err)
	}
	return n == 1, nil
}

// PurgeClaims deletes the expired claims and returns how many it deleted.
func (s *Store) PurgeClaims(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM claims WHERE expires_us <= $1`, micros(s.now()))
	if err != nil {
		return 0, s.wrap("purge des claims", err)
	}
	n, err := res.RowsAffected()
	return n, s.wrap("purge des claims", err)
}

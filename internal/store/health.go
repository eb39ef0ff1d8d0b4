package store

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff of Connect between two attempts: doubling from connectBaseDelay up to
// connectMaxDelay, each wait drawn between half and all of it (jitter, so that replicas
// restarted together do not knock in step).
const (
	connectBaseDelay = 500 * time.Millisecond
	connectMaxDelay  = 30 * time.Second
)

// ErrNotOpen is Health's error before the first successful Open.
var ErrNotOpen = errors.New("connexion en cours")

// ErrConfig is wrapped by Open's errors that no retry can fix (a malformed URL).
var ErrConfig = errors.New("configuration de la base de données")

// Health tracks whether the database answers, for /readyz. The zero value says ErrNotOpen.
type Health struct {
	mu     sync.Mutex
	err    error
	opened bool
}

// Set records the outcome of the last attempt or ping (nil: the database answers).
func (h *Health) Set(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.opened = true
	}
	h.err = err
}

// Err returns nil when the database answered last time, else why it did not.
func (h *Health) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.opened && h.err == nil {
		return ErrNotOpen
	}
	return h.err
}

// Connect opens the store as Open does, retrying with capped, jittered backoff while the
// database cannot be reached, until ctx ends. Each failure is logged (URL redacted) and set in
// h, which may be nil. A malformed URL is returned at once.
func Connect(ctx context.Context, rawURL, dataDir string, log *slog.Logger, h *Health) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if h == nil {
		h = &Health{}
	}
	delay := connectBaseDelay
	for attempt := 1; ; attempt++ {
		s, err := Open(ctx, rawURL, dataDir, log)
		if err == nil {
			h.Set(nil)
			return s, nil
		}
		h.Set(err)
		if errors.Is(err, ErrConfig) || ctx.Err() != nil {
			return nil, err
		}
		wait := delay/2 + rand.N(delay/2+1)
		log.Warn("base de données injoignable, nouvel essai", "err", err, "attempt", attempt, "retry_in", wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		delay = min(2*delay, connectMaxDelay)
	}
}

// Watch pings the database every interval until ctx ends and records the outcome in h, logging
// when the database is lost and when it is back. database/sql reconnects by itself: Watch only
// observes.
func (s *Store) Watch(ctx context.Context, h *Health, interval, timeout time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	lost := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, timeout)
		err := s.Ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		h.Set(err)
		switch {
		case err != nil && !lost:
			s.log.Error("base de données perdue", "err", err)
		case err == nil && lost:
			s.log.Info("base de données de retour", "driver", s.driver)
		}
		lost = err != nil
	}
}

// PurgeEvery deletes the expired claims every interval until ctx ends.
func (s *Store) PurgeEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.PurgeClaims(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("purge des claims impossible", "err", err)
		case n > 0:
			s.log.Debug("claims expirés purgés", "count", n)
		}
	}
}

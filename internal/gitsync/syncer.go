package gitsync

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Retry delays of the first fetch when the remote cannot be reached and no
// copy is cached: doubling from firstRetry, capped at maxRetry, so that a
// remote that comes back is seen within maxRetry without hammering it.
const (
	firstRetry = time.Second
	maxRetry   = 30 * time.Second
)

// Syncer fetches a Repo on a schedule and on demand, and hands every new
// commit to Apply.
type Syncer struct {
	// Repo is the repository to follow.
	Repo *Repo
	// Interval is the time between two fetches (CONTENT_GIT_INTERVAL).
	Interval time.Duration
	// Apply loads a checked-out commit; it returns an error when the
	// commit's content is refused. It is called from one goroutine at a
	// time, once per new commit: a refused commit is not tried again
	// until another one arrives.
	Apply func(ctx context.Context, c Checkout) error
	// OnFetch, if not nil, is told the outcome of every fetch, for metrics.
	OnFetch func(err error)
	// Logger receives what happens; nil discards it.
	Logger *slog.Logger

	last string // the commit last handed to Apply
}

// Start brings the first content: a fetch, or when the remote cannot be
// reached the copy cached by an earlier run (said in the log), or else
// fetches again with backoff until one succeeds or ctx ends. It hands that
// commit to Apply and returns it with Apply's error, or ctx's error when it
// ends first. A refused first commit is not tried again by Run: the caller
// waits for the next one.
func (s *Syncer) Start(ctx context.Context) (Checkout, error) {
	log := s.logger()
	delay := firstRetry
	cachedTried := false
	for {
		c, err := s.Repo.Fetch(ctx)
		s.fetched(err)
		if err == nil {
			return c, s.apply(ctx, c)
		}
		if ctx.Err() != nil {
			return Checkout{}, ctx.Err()
		}
		if !cachedTried {
			cachedTried = true
			cached, cerr := s.Repo.Cached()
			if cerr == nil {
				log.Warn("dépôt de contenu injoignable : la copie locale d'un précédent démarrage est servie",
					"error", err, "commit", cached.Commit, "dir", cached.Dir)
				return cached, s.apply(ctx, cached)
			}
			if !errors.Is(cerr, ErrNoCopy) {
				log.Warn("copie locale du dépôt inutilisable", "error", cerr)
			}
		}
		log.Warn("dépôt de contenu injoignable et aucune copie locale : nouvel essai", "error", err, "in", delay)
		select {
		case <-ctx.Done():
			return Checkout{}, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, maxRetry)
	}
}

// Run fetches every Interval and whenever trigger receives, until ctx ends,
// and hands each new commit to Apply. A failed fetch (remote down, branch
// deleted, token refused) is logged and changes nothing: the content served
// stays. It returns when ctx ends.
func (s *Syncer) Run(ctx context.Context, trigger <-chan struct{}) {
	log := s.logger()
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-trigger:
			log.Info("récupération du dépôt de contenu demandée (webhook)")
		}
		c, err := s.Repo.Fetch(ctx)
		s.fetched(err)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Warn("récupération du dépôt de contenu impossible, version actuelle conservée", "error", err)
			continue
		}
		if c.Commit == s.last {
			continue
		}
		_ = s.apply(ctx, c) // Apply logs its refusals
	}
}

func (s *Syncer) apply(ctx context.Context, c Checkout) error {
	s.last = c.Commit
	return s.Apply(ctx, c)
}

func (s *Syncer) fetched(err error) {
	if s.OnFetch != nil {
		s.OnFetch(err)
	}
}

func (s *Syncer) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

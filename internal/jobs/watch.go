package jobs

import (
	"context"
	"time"
)

// Defaults of WatchAge.
const (
	// DefaultAgeWarning is the age of the oldest unfinished job past which the queue is
	// late: an answer that waits that long is no longer "at once". A warning, not a restart:
	// a queue draining after a Slack incident is working as it should.
	DefaultAgeWarning = 2 * time.Minute
	// DefaultAgeCheck is how often WatchAge looks.
	DefaultAgeCheck = 30 * time.Second
)

// watchTimeout bounds one look at the oldest job.
const watchTimeout = 5 * time.Second

// WatchAge logs a warning every check while the oldest unfinished job (every replica's) is
// older than bound, and once when the queue has caught up again, until ctx is done.
func (q *Queue) WatchAge(ctx context.Context, check, bound time.Duration) {
	t := time.NewTicker(check)
	defer t.Stop()
	late := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		age, err := q.OldestAge(ctx)
		switch {
		case err != nil:
			q.log.Warn("file des réponses : âge de la plus ancienne tâche illisible", "err", err)
		case age > bound:
			late = true
			q.log.Warn("file des réponses en retard : la plus ancienne réponse attend depuis plus que le seuil",
				"oldest_age", age.Round(time.Second), "bound", bound)
		case late:
			late = false
			q.log.Info("file des réponses à jour", "oldest_age", age.Round(time.Second), "bound", bound)
		}
	}
}

// OldestAge is the age of the oldest unfinished job (queued, snoozed, retried or running),
// 0 when there is none.
func (q *Queue) OldestAge(ctx context.Context) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, watchTimeout)
	defer cancel()
	job, err := q.state.oldest(ctx)
	if err != nil || job == nil {
		return 0, err
	}
	return time.Since(job.CreatedAt), nil
}

// Waiting counts the unfinished jobs of every replica, by state.
func (q *Queue) Waiting(ctx context.Context) (map[string]int, error) {
	ctx, cancel := context.WithTimeout(ctx, watchTimeout)
	defer cancel()
	counts, err := q.state.counts(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, s := range waitingStates {
		if n := counts[s]; n > 0 {
			out[string(s)] = n
		}
	}
	return out, nil
}

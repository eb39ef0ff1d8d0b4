package jobs

import (
	"context"
	"errors"
	"sync/atomic"
)

// DeferredAnswerer is an Answerer given later: the bot that answers the jobs is built with
// the queue (it inserts into it), after Open needed an Answerer. Set it before Start.
type DeferredAnswerer struct {
	a atomic.Pointer[Answerer]
}

// Set makes a answer the jobs.
func (d *DeferredAnswerer) Set(a Answerer) { d.a.Store(&a) }

// Answer implements Answerer: an error, retried later, while no Answerer is set.
func (d *DeferredAnswerer) Answer(ctx context.Context, args AnswerArgs) error {
	a := d.a.Load()
	if a == nil {
		return errors.New("file des réponses : aucun Answerer encore")
	}
	return (*a).Answer(ctx, args)
}

package jobs

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
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

// Delivered implements DeliveryChecker for the Answerer set, if it is one; false otherwise.
func (d *DeferredAnswerer) Delivered(ctx context.Context, args AnswerArgs, since time.Time) (bool, error) {
	a := d.a.Load()
	if a == nil {
		return false, errors.New("file des réponses : aucun Answerer encore")
	}
	dc, ok := (*a).(DeliveryChecker)
	if !ok {
		return false, nil
	}
	return dc.Delivered(ctx, args, since)
}

package slackbot

// The durable path: with Options.Queue, the read loop hands each question or click to the
// intake, which inserts their jobs in the database in batches, each leased to this process,
// then acknowledges them: a request is acknowledged once its job is stored, so nothing
// acknowledged is lost, even to kill -9. A slash command is acknowledged with its answer when
// it is ready in time, its job completed first (ackanswer.go). The lanes' workers then answer them at once (AnswerQueue.AnswerNow) and the
// job records the outcome. What this process cannot finish (a 429, a Slack error, a stop, a
// crash) is answered by River's workers, here or in another replica. Answers through a
// response_url have a lane of their own, so they never wait behind chat.postMessage.

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/jobs"
)

// AnswerQueue is the durable queue of answers as the bot uses it; *jobs.Queue is one.
type AnswerQueue interface {
	// EnqueueLeased inserts a batch of jobs, leased to this process, and returns the ticket
	// of each new one (nil for a delivery that already has a job: a duplicate).
	EnqueueLeased(ctx context.Context, batch []jobs.AnswerArgs) ([]*jobs.Ticket, error)
	// AnswerNow answers a leased job in this process, through the bot's Answer; false when
	// the lease had ended and River's workers have the job.
	AnswerNow(ctx context.Context, t *jobs.Ticket) (bool, error)
	// Release makes leased jobs available at once to every worker.
	Release(ctx context.Context, tickets []*jobs.Ticket) (int, error)
	// CompleteLeased records a leased job as answered by the request's ack (ackanswer.go);
	// false when the lease had ended, an error when the outcome is unknown.
	CompleteLeased(ctx context.Context, t *jobs.Ticket) (bool, error)
}

// Tuning of the durable path.
const (
	// maxInsertBatch bounds the jobs inserted in one transaction: a burst is inserted in a
	// few statements instead of one each (SQLite has one writer).
	maxInsertBatch = 64
	// insertTimeout bounds one batch's insert. Its context is not the workers': requests
	// already acknowledged are inserted even when the shutdown's grace period is over.
	insertTimeout = 5 * time.Second
	// releaseTimeout bounds the release of the jobs left at shutdown.
	releaseTimeout = 5 * time.Second
)

// durablePath is the intake and the lanes of one Run.
type durablePath struct {
	b      *Bot
	intake chan intakeItem
	// acks is the context of the intake's acks (Run's, which ends once the intake is done).
	acks context.Context
	// lanes by jobs queue (jobs.QueueResponse, jobs.QueuePost).
	lanes      map[string]chan lease
	intakeDone sync.WaitGroup
	lanesDone  sync.WaitGroup
	// retries are the batches whose insert failed, being inserted again (storeretry.go).
	retries sync.WaitGroup
	// work is the workers' context: once done, the inserts tried again stop waiting.
	work context.Context
	// slots counts the slash commands' acks not sent yet (ackanswer.go).
	slots sync.WaitGroup

	mu sync.Mutex
	// left are the leased jobs not claimed when the workers stopped; lost the requests
	// acknowledged but neither inserted nor answered; interrupted the answers cut short.
	left        []*jobs.Ticket
	lost        int
	interrupted int
}

// intakeItem is a request to store, then acknowledge.
type intakeItem struct {
	args jobs.AnswerArgs
	sm   *socketmode.Client
	req  *socketmode.Request
	read time.Time
}

// lease is one job for a lane: a ticket, or, when the database refused the insert, the
// request alone, answered in memory rather than not at all.
type lease struct {
	ticket *jobs.Ticket
	args   jobs.AnswerArgs
	// slot, for a slash command, is its ack, not sent yet: the answer may go in it.
	slot *ackSlot
}

// startDurable starts the intake and the lanes' workers; work is the workers' context, acks
// the acks'.
func (b *Bot) startDurable(work, acks context.Context) *durablePath {
	d := &durablePath{
		b:      b,
		intake: make(chan intakeItem, b.queueSize),
		acks:   acks,
		work:   work,
		lanes:  map[string]chan lease{jobs.QueueResponse: make(chan lease, b.queueSize), jobs.QueuePost: make(chan lease, b.queueSize)},
	}
	d.intakeDone.Go(func() { d.runIntake(context.WithoutCancel(work)) })
	for _, lane := range d.lanes {
		for range b.workers {
			d.lanesDone.Go(func() { d.runLane(work, lane) })
		}
	}
	return d
}

// runIntake inserts the jobs of the intake in batches, until it is closed and empty; the
// lanes are closed once its inserts tried again are done too.
func (d *durablePath) runIntake(ctx context.Context) {
	defer func() {
		go func() {
			// Not in closeIntake's wait: the socket closes without waiting for a database
			// that refuses the inserts.
			d.retries.Wait()
			for _, lane := range d.lanes {
				close(lane)
			}
		}()
	}()
	items := make([]intakeItem, 0, maxInsertBatch)
	batch := make([]jobs.AnswerArgs, 0, maxInsertBatch)
	for first := range d.intake {
		items = append(items[:0], first)
	fill:
		for len(items) < maxInsertBatch {
			select {
			case it, ok := <-d.intake:
				if !ok {
					break fill
				}
				items = append(items, it)
			default:
				break fill
			}
		}
		batch = batch[:0]
		for _, it := range items {
			batch = append(batch, it.args)
		}
		ictx, cancel := context.WithTimeout(ctx, insertTimeout)
		tickets, err := d.b.queue.EnqueueLeased(ictx, batch)
		cancel()
		// Stored (or the database failed): acknowledge, so that Slack does not send again;
		// a new slash command's ack waits for its answer, within its budget (ackanswer.go).
		var slots []*ackSlot
		if err == nil {
			slots = make([]*ackSlot, len(items))
		}
		for i, it := range items {
			if err == nil && tickets[i] != nil && inAck(it.args) {
				slots[i] = d.newSlot(it)
				continue
			}
			d.b.ack(d.acks, it.sm, it.req, it.read, nil)
		}
		if err != nil {
			// Not stored, or not known to be: inserted again later (storeretry.go).
			d.b.metrics.StoreErrors.WithLabelValues("enqueue").Inc()
			d.b.log.Warn("file des réponses : insertion en échec, nouvel essai", "count", len(batch), "error", err.Error())
			pending := slices.Clone(batch)
			d.retries.Go(func() { d.storeLater(ctx, pending, err) })
			continue
		}
		d.dispatch(batch, tickets, slots)
	}
}

// dispatch gives the lanes the jobs of batch just inserted (tickets, as EnqueueLeased returns
// them), with their ack slots, if any.
func (d *durablePath) dispatch(batch []jobs.AnswerArgs, tickets []*jobs.Ticket, slots []*ackSlot) {
	for i, t := range tickets {
		if t == nil {
			// The delivery already has a job: Slack's retry, or another replica's.
			d.b.metrics.Duplicates.WithLabelValues("claimed").Inc()
			d.b.log.Debug("requête déjà prise (tâche existante), ignorée", "delivery", batch[i].DeliveryKey)
			continue
		}
		var slot *ackSlot
		if slots != nil {
			slot = slots[i]
		}
		d.lanes[t.Args.Queue()] <- lease{ticket: t, args: t.Args, slot: slot}
	}
}

// runLane answers the jobs of one lane until it is closed; once work is done (the grace
// period is over), it only sets the jobs aside for Release.
func (d *durablePath) runLane(work context.Context, lane <-chan lease) {
	for l := range lane {
		if work.Err() != nil {
			d.mu.Lock()
			if l.ticket != nil {
				d.left = append(d.left, l.ticket)
			} else {
				d.lost++
			}
			d.mu.Unlock()
			continue
		}
		if l.ticket == nil {
			_ = d.b.Answer(work, l.args)
			continue
		}
		if l.slot != nil && d.answerInAck(work, l) {
			continue
		}
		if _, err := d.b.queue.AnswerNow(work, l.ticket); err != nil {
			d.b.log.Warn("réponse rapide non enregistrée : la file la reprendra", "delivery", l.args.DeliveryKey, "error", err.Error())
		}
		if work.Err() != nil {
			d.mu.Lock()
			d.interrupted++
			d.mu.Unlock()
		}
	}
}

// closeIntake stops the intake and waits until what it held is stored and acknowledged, the
// slash commands' acks included (each within its budget); the lanes end once they have
// answered it.
func (d *durablePath) closeIntake() {
	close(d.intake)
	d.intakeDone.Wait()
	d.slots.Wait()
}

// wait waits for the lanes to end.
func (d *durablePath) wait() { d.lanesDone.Wait() }

// releaseLeft makes the jobs set aside by the lanes available at once to the next process,
// and logs what the stop leaves in the queue.
func (d *durablePath) releaseLeft(ctx context.Context) {
	d.mu.Lock()
	left, lost, interrupted := d.left, d.lost, d.interrupted
	d.mu.Unlock()
	released := 0
	if len(left) > 0 {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		n, err := d.b.queue.Release(rctx, left)
		cancel()
		released = n
		if err != nil {
			d.b.log.Warn("arrêt : tâches non libérées, reprises à la fin de leur bail", "error", err.Error())
		}
	}
	if len(left)+interrupted+lost == 0 {
		return
	}
	d.b.log.Warn("arrêt : réponses laissées dans la file pour le prochain processus",
		"left", len(left)+interrupted, "released", released, "interrupted", interrupted, "lost", lost)
}

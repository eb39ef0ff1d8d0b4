package slackbot

// The durable path: with Options.Queue, the read loop hands each question or click to the
// intake, which inserts their jobs in the database in batches, each leased to this process,
// then acknowledges them: a request is acknowledged once its job is stored, so nothing
// acknowledged is lost, even to kill -9. Meanwhile the lanes' workers compute the answers
// (when the lanes have room), and post each once its job is stored and claimed, or, for a
// mention, stored and still leased to this process (AnswerQueue.AnswerWith,
// jobs/unclaimed.go): never an answer for a job not stored. A slash command is
// acknowledged with its answer when it is ready in time, its job completed first
// (ackanswer.go), or, when its lane had room for it before its insert, inserted already
// completed, in one round (oneround.go). What this process cannot finish (a 429, a Slack error, a stop, a crash) is
// answered by River's workers, here or in another replica. Answers through a response_url have
// a lane of their own, so they never wait behind chat.postMessage.

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
	// AnswerWith answers a leased job in this process, its answer posted by send (computed
	// while the job was inserted), claimed first or, for a mention, within its lease; false
	// when the lease had ended and River's workers have the job.
	AnswerWith(ctx context.Context, t *jobs.Ticket, send jobs.Send) (bool, error)
	// Release makes leased jobs available at once to every worker.
	Release(ctx context.Context, tickets []*jobs.Ticket) (int, error)
	// CompleteLeased records a leased job as answered by the request's ack (ackanswer.go);
	// false when the lease had ended, an error when the outcome is unknown.
	CompleteLeased(ctx context.Context, t *jobs.Ticket) (bool, error)
	// NewAnswered and InsertAnswered insert a job already answered by the request's ack
	// (oneround.go): true when the delivery's job is this one, false for a duplicate, an
	// error when the outcome is unknown (InsertAnswered may then be called again).
	NewAnswered(a jobs.AnswerArgs) (*jobs.AnsweredJob, error)
	InsertAnswered(ctx context.Context, j *jobs.AnsweredJob) (bool, error)
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

// lease is one request for a lane, with the outcome of its job's insert, known once st.done
// is closed: a lane may take it before (and compute its answer meanwhile), never post it
// before.
type lease struct {
	args jobs.AnswerArgs
	st   *stored
	// first, for a slash command handed over before its insert, is how it is inserted:
	// answered by the lane (oneround.go), or leased by its timer; st tells the latter.
	first *firstRound
}

// stored is the outcome of a request's insert.
type stored struct {
	done chan struct{}
	// ticket is the job leased to this process; nil with err nil: the delivery already had
	// one (a duplicate).
	ticket *jobs.Ticket
	// slot, for a new slash command, is its ack, not sent yet: the answer may go in it.
	slot *ackSlot
	// err, when the database kept refusing the insert (storeretry.go): the request is
	// answered in memory rather than not at all.
	err error
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
			// that refuses the inserts. The commands handed over before their insert
			// (oneround.go) hold an ack until they are inserted, and their inserts tried
			// again are in retries by then.
			d.slots.Wait()
			d.retries.Wait()
			for _, lane := range d.lanes {
				close(lane)
			}
		}()
	}()
	items := make([]intakeItem, 0, maxInsertBatch)
	batch := make([]jobs.AnswerArgs, 0, maxInsertBatch)
	for first := range d.intake {
		items = items[:0]
		take := func(it intakeItem) {
			// A slash command to answer in its ack goes to its lane before its insert, when
			// the lane has room: inserted answered, in one round (oneround.go).
			if !inAck(it.args) || !d.handFirst(it) {
				items = append(items, it)
			}
		}
		take(first)
	fill:
		for len(items) < maxInsertBatch {
			select {
			case it, ok := <-d.intake:
				if !ok {
					break fill
				}
				take(it)
			default:
				break fill
			}
		}
		if len(items) == 0 {
			continue
		}
		batch = batch[:0]
		for _, it := range items {
			batch = append(batch, it.args)
		}
		// The lanes with room take their requests now, and compute the answers while the
		// jobs are inserted: they post only once the insert is done. The others are handed
		// over after it, so that a full lane never holds the insert and its acks.
		pb := &pendingBatch{args: slices.Clone(batch), sts: make([]*stored, len(items)), early: make([]bool, len(items))}
		for i, it := range items {
			pb.sts[i] = &stored{done: make(chan struct{})}
			select {
			case d.lanes[it.args.Queue()] <- lease{args: it.args, st: pb.sts[i]}:
				pb.early[i] = true
			default:
			}
		}
		d.storeBatch(ctx, items, pb)
	}
}

// storeBatch inserts the jobs of items (pb's), leased, acknowledges them and tells their
// leases; an insert that fails is tried again (storeretry.go).
func (d *durablePath) storeBatch(ctx context.Context, items []intakeItem, pb *pendingBatch) {
	ictx, cancel := context.WithTimeout(ctx, insertTimeout)
	tickets, err := d.b.queue.EnqueueLeased(ictx, pb.args)
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
		d.b.log.Warn("file des réponses : insertion en échec, nouvel essai", "count", len(pb.args), "error", err.Error())
		d.retries.Go(func() { d.storeLater(ctx, pb, err) })
		return
	}
	d.resolve(pb, tickets, slots, nil)
}

// pendingBatch is a batch of requests whose insert is not known yet, and their leases.
type pendingBatch struct {
	args []jobs.AnswerArgs
	// sts are the outcomes of the requests' inserts, told to their leases; early tells the
	// leases already in their lanes.
	sts   []*stored
	early []bool
}

// resolve tells the leases of pb the outcome of its insert: the ticket of each new job (with
// its ack slot, if any), nil for a delivery that already had one, or err for requests to
// answer without a job; and hands the lanes the leases not in them yet.
func (d *durablePath) resolve(pb *pendingBatch, tickets []*jobs.Ticket, slots []*ackSlot, err error) {
	for i, a := range pb.args {
		st := pb.sts[i]
		st.err = err
		if err == nil {
			st.ticket = tickets[i]
			if slots != nil {
				st.slot = slots[i]
			}
			if st.ticket == nil {
				// The delivery already has a job: Slack's retry, or another replica's.
				d.b.metrics.Duplicates.WithLabelValues("claimed").Inc()
				d.b.log.Debug("requête déjà prise (tâche existante), ignorée", "delivery", a.DeliveryKey)
			}
		}
		close(st.done)
	}
	for i, a := range pb.args {
		if !pb.early[i] && (err != nil || pb.sts[i].ticket != nil) {
			d.lanes[a.Queue()] <- lease{args: a, st: pb.sts[i]}
		}
	}
}

// runLane answers the jobs of one lane until it is closed; once work is done (the grace
// period is over), it only sets the jobs aside for Release. It computes each answer first,
// while its job may still be being inserted, and posts it once the job is claimed.
func (d *durablePath) runLane(work context.Context, lane <-chan lease) {
	for l := range lane {
		if work.Err() != nil {
			if l.first != nil && l.first.take() {
				l.first.insertLeased()
			}
			d.setAside(l)
			continue
		}
		p := d.b.prepare(work, l.args)
		if l.first != nil && l.first.take() && d.answerInOneRound(work, l, p) {
			continue
		}
		<-l.st.done
		switch {
		case work.Err() != nil:
			d.setAside(l)
			continue
		case l.st.err != nil:
			_ = p.send(work) // without a job (storeretry.go)
			continue
		case l.st.ticket == nil:
			continue // a duplicate: its answer is another job's
		}
		if l.st.slot != nil && d.answerInAck(work, l, p) {
			continue
		}
		if _, err := d.b.queue.AnswerWith(work, l.st.ticket, p.send); err != nil {
			d.b.log.Warn("réponse rapide non enregistrée : la file la reprendra", "delivery", l.args.DeliveryKey, "error", err.Error())
		}
		if work.Err() != nil {
			d.mu.Lock()
			d.interrupted++
			d.mu.Unlock()
		}
	}
}

// setAside keeps the job of l for Release, once its insert is done; a request whose insert
// failed is lost.
func (d *durablePath) setAside(l lease) {
	<-l.st.done
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case l.st.ticket != nil:
		d.left = append(d.left, l.st.ticket)
	case l.st.err != nil:
		d.lost++
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

package slackbot

// A slash command answered in its ack in one round. Answered in its ack through a leased job
// (ackanswer.go), a command waited for two rounds in series before its ack: its job's insert,
// then the job's completion. When its lane has room, the intake now hands the command over
// without inserting it; the lane's worker computes the answer and, when it is ready within
// its bound (firstBound) and fits in an ack, inserts the job already completed (jobs.InsertAnswered,
// one write in the committer's rounds, shared with the burst's other inserts), then acks with
// the answer. Otherwise the command takes the path of every request: inserted leased by a
// timer at the bound (or by the worker, at once, for an answer that does not fit or a stop),
// then answered in its ack after its completion, or through its response_url.
//
// Why nothing acknowledged is lost or answered twice:
//   - nothing is acknowledged before the job is stored: the ack follows the answered insert,
//     or the leased insert (as for every request). A kill before the insert leaves nothing
//     stored and nothing acknowledged: Slack shows the user its own timeout, nothing is owed
//     (as for a kill before the ack of a leased command, ackanswer.go);
//   - the answered insert and the leased one are exclusive: whichever of the worker and the
//     timer takes the command first (firstRound.state) inserts it, the other does nothing;
//   - a new answered job is acked with its answer, unless its insert returned past the ack's
//     deadline (a round waits for its outcome whatever its callers' deadlines): an ack then
//     would come after Slack's 3 s and be dropped, the job completed, the answer never shown;
//     the command is left without an ack and its answer posted through the response_url
//     (answerPastDeadline), once, as nobody else answers a completed job. A delivery that already had a job (Slack's
//     retry, another replica) is acked empty, its job answered by its holder, as the intake
//     does for duplicates;
//   - an answered insert whose outcome is unknown (an error, a timeout: it may have been
//     committed) is tried again, with the same mark, until the ack's deadline
//     (ackSettleDeadline): a retry that stores the job, or finds its own (by the mark, see
//     jobs/answered.go), acks with the answer; one that finds another delivery's job acks
//     empty. Still unknown at the deadline, the command gets no ack at all: a job inserted
//     completed was never acknowledged, so it owes nothing, and no job at all owes nothing
//     either; Slack shows its timeout. Acking empty there instead would owe an answer that a
//     completed job would never give. The insert is then tried again, for storeRetryWindow:
//     once it stores the job, or finds its own, this process posts the answer once through
//     the response_url (answerLate), the job completed so that nobody else does; a kill
//     before that post loses only a command never acknowledged. A database that refuses the
//     insert for the whole window gets the answer posted from memory, as the intake does for
//     the requests it cannot store (storeretry.go): a command is answered through an outage.

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
)

// Bounds of a command answered in one round.
const (
	// oneRoundShare sets the bound of a command answered in one round (firstBound): how long
	// after the command is read its answer may take to be ready to be inserted answered is
	// the ack's budget (ackBudget) divided by oneRoundShare, 750 ms by default. Past it the
	// command is inserted leased, so that it can still be acked empty at the budget and
	// answered through its response_url: the leased path needs the rest of the budget for
	// its insert and its completion. A shorter bound (500 ms was tried) sent a tenth of a
	// burst's commands on PostgreSQL, the slowest of them, to two rounds (their lane's
	// backlog).
	oneRoundShare = 2
	// oneRoundRetryWait is the wait between two attempts at an answered insert whose outcome
	// was unknown.
	oneRoundRetryWait = 100 * time.Millisecond
)

// States of a firstRound.
const (
	firstPending int32 = iota // nobody has taken the command yet
	firstLane                 // the lane's worker took it, to insert it answered
	firstLeased               // inserted leased (the timer, or the worker giving up)
)

// firstRound is a slash command handed to its lane before its job is inserted: inserted
// answered by the lane's worker, or leased by the timer at the bound, whichever comes first.
type firstRound struct {
	d *durablePath
	// it is the command; pb its batch of one, whose stored is the lease's (told when the
	// command is inserted leased).
	it    intakeItem
	pb    *pendingBatch
	state atomic.Int32
	timer *time.Timer
}

// firstBound is the bound of a command answered in one round (see oneRoundShare).
func (b *Bot) firstBound() time.Duration { return b.ackBudget / oneRoundShare }

// handFirst hands the command of it to its lane, before its job is inserted, when the lane has
// room and its bound has time left; false leaves it to the intake's batch.
func (d *durablePath) handFirst(it intakeItem) bool {
	wait := time.Until(it.read.Add(d.b.firstBound()))
	if wait <= 0 {
		return false
	}
	st := &stored{done: make(chan struct{})}
	f := &firstRound{d: d, it: it, pb: &pendingBatch{args: []jobs.AnswerArgs{it.args}, sts: []*stored{st}, early: []bool{true}}}
	d.slots.Add(1) // the command's ack, sent by whoever takes it (see runIntake's end)
	f.timer = time.AfterFunc(wait, f.lease)
	select {
	case d.lanes[it.args.Queue()] <- lease{args: it.args, st: st, first: f}:
		return true
	default:
	}
	if f.state.CompareAndSwap(firstPending, firstLeased) {
		f.timer.Stop()
		d.slots.Done()
		return false
	}
	// The timer took it meanwhile: it is being inserted leased, and its lease is for the
	// lane, as an early one (pb.early), whatever the wait.
	d.lanes[it.args.Queue()] <- lease{args: it.args, st: st}
	return true
}

// lease inserts the command leased, unless the lane's worker took it first.
func (f *firstRound) lease() {
	if f.state.CompareAndSwap(firstPending, firstLeased) {
		f.insertLeased()
	}
}

// take gives the command to the lane's worker, to insert it answered or leased; false when the
// timer took it first (it is inserted leased: the lease's stored tells).
func (f *firstRound) take() bool {
	if !f.state.CompareAndSwap(firstPending, firstLane) {
		return false
	}
	f.timer.Stop()
	return true
}

// insertLeased inserts the command leased, as the intake inserts a batch, and releases its
// hold on the acks once the command's ack is sent or in its slot.
func (f *firstRound) insertLeased() {
	defer f.d.slots.Done()
	f.d.storeBatch(context.WithoutCancel(f.d.work), []intakeItem{f.it}, f.pb)
}

// answerInOneRound tries to answer the command of l, taken from its timer, in its ack with p,
// its answer computed, inserting its job answered (see the top of this file), and reports
// whether that settled it: false leaves it to the path of every request (inserted leased
// meanwhile), whose lease's stored tells the outcome.
func (d *durablePath) answerInOneRound(ctx context.Context, l lease, p prepared) bool {
	f, b, a := l.first, d.b, l.args
	if ctx.Err() != nil || p.an == nil {
		f.insertLeased()
		return false
	}
	payload, fits := ackPayload(f.it.req.EnvelopeID, ackMessage(p.msg))
	if !fits {
		f.insertLeased()
		return false
	}
	job, err := b.queue.NewAnswered(a)
	if err != nil {
		f.insertLeased()
		return false
	}
	defer d.slots.Done()
	deadline := f.it.read.Add(ackSettleDeadline)
	for {
		ictx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
		ours, err := b.queue.InsertAnswered(ictx, job)
		cancel()
		switch {
		case err == nil && ours && time.Now().After(deadline):
			// Stored, but too late for the ack (the round waited past the deadline).
			d.answerPastDeadline(ctx, a, p)
			return true
		case err == nil && ours:
			b.ack(d.acks, f.it.sm, f.it.req, f.it.read, payload)
			b.metrics.AckAnswers.WithLabelValues(ackOneRound).Inc()
			d.answeredInAck(ctx, a, p)
			return true
		case err == nil:
			// The delivery already has a job: Slack's retry, or another replica's.
			b.ack(d.acks, f.it.sm, f.it.req, f.it.read, nil)
			b.metrics.Duplicates.WithLabelValues("claimed").Inc()
			b.log.Debug("requête déjà prise (tâche existante), ignorée", "delivery", a.DeliveryKey)
			return true
		}
		b.metrics.StoreErrors.WithLabelValues("enqueue").Inc()
		if time.Until(deadline) < oneRoundRetryWait {
			b.metrics.AckAnswers.WithLabelValues(ackUnknown).Inc()
			b.log.Warn("réponse dans l'accusé de réception non enregistrée : commande laissée sans accusé, Slack affichera son erreur",
				"delivery", a.DeliveryKey, "error", err.Error())
			d.retries.Go(func() { d.answerLate(ctx, job, l, p) })
			return true
		}
		b.log.Info("insertion de la tâche répondue en échec, nouvel essai", "delivery", a.DeliveryKey, "error", err.Error())
		time.Sleep(oneRoundRetryWait)
	}
}

// answerLate tries the answered insert of job again after the ack's deadline, the command of
// l left without an ack, until its outcome is known, within storeRetryWindow and the
// workers' context: once the job is found to be its own, it posts the answer p through the
// response_url, once (see the top of this file); the window over, it posts it from memory.
func (d *durablePath) answerLate(ctx context.Context, job *jobs.AnsweredJob, l lease, p prepared) {
	b := d.b
	deadline := time.Now().Add(storeRetryWindow)
	for wait := storeRetryFirst; time.Now().Add(wait).Before(deadline); wait = min(2*wait, storeRetryMax) {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			b.log.Warn("commande sans accusé de réception abandonnée à l'arrêt", "delivery", l.args.DeliveryKey)
			return
		}
		ictx, cancel := context.WithTimeout(ctx, insertTimeout)
		ours, err := b.queue.InsertAnswered(ictx, job)
		cancel()
		switch {
		case err != nil:
			b.metrics.StoreErrors.WithLabelValues("enqueue").Inc()
			continue
		case !ours:
			return // another delivery's job: its holder answers
		}
		d.sendUnacked(ctx, l.args, p)
		return
	}
	// The database refused the insert for the whole window: answered in memory, as the intake
	// answers the requests the database keeps refusing (storeretry.go), rather than not at all.
	// Nobody else answers it: a job inserted by one of the attempts is completed, with no holder.
	b.log.Error("commande sans accusé de réception : base indisponible, réponse en mémoire seulement, sans tâche",
		"delivery", l.args.DeliveryKey)
	d.sendUnacked(ctx, l.args, p)
}

package slackbot

// A slash command answered in its socket-mode acknowledgement. An answer posted to a
// response_url cannot be read back nor replaced (Slack offers neither), so a process killed
// between that post and the job's completion made the next process post it again. The ack,
// on the other hand, is the request's acceptance: Slack shows its payload as the command's
// answer, and a request never acknowledged is one Slack shows as failed (operation_timeout)
// and never sends again. Answering in the ack makes "Slack took the answer" and "the request
// is acknowledged" one event.
//
// Since issue-qlat2, a command whose lane has room is answered in one round instead, its job
// inserted already completed once its answer is ready (oneround.go); what follows is the
// path of the others, and of those whose answer was not ready within its bound (firstBound). The
// order, for a command whose answer is computed within ackAnswerBudget:
//
//  1. the job is inserted, leased to this process (the intake, as for every request), and
//  2. the answer is computed (the content, the team's people, the feedback buttons), by a
//     lane's worker, at the same time when the lane has room;
//  3. the job is completed, leased to completed in one conditional update (CompleteLeased);
//  4. the ack goes out with the answer.
//
// A kill at any instant neither loses an acknowledged command nor answers one twice:
//   - before 4, nothing was acknowledged: Slack shows the user its own timeout, and nothing
//     is owed. A job still leased (killed before 3) is answered through the response_url once
//     its lease ends: the user then sees the timeout, then the answer, once;
//   - after 4, the job is completed: no process answers it again.
//
// A command whose answer is not ready in time (Slack's users.info slow, the database slow, the
// lane's workers busy) gets an empty ack at the budget, from a timer, and its job is answered
// as before, through the response_url: whichever of the timer and the worker takes the ack
// first decides, once (ackSlot). A completion whose outcome is unknown (the update failed or
// timed out) sends no ack at all: the database then says what is owed, and the user sees
// Slack's timeout rather than an answer twice.

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/reply"
)

// Bounds of an answer in the ack.
const (
	// DefaultAckAnswerBudget is how long after a command is read its answer may take to be
	// ready to go in the ack (Options.AckAnswerBudget): half of Slack's 3 s, the rest for the
	// completion's update, the ack's way to Slack and a loaded machine. Past it the command
	// is acknowledged empty and answered through its response_url.
	DefaultAckAnswerBudget = 1500 * time.Millisecond
	// ackSettleDeadline bounds, from the command's read, the completion of its job once the
	// answer is ready: an ack later than Slack's 3 s would be dropped by Slack anyway.
	ackSettleDeadline = 2500 * time.Millisecond
	// maxAckBytes is Slack's limit on a socket-mode response, the ack's envelope included:
	// larger ones are dropped without a word (slack-go refuses to send them). An answer that
	// does not fit goes through the response_url, which takes more and falls back to text.
	maxAckBytes = 20 * 1024
)

// States of an ackSlot.
const (
	slotPending   int32 = iota // nobody has acked yet
	slotAnswering              // a worker has the ack, to send it with the answer
	slotPlain                  // acked empty (the budget ran out): the answer goes to the response_url
)

// ackSlot is the ack of one slash command answered as a job: sent once, with the answer by
// the lane's worker, or empty by the budget's timer, whichever comes first.
type ackSlot struct {
	d     *durablePath
	sm    *socketmode.Client
	req   *socketmode.Request
	read  time.Time
	state atomic.Int32
	timer *time.Timer
}

// newSlot makes the ack slot of an item just stored, its timer set to the budget's end; a
// budget already spent (a slow insert) acks it empty at once.
func (d *durablePath) newSlot(it intakeItem) *ackSlot {
	s := &ackSlot{d: d, sm: it.sm, req: it.req, read: it.read}
	d.slots.Add(1)
	wait := time.Until(it.read.Add(d.b.ackBudget))
	if wait <= 0 {
		s.plain()
		return s
	}
	s.timer = time.AfterFunc(wait, func() { s.plain() })
	return s
}

// plain acks the command empty unless a worker took the ack first; it reports whether the
// command is left to the response_url (acked empty, by this call or an earlier one).
func (s *ackSlot) plain() bool {
	if s.state.CompareAndSwap(slotPending, slotPlain) {
		s.d.b.ack(s.d.acks, s.sm, s.req, s.read, nil)
		s.d.b.metrics.AckAnswers.WithLabelValues(ackFallback).Inc()
		s.d.slots.Done()
		return true
	}
	return s.state.Load() == slotPlain
}

// take gives the ack to the worker that has the answer ready; false when the timer acked it
// empty first. After take, the worker must call finish exactly once.
func (s *ackSlot) take() bool {
	if !s.state.CompareAndSwap(slotPending, slotAnswering) {
		return false
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	return true
}

// finish acks the command with payload (nil: empty; skip: not at all) once a worker took it.
func (s *ackSlot) finish(payload any, skip bool) {
	defer s.d.slots.Done()
	if !skip {
		s.d.b.ack(s.d.acks, s.sm, s.req, s.read, payload)
	}
}

// Outcomes of a command's ack, as the metric labels them.
const (
	ackAnswered = "answered"  // the answer went in the ack (after one round or two)
	ackOneRound = "one_round" // and its job was inserted answered, in one round (oneround.go)
	ackFallback = "fallback"  // acked empty at the budget: answered through the response_url
	ackTooLarge = "too_large"
	ackLeaseEnd = "lease_ended" // the lease ended first: River's workers answer it
	ackUnknown  = "unknown"     // the completion's outcome unknown: no ack at all
	// ackPastDeadline: completed too late for the ack; no ack, the answer posted through the
	// response_url.
	ackPastDeadline = "past_deadline"
)

// answerInAck tries to answer the command of l in its ack with p, its answer computed (see
// the top of this file), and reports whether it is settled: false leaves it to the
// response_url path (AnswerWith).
func (d *durablePath) answerInAck(ctx context.Context, l lease, p prepared) bool {
	s, a, t := l.st.slot, l.args, l.st.ticket
	if s.state.Load() != slotPending || p.an == nil {
		return false
	}
	b := d.b
	payload, fits := ackPayload(s.req.EnvelopeID, ackMessage(p.msg))
	if !fits {
		b.metrics.AckAnswers.WithLabelValues(ackTooLarge).Inc()
		return !s.plain() // the response_url takes it, with its text fallback
	}
	if !s.take() {
		return false
	}
	sctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), s.read.Add(ackSettleDeadline))
	ok, err := b.queue.CompleteLeased(sctx, t)
	cancel()
	switch {
	case err != nil:
		b.metrics.AckAnswers.WithLabelValues(ackUnknown).Inc()
		b.log.Warn("réponse dans l'accusé de réception non enregistrée : commande laissée sans accusé, Slack affichera son erreur",
			"delivery", a.DeliveryKey, "error", err.Error())
		s.finish(nil, true)
		return true
	case !ok:
		b.metrics.AckAnswers.WithLabelValues(ackLeaseEnd).Inc()
		s.finish(nil, false)
		return true
	case time.Now().After(s.read.Add(ackSettleDeadline)):
		// Completed too late for the ack (its round waited past the deadline).
		s.finish(nil, true)
		d.answerPastDeadline(ctx, a, p)
		return true
	}
	s.finish(payload, false)
	d.answeredInAck(ctx, a, p)
	return true
}

// answerPastDeadline posts the answer p of a, whose job was completed for its ack past the
// ack's deadline, through the response_url instead: an ack that late would reach Slack after
// its 3 s and be dropped (the user shown operation_timeout), and the job, completed, would
// never be answered by anyone. The command is left without an ack, so a kill before this
// post loses only a request never acknowledged.
func (d *durablePath) answerPastDeadline(ctx context.Context, a jobs.AnswerArgs, p prepared) {
	d.b.metrics.AckAnswers.WithLabelValues(ackPastDeadline).Inc()
	d.b.log.Warn("tâche répondue trop tard pour l'accusé de réception : réponse par response_url", "delivery", a.DeliveryKey)
	d.sendUnacked(ctx, a, p)
}

// sendUnacked posts the answer p of a command of a left without an ack, through its
// response_url, and logs a post that failed.
func (d *durablePath) sendUnacked(ctx context.Context, a jobs.AnswerArgs, p prepared) {
	if err := p.send(ctx); err != nil {
		d.b.log.Warn("réponse d'une commande sans accusé de réception non envoyée", "delivery", a.DeliveryKey, "error", err.Error())
	}
}

// answeredInAck counts, logs and records the answer p of a, sent in its ack.
func (d *durablePath) answeredInAck(ctx context.Context, a jobs.AnswerArgs, p prepared) {
	b := d.b
	b.metrics.AckAnswers.WithLabelValues(ackAnswered).Inc()
	b.recordShown(a, p.key, *p.an)
	b.done(ctx, a.Surface, a.ReceivedAt, result{intent: p.an.Intent, user: a.User, channel: a.Channel, question: a.Text})
}

// ackMessage is msg as it goes in an ack. Blocks Slack refuses in an ack are dropped silently,
// with no invalid_blocks to fall back on, and the job is completed by then: the ack carries
// the plain feedback buttons, which every surface takes, not Slack's feedback_buttons element.
func ackMessage(msg reply.Message) reply.Message {
	if blocks, ok := reply.WithFallbackFeedback(msg.Blocks); ok {
		msg.Blocks = blocks
	}
	return msg
}

// ackPayload is the ack's payload answering a command with msg, as Slack shows it (privately,
// as the response_url answers do), already encoded; false when the ack with it would reach
// Slack's limit.
func ackPayload(envelopeID string, msg reply.Message) (json.RawMessage, bool) {
	p := struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
		Blocks       any    `json:"blocks,omitempty"`
	}{ResponseType: "ephemeral", Text: msg.Text}
	if len(msg.Blocks) > 0 {
		p.Blocks = msg.Blocks
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, false
	}
	// The ack as slack-go writes it: {"envelope_id":"…","payload":…}.
	env, err := json.Marshal(socketmode.Response{EnvelopeID: envelopeID, Payload: json.RawMessage(raw)})
	if err != nil || len(env) >= maxAckBytes {
		return nil, false
	}
	return raw, true
}

// inAck tells the requests answered in their ack: slash commands answered as jobs.
func inAck(a jobs.AnswerArgs) bool { return a.Surface == SurfaceSlash && a.ResponseURL != "" }

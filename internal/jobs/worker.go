package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Answerer answers one request: it posts the answer to Slack and returns Slack's error, if
// any, as slack-go returns it (*slack.RateLimitedError, slack.SlackErrorResponse,
// slack.StatusCodeError) or wrapped in a *PermanentError when it knows the request cannot be
// answered. It must not retry or sleep on a rate limit: the queue schedules the wait.
type Answerer interface {
	Answer(ctx context.Context, a AnswerArgs) error
}

// ErrExpired is the error recorded on a job dropped because its response_url had expired.
var ErrExpired = errors.New("response_url expirée : réponse abandonnée")

// answerWorker works the answer jobs through an Answerer.
type answerWorker struct {
	river.WorkerDefaults[AnswerArgs]
	answerer Answerer
	gate     *gate
	metrics  *Metrics
	log      *slog.Logger
	now      func() time.Time
}

// Work answers the job, or drops it if it can no longer be delivered, or snoozes it while its
// channel is rate limited. A definite failure cancels the job with Slack's error, which River
// records on it; a failure that may pass returns the error, for River to retry it.
func (w *answerWorker) Work(ctx context.Context, job *river.Job[AnswerArgs]) error {
	return w.attempt(ctx, job.JobRow, job.Args, func(ctx context.Context) error { return w.answerer.Answer(ctx, job.Args) }, byRiver)
}

// Who makes an attempt (answerWorker.attempt).
const (
	byRiver    = true  // River's workers: job is the row River fetched
	byFastPath = false // the fast path: job is its ticket's row, claimed or not (fastpath.go)
)

// attempt is one attempt at the answer of job, by River's workers or by the fast path (see
// fastpath.go), posted by send: its error tells River, or the fast path, what to record.
func (w *answerWorker) attempt(ctx context.Context, job *rivertype.JobRow, a AnswerArgs, send Send, byRiverWorker bool) error {
	queue := a.Queue()
	log := w.log.With("job", job.ID, "delivery", a.DeliveryKey, "surface", a.Surface, "channel", a.Channel, "attempt", job.Attempt)
	now := w.now()
	if a.expired(now) {
		return w.drop(log, queue, now, a)
	}
	key := a.limitKey()
	if d := w.gate.wait(key, now); d > 0 {
		return w.snooze(log, queue, now, a, d)
	}
	switch check, err := w.alreadyDelivered(ctx, log, job, a, byRiverWorker); check {
	case checkDelivered:
		return nil
	case checkWait:
		return w.checkFailed(ctx, log, queue, now, a, err)
	}
	// Whether the answer may reach Slack: a stop that cuts it short after this may leave it
	// posted, and the next attempt must then ask (once.go).
	sending := ctx.Err() == nil
	err := send(ctx)
	outcome, retryAfter := classify(ctx, err)
	switch outcome {
	case outcomeDone:
		w.count(queue, OutcomeDone)
		return nil
	case outcomeRateLimit:
		w.gate.block(key, now.Add(retryAfter))
		return w.snooze(log, queue, now, a, retryAfter)
	case outcomeStopping:
		// Snoozing for 0 does not count as an attempt, and leaves the job available at once
		// for the next process (or this one, if only the job's time ran out); an answer
		// that may have been posted is retried instead, at once too.
		w.count(queue, OutcomeLeft)
		log.Info("réponse laissée dans la file : arrêt en cours", "err", err)
		if sending {
			// Counted as an attempt (retried within a second, see retryDelay), so that the
			// next one asks whether this one was posted before the stop cut it short.
			return fmt.Errorf("arrêt en cours, réponse peut-être publiée : %w", err)
		}
		return river.JobSnooze(0)
	case outcomeFailed:
		w.count(queue, OutcomeFailed)
		log.Error("réponse impossible, abandonnée", "err", err)
		return river.JobCancel(fmt.Errorf("slack : %w", err))
	}
	if job.Attempt >= job.MaxAttempts {
		w.count(queue, OutcomeFailed)
		log.Error("réponse abandonnée après le dernier essai", "err", err, "max_attempts", job.MaxAttempts)
	} else {
		w.count(queue, OutcomeRetried)
		log.Warn("réponse en échec, nouvel essai prévu", "err", err)
	}
	return fmt.Errorf("slack : %w", err)
}

// snooze puts the job off for d, unless its response_url expires before then: then it is
// dropped at once rather than snoozed to be dropped later.
func (w *answerWorker) snooze(log *slog.Logger, queue string, now time.Time, a AnswerArgs, d time.Duration) error {
	if a.expired(now.Add(d)) {
		return w.drop(log, queue, now, a)
	}
	w.count(queue, OutcomeSnoozed)
	log.Info("canal limité par Slack : réponse reportée", "wait", d)
	return river.JobSnooze(d)
}

// drop cancels a job whose response_url has expired, with a log line and a metric: it is
// never retried.
func (w *answerWorker) drop(log *slog.Logger, queue string, now time.Time, a AnswerArgs) error {
	w.count(queue, OutcomeExpired)
	log.Warn("réponse abandonnée : response_url expirée", "expired_at", a.ResponseURLExpiresAt, "late_by", now.Sub(a.ResponseURLExpiresAt))
	return river.JobCancel(ErrExpired)
}

func (w *answerWorker) count(queue, outcome string) {
	if w.metrics != nil {
		w.metrics.Jobs.WithLabelValues(queue, outcome).Inc()
	}
}

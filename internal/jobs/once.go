package jobs

// Exactly once across a crash. An answer posted to Slack by a process killed before it
// recorded the job as completed (the few milliseconds between Slack's 200 and the update)
// is rescued by River and attempted again, by this process or another. Before posting again,
// such an attempt asks the Answerer whether the first one reached Slack: chat.postMessage
// answers carry the job's delivery key in their message metadata, which the channel's or
// thread's history shows (slackbot/once.go). Only attempts after the first ask (River's
// job.Attempt > 1), and the first attempt of a job whose lease ran out untouched, which may
// have been posted without a claim (unclaimed.go): a fresh job, and one put off by a rate
// limit (a snooze does not count as an attempt), cannot have been posted, so the fast path
// never pays for the read.

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// DeliveryChecker is an Answerer that can tell whether an earlier attempt at an answer
// reached Slack. The queue asks it before every attempt after the first.
type DeliveryChecker interface {
	// Delivered reports whether the answer to a was posted at or after since (the job's
	// creation). It reports false, nil when it cannot tell for this answer (a response_url:
	// Slack gives no way to read an ephemeral answer back), and Slack's error as slack-go
	// returns it when the read failed.
	Delivered(ctx context.Context, a AnswerArgs, since time.Time) (bool, error)
}

// checkOutcome is what the look at an earlier attempt decided.
type checkOutcome int

const (
	checkPost      checkOutcome = iota // not delivered (or cannot tell): post
	checkDelivered                     // delivered: complete the job without posting
	checkWait                          // the read failed for a reason that passes: err says how to wait
)

// alreadyDelivered asks the Answerer, on an attempt after the first, whether the answer
// already reached Slack (lookOutcome decides). A read that may pass returns the error the
// attempt must return, as for a failed post.
func (w *answerWorker) alreadyDelivered(ctx context.Context, log *slog.Logger, job *rivertype.JobRow, a AnswerArgs, byRiverWorker bool) (checkOutcome, error) {
	dc, ok := w.answerer.(DeliveryChecker)
	// The fast path's rows are its tickets', always a first attempt: never asked about.
	if !ok || (job.Attempt <= 1 && !(byRiverWorker && leaseRanOut(job))) {
		return checkPost, nil
	}
	delivered, err := dc.Delivered(ctx, a, job.CreatedAt)
	outcome := lookOutcome(ctx, delivered, err)
	switch {
	case outcome == checkDelivered:
		w.count(a.Queue(), OutcomeAlreadyPosted)
		log.Info("réponse déjà publiée par un essai précédent : tâche terminée sans republier")
		return checkDelivered, nil
	case outcome == checkWait:
		return checkWait, err
	case err != nil:
		log.Warn("vérification d'une réponse précédente impossible : réponse publiée, peut-être en double", "err", err)
	}
	return checkPost, nil
}

// lookOutcome is what an attempt does once it has looked in Slack for an earlier attempt's
// post (the answers here, the weekly report in periodic.go): found is what the look found,
// err its error. A look refused for good (a missing scope, a thread deleted) lets the attempt
// post: twice rather than none. A look that may pass (429, 5xx, a stop) makes it wait.
func lookOutcome(ctx context.Context, found bool, err error) checkOutcome {
	switch {
	case err == nil && found:
		return checkDelivered
	case err == nil:
		return checkPost
	}
	if outcome, _ := classify(ctx, err); outcome == outcomeFailed {
		return checkPost
	}
	return checkWait
}

// checkFailed is what an attempt returns when the look at an earlier attempt failed for a
// reason that may pass: put off on a rate limit (the read's own, not the channel's: the gate
// is left alone), left to the next process on a stop, else retried later.
func (w *answerWorker) checkFailed(ctx context.Context, log *slog.Logger, queue string, now time.Time, a AnswerArgs, err error) error {
	outcome, retryAfter := classify(ctx, err)
	switch outcome {
	case outcomeRateLimit:
		return w.snooze(log, queue, now, a, retryAfter)
	case outcomeStopping:
		w.count(queue, OutcomeLeft)
		return river.JobSnooze(0) // nothing was posted by this attempt
	}
	w.count(queue, OutcomeRetried)
	log.Warn("vérification d'une réponse précédente en échec, nouvel essai prévu", "err", err)
	return fmt.Errorf("slack (vérification) : %w", err)
}

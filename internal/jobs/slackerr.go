package jobs

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// outcome is what an answer's error means for its job.
type outcome int

const (
	outcomeDone      outcome = iota // answered
	outcomeRetry                    // may pass: try again later (5xx, network)
	outcomeRateLimit                // 429: wait Retry-After, on this channel only
	outcomeFailed                   // definite: trying again gives the same error
	outcomeStopping                 // the process is stopping: leave the job to the next one
)

// transientSlackErrors are the error codes of Slack's Web API that may pass on their own;
// every other code (channel_not_found, is_archived, not_in_channel, invalid_blocks…) is
// definite.
var transientSlackErrors = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"ratelimited":         true,
	"team_added_to_org":   true,
}

// defaultRetryAfter is the wait on a rate limit whose answer names none.
const defaultRetryAfter = time.Second

// classify tells what err, returned by an Answerer, means for the job, and for a rate limit
// how long to wait. ctx is the job's context: an error while it is done means the process is
// stopping (or the job timed out), not that Slack failed.
func classify(ctx context.Context, err error) (outcome, time.Duration) {
	if err == nil {
		return outcomeDone, 0
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return outcomeRateLimit, max(rl.RetryAfter, defaultRetryAfter)
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return outcomeStopping, 0
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return outcomeRateLimit, defaultRetryAfter
		case sc.Code >= 500, sc.Code == http.StatusRequestTimeout:
			return outcomeRetry, 0
		}
		// A response_url past its uses or its life answers 404 (expired_url, used_url):
		// definite, like every other 4xx.
		return outcomeFailed, 0
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if transientSlackErrors[se.Err] {
			return outcomeRetry, 0
		}
		return outcomeFailed, 0
	}
	var perm *PermanentError
	if errors.As(err, &perm) {
		return outcomeFailed, 0
	}
	// Network errors, timeouts and anything unknown: try again, within answerMaxAttempts.
	return outcomeRetry, 0
}

// PermanentError wraps an error an Answerer knows to be definite (a request it cannot
// answer at all): the job is recorded as failed at once, not retried.
type PermanentError struct{ Err error }

// Error returns the wrapped error's message.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }

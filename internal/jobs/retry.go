package jobs

import (
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// Delays between attempts at an answer that failed for a reason that may pass: doubling from
// retryBase, capped at retryCap, each drawn in [d/2, d] so that the jobs of one Slack
// incident do not all come back at once. River's default (attempt⁴ seconds) waits minutes
// by the fifth attempt, too long for someone waiting for an answer.
const (
	retryBase = time.Second
	retryCap  = time.Minute
)

// answerRetryPolicy is the River retry policy of the answer jobs.
type answerRetryPolicy struct{}

// NextRetry implements river.ClientRetryPolicy.
func (answerRetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(retryDelay(job.Attempt, rand.Float64()))
}

// retryDelay is the delay after attempt (1 for the first), with jitter in [0, 1).
func retryDelay(attempt int, jitter float64) time.Duration {
	return backoff(attempt, retryBase, retryCap, jitter)
}

// backoff doubles from base for each attempt after the first (attempt 1 waits base), capped
// at ceiling, and draws the delay in [d/2, d] with jitter in [0, 1).
func backoff(attempt int, base, ceiling time.Duration, jitter float64) time.Duration {
	d := base
	for i := 1; i < attempt && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return d/2 + time.Duration(jitter*float64(d/2))
}

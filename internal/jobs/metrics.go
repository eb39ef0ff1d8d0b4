package jobs

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names, for dashboards and tests.
const (
	MetricJobs = "rolebot_answer_jobs_total"
)

// Outcomes counted by MetricJobs's "outcome" label.
const (
	OutcomeDone    = "done"    // answered
	OutcomeRetried = "retried" // failed for a reason that may pass; tried again later
	OutcomeSnoozed = "snoozed" // put off until its channel's rate limit ends
	OutcomeExpired = "expired" // dropped: its response_url had expired
	OutcomeFailed  = "failed"  // given up, with Slack's error recorded on the job
	OutcomeLeft    = "left"    // left in the queue by a stopping process, for the next one
	// OutcomeAlreadyPosted: an attempt after a crash found the answer already in Slack
	// (once.go) and completed the job without posting it again.
	OutcomeAlreadyPosted = "already_posted"
	// OutcomeAcked: answered in the request's acknowledgement (a slash command's socket-mode
	// ack), the job completed before the ack went out (CompleteLeased).
	OutcomeAcked = "acked"
)

// Metrics are the queue's Prometheus metrics. Create them with NewMetrics.
type Metrics struct {
	// Jobs counts the answer jobs' attempts by queue and outcome.
	Jobs *prometheus.CounterVec
}

// NewMetrics creates the queue's metrics and registers them on reg; a nil reg registers them
// nowhere.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricJobs, Help: "Answer job attempts, by queue and outcome (done, retried, snoozed, expired, failed, left, already_posted, acked).",
		}, []string{"queue", "outcome"}),
	}
	if reg == nil {
		return m, nil
	}
	if err := reg.Register(m.Jobs); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, fmt.Errorf("metric %s: %w", MetricJobs, err)
		}
		m.Jobs = are.ExistingCollector.(*prometheus.CounterVec)
	}
	return m, nil
}

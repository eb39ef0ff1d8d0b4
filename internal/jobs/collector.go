package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// Metric names of the queue's state, read from the database at each scrape.
const (
	MetricJobsByState  = "rolebot_answer_jobs"
	MetricOldestJobAge = "rolebot_answer_oldest_job_age_seconds"
)

// collectTimeout bounds the queries of one scrape: a database that does not answer leaves
// the gauges out rather than holding /metrics.
const collectTimeout = time.Second

// waitingStates are the states of a job not answered yet.
var waitingStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// stateReader reads the queue's state from the database.
type stateReader struct {
	counts func(ctx context.Context) (map[rivertype.JobState]int, error)
	oldest func(ctx context.Context) (*rivertype.JobRow, error)
}

func newStateReader[TTx any](client *river.Client[TTx]) stateReader {
	return stateReader{
		counts: func(ctx context.Context) (map[rivertype.JobState]int, error) {
			return client.Driver().GetExecutor().JobCountByAllStates(ctx, &riverdriver.JobCountByAllStatesParams{})
		},
		oldest: func(ctx context.Context) (*rivertype.JobRow, error) {
			// Answers only: a weekly report retried for hours is not a queue falling behind.
			res, err := client.JobList(ctx, river.NewJobListParams().Queues(QueueResponse, QueuePost).
				States(waitingStates...).OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(1))
			if err != nil || len(res.Jobs) == 0 {
				return nil, err
			}
			return res.Jobs[0], nil
		},
	}
}

// collector exposes the queue's state: jobs by state, and the age of the oldest job not
// answered yet (0 when there is none).
type collector struct {
	read    stateReader
	log     *slog.Logger
	byState *prometheus.Desc
	oldest  *prometheus.Desc
	now     func() time.Time
	timeout time.Duration
}

// Collector returns a Prometheus collector of the queue's state in the database (every
// replica's jobs): MetricJobsByState by state, and MetricOldestJobAge. Register it on the
// registry /metrics serves.
func (q *Queue) Collector() prometheus.Collector {
	return &collector{
		read:    q.state,
		log:     q.log,
		byState: prometheus.NewDesc(MetricJobsByState, "Answer jobs in the database, by state (every replica's).", []string{"state"}, nil),
		oldest:  prometheus.NewDesc(MetricOldestJobAge, "Age of the oldest answer job not finished (queued, snoozed, retried or running); 0 when none.", nil, nil),
		now:     time.Now,
		timeout: collectTimeout,
	}
}

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.byState
	ch <- c.oldest
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	counts, err := c.read.counts(ctx)
	if err != nil {
		c.log.Warn("métriques de la file : comptage impossible", "err", err)
	} else {
		for state, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.byState, prometheus.GaugeValue, float64(n), string(state))
		}
	}
	job, err := c.read.oldest(ctx)
	switch {
	case err != nil:
		c.log.Warn("métriques de la file : tâche la plus ancienne illisible", "err", err)
	case job == nil:
		ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, 0)
	default:
		ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, c.now().Sub(job.CreatedAt).Seconds())
	}
}

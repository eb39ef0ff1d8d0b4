package slackbot

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Surfaces a question can come from, as the metrics and logs name them.
const (
	SurfaceSlash   = "slash"   // the slash command
	SurfaceMention = "mention" // @rolebot in a channel
	SurfaceDM      = "dm"      // a direct message to the bot
	SurfaceButton  = "button"  // a card's button
	SurfaceHome    = "home"    // the App Home tab
	SurfaceTeam    = "team"    // the team's modal: its opening and submission
	// SurfaceFeedback is a feedback button's click and the comment modal.
	SurfaceFeedback = "feedback"
)

// Metrics are the bot's Prometheus metrics. Create them with NewMetrics on
// the registry to expose; the zero value is not usable.
type Metrics struct {
	// Questions counts answered questions by intent and surface.
	Questions *prometheus.CounterVec
	// Unanswered counts questions nothing in the content answers (intent
	// none), by surface.
	Unanswered *prometheus.CounterVec
	// AckLatency is the time from reading a request off the socket to
	// handing its ack to the socket, by envelope type.
	AckLatency *prometheus.HistogramVec
	// AnswerLatency is the time from reading a request to the answer
	// accepted by Slack, by surface.
	AnswerLatency *prometheus.HistogramVec
	// Reconnections counts socket-mode connections opened after the first.
	Reconnections prometheus.Counter
	// Connected is 1 while the socket is connected (hello received).
	Connected prometheus.Gauge
	// SlackErrors counts failed Slack calls by method and error code.
	SlackErrors *prometheus.CounterVec
	// SlackRetries counts calls retried after a rate limit, by method.
	SlackRetries *prometheus.CounterVec
	// Duplicates counts requests dropped as already handled, by kind
	// (event, message, slash, interaction).
	Duplicates *prometheus.CounterVec
	// Overloaded counts requests turned away because the queue was full,
	// by surface: told the bot is busy, or, for a click, left for Slack
	// to show its error.
	Overloaded *prometheus.CounterVec
	// Deferred counts the deliveries of events left unacknowledged because
	// the queue and the busy replies were full, by surface: Slack delivers
	// them again, so one event may count more than once.
	Deferred *prometheus.CounterVec
	// Failures counts questions that could not be answered because of an
	// error, by surface.
	Failures *prometheus.CounterVec
	// StoreErrors counts failed calls to the store (teams, claims), by
	// operation: the answers went out without people, or the
	// de-duplication fell back to memory.
	StoreErrors *prometheus.CounterVec
	// Feedback counts the clicks on the feedback buttons and the comments,
	// by outcome: useful, not_useful, comment, already (a second opinion,
	// not recorded), refused (a forged value, an unknown answer, a comment
	// too long), error (the store failed).
	Feedback *prometheus.CounterVec
	// RecordsDropped counts the answers shown that were not recorded for
	// the report, by reason: buffer_full (the recorder fell behind; the
	// answer went out all the same) or store_error.
	RecordsDropped *prometheus.CounterVec
	// AckAnswers counts the slash commands answered as jobs by how their ack went
	// (ackanswer.go): answered (the answer in the ack; one_round counts again those whose job
	// was inserted answered, oneround.go), fallback (acked empty at the budget,
	// answered through the response_url), too_large, lease_ended, unknown (no ack: the
	// completion's or the answered insert's outcome unknown), past_deadline (stored too late
	// for the ack: no ack, answered through the response_url).
	AckAnswers *prometheus.CounterVec
}

// Metric names, for dashboards and tests.
const (
	MetricQuestions     = "rolebot_questions_total"
	MetricUnanswered    = "rolebot_unanswered_questions_total"
	MetricAckLatency    = "rolebot_ack_latency_seconds"
	MetricAnswerLatency = "rolebot_answer_latency_seconds"
	MetricReconnections = "rolebot_socket_reconnections_total"
	MetricConnected     = "rolebot_socket_connected"
	MetricSlackErrors   = "rolebot_slack_api_errors_total"
	MetricSlackRetries  = "rolebot_slack_api_retries_total"
	MetricDuplicates    = "rolebot_duplicate_requests_total"
	MetricOverloaded    = "rolebot_overloaded_requests_total"
	MetricDeferred      = "rolebot_deferred_deliveries_total"
	MetricFailures      = "rolebot_failed_answers_total"
	MetricStoreErrors   = "rolebot_store_errors_total"
	MetricFeedback      = "rolebot_feedback_total"
	MetricRecordsDrop   = "rolebot_answer_records_dropped_total"
	MetricAckAnswers    = "rolebot_slash_ack_answers_total"
)

// NewMetrics creates the bot's metrics and registers them on reg; a nil reg
// registers them nowhere (tests, or a bot without /metrics).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricQuestions, Help: "Questions answered, by intent and surface.",
		}, []string{"intent", "surface"}),
		Unanswered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricUnanswered, Help: "Questions the content does not answer (intent none), by surface.",
		}, []string{"surface"}),
		AckLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    MetricAckLatency,
			Help:    "Time from reading a socket-mode request to queuing its ack, by envelope type.",
			Buckets: []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3},
		}, []string{"type"}),
		AnswerLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    MetricAnswerLatency,
			Help:    "Time from reading a request to its answer accepted by Slack, by surface.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"surface"}),
		Reconnections: prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricReconnections, Help: "Socket-mode connections opened after the first one.",
		}),
		Connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricConnected, Help: "1 while the socket-mode connection is up (hello received), else 0.",
		}),
		SlackErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricSlackErrors, Help: "Failed Slack calls, by method and error code.",
		}, []string{"method", "error"}),
		SlackRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricSlackRetries, Help: "Slack calls retried after a rate limit (HTTP 429), by method.",
		}, []string{"method"}),
		Duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricDuplicates, Help: "Requests dropped because they were already handled or in flight, by kind.",
		}, []string{"kind"}),
		Overloaded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricOverloaded, Help: "Requests turned away because the work queue was full, by surface.",
		}, []string{"surface"}),
		Deferred: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricDeferred, Help: "Event deliveries left unacknowledged for Slack to send again, the work queue and the busy replies being full, by surface.",
		}, []string{"surface"}),
		Failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFailures, Help: "Questions left unanswered because of an error, by surface.",
		}, []string{"surface"}),
		StoreErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricStoreErrors, Help: "Failed calls to the store (teams, de-duplication claims), by operation.",
		}, []string{"op"}),
		Feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFeedback, Help: "Clicks on the feedback buttons and comments, by outcome.",
		}, []string{"outcome"}),
		RecordsDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricRecordsDrop, Help: "Answers shown not recorded for the report, by reason (buffer_full, store_error).",
		}, []string{"reason"}),
		AckAnswers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricAckAnswers, Help: "Slash commands answered as jobs, by how their ack went (answered, one_round among them, fallback, too_large, lease_ended, unknown, past_deadline).",
		}, []string{"outcome"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.Questions, m.Unanswered, m.AckLatency, m.AnswerLatency,
		m.Reconnections, m.Connected, m.SlackErrors, m.SlackRetries, m.Duplicates, m.Overloaded, m.Deferred, m.Failures, m.StoreErrors, m.Feedback, m.RecordsDropped,
		m.AckAnswers} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return nil, fmt.Errorf("métriques du bot déjà enregistrées : %w", err)
			}
			return nil, fmt.Errorf("enregistrement des métriques du bot : %w", err)
		}
	}
	return m, nil
}

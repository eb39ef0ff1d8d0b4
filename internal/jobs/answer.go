package jobs

import (
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// KindAnswer is the kind of the answer job, as River stores it.
const KindAnswer = "answer"

// Queues of the answer jobs. Answers sent through a response_url (slash commands, clicks) have
// their own queue and workers, so that they never wait behind chat.postMessage calls held by a
// channel's rate limit.
const (
	QueueResponse = "response_url"
	QueuePost     = "post_message"
)

// ResponseURLLifetime is how long Slack accepts posts to a response_url after the request.
const ResponseURLLifetime = 30 * time.Minute

// answerMaxAttempts bounds the attempts at one answer that fails for a reason that may pass
// (Slack 5xx, network): with answerRetryPolicy's delays capped at a minute, about twenty
// minutes of trying. Snoozes on a rate limit do not count.
const answerMaxAttempts = 25

// AnswerArgs is what a worker needs to answer a Slack request later, in another process if
// need be: everything comes from the request itself, nothing from the process that took it.
type AnswerArgs struct {
	// DeliveryKey identifies the delivery: the event id, or the envelope id, or channel and
	// ts for a message. Two jobs with the same key are one job (see InsertOpts), which is
	// how a delivery is answered once across retries and replicas.
	DeliveryKey string `json:"delivery_key" river:"unique"`
	// EnvelopeID is the socket-mode envelope the request came in.
	EnvelopeID string `json:"envelope_id,omitempty"`
	// Surface is where the request came from (slash, mention, dm, button, home).
	Surface string `json:"surface"`
	// Channel and User are Slack ids; Text is what the user wrote (or the click's value).
	Channel string `json:"channel"`
	User    string `json:"user"`
	Text    string `json:"text"`
	// ResponseURL, when set, is where the answer goes (slash commands, clicks), until
	// ResponseURLExpiresAt; otherwise the answer is posted with chat.postMessage.
	ResponseURL          string    `json:"response_url,omitempty"`
	ResponseURLExpiresAt time.Time `json:"response_url_expires_at,omitzero"`
	// ThreadTS is the thread to answer in, if any.
	ThreadTS string `json:"thread_ts,omitempty"`
	// Action, Ephemeral and MessageTS describe a click: the button's action id, whether the
	// message clicked was ephemeral, and its ts.
	Action    string `json:"action,omitempty"`
	Ephemeral bool   `json:"ephemeral,omitempty"`
	MessageTS string `json:"message_ts,omitempty"`
	// Follows is the key of the answer whose card held the button clicked (its alternatives,
	// suggestions, roles or share button), when that card carried feedback buttons: the card
	// opened is recorded as following it, the card shared carries its feedback buttons.
	Follows string `json:"follows,omitempty"`
	// ReceivedAt is when the request was read, for the answer's end-to-end latency.
	ReceivedAt time.Time `json:"received_at,omitzero"`
}

// Kind implements river.JobArgs.
func (AnswerArgs) Kind() string { return KindAnswer }

// uniqueStates are every state a job can be in: a delivery whose answer was sent, dropped
// or given up on is never answered again while its job is kept (River keeps finished jobs
// for a day, far longer than Slack retries a delivery).
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
	rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// InsertOpts implements river.JobArgsWithInsertOpts: one job per delivery key, in the queue
// of its way of answering.
func (a AnswerArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       a.Queue(),
		MaxAttempts: answerMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: uniqueStates},
	}
}

// Queue is the queue the job goes to: QueueResponse when it answers through a response_url,
// QueuePost otherwise.
func (a AnswerArgs) Queue() string {
	if a.ResponseURL != "" {
		return QueueResponse
	}
	return QueuePost
}

// expired reports whether the answer can no longer be delivered at now: its response_url is
// past its expiry. A zero expiry (the caller always sets it, ResponseURLLifetime after the
// request) never expires.
func (a AnswerArgs) expired(now time.Time) bool {
	return a.ResponseURL != "" && !a.ResponseURLExpiresAt.IsZero() && !now.Before(a.ResponseURLExpiresAt)
}

// limitKey is what a Slack rate limit applies to for this answer: the channel, per way of
// answering (chat.postMessage's limit is per channel; a response_url's is its own).
func (a AnswerArgs) limitKey() string {
	return strings.Join([]string{a.Queue(), a.Channel}, "/")
}

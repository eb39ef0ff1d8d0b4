package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/slack-go/slack"
)

// MethodResponseURL is the Method recorded for posts to a response_url, so they
// can be filtered like Web API calls.
const MethodResponseURL = "response_url"

// Message is one recorded Web API call or response_url post.
//
// Fields that do not apply to the method are left empty. Tokens are never
// recorded.
type Message struct {
	// Seq orders messages by arrival, starting at 1.
	Seq int
	// Method is the Web API method ("chat.postMessage"), MethodResponseURL, or MethodAck for
	// a slash command's answer carried by its socket-mode ack.
	Method string
	// ResponseURL is the URL posted to, for MethodResponseURL; for MethodAck, the
	// response_url of the command answered.
	ResponseURL string
	// Channel is the channel argument, or for a response_url the channel of
	// the command or interaction that minted it.
	Channel string
	// User is the user argument (chat.postEphemeral, views.publish's user_id),
	// or for a response_url the user of the command or interaction.
	User string
	// TS is the ts the fake assigned (chat.postMessage, chat.postEphemeral) or
	// the ts given (chat.update, chat.delete).
	TS string
	// ThreadTS is the thread_ts argument.
	ThreadTS string
	// Text is the top-level text argument.
	Text string
	// BlocksJSON is the blocks argument as sent; for views.publish, the
	// view's blocks.
	BlocksJSON json.RawMessage
	// Blocks is BlocksJSON decoded by slack-go.
	Blocks slack.Blocks
	// Metadata is the message metadata argument as sent (chat.postMessage:
	// {"event_type":…,"event_payload":{…}}).
	Metadata json.RawMessage
	// AttachmentsJSON is the attachments argument as sent.
	AttachmentsJSON json.RawMessage
	// ResponseType is "in_channel" or "ephemeral" (response_url posts).
	ResponseType string
	// ReplaceOriginal is the replace_original flag of a response_url post.
	ReplaceOriginal bool
	// DeleteOriginal is the delete_original flag of a response_url post.
	DeleteOriginal bool
	// ViewJSON is the view argument of views.publish as sent.
	ViewJSON json.RawMessage
	// View is ViewJSON decoded by slack-go.
	View *slack.View
	// ViewID is the id of the view opened or updated (views.open,
	// views.update), for ViewState and SendViewSubmission.
	ViewID string
	// Params holds the form arguments without the token (form-encoded calls).
	Params url.Values
	// Body is the raw JSON body (JSON calls and response_url posts).
	Body json.RawMessage
	// Status is the HTTP status the fake answered.
	Status int
	// Error is the Slack error code answered ("ratelimited", "invalid_auth",
	// ...), empty when the call succeeded.
	Error string
	// Received is when the fake received the call.
	Received time.Time
}

// OK reports whether the fake answered the call successfully.
func (m Message) OK() bool { return m.Status == 200 && m.Error == "" }

// Filter selects recorded messages; filters passed together must all match.
type Filter func(Message) bool

// Method matches messages whose Method is one of names.
func Method(names ...string) Filter {
	return func(m Message) bool { return slices.Contains(names, m.Method) }
}

// Channel matches messages for the given channel.
func Channel(id string) Filter {
	return func(m Message) bool { return m.Channel == id }
}

// Succeeded matches calls the fake answered successfully, leaving out the
// rate-limited, failed and unauthenticated ones.
func Succeeded() Filter {
	return func(m Message) bool { return m.OK() }
}

// Posted matches the calls that change what users see (chat.postMessage,
// chat.postEphemeral, chat.update, chat.delete, views.publish and response_url
// posts, slash commands' answers in their acks), leaving out plumbing such as apps.connections.open and auth.test.
func Posted() Filter {
	return Method("chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete",
		"views.publish", MethodResponseURL, MethodAck)
}

func matchAll(m Message, filters []Filter) bool {
	for _, f := range filters {
		if !f(m) {
			return false
		}
	}
	return true
}

// Ack is one acknowledgement received over a socket-mode connection.
type Ack struct {
	// EnvelopeID is the envelope_id the client acknowledged.
	EnvelopeID string
	// Payload is the ack's payload as sent, nil when there was none.
	Payload json.RawMessage
	// Received is when the fake read the ack.
	Received time.Time
	// Latency is the time from writing the envelope to reading its ack.
	Latency time.Duration
	// Late is set when Latency exceeds the ack timeout: Slack would already
	// have shown the user an error or retried the event.
	Late bool
	// Duplicate is set when the envelope had already been acknowledged.
	Duplicate bool
	// Unknown is set when the fake never sent this envelope_id.
	Unknown bool
	// Conn is the number of the connection the ack came on (see Connections).
	Conn int
}

// Delivery is one envelope written to a socket-mode connection. A redelivered
// event is a new Delivery with a new envelope_id and the same EventID.
type Delivery struct {
	// EnvelopeID is the envelope's envelope_id.
	EnvelopeID string
	// Type is the envelope type: "slash_commands", "events_api", "interactive".
	Type string
	// EventID is the event_id of an events_api envelope.
	EventID string
	// RetryAttempt and RetryReason are the envelope's retry fields.
	RetryAttempt int
	RetryReason  string
	// Payload is the envelope's payload as sent.
	Payload json.RawMessage
	// Conn is the number of the connection it was written to.
	Conn int
	// Sent is when the envelope was written.
	Sent time.Time
	// Acked is set once an ack arrived; AckLatency is then its latency.
	Acked      bool
	AckLatency time.Duration
}

// Messages returns the recorded messages matching all filters, in arrival
// order. The copies share Params, Body, Blocks and View with the record:
// treat them as read-only.
func (s *Server) Messages(filters ...Filter) []Message {
	msgs, _, _ := s.messageSnapshot()
	return filterMessages(msgs, filters)
}

// MessagesSince returns the messages recorded after the first from ones that
// match all filters, and how many are recorded so far: passing that as from
// next time reads only what is new, which a load test polling thousands of
// answers needs. After ResetRecords, counting starts again from 0.
func (s *Server) MessagesSince(from int, filters ...Filter) ([]Message, int) {
	msgs, _, _ := s.messageSnapshot()
	if from > len(msgs) || from < 0 {
		from = 0
	}
	return filterMessages(msgs[from:], filters), len(msgs)
}

// messageSnapshot returns the recorded messages, the channel closed on the
// next change, and whether the server is closed. Messages are only ever
// appended, so the slice is safe to read without the lock, and filters run
// without it: a filter may call the server.
func (s *Server) messageSnapshot() ([]Message, chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messages[:len(s.messages):len(s.messages)], s.changed, s.closed
}

func filterMessages(msgs []Message, filters []Filter) []Message {
	var out []Message
	for _, m := range msgs {
		if matchAll(m, filters) {
			out = append(out, m)
		}
	}
	return out
}

// WaitMessages waits until at least n recorded messages match all filters and
// returns all of the matching ones. It returns early with an error when ctx
// ends or the server is closed.
func (s *Server) WaitMessages(ctx context.Context, n int, filters ...Filter) ([]Message, error) {
	for {
		msgs, changed, closed := s.messageSnapshot()
		out := filterMessages(msgs, filters)
		if len(out) >= n {
			return out, nil
		}
		err := ErrClosed
		if !closed {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		return out, fmt.Errorf("slacktest: waiting for %d messages (have %d): %w", n, len(out), err)
	}
}

// WaitMessage waits for the first recorded message matching all filters,
// including one recorded before the call.
func (s *Server) WaitMessage(ctx context.Context, filters ...Filter) (Message, error) {
	msgs, err := s.WaitMessages(ctx, 1, filters...)
	if err != nil {
		return Message{}, err
	}
	return msgs[0], nil
}

// Acks returns the acknowledgements received so far, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitAck waits for the first ack of envelopeID.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	ack, err := s.waitIndexedAck(ctx, s.firstAck, envelopeID)
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: waiting for the ack of %s: %w", envelopeID, err)
	}
	return ack, nil
}

// WaitEventAck waits for the first ack of any delivery of the event eventID,
// redeliveries included: a bot may leave a delivery unacknowledged for Slack
// to send it again.
func (s *Server) WaitEventAck(ctx context.Context, eventID string) (Ack, error) {
	ack, err := s.waitIndexedAck(ctx, s.eventAck, eventID)
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: waiting for an ack of event %s: %w", eventID, err)
	}
	return ack, nil
}

// waitIndexedAck waits until index, a map of s guarded by s.mu, points key
// to an ack, and returns it.
func (s *Server) waitIndexedAck(ctx context.Context, index map[string]int, key string) (Ack, error) {
	var ack Ack
	err := s.waitUntil(ctx, func() bool {
		i, ok := index[key]
		if ok {
			ack = s.acks[i]
		}
		return ok
	})
	return ack, err
}

// Deliveries returns the envelopes written so far, in order.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.deliveries))
	for _, d := range s.deliveries {
		out = append(out, *d)
	}
	return out
}

// WaitDeliveries waits until at least n envelopes have been written and returns
// them all, redeliveries included.
func (s *Server) WaitDeliveries(ctx context.Context, n int) ([]Delivery, error) {
	err := s.waitUntil(ctx, func() bool { return len(s.deliveries) >= n })
	if err != nil {
		return s.Deliveries(), fmt.Errorf("slacktest: waiting for %d deliveries: %w", n, err)
	}
	return s.Deliveries(), nil
}

// ResetRecords forgets the recorded messages, acks and deliveries, so a long
// load run does not grow without bound. Pending redeliveries keep running.
func (s *Server) ResetRecords() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = nil
	s.acks = nil
	s.deliveries = nil
	clear(s.byEnvelope)
	clear(s.firstAck)
	clear(s.eventAck)
	s.notifyLocked()
}

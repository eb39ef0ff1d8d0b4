package slacktest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// bot is a real slack-go socket-mode client running against the fake.
type bot struct {
	api  *slack.Client
	sm   *socketmode.Client
	done chan error // receives RunContext's result
}

// startBot runs a socket-mode client against srv until the test ends.
func startBot(t *testing.T, srv *slacktest.Server, apiOpts []slack.Option, smOpts ...socketmode.Option) *bot {
	t.Helper()
	api := srv.Client(apiOpts...)
	sm := socketmode.New(api, smOpts...)
	ctx, cancel := context.WithCancel(context.Background())
	b := &bot{api: api, sm: sm, done: make(chan error, 1)}
	go func() { b.done <- sm.RunContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-b.done:
		case <-time.After(5 * time.Second):
			t.Error("socketmode client did not stop")
		}
	})
	return b
}

// next returns the next event of one of the given types, skipping the others
// (connecting, connected, hello...).
func (b *bot) next(ctx context.Context, t *testing.T, types ...socketmode.EventType) socketmode.Event {
	t.Helper()
	for {
		select {
		case evt := <-b.sm.Events:
			for _, typ := range types {
				if evt.Type == typ {
					return evt
				}
			}
		case err := <-b.done:
			t.Fatalf("RunContext returned while waiting for %v: %v", types, err)
		case <-ctx.Done():
			t.Fatalf("waiting for %v: %v", types, ctx.Err())
		}
	}
}

// drain reads and discards events until the test ends, so the client never
// blocks on a full Events channel.
func (b *bot) drain(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-b.sm.Events:
			case <-ctx.Done():
				return
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// ackAll acks every request the client receives, until the test ends, and
// forwards the requests to out.
func (b *bot) ackAll(t *testing.T, out chan<- socketmode.Event) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case evt := <-b.sm.Events:
				if evt.Request == nil || evt.Request.EnvelopeID == "" {
					continue
				}
				if err := b.sm.Ack(*evt.Request); err != nil {
					t.Errorf("ack: %v", err)
				}
				select {
				case out <- evt:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func timeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func isRateLimited(err error) (*slack.RateLimitedError, bool) {
	var rl *slack.RateLimitedError
	return rl, errors.As(err, &rl)
}

func asSlackError(err error, target *slack.SlackErrorResponse) bool {
	return errors.As(err, target)
}

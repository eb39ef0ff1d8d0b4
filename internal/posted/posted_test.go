package posted_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/posted"
	"github.com/rolebot/rolebot/internal/slacktest"
)

const (
	eventType = "rolebot_test"
	field     = "key"
)

func post(t *testing.T, c *slack.Client, channel, thread, key string) string {
	t.Helper()
	opts := []slack.MsgOption{slack.MsgOptionText("message "+key, false)}
	if key != "" {
		opts = append(opts, posted.Metadata(eventType, field, key))
	}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	_, ts, err := c.PostMessageContext(context.Background(), channel, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestFind posts through slack-go to the fake Slack and looks the messages up by their
// metadata, in a channel and in a thread, across pages, and past the read's bound.
func TestFind(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	c := srv.Client()
	ctx := context.Background()
	since := time.Now()

	post(t, c, "C0PAGES", "", "oldest")
	for range posted.PageSize + 10 { // pushes "oldest" to the second page (newest first)
		post(t, c, "C0PAGES", "", "")
	}
	thread := post(t, c, "C0THREAD", "", "parent")
	post(t, c, "C0THREAD", thread, "reply")
	for range posted.PageSize*posted.MaxPages + 1 {
		post(t, c, "C0FULL", "", "")
	}

	for _, tt := range []struct {
		name            string
		look            posted.Look
		found, complete bool
	}{
		{"on the second page", posted.Look{Channel: "C0PAGES", Value: "oldest"}, true, true},
		{"not there", posted.Look{Channel: "C0PAGES", Value: "other"}, false, true},
		{"another event type", posted.Look{Channel: "C0PAGES", Value: "oldest", EventType: "rolebot_other"}, false, true},
		{"looked for after its post", posted.Look{Channel: "C0PAGES", Value: "oldest", Since: time.Now().Add(time.Hour)}, false, true},
		{"a thread's reply", posted.Look{Channel: "C0THREAD", ThreadTS: thread, Value: "reply"}, true, true},
		{"a reply is not in the channel's history", posted.Look{Channel: "C0THREAD", Value: "reply"}, false, true},
		{"more than the bound", posted.Look{Channel: "C0FULL", Value: "absent"}, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.look
			l.Field = field
			if l.EventType == "" {
				l.EventType = eventType
			}
			if l.Since.IsZero() {
				l.Since = since
			}
			found, complete, err := posted.Find(ctx, c, posted.Direct, l)
			if err != nil || found != tt.found || complete != tt.complete {
				t.Errorf("Find = %v, %v, %v; want %v, %v", found, complete, err, tt.found, tt.complete)
			}
		})
	}

	// A rate limit comes back as slack-go's, for the caller to snooze on.
	srv.RateLimit("conversations.history", 1, 30*time.Second)
	_, _, err := posted.Find(ctx, c, posted.Direct, posted.Look{Channel: "C0PAGES", Since: since, EventType: eventType, Field: field, Value: "oldest"})
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) {
		t.Errorf("rate-limited read: err = %v (%T), want *slack.RateLimitedError", err, err)
	}
}

func TestTS(t *testing.T) {
	if got := posted.TS(time.Unix(1700000000, 100_000)); got != "1700000000.000100" {
		t.Errorf("TS = %s", got)
	}
}

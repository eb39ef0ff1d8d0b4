package slackbot_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestDeliveredFindsEarlierAnswer answers a mention and a direct message for real, then asks
// the bot, as a retried job would, whether each answer is already in Slack: the answers carry
// their delivery key in their metadata, read back from the thread or the DM's history.
func TestDeliveredFindsEarlierAnswer(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 30*time.Second)
	asked := time.Now()

	thread := h.srv.NewTS()
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{
		User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: "C0ONCE", TS: thread}}); err != nil {
		t.Fatal(err)
	}
	dm := h.srv.NewTS()
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: marc, Text: "designer", Channel: "D0ONCE", TS: dm}}); err != nil {
		t.Fatal(err)
	}
	posts, err := h.srv.WaitMessages(ctx, 2, slacktest.Method("chat.postMessage"), slacktest.Succeeded())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range posts {
		var meta struct {
			EventType    string            `json:"event_type"`
			EventPayload map[string]string `json:"event_payload"`
		}
		if err := json.Unmarshal(m.Metadata, &meta); err != nil || meta.EventType != "rolebot_answer" || meta.EventPayload["delivery_key"] == "" {
			t.Errorf("answer in %s posted with metadata %s (%v), want its delivery key", m.Channel, m.Metadata, err)
		}
	}

	mentionKey := "message:C0ONCE/" + thread
	tests := []struct {
		name  string
		args  jobs.AnswerArgs
		since time.Time
		want  bool
		reads int // conversations.* calls made
	}{
		{"mention answered", jobs.AnswerArgs{DeliveryKey: mentionKey, Surface: slackbot.SurfaceMention, Channel: "C0ONCE", ThreadTS: thread}, asked, true, 1},
		{"another delivery in the same thread", jobs.AnswerArgs{DeliveryKey: "message:C0ONCE/1.000001", Surface: slackbot.SurfaceMention, Channel: "C0ONCE", ThreadTS: thread}, asked, false, 1},
		{"looked for after the answer", jobs.AnswerArgs{DeliveryKey: mentionKey, Surface: slackbot.SurfaceMention, Channel: "C0ONCE", ThreadTS: thread}, time.Now().Add(time.Hour), false, 1},
		{"direct message, no thread: the DM's history", jobs.AnswerArgs{DeliveryKey: "message:D0ONCE/" + dm, Surface: slackbot.SurfaceDM, Channel: "D0ONCE"}, asked, true, 1},
		{"slash command: cannot be read back", jobs.AnswerArgs{DeliveryKey: "trigger:1", Surface: slackbot.SurfaceSlash, Channel: "C0ONCE", ResponseURL: h.srv.ResponseURL()}, asked, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.srv.Messages(slacktest.Method("conversations.replies", "conversations.history")))
			got, err := h.bot.Delivered(ctx, tt.args, tt.since)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Delivered = %v, want %v", got, tt.want)
			}
			if reads := len(h.srv.Messages(slacktest.Method("conversations.replies", "conversations.history"))) - before; reads != tt.reads {
				t.Errorf("%d reads, want %d", reads, tt.reads)
			}
		})
	}

	// A rate-limited read goes back to the queue (to snooze the job), not slept here.
	h.srv.RateLimit("conversations.replies", 1, 30*time.Second)
	start := time.Now()
	if _, err := h.bot.Delivered(ctx, tests[0].args, asked); err == nil {
		t.Error("rate-limited read: no error")
	} else if time.Since(start) > 10*time.Second {
		t.Errorf("rate-limited read took %v: waited out in the worker", time.Since(start))
	}
}

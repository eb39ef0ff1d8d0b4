package slacktest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/slacktest"
)

func TestHistoryAndRepliesCarryMetadata(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 10*time.Second)

	// A user's message starts the thread (sent as an event, as Slack does).
	startBot(t, srv, nil)
	parent := srv.NewTS()
	if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{User: "U1", Text: "<@U0000000BOT> qui ?", Channel: "C1", TS: parent}}); err != nil {
		t.Fatal(err)
	}
	before := srv.NewTS()
	meta := slack.SlackMetadata{EventType: "rolebot_answer", EventPayload: map[string]any{"delivery_key": "message:C1/1"}}
	_, reply, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("réponse", false), slack.MsgOptionTS(parent), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	_, top, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("au canal", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.WaitMessage(ctx, slacktest.Method("chat.postMessage")); len(m.Metadata) == 0 {
		t.Errorf("metadata not recorded: %+v", m)
	}

	tests := []struct {
		name     string
		read     func() ([]slack.Message, error)
		wantTS   []string
		wantMeta bool
	}{{
		name: "replies with metadata",
		read: func() ([]slack.Message, error) {
			msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent, IncludeAllMetadata: true})
			return msgs, err
		},
		wantTS: []string{parent, reply}, wantMeta: true,
	}, {
		name: "replies without metadata",
		read: func() ([]slack.Message, error) {
			msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent})
			return msgs, err
		},
		wantTS: []string{parent, reply},
	}, {
		name: "replies after the reply: the parent only",
		read: func() ([]slack.Message, error) {
			msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent, Oldest: reply, IncludeAllMetadata: true})
			return msgs, err
		},
		wantTS: []string{parent},
	}, {
		name: "history: top-level messages since oldest, newest first, no replies",
		read: func() ([]slack.Message, error) {
			h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: before, IncludeAllMetadata: true})
			if err != nil {
				return nil, err
			}
			return h.Messages, nil
		},
		wantTS: []string{top}, wantMeta: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, err := tt.read()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range msgs {
				got = append(got, m.Timestamp)
				bot := m.Timestamp != parent
				if has := m.Metadata.EventType != ""; has != (tt.wantMeta && bot) {
					t.Errorf("message %s: metadata %+v, want it: %v", m.Timestamp, m.Metadata, tt.wantMeta && bot)
				}
				if bot && tt.wantMeta && m.Metadata.EventPayload["delivery_key"] != "message:C1/1" {
					t.Errorf("payload = %v", m.Metadata.EventPayload)
				}
			}
			if len(got) != len(tt.wantTS) {
				t.Fatalf("read %v, want %v", got, tt.wantTS)
			}
			for i := range got {
				if got[i] != tt.wantTS[i] {
					t.Fatalf("read %v, want %v", got, tt.wantTS)
				}
			}
		})
	}

	if _, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: "1.000001"}); err == nil || err.Error() != "thread_not_found" {
		t.Errorf("replies of an unknown thread: %v, want thread_not_found", err)
	}
	// A deleted message leaves the history.
	if _, _, err := api.DeleteMessageContext(ctx, "C1", top); err != nil {
		t.Fatal(err)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: before})
	if err != nil || len(h.Messages) != 0 {
		t.Errorf("history after delete: %+v, %v", h, err)
	}
}

func TestHistoryPages(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 10*time.Second)
	const n = 7
	for i := range n {
		if _, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText(string(rune('a'+i)), false)); err != nil {
			t.Fatal(err)
		}
	}
	msgs, pages := readHistory(ctx, t, api, "C2", 3)
	var texts string
	for _, m := range msgs {
		texts += m.Text
	}
	if texts != "gfedcba" || pages != 3 {
		t.Errorf("read %q in %d pages, want gfedcba in 3", texts, pages)
	}
}

// readHistory reads channel's whole history, limit messages a page, and returns it with the
// number of pages read.
func readHistory(ctx context.Context, t *testing.T, api *slack.Client, channel string, limit int) (msgs []slack.Message, pages int) {
	t.Helper()
	cursor := ""
	for {
		h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		msgs = append(msgs, h.Messages...)
		if !h.HasMore {
			return msgs, pages
		}
		cursor = h.ResponseMetaData.NextCursor
	}
}

func TestHoldRecordsThenHoldsTheAnswer(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 10*time.Second)
	release := srv.Hold("chat.postMessage")
	done := make(chan error, 1)
	go func() {
		_, _, err := api.PostMessageContext(ctx, "C3", slack.MsgOptionText("tenu", false))
		done <- err
	}()
	if _, err := srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("the call returned (%v) while held", err)
	default:
	}
	release()
	release()
	if err := <-done; err != nil {
		t.Fatalf("after release: %v", err)
	}
	// Released: the next call is answered at once.
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, _, err := api.PostMessageContext(cctx, "C3", slack.MsgOptionText("libre", false)); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryKeepsTheNewest posts past MaxChannelHistory in one channel: its history holds
// the newest MaxChannelHistory messages, newest first, the first ones dropped; a thread among
// them is still read, and another channel keeps its own.
func TestHistoryKeepsTheNewest(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 120*time.Second)
	const dropped = 25
	post := func(channel, threadTS string) string {
		t.Helper()
		opts := []slack.MsgOption{slack.MsgOptionText("message", false)}
		if threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(threadTS))
		}
		_, ts, err := api.PostMessageContext(ctx, channel, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	other := post("C5", "")
	var posted []string // in ts order
	for range slacktest.MaxChannelHistory + dropped - 2 {
		posted = append(posted, post("C4", ""))
	}
	parent := posted[len(posted)-1]
	reply := post("C4", parent)
	posted = append(posted, reply, post("C4", ""))

	msgs, _ := readHistory(ctx, t, api, "C4", 999)
	var got []string
	for _, m := range msgs {
		got = append(got, m.Timestamp)
	}
	// The history leaves the reply out, as Slack's does.
	var want []string
	for _, ts := range slices.Backward(posted[dropped:]) {
		if ts != reply {
			want = append(want, ts)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("history of %d messages (first %v, last %v), want the newest %d (first %v, last %v)",
			len(got), got[:1], got[len(got)-1:], len(want), want[:1], want[len(want)-1:])
	}
	msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C4", Timestamp: parent})
	if err != nil || len(msgs) != 2 || msgs[1].Timestamp != reply {
		t.Errorf("replies of a kept thread = %d messages, %v; want its parent and reply", len(msgs), err)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C5"})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Timestamp != other {
		t.Errorf("another channel's history = %+v, %v; want its one message", h, err)
	}
}

package slacktest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/slacktest"
)

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func TestWebAPIIsRecorded(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 5*time.Second)

	// A message to update and delete later.
	_, postedTS, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("first", false))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		call  func() error
		check func(t *testing.T, m slacktest.Message)
	}{{
		name: "chat.postMessage with blocks in a thread",
		call: func() error {
			_, _, err := api.PostMessageContext(ctx, "C1",
				slack.MsgOptionText("2 roles found", false),
				slack.MsgOptionBlocks(section("*Designer*"), slack.NewDividerBlock()),
				slack.MsgOptionTS("1700000000.000100"))
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {
			if m.Method != "chat.postMessage" || m.Channel != "C1" || m.Text != "2 roles found" ||
				m.ThreadTS != "1700000000.000100" || m.TS == "" {
				t.Errorf("message = %+v", m)
			}
			if len(m.Blocks.BlockSet) != 2 {
				t.Fatalf("decoded %d blocks from %s", len(m.Blocks.BlockSet), m.BlocksJSON)
			}
			sec, ok := m.Blocks.BlockSet[0].(*slack.SectionBlock)
			if !ok || sec.Text.Text != "*Designer*" {
				t.Errorf("first block = %#v", m.Blocks.BlockSet[0])
			}
			if !json.Valid(m.BlocksJSON) || m.Params.Get("token") != "" {
				t.Errorf("raw blocks %s, params %v", m.BlocksJSON, m.Params)
			}
		},
	}, {
		name: "chat.postEphemeral",
		call: func() error {
			_, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("only you", false))
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {
			if m.Method != "chat.postEphemeral" || m.User != "U1" || m.Channel != "C1" || m.Text != "only you" {
				t.Errorf("message = %+v", m)
			}
		},
	}, {
		name: "chat.update",
		call: func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C1", postedTS, slack.MsgOptionText("edited", false))
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {
			if m.Method != "chat.update" || m.TS != postedTS || m.Text != "edited" {
				t.Errorf("message = %+v", m)
			}
		},
	}, {
		name: "chat.delete",
		call: func() error {
			_, _, err := api.DeleteMessageContext(ctx, "C1", postedTS)
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {
			if m.Method != "chat.delete" || m.TS != postedTS || !m.OK() {
				t.Errorf("message = %+v", m)
			}
		},
	}, {
		name: "views.publish",
		call: func() error {
			_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{
				UserID: "U1",
				View:   slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{section("Welcome")}}},
			})
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {
			if m.Method != "views.publish" || m.User != "U1" || m.View == nil || m.View.Type != slack.VTHomeTab {
				t.Fatalf("message = %+v", m)
			}
			if len(m.View.Blocks.BlockSet) != 1 || len(m.Blocks.BlockSet) != 1 {
				t.Errorf("view blocks = %s", m.BlocksJSON)
			}
		},
	}, {
		name: "auth.test",
		call: func() error {
			resp, err := api.AuthTestContext(ctx)
			if err == nil && (resp.UserID != slacktest.DefaultBotUserID || resp.BotID != slacktest.DefaultBotID) {
				t.Errorf("auth.test = %+v", resp)
			}
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {},
	}, {
		name: "conversations.info",
		call: func() error {
			ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "D1"})
			if err == nil && (ch.ID != "D1" || !ch.IsIM) {
				t.Errorf("channel = %+v", ch)
			}
			return err
		},
		check: func(t *testing.T, m slacktest.Message) {},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Messages())
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != before+1 {
				t.Fatalf("%d messages recorded, want %d", len(msgs), before+1)
			}
			m := msgs[len(msgs)-1]
			if !m.OK() || m.Received.IsZero() || m.Seq != before+1 {
				t.Errorf("message = %+v", m)
			}
			tt.check(t, m)
		})
	}
	if got := len(srv.Messages(slacktest.Posted())); got != 6 {
		t.Errorf("Posted() matched %d messages, want 6", got)
	}
}

func TestWebAPIErrors(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	ctx := timeout(t, 5*time.Second)
	api := srv.Client()
	ts, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("ephemeral", false))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"wrong bot token", func() error {
			_, err := slack.New("xoxb-wrong", slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx)
			return err
		}, "invalid_auth"},
		{"no token", func() error {
			_, err := slack.New("", slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx)
			return err
		}, "not_authed"},
		{"ephemeral messages cannot be updated", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"no text", func() error {
			_, _, err := api.PostMessageContext(ctx, "C1")
			return err
		}, "no_text"},
		{"injected failure", func() error {
			srv.Fail("chat.postMessage", 1, "channel_not_found")
			_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
			return err
		}, "channel_not_found"},
		{"unknown method", func() error {
			_, err := api.GetUserGroupsContext(ctx)
			return err
		}, "unknown_method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var serr slack.SlackErrorResponse
			if !asSlackError(err, &serr) || serr.Err != tt.want {
				t.Fatalf("error = %v (%T), want %s", err, err, tt.want)
			}
			last := srv.Messages()[len(srv.Messages())-1]
			if last.Error != tt.want || last.OK() {
				t.Errorf("recorded %+v", last)
			}
		})
	}
	// The injected failure was for one call only.
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Errorf("after the fault: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 5*time.Second)
	srv.RateLimit("chat.postMessage", 2, 1500*time.Millisecond)

	for i := range 2 {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		rl, ok := isRateLimited(err)
		if !ok {
			t.Fatalf("call %d: error = %v (%T), want *slack.RateLimitedError", i, err, err)
		}
		if rl.RetryAfter != 2*time.Second {
			t.Errorf("RetryAfter = %v, want 2s (whole seconds, rounded up)", rl.RetryAfter)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("third call: %v", err)
	}
	msgs := srv.Messages(slacktest.Method("chat.postMessage"))
	if len(msgs) != 3 || msgs[0].Status != 429 || msgs[0].Error != "ratelimited" || !msgs[2].OK() {
		t.Errorf("recorded %+v", msgs)
	}
	if got := len(srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); got != 1 {
		t.Errorf("%d successful posts, want 1", got)
	}
}

func TestResponseURL(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client()
	ctx := timeout(t, 5*time.Second)
	u := srv.ResponseURL()
	if !strings.HasPrefix(u, "http://127.0.0.1:") || u == srv.ResponseURL() {
		t.Fatalf("ResponseURL() = %q, want a fresh loopback URL each time", u)
	}

	post := func(opts ...slack.MsgOption) error {
		_, _, err := api.PostMessageContext(ctx, "", opts...)
		return err
	}
	tests := []struct {
		name  string
		opts  []slack.MsgOption
		check func(t *testing.T, m slacktest.Message)
	}{
		{"ephemeral reply with blocks", []slack.MsgOption{slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("3 roles", false), slack.MsgOptionBlocks(section("*Designer*"))},
			func(t *testing.T, m slacktest.Message) {
				if m.ResponseType != "ephemeral" || m.Text != "3 roles" || len(m.Blocks.BlockSet) != 1 || m.ReplaceOriginal || m.DeleteOriginal {
					t.Errorf("message = %+v", m)
				}
			}},
		{"in_channel reply", []slack.MsgOption{slack.MsgOptionResponseURL(u, slack.ResponseTypeInChannel), slack.MsgOptionText("shared", false)},
			func(t *testing.T, m slacktest.Message) {
				if m.ResponseType != "in_channel" {
					t.Errorf("message = %+v", m)
				}
			}},
		{"replace original", []slack.MsgOption{slack.MsgOptionReplaceOriginal(u), slack.MsgOptionText("page 2", false)},
			func(t *testing.T, m slacktest.Message) {
				if !m.ReplaceOriginal || m.Text != "page 2" {
					t.Errorf("message = %+v", m)
				}
			}},
		{"delete original", []slack.MsgOption{slack.MsgOptionDeleteOriginal(u)},
			func(t *testing.T, m slacktest.Message) {
				if !m.DeleteOriginal {
					t.Errorf("message = %+v", m)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Messages())
			if err := post(tt.opts...); err != nil {
				t.Fatal(err)
			}
			m, err := srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), func(m slacktest.Message) bool {
				return m.Seq > before
			})
			if err != nil {
				t.Fatal(err)
			}
			if m.ResponseURL != u || !m.OK() {
				t.Errorf("message = %+v", m)
			}
			tt.check(t, m)
		})
	}

	// Fifth use is fine, the sixth is refused, as on Slack.
	if err := post(slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("5", false)); err != nil {
		t.Fatalf("fifth use: %v", err)
	}
	err := post(slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("6", false))
	var serr slack.SlackErrorResponse
	if !asSlackError(err, &serr) || serr.Err != "used_url" {
		t.Errorf("sixth use: %v, want used_url", err)
	}
}

func TestSlashCommandReplyViaResponseURL(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b := startBot(t, srv, nil)
	evts := make(chan socketmode.Event, 1)
	b.ackAll(t, evts)
	ctx := timeout(t, 5*time.Second)
	if _, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "dev", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	cmd := (<-evts).Data.(slack.SlashCommand)
	if _, _, err := b.api.PostMessageContext(ctx, cmd.ChannelID,
		slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("1 role", false)); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitMessages(ctx, 1, slacktest.Posted())
	if err != nil {
		t.Fatal(err)
	}
	if m := msgs[0]; m.Method != slacktest.MethodResponseURL || m.Channel != "C1" || m.User != "U1" || m.Text != "1 role" {
		t.Errorf("reply = %+v", m)
	}
}

// TestRateLimitWithSlackGoRetry shows slack-go's opt-in retry honouring
// Retry-After: the call succeeds after the wait, and the fake saw both calls.
func TestRateLimitWithSlackGoRetry(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	api := srv.Client(slack.OptionRetry(2))
	ctx := timeout(t, 5*time.Second)
	srv.RateLimit("chat.postMessage", 1, time.Second)
	start := time.Now()
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, before Retry-After", waited)
	}
	if msgs := srv.Messages(slacktest.Method("chat.postMessage")); len(msgs) != 2 || msgs[0].Status != 429 || !msgs[1].OK() {
		t.Errorf("recorded %+v", msgs)
	}
}

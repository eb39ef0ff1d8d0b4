package slacktest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestAckAnswer: the payload of a slash command's ack is the answer Slack shows, recorded as
// a MethodAck message with the command's channel, user and response_url; a plain ack, a late
// one, an event's ack with a payload are not answers shown.
func TestAckAnswer(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{AckTimeout: 300 * time.Millisecond})
	b := startBot(t, srv, nil)
	ctx := timeout(t, 10*time.Second)

	send := func(text string) (string, socketmode.Event) {
		t.Helper()
		env, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: text, UserID: "U1", ChannelID: "C1"})
		if err != nil {
			t.Fatal(err)
		}
		return env, b.next(ctx, t, socketmode.EventTypeSlashCommand)
	}

	// Answered in the ack, with blocks.
	env, evt := send("designer")
	cmd := evt.Data.(slack.SlashCommand)
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Designer*", false, false), nil, nil)}
	if err := b.sm.Ack(*evt.Request, map[string]any{"response_type": "ephemeral", "text": "Designer", "blocks": blocks}); err != nil {
		t.Fatal(err)
	}
	m, err := srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodAck))
	if err != nil {
		t.Fatal(err)
	}
	if !m.OK() || m.Channel != "C1" || m.User != "U1" || m.ResponseURL != cmd.ResponseURL || m.Text != "Designer" || m.ResponseType != "ephemeral" {
		t.Errorf("answer in the ack recorded as %+v", m)
	}
	if len(m.Blocks.BlockSet) != 1 {
		t.Errorf("blocks = %s, want one section", m.BlocksJSON)
	}
	if got := srv.Messages(slacktest.Posted()); len(got) != 1 {
		t.Errorf("Posted() = %d messages, want the answer in the ack", len(got))
	}
	if a, _ := srv.WaitAck(ctx, env); a.Late {
		t.Errorf("ack late: %+v", a)
	}

	// A plain ack answers nothing.
	_, evt = send("plain")
	if err := b.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	// A late one is dropped by Slack: the user sees operation_timeout.
	late, evt := send("late")
	time.Sleep(400 * time.Millisecond) // past the fake's AckTimeout, on purpose
	if err := b.sm.Ack(*evt.Request, map[string]any{"text": "trop tard"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitAck(ctx, late); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitMessages(ctx, 2, slacktest.Method(slacktest.MethodAck))
	if err != nil {
		t.Fatal(err)
	}
	if lm := msgs[1]; lm.OK() || lm.Error != "operation_timeout" || lm.Text != "trop tard" {
		t.Errorf("late answer recorded as %+v, want operation_timeout", lm)
	}
	if n := len(srv.Messages(slacktest.Method(slacktest.MethodAck))); n != 2 {
		t.Errorf("%d answers in acks, want 2 (the plain ack is none)", n)
	}

	// slack-go refuses an ack at Slack's limit, which Slack would drop.
	_, evt = send("big")
	if err := b.sm.Ack(*evt.Request, map[string]any{"text": strings.Repeat("x", 20*1024)}); err == nil {
		t.Error("an ack of 20 KiB was accepted")
	}
}

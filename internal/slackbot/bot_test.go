package slackbot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

func TestSlashPreviewThenShare(t *testing.T) {
	t.Parallel()
	for _, thread := range []string{"", "1700000000.000100"} {
		name := "top level"
		if thread != "" {
			name = "in a thread"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := start(t, setup{})
			ctx := ctxFor(t, 10*time.Second)

			envID, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", UserName: "alice", ChannelID: "C1"})
			if err != nil {
				t.Fatal(err)
			}
			ack, err := h.srv.WaitAck(ctx, envID)
			if err != nil {
				t.Fatal(err)
			}
			if ack.Payload != nil || ack.Late {
				t.Errorf("ack = %+v, want a prompt empty ack", ack)
			}
			preview, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL))
			if err != nil {
				t.Fatal(err)
			}
			if preview.ResponseType != "ephemeral" || !preview.OK() || preview.Text == "" {
				t.Fatalf("preview = %+v, want an ephemeral answer with text", preview)
			}
			if !contains(preview, "Designer") && !contains(preview, "designer") {
				t.Errorf("preview does not show the designer card: %q", preview.Text)
			}
			share, blockID, ok := button(preview, reply.ActionShare)
			if !ok {
				t.Fatalf("preview has no share button; buttons: %+v", buttons(preview))
			}
			if share.Text == nil || share.Text.Text != "Partager dans le canal" {
				t.Errorf("share button says %+v", share.Text)
			}

			clickURL := h.srv.ResponseURL()
			_, err = h.srv.SendInteraction(ctx, slacktest.BlockActions{
				UserID: "U1", UserName: "alice", ChannelID: "C1", MessageTS: preview.TS, ThreadTS: thread,
				Ephemeral: true, ResponseURL: clickURL,
				Actions: []slacktest.Action{{ActionID: share.ActionID, BlockID: blockID, Value: share.Value, Text: "Partager dans le canal"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			public, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"))
			if err != nil {
				t.Fatal(err)
			}
			if public.Channel != "C1" || public.ThreadTS != thread || !public.OK() || public.Text == "" {
				t.Errorf("shared card = channel %q thread %q ok %v text %q, want C1, thread %q", public.Channel, public.ThreadTS, public.OK(), public.Text, thread)
			}
			if !contains(public, "Partagé par <@U1>") {
				t.Errorf("shared card does not say who shared it")
			}
			if _, _, ok := button(public, reply.ActionShare); ok {
				t.Error("the public card still has a share button")
			}
			deleted, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), func(m slacktest.Message) bool { return m.ResponseURL == clickURL })
			if err != nil {
				t.Fatal(err)
			}
			if !deleted.DeleteOriginal || !deleted.OK() {
				t.Errorf("preview removal = %+v, want delete_original", deleted)
			}
			if !deleted.Received.After(public.Received) {
				t.Error("the preview was deleted before the card was shared")
			}
			settle()
			if got := len(h.posted()); got != 3 {
				t.Errorf("%d messages posted, want 3 (preview, shared card, deletion)", got)
			}
		})
	}
}

func TestAlternativeButtonOpensPrivately(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)

	// An alternative clicked on a private preview replaces it.
	clickURL := h.srv.ResponseURL()
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "U1", ChannelID: "C1", MessageTS: h.srv.NewTS(), Ephemeral: true, ResponseURL: clickURL,
		Actions: []slacktest.Action{{ActionID: reply.ActionOpen + ":2", BlockID: "rolebot_alternatives", Value: "list_roles:"}},
	}); err != nil {
		t.Fatal(err)
	}
	m, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL))
	if err != nil {
		t.Fatal(err)
	}
	if m.ResponseURL != clickURL || !m.ReplaceOriginal || m.ResponseType != "ephemeral" || m.Text == "" {
		t.Errorf("alternative = %+v, want an ephemeral replacement", m)
	}
	if _, _, ok := button(m, reply.ActionShare); !ok {
		t.Error("the opened answer has no share button")
	}

	// On a public card, it comes as a new private message: never replace
	// what everyone sees.
	publicURL := h.srv.ResponseURL()
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "U2", ChannelID: "C1", MessageTS: h.srv.NewTS(), ResponseURL: publicURL, MessageText: "carte",
		Actions: []slacktest.Action{{ActionID: reply.ActionOpen, BlockID: "rolebot_alternatives", Value: "list_tasks:"}},
	}); err != nil {
		t.Fatal(err)
	}
	m, err = h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == publicURL })
	if err != nil {
		t.Fatal(err)
	}
	if m.ReplaceOriginal || m.ResponseType != "ephemeral" {
		t.Errorf("from a public card = %+v, want a new ephemeral message", m)
	}

	// A forged value gets a polite private message, nothing public.
	badURL := h.srv.ResponseURL()
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "U1", ChannelID: "C1", MessageTS: h.srv.NewTS(), Ephemeral: true, ResponseURL: badURL,
		Actions: []slacktest.Action{{ActionID: reply.ActionShare, BlockID: "rolebot_actions", Value: "role:<!channel>"}},
	}); err != nil {
		t.Fatal(err)
	}
	if m, err = h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == badURL }); err != nil {
		t.Fatal(err)
	}
	if m.ResponseType != "ephemeral" {
		t.Errorf("forged value answered %+v", m)
	}
	settle()
	if n := len(h.srv.Messages(slacktest.Method("chat.postMessage"))); n != 0 {
		t.Errorf("%d public messages, want none", n)
	}
}

func TestSlashHelp(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	for _, text := range []string{"", "  ", "aide"} {
		ctx := ctxFor(t, 10*time.Second)
		url := h.srv.ResponseURL()
		if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: text, UserID: "U1", ChannelID: "C1", ResponseURL: url}); err != nil {
			t.Fatal(err)
		}
		m, err := h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == url })
		if err != nil {
			t.Fatal(err)
		}
		if m.ResponseType != "ephemeral" || !contains(m, "/role designer") {
			t.Errorf("/role %q = %q, want the help with examples, privately", text, m.Text)
		}
	}
	if got := h.metricEventually(slackbot.MetricQuestions, map[string]string{"intent": "help", "surface": "slash"}, 3); got != 3 {
		t.Errorf("help questions counted %v, want 3", got)
	}
}

func TestMentionAnsweredInThread(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	bot := slacktest.DefaultBotUserID

	ts := h.srv.NewTS()
	m := h.answerTo(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{User: "U1", Text: "<@" + bot + "> designer", Channel: "C1", TS: ts}}, slacktest.Method("chat.postMessage"), slacktest.Channel("C1"))
	if m.ThreadTS != ts || m.Text == "" || len(m.Blocks.BlockSet) == 0 {
		t.Errorf("top-level mention answered with thread %q (want %q), text %q", m.ThreadTS, ts, m.Text)
	}
	if contains(m, "<@"+bot) {
		t.Error("the answer repeats the bot's mention")
	}
	if _, _, ok := button(m, reply.ActionShare); ok {
		t.Error("a public answer has a share button")
	}

	parent := h.srv.NewTS()
	m = h.answerTo(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{User: "U1", Text: "qui priorise le backlog ? <@" + bot + "|rolebot>", Channel: "C2", ThreadTS: parent}}, slacktest.Method("chat.postMessage"), slacktest.Channel("C2"))
	if m.ThreadTS != parent {
		t.Errorf("mention in a thread answered in thread %q, want %q", m.ThreadTS, parent)
	}
	if got := h.metricEventually(slackbot.MetricQuestions, map[string]string{"surface": "mention"}, 2); got != 2 {
		t.Errorf("mention questions counted %v, want 2", got)
	}
}

func TestDirectMessage(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	m := h.answerTo(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "liste des rôles", Channel: "D1"}}, slacktest.Method("chat.postMessage"))
	if m.Channel != "D1" || m.ThreadTS != "" || m.Text == "" {
		t.Errorf("DM answered in %q thread %q text %q, want D1 at top level", m.Channel, m.ThreadTS, m.Text)
	}
	if got := h.metricEventually(slackbot.MetricQuestions, map[string]string{"intent": "list_roles", "surface": "dm"}, 1); got != 1 {
		t.Errorf("dm questions counted %v, want 1", got)
	}
}

func TestBotsAndEditsIgnored(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	cfg := h.srv.Config()
	ignored := []slacktest.EventsAPI{
		{Event: slacktest.MessageEvent{Text: "designer", Channel: "D1", BotID: "B9", SubType: "bot_message"}},
		{Event: slacktest.MessageEvent{Text: "designer", Channel: "D1", BotID: cfg.BotID, User: cfg.BotUserID}},
		{Event: slacktest.MessageEvent{User: cfg.BotUserID, Text: "designer", Channel: "D1"}},
		{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1", SubType: "message_changed"}},
		{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "C1", ChannelType: "channel"}},
		{Event: slacktest.AppMentionEvent{User: "U7", Text: "<@" + cfg.BotUserID + "> designer", Channel: "C1", BotID: "B7"}},
		{Event: slacktest.AppMentionEvent{User: cfg.BotUserID, Text: "<@" + cfg.BotUserID + "> designer", Channel: "C1"}},
	}
	for _, ev := range ignored {
		envID, err := h.srv.SendEvent(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.WaitAck(ctx, envID); err != nil {
			t.Fatal(err) // ignored, but acknowledged
		}
	}
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D9"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, slacktest.Channel("D9")); err != nil {
		t.Fatal(err)
	}
	settle()
	if got := h.posted(); len(got) != 1 || got[0].Channel != "D9" {
		t.Errorf("posted %d messages (%+v), want only the answer to the person in D9", len(got), got)
	}
}

func TestAppHome(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1", Channel: "D1", Tab: "messages"}}); err != nil {
		t.Fatal(err)
	}
	m := h.answerTo(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1", Channel: "D1"}}, slacktest.Method("views.publish"))
	if m.User != "U1" || !m.OK() || m.View == nil || m.View.Type != "home" {
		t.Fatalf("views.publish = %+v, want U1's home view", m)
	}
	team := content(t).Current().Index.Team()
	for _, r := range team.Roles {
		if !contains(m, r.Title) {
			t.Errorf("the Home does not show the role %q", r.Title)
		}
	}
	settle()
	if n := len(h.srv.Messages(slacktest.Method("views.publish"))); n != 1 {
		t.Errorf("%d views published, want 1 (the messages tab is not the Home)", n)
	}
}

func TestEventDeliveredTwiceAnsweredOnce(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	bot := slacktest.DefaultBotUserID

	// The same event_id, retried by Slack.
	ts := h.srv.NewTS()
	mention := slacktest.AppMentionEvent{User: "U1", Text: "<@" + bot + "> designer", Channel: "C1", TS: ts}
	for attempt := range 2 {
		envID, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "Ev0001", RetryAttempt: attempt, RetryReason: map[int]string{1: "timeout"}[attempt], Event: mention})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.WaitAck(ctx, envID); err != nil {
			t.Fatal(err)
		}
	}
	// The same channel and ts, under two event_ids.
	ts2 := h.srv.NewTS()
	for _, id := range []string{"Ev0002", "Ev0003"} {
		ev := slacktest.EventsAPI{EventID: id, Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1", TS: ts2}}
		if _, err := h.srv.SendEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	// A retry of the first one after it was answered.
	if _, err := h.srv.WaitMessage(ctx, slacktest.Channel("C1")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "Ev0001", RetryAttempt: 2, RetryReason: "timeout", Event: mention}); err != nil {
		t.Fatal(err)
	}
	// A slash command envelope delivered twice.
	cmd := slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C3", TriggerID: "trig-1", ResponseURL: h.srv.ResponseURL()}
	for range 2 {
		if _, err := h.srv.SendSlashCommand(ctx, cmd); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.srv.WaitMessages(ctx, 3, slacktest.Posted()); err != nil {
		t.Fatal(err)
	}
	settle()
	if got := h.posted(); len(got) != 3 {
		t.Errorf("%d answers, want 3 (one per question): %+v", len(got), got)
	}
	for _, ch := range []string{"C1", "D1"} {
		if n := len(h.srv.Messages(slacktest.Channel(ch), slacktest.Method("chat.postMessage"))); n != 1 {
			t.Errorf("%d answers in %s, want 1", n, ch)
		}
	}
	if got := h.metricEventually(slackbot.MetricDuplicates, nil, 4); got != 4 {
		t.Errorf("duplicates counted %v, want 4", got)
	}
}

func TestRateLimitWaitedOut(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.RateLimit("chat.postMessage", 1, time.Second)

	ok := h.answerTo(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1"}}, slacktest.Method("chat.postMessage"), slacktest.Succeeded())
	all := h.srv.Messages(slacktest.Method("chat.postMessage"))
	if len(all) != 2 || all[0].Status != 429 {
		t.Fatalf("chat.postMessage calls = %+v, want a 429 then the answer", all)
	}
	if wait := ok.Received.Sub(all[0].Received); wait < time.Second {
		t.Errorf("retried after %v, before the Retry-After of 1s", wait)
	}
	settle()
	if n := len(h.srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	if got := h.metricEventually(slackbot.MetricSlackRetries, map[string]string{"method": "chat.postMessage"}, 1); got != 1 {
		t.Errorf("retries counted %v, want 1", got)
	}
	if got := h.metricEventually(slackbot.MetricSlackErrors, map[string]string{"method": "chat.postMessage", "error": "ratelimited"}, 1); got != 1 {
		t.Errorf("rate-limit errors counted %v, want 1", got)
	}
}

func TestReconnects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault func(*slacktest.Server) int
	}{
		{"dropped connection", (*slacktest.Server).DropConnections},
		{"disconnect message", func(s *slacktest.Server) int { return s.SendDisconnect("refresh_requested") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t, setup{})
			ctx := ctxFor(t, 10*time.Second)
			if n := tc.fault(h.srv); n != 1 {
				t.Fatalf("fault hit %d connections, want 1", n)
			}
			if err := h.srv.WaitConnections(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
				t.Fatal(err)
			}
			h.waitConnected()
			if got := h.metric(slackbot.MetricReconnections, nil); got < 1 {
				t.Errorf("reconnections counted %v, want ≥ 1", got)
			}
		})
	}
}

func TestRevokedTokenEndsRun(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	h.srv.Revoke()
	err := h.wait(10 * time.Second)
	ae, ok := isAuthError(err)
	if !ok {
		t.Fatalf("Run = %v, want an *AuthError", err)
	}
	if ae.Code != "token_revoked" || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "Slack refuse") {
		t.Errorf("error = %q (%+v)", err, ae)
	}
	if h.bot.Connected() {
		t.Error("still connected after revocation")
	}
}

func TestWrongBotTokenEndsRun(t *testing.T) {
	t.Parallel()
	h := start(t, setup{botToken: wrongBotToken, noStart: true})
	h.run()
	err := h.wait(10 * time.Second)
	ae, ok := isAuthError(err)
	if !ok || ae.Code != "invalid_auth" || ae.Var != "SLACK_BOT_TOKEN" {
		t.Fatalf("Run = %v, want an auth error on SLACK_BOT_TOKEN", err)
	}
	if strings.Contains(err.Error(), wrongBotToken) || strings.Contains(h.logs.String(), wrongBotToken) {
		t.Error("the token shows in the error or the logs")
	}
	if n := h.srv.Connections(); n != 0 {
		t.Errorf("%d socket connections opened with a refused bot token", n)
	}
}

func TestShutdownFinishesAnswersInFlight(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.RateLimit("chat.postMessage", 1, time.Second)
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1"}}); err != nil {
		t.Fatal(err)
	}
	// The answer is in flight, waiting out the rate limit.
	if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage")); err != nil {
		t.Fatal(err)
	}
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if n := len(h.srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); n != 1 {
		t.Errorf("%d answers when Run returned, want the one in flight", n)
	}
	if h.srv.ActiveConnections() != 0 {
		// The socket is closed before draining; give the fake a moment.
		time.Sleep(100 * time.Millisecond)
		if n := h.srv.ActiveConnections(); n != 0 {
			t.Errorf("%d connections still open after Run returned", n)
		}
	}
}

func TestShutdownTimeoutBoundsDrain(t *testing.T) {
	t.Parallel()
	h := start(t, setup{opts: func(o *slackbot.Options) { o.ShutdownTimeout = 300 * time.Millisecond }})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.RateLimit("chat.postMessage", 1, 5*time.Second)
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage")); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("Run took %v to return with a 300ms shutdown timeout", d)
	}
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	const q = "<!channel> <@U999> & co"
	bot := slacktest.DefaultBotUserID
	if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: q, UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{User: "U1", Text: "<@" + bot + "> " + q, Channel: "C1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: q, Channel: "D1"}}); err != nil {
		t.Fatal(err)
	}
	// A share whose clicker id is not a user id.
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "<!here>", ChannelID: "C1", MessageTS: h.srv.NewTS(), Ephemeral: true,
		Actions: []slacktest.Action{{ActionID: reply.ActionShare, BlockID: "rolebot_actions", Value: "list_roles:"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessages(ctx, 5, slacktest.Posted()); err != nil {
		t.Fatal(err)
	}
	settle()
	msgs := h.srv.Messages(slacktest.Posted())
	for _, m := range msgs {
		for _, s := range allText(m) {
			for _, bad := range []string{"<!channel>", "<@U999>", "& co", "<!here>"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s message carries %q unescaped: %q", m.Method, bad, s)
				}
			}
		}
	}
	if !h.srvHas(msgs, "&lt;!channel&gt;") {
		t.Error("the question is not shown escaped in any answer")
	}
}

func (h *harness) srvHas(msgs []slacktest.Message, s string) bool {
	for _, m := range msgs {
		if contains(m, s) {
			return true
		}
	}
	return false
}

func TestOverloadTurnsAway(t *testing.T) {
	t.Parallel()
	h := start(t, setup{opts: func(o *slackbot.Options) { o.Workers = 1; o.QueueSize = 1 }})
	ctx := ctxFor(t, 15*time.Second)
	// The one worker waits out a rate limit; the one queue slot fills.
	h.srv.RateLimit(slacktest.MethodResponseURL, 1, time.Second)
	for i := range 4 {
		env, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C1", TriggerID: "t" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.WaitAck(ctx, env); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// Let the worker take the first one.
			if _, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL)); err != nil {
				t.Fatal(err)
			}
		}
	}
	busy := 0
	for _, a := range h.srv.Acks() {
		if strings.Contains(string(a.Payload), "débordé") {
			busy++
		}
	}
	if busy != 2 {
		t.Errorf("%d commands turned away in their ack, want 2 (1 answering, 1 queued)", busy)
	}
	if _, err := h.srv.WaitMessages(ctx, 2, slacktest.Method(slacktest.MethodResponseURL), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	if got := h.metricEventually(slackbot.MetricOverloaded, map[string]string{"surface": "slash"}, 2); got != 2 {
		t.Errorf("overloaded counted %v, want 2", got)
	}
}

func TestQuestionLogLine(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U42", Text: "ornithorynque", Channel: "D42"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, slacktest.Channel("D42")); err != nil {
		t.Fatal(err)
	}
	settle()
	var line string
	for _, l := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(l, `"msg":"question"`) {
			line = l
		}
	}
	for _, want := range []string{`"surface":"dm"`, `"intent":"none"`, `"result":"not_found"`, `"user":"U42"`, `"channel":"D42"`, `"latency_ms":`, `"question":"ornithorynque"`} {
		if !strings.Contains(line, want) {
			t.Errorf("question log line %s lacks %s", line, want)
		}
	}
	if got := h.metricEventually(slackbot.MetricUnanswered, map[string]string{"surface": "dm"}, 1); got != 1 {
		t.Errorf("unanswered counted %v, want 1", got)
	}
}

func TestTokensNeverLogged(t *testing.T) {
	t.Parallel()
	const bot, app = "xoxb-424242424242-secretBOTtoken", "xapp-1-A42-secretAPPtoken"
	h := start(t, setup{slack: slacktest.Config{BotToken: bot, AppToken: app}})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.RateLimit("chat.postMessage", 1, time.Second)
	h.srv.Fail(slacktest.MethodResponseURL, 1, "used_url")
	if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	h.srv.DropConnections()
	if err := h.srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	h.srv.RevokeWith("invalid_auth")
	err := h.wait(10 * time.Second)
	if _, ok := isAuthError(err); !ok {
		t.Fatalf("Run = %v, want an auth error", err)
	}
	logs := h.logs.String()
	for _, tok := range []string{bot, app, "secretBOTtoken", "secretAPPtoken"} {
		if strings.Contains(logs, tok) || strings.Contains(err.Error(), tok) {
			t.Errorf("a token shows in the logs or the error")
		}
	}
	for _, want := range []string{`"level":"DEBUG"`, `"result":"error"`, "used_url", "invalid_auth"} {
		if !strings.Contains(logs+err.Error(), want) {
			t.Errorf("the logs lack %s: the run did not exercise what it should", want)
		}
	}
}

func TestRetryOfEventInFlight(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.RateLimit("chat.postMessage", 1, time.Second)
	ev := slacktest.EventsAPI{EventID: "Ev0042", Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1", TS: h.srv.NewTS()}}
	if _, err := h.srv.SendEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	// The answer is in flight, waiting out the rate limit, when Slack retries.
	if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage")); err != nil {
		t.Fatal(err)
	}
	ev.RetryAttempt, ev.RetryReason = 1, "timeout"
	if _, err := h.srv.SendEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	settle()
	if n := len(h.srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
}

func TestShareWhereTheBotIsNotInvited(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.Fail("chat.postMessage", 1, "not_in_channel")
	clickURL := h.srv.ResponseURL()
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "U1", ChannelID: "G1", MessageTS: h.srv.NewTS(), Ephemeral: true, ResponseURL: clickURL,
		Actions: []slacktest.Action{{ActionID: reply.ActionShare, BlockID: "rolebot_actions", Value: "list_roles:"}},
	}); err != nil {
		t.Fatal(err)
	}
	msgs, err := h.srv.WaitMessages(ctx, 2, func(m slacktest.Message) bool { return m.ResponseURL == clickURL })
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].ResponseType != "in_channel" || !contains(msgs[0], "Partagé par <@U1>") || msgs[0].ReplaceOriginal {
		t.Errorf("fallback share = %+v, want a new in_channel message saying who shared it", msgs[0])
	}
	if !msgs[1].DeleteOriginal {
		t.Errorf("then %+v, want the preview deleted", msgs[1])
	}
}

func TestHomeButtonAnswersInTheAppDM(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "U1", ViewID: "V1",
		Actions: []slacktest.Action{{ActionID: reply.ActionOpen, BlockID: "rolebot_home_core", Value: "list_tasks:"}},
	}); err != nil {
		t.Fatal(err)
	}
	m, err := h.srv.WaitMessage(ctx, slacktest.Posted())
	if err != nil {
		t.Fatal(err)
	}
	if m.Method != "chat.postMessage" || m.Channel != "U1" || !m.OK() {
		t.Errorf("Home button answered with %s to %q, want chat.postMessage to the user's DM", m.Method, m.Channel)
	}
}

func TestShareFromPublicMessageKeepsIt(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	clickURL := h.srv.ResponseURL()
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: "U1", ChannelID: "C1", MessageTS: h.srv.NewTS(), ResponseURL: clickURL, MessageText: "carte",
		Actions: []slacktest.Action{{ActionID: reply.ActionShare, BlockID: "rolebot_actions", Value: "list_roles:"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage")); err != nil {
		t.Fatal(err)
	}
	settle()
	if n := len(h.srv.Messages(func(m slacktest.Message) bool { return m.DeleteOriginal })); n != 0 {
		t.Error("a public message was deleted after a share")
	}
}

func TestBlocksRefusedFallsBackToText(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	h.srv.Fail("chat.postMessage", 1, "invalid_blocks")
	m := h.answerTo(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "designer", Channel: "D1"}}, slacktest.Method("chat.postMessage"), slacktest.Succeeded())
	if m.Text == "" || m.BlocksJSON != nil {
		t.Errorf("fallback = text %q blocks %s, want the text alone", m.Text, m.BlocksJSON)
	}
}

// TestOverloadedMentionComesBack saturates the one worker, the one queue slot
// and the one busy reply: the next mention is left unacknowledged, so Slack
// delivers it again, and it is then answered once. Nothing is dropped.
func TestOverloadedMentionComesBack(t *testing.T) {
	t.Parallel()
	h := start(t, setup{
		slack: slacktest.Config{Redeliver: true, AckTimeout: time.Second},
		opts:  func(o *slackbot.Options) { o.Workers = 1; o.QueueSize = 1 },
	})
	ctx := ctxFor(t, 20*time.Second)
	// The worker's answer and the busy reply both wait out a rate limit.
	h.srv.RateLimit("chat.postMessage", 2, 700*time.Millisecond)
	var last string
	for i := range 4 {
		ts := h.srv.NewTS()
		last = ts
		if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{
			User: "U1", Text: "<@" + h.srv.Config().BotUserID + "> designer", Channel: "C1", TS: ts}}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// Let the worker take the first one.
			if _, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage")); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The fourth is redelivered and answered, in its thread, exactly once.
	msgs, err := h.srv.WaitMessages(ctx, 1, slacktest.Method("chat.postMessage"), slacktest.Succeeded(),
		func(m slacktest.Message) bool { return m.ThreadTS == last && !strings.Contains(m.Text, "débordé") })
	if err != nil {
		for _, d := range h.srv.Deliveries() {
			t.Logf("delivery %s retry %d acked %v", d.EventID, d.RetryAttempt, d.Acked)
		}
		for _, m := range h.srv.Messages(slacktest.Posted()) {
			t.Logf("message %s thread %s status %d %q", m.Method, m.ThreadTS, m.Status, m.Text)
		}
		t.Fatal(err)
	}
	settle()
	var redelivered bool
	for _, d := range h.srv.Deliveries() {
		if d.RetryAttempt > 0 {
			redelivered = true
		}
	}
	if !redelivered {
		t.Error("no event was delivered again")
	}
	if n := len(h.srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded(),
		func(m slacktest.Message) bool { return m.ThreadTS == last })); n != 1 {
		t.Errorf("the overloaded mention got %d answers, want 1 (%v)", n, msgs)
	}
	// Turned away: the third, told the bot is busy. The fourth was only
	// put off, however many times Slack had to deliver it.
	mention := map[string]string{"surface": slackbot.SurfaceMention}
	if got := h.metric(slackbot.MetricOverloaded, mention); got != 1 {
		t.Errorf("overloaded counted %v, want 1", got)
	}
	if got := h.metric(slackbot.MetricDeferred, mention); got < 1 {
		t.Errorf("deferred deliveries counted %v, want at least 1", got)
	}
}

// TestShutdownAcksWhatWasRead stops the bot right after a burst of commands:
// every command slack-go had read is still acknowledged and answered, none
// is left for its user to see fail.
func TestShutdownAcksWhatWasRead(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := ctxFor(t, 10*time.Second)
	var envs []string
	for i := range 30 {
		env, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: "U1", ChannelID: "C1", TriggerID: "t" + strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, env)
	}
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	acked := map[string]bool{}
	for _, a := range h.srv.Acks() {
		acked[a.EnvelopeID] = true
	}
	missing := 0
	for _, env := range envs {
		if !acked[env] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d commands sent before the shutdown were never acknowledged", missing, len(envs))
	}
	if n := len(h.srv.Messages(slacktest.Method(slacktest.MethodResponseURL), slacktest.Succeeded())); n != len(envs)-missing {
		t.Errorf("%d answers for %d acknowledged commands", n, len(envs)-missing)
	}
}

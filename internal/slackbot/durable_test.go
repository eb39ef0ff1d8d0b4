package slackbot_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestRateLimitedChannelDoesNotHoldSlashCommands rate-limits chat.postMessage while a
// channel's mentions come in, then sends slash commands from another channel: every command
// is answered (in its ack, or through its response_url) while no mention can be, the mentions' jobs snoozed
// rather than slept in a worker; once Slack lets them through, each mention is answered once.
func TestRateLimitedChannelDoesNotHoldSlashCommands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		const mentions, commands = 30, 20
		h := start(t, setup{queueURL: url})
		// Only a guard against a hang, beyond River's rescue of a job whose record failed on
		// a loaded machine (a minute): what is asserted is who is answered, and how often.
		ctx := ctxFor(t, 3*time.Minute)
		h.srv.RateLimit("chat.postMessage", -1, time.Second)
		var threads []string
		for i := range mentions {
			ts := h.srv.NewTS()
			threads = append(threads, ts)
			if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "EvLimited" + strconv.Itoa(i), Event: slacktest.AppMentionEvent{
				User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: "C0LIMITED", TS: ts}}); err != nil {
				t.Fatal(err)
			}
		}
		// Every mention reached its fast path and was put off.
		snoozed := map[string]string{"queue": jobs.QueuePost, "outcome": jobs.OutcomeSnoozed}
		for h.metric(jobs.MetricJobs, snoozed) < mentions {
			if ctx.Err() != nil {
				t.Fatalf("%v mentions snoozed, want %d", h.metric(jobs.MetricJobs, snoozed), mentions)
			}
			time.Sleep(10 * time.Millisecond)
		}
		for range commands {
			if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: paul, ChannelID: "C0OTHER"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.srv.WaitMessages(ctx, commands, slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck), slacktest.Succeeded()); err != nil {
			t.Fatal(err)
		}
		if n := len(h.srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); n != 0 {
			t.Fatalf("%d mentions answered while chat.postMessage is rate limited", n)
		}
		// The rate limit ends: River's workers answer the snoozed mentions, once each.
		h.srv.ClearFaults()
		if _, err := h.srv.WaitMessages(ctx, mentions, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
			t.Fatal(err)
		}
		settle()
		per := map[string]int{}
		for _, m := range h.srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded()) {
			per[m.ThreadTS]++
		}
		for _, ts := range threads {
			if per[ts] != 1 {
				t.Errorf("mention %s answered %d times, want 1", ts, per[ts])
			}
		}
		if n := len(h.srv.Messages(slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck), slacktest.Succeeded())); n != commands {
			t.Errorf("%d commands answered, want %d", n, commands)
		}
		if got := h.metric(slackbot.MetricQuestions, map[string]string{"surface": slackbot.SurfaceMention}); got != mentions {
			t.Errorf("questions counted for mentions = %v, want %d (once each)", got, mentions)
		}
	})
}

package slackbot_test

import (
	"context"
	"slices"
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

// TestFailedInsertAnsweredOnce runs two bots on one database, as two replicas, and makes the
// second one's insert of an event fail (the job table held by another transaction past the
// insert's timeout): once the database is free again, the event is answered once, whether
// the first bot had stored and answered it (the second finds its job) or nobody had (the
// second stores it, then answers it through its job). Answering in memory at once, as a
// failed insert used to, posted the first case twice.
func TestFailedInsertAnsweredOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		srv := slacktest.NewTB(t, slacktest.Config{})
		ctx := ctxFor(t, 90*time.Second)
		_, two, first, second := twoBots(ctx, t, srv, url)

		cases := []struct {
			name     string
			storedBy bool // whether the first bot stored and answered the event before
		}{
			{"stored by the other replica", true},
			{"stored by nobody", false},
		}
		for i, c := range cases {
			ts := srv.NewTS()
			inThread := func(m slacktest.Message) bool { return m.Method == "chat.postMessage" && m.ThreadTS == ts }
			ev := slacktest.AppMentionEvent{User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: prod, TS: ts}
			id := "EvInsert" + itoa(i)
			if c.storedBy {
				if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: id, Conn: first, Event: ev}); err != nil {
					t.Fatal(err)
				}
				if _, err := srv.WaitMessage(ctx, inThread); err != nil {
					t.Fatal(err)
				}
			}
			failed := map[string]string{"op": "enqueue"}
			claimed := map[string]string{"kind": "claimed"}
			done := map[string]string{"queue": jobs.QueuePost, "outcome": jobs.OutcomeDone}
			failedBefore, claimedBefore, doneBefore := two.metric(slackbot.MetricStoreErrors, failed),
				two.metric(slackbot.MetricDuplicates, claimed), two.metric(jobs.MetricJobs, done)

			retry := 0
			if c.storedBy {
				retry = 1 // Slack's retry, on the other connection
			}
			release := storetest.HoldWrites(t, url, "river_job")
			if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: id, RetryAttempt: retry, Conn: second, Event: ev}); err != nil {
				t.Fatal(err)
			}
			waitUntil(ctx, t, c.name+": the second bot's insert failed", func() bool {
				return two.metric(slackbot.MetricStoreErrors, failed) > failedBefore
			})
			release()

			// Settled: the second bot found the job, or answered, through its job or not.
			waitUntil(ctx, t, c.name+": the second bot settled the event", func() bool {
				return two.metric(slackbot.MetricDuplicates, claimed) > claimedBefore ||
					len(srv.Messages(inThread)) > 1 || (!c.storedBy && len(srv.Messages(inThread)) == 1)
			})
			settle()
			if n := len(srv.Messages(inThread)); n != 1 {
				t.Errorf("%s: answered %d times, want 1", c.name, n)
			}
			if !c.storedBy {
				// Answered through a job stored on the retried insert, not in memory.
				if got := two.metricEventually(jobs.MetricJobs, done, doneBefore+1); got != doneBefore+1 {
					t.Errorf("%s: %v answers through a job, want %v", c.name, got, doneBefore+1)
				}
			}
		}
	})
}

// twoBots runs two bots on the database of url against srv, as two replicas, and returns them
// with the ids of their connections to the fake.
func twoBots(ctx context.Context, t *testing.T, srv *slacktest.Server, url string) (one, two *harness, first, second int) {
	t.Helper()
	one = newHarness(t, srv, setup{queueURL: url})
	one.run()
	one.waitConnected()
	first = waitConnections(ctx, t, srv, 1)[0]
	two = newHarness(t, srv, setup{queueURL: url})
	two.run()
	two.waitConnected()
	second = slices.DeleteFunc(waitConnections(ctx, t, srv, 2), func(c int) bool { return c == first })[0]
	return one, two, first, second
}

// waitConnections waits until the fake Slack has n socket-mode connections and returns their
// ids.
func waitConnections(ctx context.Context, t *testing.T, srv *slacktest.Server, n int) []int {
	t.Helper()
	waitUntil(ctx, t, itoa(n)+" connections", func() bool { return len(srv.ConnectionIDs()) >= n })
	return srv.ConnectionIDs()
}

// waitUntil polls cond until it holds, failing the test if ctx ends first.
func waitUntil(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if ctx.Err() != nil {
			t.Fatalf("still waiting for %s: %v", what, ctx.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDatabaseRefusingInsertsAnswersInMemory holds the job table for longer than the inserts
// are tried again: the mention is answered anyway, once, in memory (no job), as the bot keeps
// answering through a database outage.
func TestDatabaseRefusingInsertsAnswersInMemory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		h := start(t, setup{queueURL: url})
		ctx := ctxFor(t, 90*time.Second)
		release := storetest.HoldWrites(t, url, "river_job")
		defer release()
		ts := h.srv.NewTS()
		inThread := func(m slacktest.Message) bool { return m.Method == "chat.postMessage" && m.ThreadTS == ts }
		if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "EvOutage", Event: slacktest.AppMentionEvent{
			User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: prod, TS: ts}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.WaitMessage(ctx, inThread); err != nil {
			t.Fatal(err)
		}
		release()
		settle()
		if n := len(h.srv.Messages(inThread)); n != 1 {
			t.Errorf("answered %d times, want 1", n)
		}
		if got := h.metric(slackbot.MetricStoreErrors, map[string]string{"op": "enqueue"}); got < 2 {
			t.Errorf("%v failed inserts, want the first and at least one more", got)
		}
		if got := h.metric(jobs.MetricJobs, map[string]string{"outcome": jobs.OutcomeDone}); got != 0 {
			t.Errorf("%v answers through a job, want none (the database refused it)", got)
		}
	})
}

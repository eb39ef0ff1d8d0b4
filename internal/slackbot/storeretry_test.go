package slackbot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

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
		one := newHarness(t, srv, setup{queueURL: url})
		one.run()
		one.waitConnected()
		ctx := ctxFor(t, 90*time.Second)
		first := waitConnections(ctx, t, srv, 1)[0]
		two := newHarness(t, srv, setup{queueURL: url})
		two.run()
		two.waitConnected()
		second := slices.DeleteFunc(waitConnections(ctx, t, srv, 2), func(c int) bool { return c == first })[0]

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

package slackbot_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// answersTo are the answers (in an ack, or through a response_url) the fake recorded for the
// commands of responseURLs, successful or not.
func answersTo(srv *slacktest.Server, responseURLs ...string) []slacktest.Message {
	return srv.Messages(slacktest.Method(slacktest.MethodAck, slacktest.MethodResponseURL), func(m slacktest.Message) bool {
		return slices.Contains(responseURLs, m.ResponseURL)
	})
}

// TestSlashDeliveredTwiceAnsweredOnce delivers one command twice (Slack's retry: the same
// trigger, another envelope), to one of two bots on one database, then one delivery to each:
// both deliveries are acknowledged, the command is answered once, in an ack, and its second
// delivery counted as a duplicate.
func TestSlashDeliveredTwiceAnsweredOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		srv := slacktest.NewTB(t, slacktest.Config{})
		ctx := ctxFor(t, 60*time.Second)
		one, two, first, second := twoBots(ctx, t, srv, url)

		urls := map[string]string{"TRIG-ONE": srv.ResponseURL(), "TRIG-TWO": srv.ResponseURL()}
		send := func(trigger string, conn int) string {
			env, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: marc, ChannelID: prod,
				TriggerID: trigger, ResponseURL: urls[trigger], Conn: conn})
			if err != nil {
				t.Fatal(err)
			}
			return env
		}
		check := func(name, trigger string, envs ...string) {
			t.Helper()
			for _, env := range envs {
				if ack, err := srv.WaitAck(ctx, env); err != nil || ack.Late {
					t.Errorf("%s: ack of %s: %+v, %v; want one in time", name, env, ack, err)
				}
			}
			settle()
			got := answersTo(srv, urls[trigger])
			if len(got) != 1 || got[0].Method != slacktest.MethodAck || !got[0].OK() {
				t.Errorf("%s: answers %+v, want one, in an ack", name, got)
			}
		}
		// One bot, both deliveries at once: the second dropped as seen in memory (or, were it
		// not, as the job's duplicate).
		a, b := send("TRIG-ONE", first), send("TRIG-ONE", first)
		check("one bot", "TRIG-ONE", a, b)
		if got := one.metricEventually(slackbot.MetricDuplicates, nil, 1); got != 1 {
			t.Errorf("one bot: duplicates %v, want 1", got)
		}
		// Two bots, one delivery each: only the job tells the second.
		dups := map[string]string{"kind": "claimed"}
		a, b = send("TRIG-TWO", first), send("TRIG-TWO", second)
		check("two bots", "TRIG-TWO", a, b)
		if got := one.metric(slackbot.MetricDuplicates, dups) + two.metric(slackbot.MetricDuplicates, dups); got != 1 {
			t.Errorf("two bots: duplicates of a job %v, want 1", got)
		}
	})
}

// TestSlashInsertHeld holds the job table while a command comes in. Held past the ack's
// deadline, the job's answered insert fails (its outcome unknown to the bot), so the command
// gets no ack at all (Slack shows its timeout) rather than an answer its job could not stand
// for; once the table is free, the insert tried again stores the job, and the answer is posted
// once through the response_url. Held for less, the insert waits, stores the job, and the
// command is answered in its ack, in time. Held for the whole retry window (an outage), the
// answer is posted from memory through the response_url. Either way it is answered once, and the next
// command is answered in its ack, in one round.
func TestSlashInsertHeld(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// past: held until the insert's outcome is unknown, else for less than the deadline.
		past bool
		// outage: held on for the whole retry window as well (a database down for good).
		outage bool
	}{
		{"past the ack's deadline", true, false},
		{"within the ack's deadline", false, false},
		{"past the retry window", true, true},
	}
	storetest.Each(t, func(t *testing.T, url string) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h := start(t, setup{queueURL: url})
				ctx := ctxFor(t, 90*time.Second)
				ask := func() string {
					env, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: marc, ChannelID: prod})
					if err != nil {
						t.Fatal(err)
					}
					return env
				}
				inAck := func(env string) {
					t.Helper()
					if ack, err := h.srv.WaitAck(ctx, env); err != nil || ack.Late || len(ack.Payload) == 0 {
						t.Fatalf("ack %+v, %v; want the answer in time", ack, err)
					}
				}
				oneRound := map[string]string{"outcome": "one_round"}

				release := storetest.HoldWrites(t, url, "river_job")
				defer release()
				env := ask()
				if c.past {
					unknown := map[string]string{"outcome": "unknown"}
					waitUntil(ctx, t, "the insert's outcome unknown", func() bool { return h.metric(slackbot.MetricAckAnswers, unknown) == 1 })
					if c.outage {
						// Answered from memory, with no job, once the window is over.
						if _, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), slacktest.Succeeded()); err != nil {
							t.Fatalf("no answer through the outage: %v", err)
						}
					}
				} else {
					time.Sleep(700 * time.Millisecond) // most of the bound, nothing stored meanwhile
				}
				release()
				if c.past {
					m, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), slacktest.Succeeded())
					if err != nil {
						t.Fatal(err)
					}
					if !contains(m, "Designer") {
						t.Errorf("the late answer does not show the designer: %v", allText(m))
					}
					settle()
					for _, a := range h.srv.Acks() {
						if a.EnvelopeID == env {
							t.Errorf("command acknowledged (%+v), want no ack: its insert's outcome was unknown", a)
						}
					}
				} else {
					inAck(env)
					settle()
				}
				if n := len(h.srv.Messages(slacktest.Method(slacktest.MethodAck, slacktest.MethodResponseURL))); n != 1 {
					t.Errorf("%d answers, want 1", n)
				}
				before := h.metric(slackbot.MetricAckAnswers, oneRound)
				inAck(ask())
				if got := h.metricEventually(slackbot.MetricAckAnswers, oneRound, before+1); got != before+1 {
					t.Errorf("answers in one round = %v, want %v", got, before+1)
				}
			})
		}
	})
}

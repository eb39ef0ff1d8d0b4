package slackbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	dbstore "github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// ackSetup is a bot on the durable queue at url, with st as its teams and feedback, and the
// workspace's people known to the fake.
func ackSetup(t *testing.T, st *dbstore.Store, url string, budget time.Duration) *harness {
	t.Helper()
	h := start(t, setup{queueURL: url, opts: func(o *slackbot.Options) {
		o.Teams, o.Feedback, o.Admins = st, st, []string{admin}
		o.AckAnswerBudget = budget
	}})
	h.srv.AddUser(
		slacktest.User{ID: marc, Name: "marc", RealName: "Marc Petit", DisplayName: "Marc"},
		slacktest.User{ID: claire, Name: "claire", RealName: "Claire Martin", DisplayName: "Claire"},
	)
	h.srv.SetMembers(prod, marc, claire, slacktest.DefaultBotUserID)
	return h
}

// TestSlashAnsweredInAck: on the durable queue's path, `/role designer` is answered in its
// socket-mode ack, within Slack's 3 s, with the card, its people and its feedback buttons;
// nothing is posted to the response_url; the job is completed; the answer is recorded once
// and a click on its feedback buttons is taken. On SQLite and PostgreSQL.
func TestSlashAnsweredInAck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := ctxFor(t, 60*time.Second)
		st := openStore(t, url)
		h := ackSetup(t, st, url, 0)
		if _, err := st.SetTeam(ctx, prod, marc, dbstore.Team{"designer": {claire}}); err != nil {
			t.Fatal(err)
		}
		env, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: marc, ChannelID: prod})
		if err != nil {
			t.Fatal(err)
		}
		ack, err := h.srv.WaitAck(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		if ack.Late {
			t.Errorf("ack late: %v", ack.Latency)
		}
		m, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodAck))
		if err != nil {
			t.Fatalf("no answer in the ack (payload %s): %v", ack.Payload, err)
		}
		if !m.OK() || m.ResponseType != "ephemeral" || m.Channel != prod || m.User != marc {
			t.Errorf("answer in the ack = %+v", m)
		}
		if !contains(m, "Designer") || !contains(m, "<@"+claire+">") {
			t.Errorf("the answer does not show the designer and Claire: %v", allText(m))
		}
		if strings.Contains(string(m.BlocksJSON), `"feedback_buttons"`) {
			t.Errorf("the ack carries Slack's feedback_buttons, which an ack cannot fall back from: %s", m.BlocksJSON)
		}
		key, _ := feedbackKeyOf(t, m)
		shown := waitShown(ctx, t, st, 1)
		if shown[0].Key != key || shown[0].Question != "designer" || shown[0].User != marc {
			t.Errorf("recorded %+v, want the answer of key %s", shown[0], key)
		}
		if got := h.metricEventually(jobs.MetricJobs, map[string]string{"outcome": jobs.OutcomeAcked}, 1); got != 1 {
			t.Errorf("jobs completed by their ack = %v, want 1", got)
		}
		// Its job inserted answered: one round before the ack (oneround.go).
		if got := h.metric(slackbot.MetricAckAnswers, map[string]string{"outcome": "one_round"}); got != 1 {
			t.Errorf("answers in one round = %v, want 1", got)
		}
		// The feedback buttons of an answer in the ack work as any other's.
		thanks := clickFeedback(ctx, t, h.srv, marc, prod, reply.FeedbackValue(key, true))
		if thanks.Text != reply.FeedbackThanks {
			t.Errorf("feedback click answered %q, want %q", thanks.Text, reply.FeedbackThanks)
		}
		fbs := opinions(ctx, t, st)
		if len(fbs) != 1 || fbs[0].Key != key || !fbs[0].Useful {
			t.Errorf("opinions = %+v, want one useful on %s", fbs, key)
		}
		settle()
		if n := len(h.srv.Messages(slacktest.Method(slacktest.MethodResponseURL), func(m slacktest.Message) bool { return m.ResponseURL != thanks.ResponseURL })); n != 0 {
			t.Errorf("%d posts to the command's response_url, want 0 (answered in the ack)", n)
		}
		if n := len(h.srv.Messages(slacktest.Method(slacktest.MethodAck))); n != 1 {
			t.Errorf("%d answers in acks, want 1", n)
		}
		if shown, _ = st.AnswersSince(ctx, time.Time{}); len(shown) != 1 {
			t.Errorf("%d answers recorded, want 1", len(shown))
		}
	})
}

// TestSlowDirectoryFallsBackToResponseURL holds users.info past the ack's budget: the command
// is acknowledged empty within Slack's 3 s, then answered once through its response_url, with
// the names once Slack's directory answers; never in the ack as well.
func TestSlowDirectoryFallsBackToResponseURL(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := ctxFor(t, 60*time.Second)
		st := openStore(t, url)
		const budget = 200 * time.Millisecond
		h := ackSetup(t, st, url, budget)
		if _, err := st.SetTeam(ctx, prod, marc, dbstore.Team{"designer": {claire}}); err != nil {
			t.Fatal(err)
		}
		release := h.srv.Hold("users.info")
		defer release()
		env, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "quels sont les rôles ?", UserID: marc, ChannelID: prod})
		if err != nil {
			t.Fatal(err)
		}
		ack, err := h.srv.WaitAck(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		if len(ack.Payload) != 0 || ack.Late {
			t.Errorf("ack = %s (late %v), want an empty ack in time", ack.Payload, ack.Late)
		}
		if ack.Latency < budget {
			t.Errorf("acked after %v, before the budget (%v) ran out", ack.Latency, budget)
		}
		release()
		m, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), slacktest.Succeeded())
		if err != nil {
			t.Fatal(err)
		}
		if !contains(m, "Claire") {
			t.Errorf("the list does not name Claire: %v", allText(m))
		}
		if got := h.metricEventually(slackbot.MetricAckAnswers, map[string]string{"outcome": "fallback"}, 1); got != 1 {
			t.Errorf("fallbacks = %v, want 1", got)
		}
		// The answer is recorded off the critical path (the recorder's batches): waited for,
		// not read once, which a loaded machine made flaky (0 recorded 150 ms after the post).
		waitShown(ctx, t, st, 1)
		settle()
		if n := len(h.srv.Messages(slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck))); n != 1 {
			t.Errorf("%d answers, want 1", n)
		}
		if shown, _ := st.AnswersSince(ctx, time.Time{}); len(shown) != 1 {
			t.Errorf("%d answers recorded, want 1", len(shown))
		}
	})
}

package slackbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestBeforeFirstContent runs a bot on a store that has no content yet, as serve's is until a
// content repository's first commit is indexed: questions, mentions and `/role équipe` are
// told NotLoadedText, the help still comes, the Home is not published, nothing panics; once
// the content is swapped in, the same question gets its card. On the in-memory path and the
// durable queue's, on SQLite and PostgreSQL.
func TestBeforeFirstContent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		for _, durable := range []bool{false, true} {
			name := "memory"
			if durable {
				name = "queue"
			}
			t.Run(name, func(t *testing.T) {
				st := openStore(t, url)
				empty := knowledge.NewStore(nil)
				s := setup{opts: func(o *slackbot.Options) { o.Store, o.Teams = empty, st }}
				if durable {
					s.queueURL = url
				}
				h := start(t, s)
				ctx := ctxFor(t, 30*time.Second)
				for _, text := range []string{"designer", "équipe"} {
					if m := ask(ctx, t, h, marc, prod, text); m.Text != slackbot.NotLoadedText || len(m.Blocks.BlockSet) != 0 {
						t.Errorf("/role %s before the content = %q with %d blocks, want %q", text, m.Text, len(m.Blocks.BlockSet), slackbot.NotLoadedText)
					}
				}
				if m := ask(ctx, t, h, marc, prod, ""); !contains(m, "/role designer") {
					t.Errorf("/role before the content = %q, want the help", m.Text)
				}
				if m := h.ask(ctx, prod, "designer"); m.Text != slackbot.NotLoadedText {
					t.Errorf("mention before the content = %q, want %q in its thread", m.Text, slackbot.NotLoadedText)
				}
				if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: marc, Channel: "D1"}}); err != nil {
					t.Fatal(err)
				}
				if got := h.metricEventually(slackbot.MetricFailures, map[string]string{"surface": slackbot.SurfaceHome}, 1); got != 1 {
					t.Errorf("Home before the content: %v failures counted, want 1", got)
				}
				if n := len(h.srv.Messages(slacktest.Method("views.publish"))); n != 0 {
					t.Errorf("%d Home views published before the content, want 0", n)
				}

				clickURL := h.srv.ResponseURL()
				if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
					UserID: marc, ChannelID: prod, MessageTS: h.srv.NewTS(), Ephemeral: true, ResponseURL: clickURL,
					Actions: []slacktest.Action{{ActionID: reply.ActionOpen, BlockID: "rolebot_alternatives", Value: "list_roles:"}},
				}); err != nil {
					t.Fatal(err)
				}
				if m, err := h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == clickURL }); err != nil || m.Text != slackbot.NotLoadedText {
					t.Errorf("a click before the content = %q (%v), want %q", m.Text, err, slackbot.NotLoadedText)
				}

				empty.Swap(content(t).Current())
				if m := ask(ctx, t, h, marc, prod, "designer"); m.Text == slackbot.NotLoadedText || !contains(m, "Designer") {
					t.Errorf("/role designer once the content is served = %q, want the card", m.Text)
				}
				if strings.Contains(h.logs.String(), "panique") {
					t.Errorf("a panic was logged:\n%s", h.logs.String())
				}
			})
		}
	})
}

package slackbot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// benchQuestions are answered in turn: a task, a role, the list of roles.
var benchQuestions = []string{"qui priorise le backlog ?", "designer", "responsable métier", "quels sont les rôles ?"}

// BenchmarkAnswerPeople measures the answer path of a mention in a channel
// (question → answer → the team read → the card), without a team and with
// one on SQLite and PostgreSQL, and reports the p99 of one answer. The
// difference between "none" and a store is the cost of naming people. The
// store caches a team read for 2 s: the "uncached" runs ask in a different
// channel each time, so that every answer reads its team from the database.
//
//	go test ./internal/slackbot -run '^$' -bench AnswerPeople -benchtime 2000x
func BenchmarkAnswerPeople(b *testing.B) {
	content := shippedContent(b)
	srv := slacktest.NewTB(b, slacktest.Config{Logf: func(string, ...any) {}})
	srv.AddUser(slacktest.User{ID: "U0CLAIRE", RealName: "Claire"}, slacktest.User{ID: "U0PAUL", RealName: "Paul"},
		slacktest.User{ID: "U0MARC", RealName: "Marc"})
	srv.SetMembers("C0PROD", "U0MARC", "U0CLAIRE", "U0PAUL")

	for _, run := range []string{"none", "sqlite", "sqlite-uncached", "postgres", "postgres-uncached"} {
		backend, uncached := strings.CutSuffix(run, "-uncached")
		b.Run(run, func(b *testing.B) {
			o := Options{
				API:    NewClient(config.Secret(srv.Config().BotToken), config.Secret(srv.Config().AppToken), srv.APIURL()),
				Store:  content,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				// The asker may edit everywhere, so that a role nobody
				// holds costs no call to Slack in a channel never seen.
				Admins: []string{"U0MARC"},
			}
			if backend != "none" {
				url := storetest.SQLiteURL(b)
				if backend == "postgres" {
					url = storetest.PostgresURL(b)
				}
				st, err := store.Open(context.Background(), url, "", nil)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = st.Close() })
				n := 1
				if uncached {
					n = b.N
				}
				for i := range n {
					if _, err := st.SetTeam(context.Background(), channelOf(i, uncached), "U0MARC",
						store.Team{"responsable-produit": {"U0CLAIRE"}, "designer": {"U0PAUL", "U0CLAIRE"}}); err != nil {
						b.Fatal(err)
					}
				}
				o.Teams = st
			}
			bot := New(o)
			ctx := context.Background()
			answer := func(q, channel string) int {
				a := bot.ask(ctx, q)
				return len(bot.card(a, false, "", bot.people(ctx, channel, "U0MARC", a), "").Blocks)
			}
			for _, q := range benchQuestions { // warm the caches of Slack's directory
				answer(q, "C0PROD")
			}
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				if answer(benchQuestions[i%len(benchQuestions)], channelOf(i, uncached)) == 0 {
					b.Fatal("an empty card")
				}
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds())/1e3, "p99-µs")
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "p50-µs")
		})
	}
}

// channelOf is the channel of the i-th answer: always C0PROD, or a channel
// of its own when uncached.
func channelOf(i int, uncached bool) string {
	if !uncached {
		return "C0PROD"
	}
	return fmt.Sprintf("C0P%07d", i)
}

package slackbot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// recordBenchQuestions are the kinds the load command asks: a role, a task, a list, help, a
// question the content does not know, one with alternatives.
var recordBenchQuestions = []string{"designer", "qui priorise le backlog ?", "liste des rôles", "aide", "ornithorynque", "sécurité"}

// BenchmarkRecordShown measures what recording an answer costs the goroutine that posted it:
// recordShown's hand-off to the recorder (whose goroutine is held, so that its writes are not
// measured; they run in a pause, see recordQuiet).
//
//	go test ./internal/slackbot -run '^$' -bench RecordShown
func BenchmarkRecordShown(b *testing.B) {
	bot, _ := recordingBot(b, storetest.SQLiteURL(b))
	answers := make([]answer.Answer, len(recordBenchQuestions))
	for i, q := range recordBenchQuestions {
		answers[i] = bot.ask(context.Background(), q)
	}
	const perRound = 1024
	args := make([]jobs.AnswerArgs, perRound)
	for i := range args {
		args[i] = jobs.AnswerArgs{DeliveryKey: fmt.Sprint("message:C0PROD/", i), Surface: SurfaceMention, Channel: "C0PROD",
			User: "U0MARC", Text: recordBenchQuestions[i%len(answers)], ReceivedAt: time.Now()}
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		// A buffer for every answer, and nobody reading it.
		bot.rec = newRecorder(bot, perRound)
		bot.rec.running = true
		b.StartTimer()
		for i, a := range args {
			bot.recordShown(a, "r0123456789abcdef01234567", answers[i%len(answers)])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perRound), "ns/answer")
}

// shippedContent is the content rolebot ships, loaded for a benchmark.
func shippedContent(tb testing.TB) *knowledge.Store {
	tb.Helper()
	fsys, err := knowledge.Open("")
	if err != nil {
		tb.Fatal(err)
	}
	snap, err := knowledge.Load(context.Background(), fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return knowledge.NewStore(snap)
}

// recordingBot is a bot with the shipped content that records its answers in a new store at
// url, for tests that call its recorder directly (it does not run).
func recordingBot(tb testing.TB, url string) (*Bot, *store.Store) {
	tb.Helper()
	st, err := store.Open(context.Background(), url, "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	srv := slacktest.NewTB(tb, slacktest.Config{Logf: func(string, ...any) {}})
	return New(Options{
		API:      NewClient(config.Secret(srv.Config().BotToken), config.Secret(srv.Config().AppToken), srv.APIURL()),
		Store:    shippedContent(tb),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Feedback: st,
	}), st
}

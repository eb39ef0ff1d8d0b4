package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// starts is an Answerer that tells when each job starts being worked.
type starts chan time.Time

func (s starts) Answer(context.Context, AnswerArgs) error {
	s <- time.Now()
	return nil
}

// BenchmarkPickup measures River's pick-up latency, from the call to Enqueue to the start of
// the job's work, one job at a time, on each driver, with River's defaults and with this
// package's, and without notifications (polling only). It reports p50 and p99.
//
//	export ROLEBOT_TEST_POSTGRES_URL=$(scripts/postgres.sh start)
//	go test -run '^$' -bench Pickup -benchtime 200x ./internal/jobs/
func BenchmarkPickup(b *testing.B) {
	configs := []struct {
		name string
		cfg  Config
	}{
		{"river-defaults", Config{FetchPollInterval: time.Second, FetchCooldown: 100 * time.Millisecond}},
		{"poll200ms-cooldown5ms", Config{FetchPollInterval: 200 * time.Millisecond, FetchCooldown: 5 * time.Millisecond}},
		{"tuned", Config{}},
		{"tuned-poll-only", Config{pollOnly: true}},
	}
	for _, backend := range storetest.Backends() {
		for _, c := range configs {
			b.Run(fmt.Sprintf("%s/%s", backend.Name, c.name), func(b *testing.B) {
				url := backend.URL(b)
				s := make(starts, 1)
				cfg := c.cfg
				cfg.Answerer = s
				cfg.Log = slog.New(slog.DiscardHandler)
				ctx := context.Background()
				q, err := Open(ctx, url, "", cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer q.Close()
				if err := q.Start(ctx); err != nil {
					b.Fatal(err)
				}
				defer func() { _ = q.Stop(ctx) }()
				// A first job, so that the producers are up before measuring.
				if _, _, err := q.Enqueue(ctx, mention("warm-up", "C1")); err != nil {
					b.Fatal(err)
				}
				<-s
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := range b.N {
					t0 := time.Now()
					if _, _, err := q.Enqueue(ctx, mention(fmt.Sprintf("k%d", i), "C1")); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, (<-s).Sub(t0))
				}
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}

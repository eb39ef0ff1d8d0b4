package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"syscall"
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

// BenchmarkFastPath answers jobs through the fast path as the bot does (each job inserted,
// claimed, answered by an Answerer that does nothing, completed without waiting), from 16 goroutines at once
// (the bot's two lanes of 8 workers), on each driver. It reports the process's CPU time a job
// (cpu-µs/job), which the other processes of a loaded machine disturb less than the wall
// time; run it with -cpu 1, as the bot runs on one CPU under the load command.
//
//	go test -run '^$' -bench FastPath -cpu 1 -benchtime 4000x ./internal/jobs/
func BenchmarkFastPath(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			ctx := context.Background()
			q, err := Open(ctx, backend.URL(b), "", Config{Answerer: nopAnswerer{}, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			defer q.Close()
			var n atomic.Int64
			cpu0 := cpuTime(b)
			b.ResetTimer()
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a := mention(fmt.Sprintf("%s-%d", b.Name(), n.Add(1)), "C1")
					tickets, err := q.EnqueueLeased(ctx, []AnswerArgs{a})
					if err != nil {
						b.Error(err)
						return
					}
					if ok, err := q.AnswerWith(ctx, tickets[0], nil); !ok || err != nil {
						b.Error(ok, err)
						return
					}
				}
			})
			if err := q.commits.flush(ctx); err != nil { // the last completions too
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/job")
		})
	}
}

// nopAnswerer answers every job at once, posting nothing.
type nopAnswerer struct{}

func (nopAnswerer) Answer(context.Context, AnswerArgs) error { return nil }

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRound writes batches of jobs through the committer's rounds, as a burst does: each
// batch inserted in one round, claimed in the next, completed in a third, on each driver, for
// batches of 1, 8 and 64 jobs. It reports the time a job of each round; what a round of one
// costs beside a round of 64 is why the fast path groups its writes (commit.go).
//
//	go test -run '^$' -bench Round -benchtime 1024x ./internal/jobs/
func BenchmarkRound(b *testing.B) {
	for _, backend := range storetest.Backends() {
		for _, size := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("%s/batch=%d", backend.Name, size), func(b *testing.B) {
				ctx := context.Background()
				q, err := Open(ctx, backend.URL(b), "", Config{Answerer: nopAnswerer{}, Log: slog.New(slog.DiscardHandler)})
				if err != nil {
					b.Fatal(err)
				}
				defer q.Close()
				var ins, claim, complete time.Duration
				n := 0
				for i := 0; i < b.N; i += size {
					batch := make([]AnswerArgs, size)
					for k := range batch {
						n++
						batch[k] = mention(fmt.Sprintf("R%d", n), "C1")
					}
					t0 := time.Now()
					tickets, err := q.EnqueueLeased(ctx, batch)
					if err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					ids := make([]int64, len(tickets))
					for k, t := range tickets {
						ids[k] = t.ID()
					}
					if got, err := q.commits.update(ctx, writeClaim, ids...); err != nil || len(got) != size {
						b.Fatalf("claimed %d of %d: %v", len(got), size, err)
					}
					t2 := time.Now()
					if got, err := q.commits.update(ctx, writeComplete, ids...); err != nil || len(got) != size {
						b.Fatalf("completed %d of %d: %v", len(got), size, err)
					}
					ins, claim, complete = ins+t1.Sub(t0), claim+t2.Sub(t1), complete+time.Since(t2)
				}
				per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
				b.ReportMetric(per(ins), "insert-µs/job")
				b.ReportMetric(per(claim), "claim-µs/job")
				b.ReportMetric(per(complete), "complete-µs/job")
			})
		}
	}
}

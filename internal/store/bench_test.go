package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// benchChannels and benchRoles shape the benchmark's roster: 1,000 channels, each with a team
// of 9 roles held by 2 people, as the load run has it.
const (
	benchChannels = 1000
	benchRoles    = 9
)

func seed(b *testing.B, s *Store) []string {
	b.Helper()
	var rows []Row
	channels := make([]string, benchChannels)
	for c := range benchChannels {
		channels[c] = fmt.Sprintf("C%06d", c)
		for r := range benchRoles {
			for p := range 2 {
				rows = append(rows, Row{Channel: channels[c], Role: fmt.Sprintf("role-%d", r), User: fmt.Sprintf("U%04d%d", c%500, r*2+p)})
			}
		}
	}
	if _, err := s.Import(context.Background(), "bench", rows); err != nil {
		b.Fatal(err)
	}
	return channels
}

// BenchmarkTeam is the cost an answer pays to name people: one Team read, from the cache
// (a channel asked again within teamCacheTTL) or from the database (cache off). It reports the
// p50 and p99 of single reads besides the mean.
func BenchmarkTeam(b *testing.B) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, err := Open(context.Background(), be.URL(b), "", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			channels := seed(b, s)
			for _, mode := range []string{"cached", "uncached"} {
				b.Run(mode, func(b *testing.B) {
					if mode == "uncached" {
						s.cache = newTeamCache(0)
					} else {
						s.cache = newTeamCache(time.Hour)
					}
					ctx := context.Background()
					if mode == "cached" { // every channel read once: the reads below hit
						for _, c := range channels {
							if _, err := s.Team(ctx, c); err != nil {
								b.Fatal(err)
							}
						}
					}
					lat := make([]time.Duration, 0, b.N)
					i := 0
					for b.Loop() {
						start := time.Now()
						t, err := s.Team(ctx, channels[i%len(channels)])
						lat = append(lat, time.Since(start))
						if err != nil || len(t) != benchRoles {
							b.Fatalf("Team = %d roles, %v", len(t), err)
						}
						i++
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
					b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
				})
			}
		})
	}
}

// BenchmarkClaim is the cost of de-duplicating one delivery: one INSERT … ON CONFLICT.
func BenchmarkClaim(b *testing.B) {
	eachStore(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			if ok, err := s.Claim(ctx, fmt.Sprintf("Ev%09d", i), time.Hour); err != nil || !ok {
				b.Fatalf("Claim = %v, %v", ok, err)
			}
			i++
		}
	})
}

// BenchmarkRecordAnswer is what recording an answer shown costs, one INSERT, and a click on it,
// one INSERT … SELECT: the cost the Slack service pays off the answer's critical path.
func BenchmarkRecordAnswer(b *testing.B) {
	eachStore(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			key := fmt.Sprintf("C1-%09d", i)
			if _, ok, err := s.RecordAnswer(ctx, Shown{Key: key, Question: "qui gère la facturation ?", Ref: "none", Intent: "none",
				Candidates: []string{"role:designer"}, Channel: "C1", User: "U1"}); err != nil || !ok {
				b.Fatalf("RecordAnswer = %v, %v", ok, err)
			}
			if ok, err := s.RecordFeedback(ctx, Feedback{Key: key, User: "U2"}); err != nil || !ok {
				b.Fatalf("RecordFeedback = %v, %v", ok, err)
			}
			i++
		}
	})
}

// eachStore runs f as a sub-benchmark on a new store of each backend.
func eachStore(b *testing.B, f func(b *testing.B, s *Store)) {
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			s, err := Open(context.Background(), be.URL(b), "", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			f(b, s)
		})
	}
}

package search_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/contentgen"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/search"
)

// scaleSizes are the folder sizes of the scale benchmarks: a small team,
// a large one, a whole ministry.
func scaleSizes() []contentgen.Size {
	return []contentgen.Size{{Pages: 100, Tasks: 10}, {Pages: 1000, Tasks: 100}, {Pages: 10000, Tasks: 1000}}
}

// scaleName is a size's sub-benchmark name, which the plot tool parses.
func scaleName(s contentgen.Size) string { return fmt.Sprintf("pages=%d/tasks=%d", s.Pages, s.Tasks) }

// skipLarge skips the whole-ministry size in short mode: generating and
// indexing it takes several seconds.
func skipLarge(b *testing.B, s contentgen.Size) {
	if testing.Short() && s.Pages >= 10000 {
		b.Skipf("%s skipped in short mode", scaleName(s))
	}
}

// BenchmarkScaleBuild measures loading a generated folder and indexing it:
// ns/op is both, load-ms and index-ms split it, heap-MB is the heap the team
// and its index hold once built.
func BenchmarkScaleBuild(b *testing.B) {
	ctx := context.Background()
	// The testing package calls a sub-benchmark's function once per b.N it
	// tries: the folder is generated once per size.
	folders := map[contentgen.Size]fstest.MapFS{}
	for _, s := range scaleSizes() {
		b.Run(scaleName(s), func(b *testing.B) {
			skipLarge(b, s)
			fsys, ok := folders[s]
			if !ok {
				fsys = contentgen.Folder(s)
				folders[s] = fsys
			}
			var load, index time.Duration
			var heap float64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				before := heapInuse()
				b.StartTimer()

				start := time.Now()
				tm, _, err := gitbook.Load(ctx, fsys)
				if err != nil {
					b.Fatal(err)
				}
				loaded := time.Now()
				ix, err := search.Build(ctx, tm, search.Options{})
				if err != nil {
					b.Fatal(err)
				}
				load += loaded.Sub(start)
				index += time.Since(loaded)

				b.StopTimer()
				heap += float64(heapInuse()) - float64(before)
				runtime.KeepAlive(ix)
				if err := ix.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			n := float64(b.N)
			b.ReportMetric(float64(load.Microseconds())/1e3/n, "load-ms")
			b.ReportMetric(float64(index.Microseconds())/1e3/n, "index-ms")
			b.ReportMetric(heap/n/(1<<20), "heap-MB")
		})
	}
}

// heapInuse is the heap in use once garbage is collected.
func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkScaleAsk measures answering the generator's questions, round
// robin, on an index built once: ns/op is the mean, p50-µs and p99-µs the
// latency percentiles over every question asked.
func BenchmarkScaleAsk(b *testing.B) {
	ctx := context.Background()
	indexes := map[contentgen.Size]*search.Index{}
	b.Cleanup(func() {
		for _, ix := range indexes {
			ix.Close()
		}
	})
	for _, s := range scaleSizes() {
		b.Run(scaleName(s), func(b *testing.B) {
			skipLarge(b, s)
			ix, ok := indexes[s]
			if !ok {
				tm, _, err := gitbook.Load(ctx, contentgen.Folder(s))
				if err != nil {
					b.Fatal(err)
				}
				if ix, err = search.Build(ctx, tm, search.Options{}); err != nil {
					b.Fatal(err)
				}
				indexes[s] = ix
			}
			qs := contentgen.Questions(s)
			// Every question once, untimed: a broken generator or search
			// must fail the benchmark rather than time "no answer".
			found := 0
			var none []string
			for _, q := range qs {
				switch a := ix.Ask(ctx, q); a.Intent {
				case answer.IntentRole, answer.IntentTask:
					found++
				case answer.IntentNone:
					none = append(none, q)
				}
			}
			if 2*found < len(qs) {
				b.Fatalf("%d of %d questions answered by a role or a task; no answer for %q", found, len(qs), none)
			}

			lat := make([]time.Duration, b.N)
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				ix.Ask(ctx, qs[i%len(qs)])
				lat[i] = time.Since(start)
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(percentile(lat, 50).Nanoseconds())/1e3, "p50-µs")
			b.ReportMetric(float64(percentile(lat, 99).Nanoseconds())/1e3, "p99-µs")
		})
	}
}

// percentile is the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := (p*len(sorted) + 99) / 100 // ceil(p/100 × n), 1-based
	return sorted[max(k, 1)-1]
}

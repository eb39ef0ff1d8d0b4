package knowledge

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Garbage collector settings while a build runs and while the service
// answers (see docs/benchmarks.md).
const (
	// BuildGCPercent keeps a build's garbage, several times the index's
	// size, from doubling the heap: a 10,000-page folder peaks at about
	// 235 MiB resident instead of 290.
	BuildGCPercent = 50
	// ServeGCPercent is Go's default. Between builds the heap is the index,
	// which never changes, plus each answer's garbage: a collection's cost
	// grows with the heap, so the cost per answer depends on this percent
	// only, and 50 would double it.
	ServeGCPercent = 100
	// serveHeadroom is what the soft memory limit allows above 1.5 times
	// the live heap, so that a small index is never collected more often
	// than ServeGCPercent says.
	serveHeadroom = 32 << 20
)

// GC tunes Go's garbage collector for a process that holds one large index
// which only a build replaces. During a build it collects often
// (BuildGCPercent, no memory limit); once the build is served and the index
// it replaced is closed, it collects at ServeGCPercent under a soft memory
// limit of 1.5 times the live heap plus 32 MiB. A small index then costs
// answers no more collections than Go's default, and a large one keeps the
// memory a GOGC of 50 would. What GOGC or GOMEMLIMIT set in the environment
// is never changed. A nil *GC changes no setting but still gives memory
// back (see End).
type GC struct {
	percent bool // GOGC unset: the percent is ours to set
	limit   bool // GOMEMLIMIT unset: the limit is ours to set

	mu     sync.Mutex
	builds int // builds begun and not ended
}

// NewGC returns the tuning for a process whose environment getenv reads.
func NewGC(getenv func(string) string) *GC {
	return &GC{percent: getenv("GOGC") == "", limit: getenv("GOMEMLIMIT") == ""}
}

// Begin switches to the build settings; End must follow.
func (g *GC) Begin() {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.builds++
	if g.percent {
		debug.SetGCPercent(BuildGCPercent)
	}
	if g.limit {
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

// End returns to the system the memory a build or a dropped index leaves
// behind, which the Go runtime would otherwise keep for minutes (at 10,000
// pages, about 100 MB held for nothing); when no other build is under way,
// it switches to the serve settings for the heap now live.
func (g *GC) End() {
	if g == nil {
		debug.FreeOSMemory()
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.builds = max(g.builds-1, 0)
	if g.builds > 0 {
		return
	}
	if g.percent {
		debug.SetGCPercent(ServeGCPercent)
	}
	debug.FreeOSMemory() // collects: the live heap below is the index's
	if g.limit {
		debug.SetMemoryLimit(serveLimit(liveHeap()))
	}
}

// serveLimit is the soft memory limit for a live heap of live bytes.
func serveLimit(live uint64) int64 {
	return int64(min(live+live/2+serveHeadroom, math.MaxInt64))
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

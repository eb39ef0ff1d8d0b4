package knowledge

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
	"time"
)

// gcSettings reads the collector's percent and soft memory limit.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// keepGCSettings restores the process's settings when the test ends: they
// are global.
func keepGCSettings(t *testing.T) {
	t.Helper()
	p, l := gcSettings()
	t.Cleanup(func() {
		debug.SetGCPercent(p)
		debug.SetMemoryLimit(l)
	})
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestGCBuildThenServe(t *testing.T) {
	keepGCSettings(t)
	// What a test run set must not decide the outcome.
	debug.SetGCPercent(75)
	debug.SetMemoryLimit(1 << 40)
	g := NewGC(env(nil))

	g.Begin()
	if p, l := gcSettings(); p != BuildGCPercent || l != math.MaxInt64 {
		t.Fatalf("building: GOGC %d, limit %d; want %d, no limit", p, l, BuildGCPercent)
	}
	// A second build begun before the first ends keeps the build settings
	// until both end.
	g.Begin()
	g.End()
	if p, l := gcSettings(); p != BuildGCPercent || l != math.MaxInt64 {
		t.Fatalf("one build of two ended: GOGC %d, limit %d; want the build settings", p, l)
	}
	g.End()
	p, l := gcSettings()
	if p != ServeGCPercent {
		t.Errorf("serving: GOGC %d, want %d", p, ServeGCPercent)
	}
	live := liveHeap()
	if live == 0 {
		t.Fatal("live heap unknown after End")
	}
	if want := serveLimit(live); l != want || l < int64(live)+serveHeadroom {
		t.Errorf("serving: limit %d, want %d (live heap %d)", l, want, live)
	}
	// An End without a Begin is harmless.
	g.End()
	if p2, _ := gcSettings(); p2 != ServeGCPercent {
		t.Errorf("extra End: GOGC %d", p2)
	}
}

func TestGCLeavesTheEnvironmentsSettings(t *testing.T) {
	keepGCSettings(t)
	debug.SetGCPercent(200)
	debug.SetMemoryLimit(1 << 30)
	for _, g := range []*GC{
		NewGC(env(map[string]string{"GOGC": "200", "GOMEMLIMIT": "1GiB"})),
		nil,
	} {
		g.Begin()
		g.End()
		if p, l := gcSettings(); p != 200 || l != 1<<30 {
			t.Errorf("%+v: GOGC %d, limit %d; want 200 and 1 GiB untouched", g, p, l)
		}
	}
	// Only the limit is the environment's: the percent is still ours.
	g := NewGC(env(map[string]string{"GOMEMLIMIT": "1GiB"}))
	g.Begin()
	if p, l := gcSettings(); p != BuildGCPercent || l != 1<<30 {
		t.Errorf("GOMEMLIMIT set, building: GOGC %d, limit %d", p, l)
	}
	g.End()
	if p, l := gcSettings(); p != ServeGCPercent || l != 1<<30 {
		t.Errorf("GOMEMLIMIT set, serving: GOGC %d, limit %d", p, l)
	}
}

func TestServeLimit(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int64
	}{
		{0, 32 << 20},
		{10 << 20, 47 << 20},
		{128 << 20, 224 << 20},
		{math.MaxUint64, math.MaxInt64},
	} {
		if got := serveLimit(tt.live); got != tt.want {
			t.Errorf("serveLimit(%d) = %d, want %d", tt.live, got, tt.want)
		}
	}
}

// TestReloadKeepsBuildSettingsUntilTheOldIndexCloses: after a swap, the
// heap holds both indexes until the grace delay ends; the serve settings,
// computed from the live heap, must wait for it.
func TestReloadKeepsBuildSettingsUntilTheOldIndexCloses(t *testing.T) {
	keepGCSettings(t)
	dir := t.TempDir()
	files := copyContent(t, dir)
	h := newHarness(t, dir)
	h.r.gc = NewGC(env(nil))
	page := "designer.md"
	if err := os.WriteFile(dir+"/"+page, append(files[page], "\n"+zythoLine+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.r.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if p, _ := gcSettings(); p != BuildGCPercent {
		t.Errorf("right after the swap: GOGC %d, want %d until the old index closes", p, BuildGCPercent)
	}
	deadline := time.Now().Add(h.r.grace + 5*time.Second)
	for {
		if p, l := gcSettings(); p == ServeGCPercent && l < math.MaxInt64 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve settings never came back after the grace delay")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

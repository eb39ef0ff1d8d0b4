package jobs

import (
	"sync"
	"time"
)

// gate remembers until when each rate-limited channel must wait, so that the other jobs of
// that channel are snoozed without calling Slack while the rest go on. It is per process: a
// replica that has not seen the 429 learns it from its own first call.
type gate struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func newGate() *gate { return &gate{until: map[string]time.Time{}} }

// wait returns how long key must still wait at now (0: go).
func (g *gate) wait(key string, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	u, ok := g.until[key]
	if !ok {
		return 0
	}
	if !now.Before(u) {
		delete(g.until, key) // past: forget it, so the map holds only channels still waiting
		return 0
	}
	return u.Sub(now)
}

// block makes key wait until at least until.
func (g *gate) block(key string, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(g.until[key]) {
		g.until[key] = until
	}
}

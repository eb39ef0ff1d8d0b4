package store

import (
	"sync"
	"time"
)

// teamCacheTTL bounds how long a team read is reused. A change saved through this Store
// invalidates its channel at once; a change saved by another replica is seen here within this
// delay. Reading a team is one indexed query, but an answer reads it every time: the cache keeps
// that cost off the answer path when a channel asks often.
const teamCacheTTL = 2 * time.Second

// teamCacheMax bounds the number of cached channels; past it, the cache starts again empty.
const teamCacheMax = 10_000

// teamCache holds recent team reads. gen counts invalidations, so that a read that started
// before a change cannot put back the team the change replaced.
type teamCache struct {
	ttl time.Duration

	mu      sync.Mutex
	gen     uint64
	entries map[string]cachedTeam
}

type cachedTeam struct {
	team    Team
	expires time.Time
}

func newTeamCache(ttl time.Duration) *teamCache {
	return &teamCache{ttl: ttl, entries: map[string]cachedTeam{}}
}

func (c *teamCache) get(channel string, now time.Time) (Team, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[channel]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.team, true
}

func (c *teamCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps t unless the cache was invalidated since gen was read.
func (c *teamCache) put(channel string, t Team, gen uint64, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= teamCacheMax {
		c.entries = map[string]cachedTeam{}
	}
	c.entries[channel] = cachedTeam{team: t, expires: now.Add(c.ttl)}
}

func (c *teamCache) invalidate(channels []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, ch := range channels {
		delete(c.entries, ch)
	}
}

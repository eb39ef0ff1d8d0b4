package slackbot

import (
	"sync"
	"time"
)

// Defaults of the de-duplication set: Slack retries an event three times
// within a few minutes, so ten minutes covers every retry.
const (
	DefaultDedupTTL  = 10 * time.Minute
	DefaultDedupSize = 10000
)

// dedup is a bounded set of keys that forgets each key after a TTL, and the
// oldest keys first when it is full. It is safe for concurrent use.
type dedup struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	seen  map[string]uint64 // key → sequence number of its entry in order
	order []entry           // keys in insertion order, a FIFO ring
	head  int               // index of the oldest entry in order
	n     int               // number of entries in order
	seq   uint64            // sequence number of the last entry added
}

type entry struct {
	key   string
	seq   uint64
	added time.Time
}

func newDedup(ttl time.Duration, size int, now func() time.Time) *dedup {
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	if size <= 0 {
		size = DefaultDedupSize
	}
	if now == nil {
		now = time.Now
	}
	return &dedup{ttl: ttl, max: size, now: now, seen: make(map[string]uint64, size), order: make([]entry, size)}
}

// first records keys and reports whether none of them had been seen within
// the TTL: a request is new only when every one of its keys is. Empty keys
// are ignored. All keys are recorded either way, so that a request seen under
// one key is also known by its others from then on.
func (d *dedup) first(keys ...string) bool {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expireLocked(now)
	isNew := true
	for _, k := range keys {
		if k == "" {
			continue
		}
		if _, ok := d.seen[k]; ok {
			isNew = false
			continue
		}
		d.addLocked(k, now)
	}
	return isNew
}

// expireLocked forgets the keys older than the TTL.
func (d *dedup) expireLocked(now time.Time) {
	for d.n > 0 {
		e := d.order[d.head]
		if now.Sub(e.added) < d.ttl {
			return
		}
		d.popLocked()
	}
}

func (d *dedup) popLocked() {
	e := d.order[d.head]
	// A key forgotten and added again has a newer entry: keep it.
	if seq, ok := d.seen[e.key]; ok && seq == e.seq {
		delete(d.seen, e.key)
	}
	d.order[d.head] = entry{}
	d.head = (d.head + 1) % d.max
	d.n--
}

func (d *dedup) addLocked(k string, now time.Time) {
	if d.n == d.max {
		d.popLocked()
	}
	d.seq++
	d.order[(d.head+d.n)%d.max] = entry{key: k, seq: d.seq, added: now}
	d.n++
	d.seen[k] = d.seq
}

// len is the number of keys remembered.
func (d *dedup) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

// forget drops key, so that a request whose work failed may be tried again.
func (d *dedup) forget(key string) {
	if key == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, key) // its ring entry expires harmlessly: popLocked checks the sequence
}

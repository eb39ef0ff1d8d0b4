package jobs

// Group commit of the fast path's writes. Every fast-path write (a batch of inserts, a claim,
// a completion, a settlement, a release) goes to one goroutine, the committer, which takes
// whatever is waiting when it is free and writes it all in one transaction: one insert of
// every new job (insert.go), then one conditional update per kind of change, for all the jobs
// of that kind; a round of one statement runs without a transaction of its own. Measured on
// SQLite (BenchmarkRound), one job alone costs ~50 µs to insert and ~40 µs per update; 64
// together ~16 µs and ~8 µs a job: much of a statement's cost is the transaction, the
// statement and the pages written, shared by every row. Nothing waits on a
// timer to fill a round: the committer lets the goroutines that can run go first while they
// bring writes (on one CPU they would otherwise never get the chance), so a request alone is
// written at once, and a burst's requests share rounds.
//
// A round's outcome is the same for all its writes: committed, or rolled back (an error for
// each). Its context is its own (roundTimeout), not the callers': a caller waits for the
// outcome, whatever its context, so that a write it thinks undone never commits later. A
// write whose caller's context is done before its round begins is not written at all, and
// gets that context's error.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
)

// roundTimeout bounds one round's transaction.
const roundTimeout = 5 * time.Second

// maxYields bounds how many times the committer lets the other goroutines run before a round,
// while each time brings more writes: the wait a write may have for others to join its
// round, on a loaded CPU.
const maxYields = 8

// maxRoundWrites bounds the writes taken in one round, so that a round stays short even when
// a backlog waits (each insert write holds up to a batch of the intake's requests).
const maxRoundWrites = 256

// errClosed is the error of a write submitted to a closed queue.
var errClosed = errors.New("file des réponses fermée")

// writeKind is what a write does to its jobs.
type writeKind int

const (
	writeInsert   writeKind = iota // insert leased jobs (EnqueueLeased)
	writeClaim                     // leased → running (AnswerNow)
	writeComplete                  // running → completed (AnswerNow)
	writeSettle                    // leased → completed (CompleteLeased)
	writeRelease                   // leased → available now (Release)
	writeFlush                     // nothing: done once the writes submitted before it are
	writeKinds
)

// write is one caller's request to the committer.
type write struct {
	ctx  context.Context
	kind writeKind
	// jobs are the jobs to insert (writeInsert); ids the jobs to update (the others).
	jobs []newJob
	ids  []int64
	done chan writeResult // buffered: the committer never waits for the caller
	// then, if set, receives the outcome instead of done, on the committer's goroutine: a
	// write nobody waits for (it must return at once).
	then func(writeResult)
}

// writeResult is a write's outcome: the ids of the jobs inserted, in jobs' order (0 for a
// delivery that already had a job), or the ids the update changed (its condition held).
type writeResult struct {
	inserted []int64
	changed  map[int64]bool
	err      error
}

// roundTx is one round's transaction, as each driver runs it.
type roundTx interface {
	inserter
	// update runs the conditional update of kind on ids and returns those it changed.
	update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error)
	commit(ctx context.Context) error
	rollback(ctx context.Context)
}

// inserter inserts leased jobs (insert.go) and returns the id of each, 0 for a delivery that
// already had a job.
type inserter interface {
	insert(ctx context.Context, jobs []newJob) ([]int64, error)
}

// database is how the committer reaches a driver's database.
type database interface {
	// inserter inserts outside a round's transaction: as one statement alone where a
	// statement that fails is not committed (SQLite), in a transaction of its own otherwise.
	inserter
	// begin begins a round's transaction.
	begin(ctx context.Context) (roundTx, error)
	// update runs the conditional update of kind on ids on its own (its own transaction)
	// and returns those it changed: a round of one statement needs no BEGIN and COMMIT
	// (on PostgreSQL, two round trips of three).
	update(ctx context.Context, kind writeKind, ids []int64) ([]int64, error)
	// markOf reads the mark of the job of a unique key, outside the rounds (answered.go).
	markOf(ctx context.Context, key []byte) (string, error)
}

// committer writes the fast path's writes in rounds, one transaction each.
type committer struct {
	db       database
	writes   chan *write
	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// newCommitter starts the committer of db's rounds.
func newCommitter(db database) *committer {
	c := &committer{db: db, writes: make(chan *write, maxRoundWrites), stop: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// close stops the committer once the writes already submitted are written; writes
// submitted later fail with errClosed. It may be called more than once.
func (c *committer) close() {
	c.stopOnce.Do(func() { close(c.stop) })
	<-c.stopped
}

// submit hands w to the committer and waits for its outcome.
func (c *committer) submit(w *write) writeResult {
	w.done = make(chan writeResult, 1)
	select {
	case c.writes <- w:
	case <-c.stop:
		return writeResult{err: errClosed}
	}
	select {
	case r := <-w.done:
		return r
	case <-c.stopped:
		// The committer stopped without taking it (it had gone on to stop), or after
		// answering it: a result already sent is still there.
		select {
		case r := <-w.done:
			return r
		default:
			return writeResult{err: errClosed}
		}
	}
}

// submitLater hands w to the committer without waiting: then receives its outcome.
func (c *committer) submitLater(w *write, then func(writeResult)) {
	w.done, w.then = make(chan writeResult, 1), then
	select {
	case <-c.stop: // first: a write buffered once the committer has drained would be left
		then(writeResult{err: errClosed})
		return
	default:
	}
	select {
	case c.writes <- w:
	case <-c.stop:
		then(writeResult{err: errClosed})
	}
}

// flush waits until the writes submitted before it are written; with ctx done by then, it
// returns ctx's error.
func (c *committer) flush(ctx context.Context) error {
	return c.submit(&write{ctx: ctx, kind: writeFlush}).err
}

// insert inserts jobs in a round.
func (c *committer) insert(ctx context.Context, jobs []newJob) ([]int64, error) {
	r := c.submit(&write{ctx: ctx, kind: writeInsert, jobs: jobs})
	return r.inserted, r.err
}

// update runs kind on ids in a round and returns those it changed.
func (c *committer) update(ctx context.Context, kind writeKind, ids ...int64) (map[int64]bool, error) {
	r := c.submit(&write{ctx: ctx, kind: kind, ids: ids})
	return r.changed, r.err
}

func (c *committer) run() {
	defer close(c.stopped)
	round := make([]*write, 0, maxRoundWrites)
	for {
		select {
		case <-c.stop:
			c.drain(round)
			return
		case w := <-c.writes:
			round = append(round[:0], w)
		}
		// Let the goroutines that can run go first, as long as they bring writes: on one
		// CPU, the committer woken by a write would otherwise run at once, before the other
		// writers submit theirs, and every round would hold one write. A pass that brings
		// none (nothing else runs, or nothing else writes) ends the wait: a write alone is
		// written at once.
		for range maxYields {
			runtime.Gosched()
			if !c.take(&round) {
				break
			}
		}
		c.write(round)
	}
}

// take moves the writes waiting into round, up to maxRoundWrites, and reports whether it
// took any.
func (c *committer) take(round *[]*write) bool {
	n := len(*round)
	for len(*round) < maxRoundWrites {
		select {
		case w := <-c.writes:
			*round = append(*round, w)
		default:
			return len(*round) > n
		}
	}
	return len(*round) > n
}

// drain writes what was submitted before the stop, in rounds.
func (c *committer) drain(round []*write) {
	for {
		round = round[:0]
		if !c.take(&round) {
			return
		}
		c.write(round)
	}
}

// write runs one round and answers each of its writes.
func (c *committer) write(round []*write) {
	live := round[:0:0]
	for _, w := range round {
		if err := w.ctx.Err(); err != nil {
			w.answer(writeResult{err: err}) // not begun: definitely not written
			continue
		}
		live = append(live, w)
	}
	if !slices.ContainsFunc(live, func(w *write) bool { return w.kind != writeFlush }) {
		for _, w := range live {
			w.answer(writeResult{})
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), roundTimeout)
	defer cancel()
	results, err := c.transact(ctx, live)
	for i, w := range live {
		if err != nil {
			w.answer(writeResult{err: err})
			continue
		}
		w.answer(results[i])
	}
}

// answer gives w its outcome.
func (w *write) answer(r writeResult) {
	if w.then != nil {
		w.then(r)
		return
	}
	w.done <- r
}

// transact writes live in one transaction and returns each write's result.
func (c *committer) transact(ctx context.Context, live []*write) ([]writeResult, error) {
	results := make([]writeResult, len(live))
	switch kind, ids, ok := oneStatement(live); {
	case ok && kind == writeInsert:
		if err := c.insertAll(ctx, c.db, live, results); err != nil {
			return nil, err
		}
		return results, nil
	case ok:
		changed, err := c.db.update(ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		set := idSet(changed)
		for i := range results {
			results[i].changed = set
		}
		return results, nil
	}
	tx, err := c.db.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("début de transaction : %w", err)
	}
	if err := c.insertAll(ctx, tx, live, results); err != nil {
		tx.rollback(ctx)
		return nil, err
	}
	for kind := writeClaim; kind < writeFlush; kind++ {
		var ids []int64
		for _, w := range live {
			if w.kind == kind {
				ids = append(ids, w.ids...)
			}
		}
		if len(ids) == 0 {
			continue
		}
		changed, err := tx.update(ctx, kind, ids)
		if err != nil {
			tx.rollback(ctx)
			return nil, err
		}
		set := idSet(changed)
		for i, w := range live {
			if w.kind == kind {
				results[i].changed = set
			}
		}
	}
	if err := tx.commit(ctx); err != nil {
		return nil, fmt.Errorf("validation : %w", err)
	}
	return results, nil
}

// oneStatement tells a round that is one statement (writes of one kind, flushes aside: the
// inserts, one statement for all their jobs, or updates of one kind), and returns its kind
// and, for updates, their ids: such a round needs no BEGIN and COMMIT of the round (on
// PostgreSQL, two round trips of three; its inserts still take a transaction of their own,
// rounds.go).
func oneStatement(live []*write) (writeKind, []int64, bool) {
	kind := writeFlush
	var ids []int64
	for _, w := range live {
		switch {
		case w.kind == writeFlush:
			continue
		case kind != writeFlush && w.kind != kind:
			return 0, nil, false
		}
		kind = w.kind
		ids = append(ids, w.ids...)
	}
	return kind, ids, kind != writeFlush
}

// idSet is the set of ids.
func idSet(ids []int64) map[int64]bool {
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// insertAll inserts the jobs of every insert write of the round through one statement of
// in (the round's transaction, or the database when the round is that statement alone). A
// delivery key in two writes of the round is inserted by the first, and the second gets 0,
// a duplicate, as a second insert would have.
func (c *committer) insertAll(ctx context.Context, in inserter, live []*write, results []writeResult) error {
	type at struct{ write, job int }
	var jobs []newJob
	var from []at
	seen := map[string]bool{}
	for i, w := range live {
		if w.kind != writeInsert {
			continue
		}
		results[i].inserted = make([]int64, len(w.jobs))
		for k, j := range w.jobs {
			if seen[j.args.DeliveryKey] {
				continue // stays 0: a duplicate
			}
			seen[j.args.DeliveryKey] = true
			jobs = append(jobs, j)
			from = append(from, at{i, k})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	ids, err := in.insert(ctx, jobs)
	if err != nil {
		return fmt.Errorf("insertion de %d tâches : %w", len(jobs), err)
	}
	if len(ids) != len(jobs) {
		return fmt.Errorf("insertion de %d tâches : %d résultats", len(jobs), len(ids))
	}
	for j, id := range ids {
		results[from[j].write].inserted[from[j].job] = id
	}
	return nil
}

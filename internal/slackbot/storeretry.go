package slackbot

// An insert that failed is tried again before anything is answered without a job. A failed
// insert does not say that no job exists: its transaction may have been committed after all
// (a timeout after the commit), and another replica may have stored the same delivery (Slack
// retries on another connection, or sends one event to two). Answering such a request in
// memory at once, as the intake used to, answered it twice: two bots on one SQLite file
// under load (TestQueueSharesOneEventBetweenTwoBots), one timing out on its insert while the
// other had the jobs, posted 3 to 6 answers twice.
//
// The insert is idempotent (one job per delivery key), so trying it again is safe and tells
// what the first could not: a new job is answered at once by the lanes, as usual; a delivery
// that already has one (this replica's committed insert, or another replica's) is left to
// that job, answered once by whoever holds it. Only requests the database keeps refusing for
// storeRetryWindow are answered in memory, without a job: the bot keeps answering through a
// database outage, and only then may an answer come twice (if the database took an insert
// it reported as failed) or be lost to a stop.

import (
	"context"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
)

// Inserts tried again.
const (
	// storeRetryWindow is how long a batch whose insert failed is inserted again before its
	// requests are answered in memory: longer than an insert that waits behind other writers
	// on a loaded machine (insertTimeout, SQLite's busy timeout), short enough that an outage
	// delays answers by seconds, not minutes.
	storeRetryWindow = 15 * time.Second
	// storeRetryFirst is the wait before the first new attempt, doubled after each, up to
	// storeRetryMax.
	storeRetryFirst = 200 * time.Millisecond
	storeRetryMax   = 2 * time.Second
)

// storeLater inserts the batch of pb again, its first insert having failed with err, until it
// is stored or storeRetryWindow has passed, then tells its leases what it stored, or gives
// them their requests to answer in memory. It gives up waiting once the workers' context is
// done (past the shutdown's grace period): the lanes then count the requests as lost.
func (d *durablePath) storeLater(ctx context.Context, pb *pendingBatch, err error) {
	deadline := time.Now().Add(storeRetryWindow)
	for wait := storeRetryFirst; time.Now().Add(wait).Before(deadline); wait = min(2*wait, storeRetryMax) {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-d.work.Done():
			t.Stop()
			d.inMemory(pb, err)
			return
		}
		ictx, cancel := context.WithTimeout(ctx, insertTimeout)
		var tickets []*jobs.Ticket
		tickets, err = d.b.queue.EnqueueLeased(ictx, pb.args)
		cancel()
		if err == nil {
			d.b.log.Info("file des réponses : insertion réussie au nouvel essai", "count", len(pb.args))
			d.resolve(pb, tickets, nil, nil)
			return
		}
		d.b.metrics.StoreErrors.WithLabelValues("enqueue").Inc()
	}
	d.inMemory(pb, err)
}

// inMemory gives the leases of pb their requests to answer without a job.
func (d *durablePath) inMemory(pb *pendingBatch, err error) {
	d.b.log.Error("file des réponses indisponible : réponses en mémoire seulement, en double si la base les a prises, perdues en cas d'arrêt",
		"count", len(pb.args), "error", err.Error())
	d.resolve(pb, nil, nil, err)
}

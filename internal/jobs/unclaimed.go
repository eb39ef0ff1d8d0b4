package jobs

// A mention posted within its lease, without a claim: one round fewer on its critical path.
// The fast path used to claim each job (leased → running, one round) before posting its
// answer, then complete it (another round, after the post, off the critical path). A
// chat.postMessage answer picked up soon after its insert now goes out at once, and its job is
// settled (leased → completed, as CompleteLeased does) after the post.
//
// Why nobody else can work the job meanwhile. Until its lease ends (scheduled_at, leaseAhead
// after created_at), the job is only this process's:
//   - River's fetch takes available jobs whose scheduled_at has come (its scheduler marks
//     them available ahead of time without changing scheduled_at, fastpath.go);
//   - River's rescuer takes running jobs only, and the job is not running;
//   - another replica, or a Slack retry, inserting the same delivery gets no ticket (the
//     unique key), and this process holds the only ticket;
//   - Release, the only other write of this process on a leased job, skips a ticket the fast
//     path took (Ticket.taken).
//
// So the post is bounded to end well before the lease does: its context's deadline is
// unclaimedPostEnd after the job's creation (half the lease), and a job picked up too late to
// leave the post unclaimedMinPost is claimed first, as before. The half of the lease left
// covers a database clock ahead of this process's and a request Slack finishes after the
// deadline.
//
// What a failure leaves, and why it is answered once:
//   - the post failed (a 429, a Slack error, the deadline, a stop): the job is claimed then,
//     as the attempt it was, and recorded as every claimed attempt is (fastpath.go); if the
//     lease ran out first, River's worker has it (below);
//   - the process died or stalled between the post and the settlement, or the settlement
//     failed: the job stays leased, untouched, until its lease ends; River's worker then
//     takes it for a first attempt, which would not ask Slack (once.go asks from the second
//     attempt on) — so a job whose lease ran out untouched (leaseRanOut) is asked about too,
//     and its answer, found in the thread or the DM, is not posted again. That read is the
//     price of a kill for the jobs not posted yet: one conversations.replies each.
//
// Only chat.postMessage answers go this way: an answer through a response_url cannot be read
// back (once.go), so its job is still claimed before the post; and only with an Answerer that
// is a DeliveryChecker, which River's worker asks.

import (
	"context"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// Bounds of a post without a claim.
const (
	// unclaimedPostEnd is when, after its job's creation, a post without a claim must end:
	// half of the job's lease.
	unclaimedPostEnd = leaseAhead / 2
	// unclaimedMinPost is the least time a post without a claim may have: a job picked up
	// later (its lane was busy) is claimed first.
	unclaimedMinPost = time.Second
	// leaseRanOutSlack is how far from leaseAhead a job's scheduled_at may be from its
	// created_at for leaseRanOut: the two are written from one instant, each rounded the
	// same way (milliseconds on SQLite, microseconds on PostgreSQL).
	leaseRanOutSlack = time.Millisecond
)

// postsUnclaimed reports whether the fast path posts t's answer without a claim at now (see
// the top of this file), and takes the ticket if so.
func (q *Queue) postsUnclaimed(t *Ticket, now time.Time) bool {
	if t.Args.Queue() != QueuePost {
		return false
	}
	if _, ok := q.worker.answerer.(DeliveryChecker); !ok {
		return false
	}
	if t.row.CreatedAt.Add(unclaimedPostEnd).Sub(now) < unclaimedMinPost {
		return false
	}
	return t.taken.CompareAndSwap(false, true)
}

// claimLate claims a job after a post without a claim failed, so that its outcome is recorded
// as a claimed attempt's: false when the lease had run out (River's worker has the job).
// Written even when ctx is done (a stop cut the post short), within recordTimeout, and again
// if it fails (record.go). A retry that finds the job no longer leased cannot tell its own
// earlier claim, committed after all, from River's fetch: it reports false, and a job this
// process did claim is then rescued after rescueAfter and asked about (an attempt after the
// first), never worked by two.
func (q *Queue) claimLate(ctx context.Context, id int64) (bool, error) {
	var claimed bool
	err := record(ctx, func(ctx context.Context, _ bool) error {
		changed, err := q.commits.update(ctx, writeClaim, id)
		claimed = err == nil && changed[id]
		return err
	})
	return claimed, err
}

// leaseRanOut reports whether River's worker holds, for its first attempt, a job whose lease
// ran out untouched: inserted by EnqueueLeased (scheduled leaseAhead after its creation) and
// never written by the fast path since. Each of the fast path's writes either counts an
// attempt (a claim) or moves scheduled_at (a release, a snooze, a retry), or finishes the job;
// River's scheduler and fetch leave scheduled_at as it is. Such a job may have been posted
// without a claim by a process that died before recording it.
func leaseRanOut(job *rivertype.JobRow) bool {
	if job.Attempt != 1 || job.Kind != KindAnswer {
		return false
	}
	d := job.ScheduledAt.Sub(job.CreatedAt) - leaseAhead
	return d > -leaseRanOutSlack && d < leaseRanOutSlack
}

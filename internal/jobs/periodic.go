package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Kinds and queue of the periodic jobs. They have a queue of their own, so that a report
// being built or retried never takes a worker from the answers.
const (
	KindPurge     = "feedback_purge"
	KindReport    = "weekly_report"
	QueuePeriodic = "periodic"
)

// Timing of the periodic jobs.
const (
	// DefaultPurgeEvery is how often the purge of old questions and opinions runs, besides
	// once each time a replica becomes River's leader (at start).
	DefaultPurgeEvery = 24 * time.Hour
	// ReportPeriod is what the weekly report covers: the seven days up to its scheduled time.
	ReportPeriod = 7 * 24 * time.Hour
	// reportCatchUp is how late a report may still be posted: a leader that starts within
	// this time after a scheduled report (the previous one was stopping at that moment, or
	// down) posts it, unless it was posted. Later than that, the week is skipped.
	reportCatchUp = 12 * time.Hour
	// reportMarkTTL is how long a posted report is remembered (in the store's claims), so
	// that a retry of its job, or a new leader catching up, finds it posted without reading
	// the channel.
	reportMarkTTL = 30 * 24 * time.Hour
	// Attempts and delays of a report whose post fails for a reason that may pass (Slack
	// 5xx, network, the database): doubling from reportRetryBase, capped at reportRetryCap,
	// about five hours of trying in all. A definite Slack error stops at once.
	reportMaxAttempts = 12
	reportRetryBase   = 30 * time.Second
	reportRetryCap    = 30 * time.Minute
	// purgeMaxAttempts bounds the attempts at one purge; the next day's purge comes anyway.
	purgeMaxAttempts = 5
	// periodicWorkers is the number of periodic jobs worked at once by a replica.
	periodicWorkers = 2
	// markAttempts and markRetryWait: writing a posted report's mark is tried again a few
	// times before the job gives up on it (a retry would then post the report again).
	markAttempts  = 3
	markRetryWait = 500 * time.Millisecond
)

// Schedule is when a periodic job is due (config.Schedule is one, Every another).
type Schedule interface {
	// Next returns the first time of the schedule strictly after t.
	Next(t time.Time) time.Time
	// Prev returns the last time of the schedule at or before t.
	Prev(t time.Time) time.Time
}

// Every is the schedule of a fixed interval, counted from the zero time: tests run the weekly
// report every few seconds with it.
type Every time.Duration

// Next implements Schedule.
func (e Every) Next(t time.Time) time.Time { return e.Prev(t).Add(time.Duration(e)) }

// Prev implements Schedule.
func (e Every) Prev(t time.Time) time.Time { return t.Truncate(time.Duration(e)) }

// PeriodicStore is what the periodic jobs need of the store (*store.Store is one).
type PeriodicStore interface {
	PurgeFeedback(ctx context.Context, retention time.Duration) (answers, opinions int64, err error)
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Claimed(ctx context.Context, key string) (bool, error)
}

// ReportPoster posts the content-gap report of the period from since to until in Slack, and
// tells whether it is there already. Its errors are Slack's, as slack-go returns them, as for
// an Answerer: the job tells a definite error (channel_not_found, not_in_channel,
// is_archived…) from one that may pass. It must not retry or sleep on a rate limit.
type ReportPoster interface {
	PostReport(ctx context.Context, since, until time.Time) error
	// Posted reports whether the report of the period ending at until is in the channel,
	// posted at or after since (its job's creation): a post Slack took whose job did not
	// learn it (a process killed between Slack's 200 and the mark, a post cut by a stop).
	// It reports false, nil when it cannot tell all (too many messages to read).
	Posted(ctx context.Context, until, since time.Time) (bool, error)
}

// Periodic is the periodic work of a queue. River's elected leader alone inserts its jobs, so
// that of several replicas on one database one purge runs at a time and each report is posted
// once; any replica's workers may work them.
type Periodic struct {
	// Store is purged and keeps the marks of the reports posted. Required.
	Store PeriodicStore
	// Retention is FEEDBACK_RETENTION: the purge deletes the questions and opinions older.
	Retention time.Duration
	// PurgeEvery is the time between two purges; 0 means DefaultPurgeEvery.
	PurgeEvery time.Duration
	// Report, if not nil, posts the weekly report at the times of ReportSchedule.
	Report ReportPoster
	// ReportSchedule is REPORT_SCHEDULE; required with Report.
	ReportSchedule Schedule
}

// PurgeArgs is the purge job: it has no arguments, the retention is the configuration's.
type PurgeArgs struct{}

// Kind implements river.JobArgs.
func (PurgeArgs) Kind() string { return KindPurge }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (PurgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueuePeriodic, MaxAttempts: purgeMaxAttempts}
}

// ReportArgs is the job of one weekly report: the scheduled time it is due at, which ends the
// period it covers. One job per slot, whatever its state: a new leader scheduling the same
// slot again inserts nothing.
type ReportArgs struct {
	Slot time.Time `json:"slot" river:"unique"`
}

// Kind implements river.JobArgs.
func (ReportArgs) Kind() string { return KindReport }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ReportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueuePeriodic,
		MaxAttempts: reportMaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: uniqueStates},
	}
}

// reportMark is the claim key that says the report of slot was posted.
func reportMark(slot time.Time) string {
	return "weekly-report:" + slot.UTC().Format(time.RFC3339)
}

// check reports what is missing from p.
func (p *Periodic) check() error {
	switch {
	case p.Store == nil:
		return errors.New("tâches périodiques : aucun Store")
	case p.Report != nil && p.ReportSchedule == nil:
		return errors.New("tâches périodiques : rapport sans calendrier")
	}
	return nil
}

// addPeriodic registers the periodic workers on ws, their queue on rc, and the periodic
// jobs River's leader inserts.
func addPeriodic(ws *river.Workers, rc *river.Config, p *Periodic, log *slog.Logger) error {
	if err := p.check(); err != nil {
		return err
	}
	log = log.With("queue", QueuePeriodic)
	if err := river.AddWorkerSafely(ws, &purgeWorker{store: p.Store, retention: p.Retention, log: log}); err != nil {
		return err
	}
	rc.Queues[QueuePeriodic] = river.QueueConfig{MaxWorkers: periodicWorkers}
	every := cmp.Or(p.PurgeEvery, DefaultPurgeEvery)
	rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{ID: KindPurge, RunOnStart: true}))
	if p.Report == nil {
		return nil
	}
	if err := river.AddWorkerSafely(ws, &reportWorker{store: p.Store, poster: p.Report, log: log}); err != nil {
		return err
	}
	sched := p.ReportSchedule
	rc.PeriodicJobs = append(rc.PeriodicJobs,
		river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
			return ReportArgs{Slot: dueSlot(sched, time.Now())}, nil
		}, &river.PeriodicJobOpts{ID: KindReport}),
		// A leader starting late after a slot (the previous one was stopping then) posts it.
		river.NewPeriodicJob(river.NeverSchedule(), func() (river.JobArgs, *river.InsertOpts) {
			slot, ok := missedSlot(sched, time.Now())
			if !ok {
				return nil, nil
			}
			log.Info("rapport hebdomadaire en retard : publié au démarrage s'il ne l'a pas été", "slot", slot)
			return ReportArgs{Slot: slot}, nil
		}, &river.PeriodicJobOpts{ID: KindReport + "_catch_up", RunOnStart: true}))
	return nil
}

// dueSlot is the slot River's scheduler fires at now: the schedule's time nearest to now, as
// River fires up to 100 ms early and, on a busy machine, a little late.
func dueSlot(s Schedule, now time.Time) time.Time {
	next, prev := s.Next(now), s.Prev(now)
	if next.Sub(now) < now.Sub(prev) {
		return next.UTC()
	}
	return prev.UTC()
}

// missedSlot is the last slot before now if it is recent enough to be posted late.
func missedSlot(s Schedule, now time.Time) (time.Time, bool) {
	prev := s.Prev(now)
	return prev.UTC(), now.Sub(prev) <= reportCatchUp
}

// purgeWorker deletes the questions and opinions older than the retention.
type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	store     PeriodicStore
	retention time.Duration
	log       *slog.Logger
}

// Work implements river.Worker.
func (w *purgeWorker) Work(ctx context.Context, job *river.Job[PurgeArgs]) error {
	if w.retention <= 0 {
		// Zero would delete everything (`rolebot feedback purge --all`): never on a timer.
		return river.JobCancel(errors.New("purge : durée de conservation nulle"))
	}
	answers, opinions, err := w.store.PurgeFeedback(ctx, w.retention)
	if err != nil {
		w.log.Warn("purge des questions et avis en échec, nouvel essai prévu", "job", job.ID, "attempt", job.Attempt, "err", err)
		return fmt.Errorf("purge : %w", err)
	}
	w.log.Info("questions et avis anciens effacés", "job", job.ID, "answers", answers, "opinions", opinions, "retention", w.retention.String())
	return nil
}

// reportWorker posts the weekly report of a slot, once.
type reportWorker struct {
	river.WorkerDefaults[ReportArgs]
	store  PeriodicStore
	poster ReportPoster
	log    *slog.Logger
}

// Work posts the report unless it was posted, then marks it. Posted means its mark is in
// the store, or, the mark missing, the report is in the channel: every attempt, the first
// too, reads the channel before posting (lookOutcome decides, as for the answers), because a
// post can reach Slack without its mark (the process killed between Slack's 200 and the mark)
// and River's attempt count cannot tell (an attempt cut by a stop is snoozed, which does not
// count): one conversations.history a week. A definite Slack error cancels the job with that
// error, logged once; a rate limit snoozes it; any other failure returns the error, for River
// to retry with reportRetry's backoff.
func (w *reportWorker) Work(ctx context.Context, job *river.Job[ReportArgs]) error {
	slot := job.Args.Slot
	log := w.log.With("job", job.ID, "slot", slot, "attempt", job.Attempt)
	key := reportMark(slot)
	marked, err := w.store.Claimed(ctx, key)
	if err != nil {
		log.Warn("rapport hebdomadaire : base injoignable, nouvel essai prévu", "err", err)
		return fmt.Errorf("rapport : %w", err)
	}
	if marked {
		log.Info("rapport hebdomadaire déjà publié : rien à refaire")
		return nil
	}
	found, err := w.poster.Posted(ctx, slot, job.CreatedAt)
	switch lookOutcome(ctx, found, err) {
	case checkDelivered:
		w.mark(ctx, log, key)
		log.Info("rapport hebdomadaire déjà dans le canal (essai précédent interrompu) : noté, pas republié")
		return nil
	case checkWait:
		return w.failed(ctx, log, job, fmt.Errorf("vérification du canal : %w", err))
	}
	if err != nil {
		log.Warn("rapport hebdomadaire : lecture du canal refusée, publié sans vérifier", "err", err)
	}
	if err := w.poster.PostReport(ctx, slot.Add(-ReportPeriod), slot); err != nil {
		return w.failed(ctx, log, job, err)
	}
	w.mark(ctx, log, key)
	log.Info("rapport hebdomadaire publié")
	return nil
}

// failed is what an attempt returns for err, its post's or its look's: a rate limit snoozes
// the job, a stop leaves it to the next process (the next attempt reads the channel first), a
// definite error cancels it, anything else is retried with reportRetry's backoff.
func (w *reportWorker) failed(ctx context.Context, log *slog.Logger, job *river.Job[ReportArgs], err error) error {
	outcome, retryAfter := classify(ctx, err)
	switch outcome {
	case outcomeRateLimit:
		log.Info("rapport hebdomadaire limité par Slack : reporté", "wait", retryAfter, "err", err)
		return river.JobSnooze(retryAfter)
	case outcomeStopping:
		log.Info("rapport hebdomadaire laissé dans la file : arrêt en cours", "err", err)
		return river.JobSnooze(0)
	case outcomeFailed:
		log.Error("rapport hebdomadaire impossible à publier, abandonné", "err", err)
		return river.JobCancel(fmt.Errorf("slack : %w", err))
	}
	if job.Attempt >= job.MaxAttempts {
		log.Error("rapport hebdomadaire abandonné après le dernier essai", "err", err, "max_attempts", job.MaxAttempts)
	} else {
		log.Warn("rapport hebdomadaire en échec, nouvel essai prévu", "err", err)
	}
	return fmt.Errorf("rapport : %w", err)
}

// mark records that the report was posted. It tries a few times: without the mark, a retry
// of the job (if it is not recorded as completed either) has to read the channel to find it.
func (w *reportWorker) mark(ctx context.Context, log *slog.Logger, key string) {
	// The post is made: the mark is written even if the job's time is running out.
	ctx = context.WithoutCancel(ctx)
	var err error
	for i := range markAttempts {
		if i > 0 {
			time.Sleep(markRetryWait)
		}
		if _, err = w.store.Claim(ctx, key, reportMarkTTL); err == nil {
			return
		}
	}
	log.Error("rapport hebdomadaire publié mais pas noté comme tel : un nouvel essai le cherchera dans le canal", "err", err)
}

// NextRetry implements river.Worker: the report's own backoff, longer than an answer's, as
// nobody waits for it and a Slack incident may last.
func (w *reportWorker) NextRetry(job *river.Job[ReportArgs]) time.Time {
	return time.Now().Add(reportRetryDelay(job.Attempt, rand.Float64()))
}

// reportRetryDelay is the delay after attempt (1 for the first), with jitter in [0, 1).
func reportRetryDelay(attempt int, jitter float64) time.Duration {
	return backoff(attempt, reportRetryBase, reportRetryCap, jitter)
}

// PeriodicJobs returns the periodic jobs of kind (KindPurge, KindReport) in the database,
// every replica's, oldest first.
func (q *Queue) PeriodicJobs(ctx context.Context, kind string) ([]*rivertype.JobRow, error) {
	res, err := q.jobList(ctx, river.NewJobListParams().Kinds(kind).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(10_000))
	if err != nil {
		return nil, fmt.Errorf("tâches périodiques %s : %w", kind, err)
	}
	return res.Jobs, nil
}

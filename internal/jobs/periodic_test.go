package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

const day = 24 * time.Hour

// periodicQueue opens and starts a queue on url with only periodic work.
func periodicQueue(t *testing.T, url string, p *Periodic, logs *syncBuffer) *Queue {
	t.Helper()
	cfg := Config{Periodic: p, FetchPollInterval: testPollInterval, FetchCooldown: testCooldown}
	if logs != nil {
		cfg.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := Open(ctx, url, "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	startQueue(t, q)
	return q
}

func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// recordAsked records an answer to a question asked at, with one opinion on it.
func recordAsked(t *testing.T, st *store.Store, key string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := st.RecordAnswer(ctx, store.Shown{Key: key, Question: "qui gère " + key + " ?", Ref: "none", Intent: "none",
		Channel: "C1", User: "U1", At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordFeedback(ctx, store.Feedback{Key: key, User: "U2", At: at}); err != nil {
		t.Fatal(err)
	}
}

func askedKeys(t *testing.T, st *store.Store) []string {
	t.Helper()
	shown, err := st.AnswersSince(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range shown {
		keys = append(keys, s.Key)
	}
	return keys
}

// TestPurgeAfterRetention runs the purge through River's periodic jobs: once when the queue
// starts, then on its interval. What is older than the retention goes, the rest stays.
func TestPurgeAfterRetention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		st := openStore(t, url)
		now := time.Now()
		recordAsked(t, st, "k-old", now.Add(-100*day))
		recordAsked(t, st, "k-edge", now.Add(-89*day))
		recordAsked(t, st, "k-new", now.Add(-day))
		logs := &syncBuffer{}
		q := periodicQueue(t, url, &Periodic{Store: st, Retention: 90 * day, PurgeEvery: time.Second}, logs)

		waitFor(t, "the purge at start", func() bool { return len(askedKeys(t, st)) == 2 })
		if got := strings.Join(askedKeys(t, st), ","); got != "k-edge,k-new" {
			t.Fatalf("left after the purge: %s, want k-edge,k-new", got)
		}
		if !strings.Contains(logs.String(), "questions et avis anciens effacés") || !strings.Contains(logs.String(), "answers=1 opinions=1") {
			t.Errorf("the purge did not log what it removed:\n%s", logs)
		}
		// A row that ages past the retention while the queue runs goes with the next purge.
		recordAsked(t, st, "k-late", now.Add(-91*day))
		waitFor(t, "the next purge", func() bool { return len(askedKeys(t, st)) == 2 })
		if got := strings.Join(askedKeys(t, st), ","); got != "k-edge,k-new" {
			t.Fatalf("left after the second purge: %s", got)
		}
		jobs, err := q.PeriodicJobs(context.Background(), KindPurge)
		if err != nil || len(jobs) < 2 {
			t.Fatalf("purge jobs: %d, %v; want at least 2 (at start, then on the interval)", len(jobs), err)
		}
	})
}

// poster is a scripted ReportPoster: PostReport returns the errors of script in order, then
// nil; Posted returns the errors of lookScript in order, then whether a post of that until
// reached the channel (inChannel, which a successful post sets, as does one failing with
// lost: an error returned after Slack took the post).
type poster struct {
	mu         sync.Mutex
	script     []error
	lookScript []error
	lost       error
	inChannel  map[time.Time]bool
	calls      []time.Time // until of each post
	looks      []time.Time // since of each look
}

func (p *poster) PostReport(_ context.Context, since, until time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.Sub(since) != ReportPeriod {
		return &PermanentError{Err: errors.New("période de " + until.Sub(since).String())}
	}
	p.calls = append(p.calls, until)
	var err error
	if len(p.script) > 0 {
		err, p.script = p.script[0], p.script[1:]
	}
	if err == nil || (p.lost != nil && errors.Is(err, p.lost)) {
		if p.inChannel == nil {
			p.inChannel = map[time.Time]bool{}
		}
		p.inChannel[until] = true
	}
	return err
}

func (p *poster) Posted(_ context.Context, until, since time.Time) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.looks = append(p.looks, since)
	if len(p.lookScript) > 0 {
		var err error
		err, p.lookScript = p.lookScript[0], p.lookScript[1:]
		if err != nil {
			return false, err
		}
	}
	return p.inChannel[until], nil
}

func (p *poster) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// reportQueue starts a queue posting reports through p on a schedule that never comes: the
// tests insert the jobs of the slots they want.
func reportQueue(t *testing.T, url string, st *store.Store, p *poster, logs *syncBuffer) *Queue {
	t.Helper()
	return periodicQueue(t, url, &Periodic{Store: st, Retention: 90 * day, Report: p, ReportSchedule: Every(1000 * day)}, logs)
}

func insertReport(t *testing.T, q *Queue, slot time.Time) *rivertype.JobRow {
	t.Helper()
	res, err := q.insert(context.Background(), ReportArgs{Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	return res.Job
}

// TestReportJob checks what the report job does with each kind of outcome of its post.
func TestReportJob(t *testing.T) {
	t.Parallel()
	slot := time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st := openStore(t, url)
		p := &poster{script: []error{
			nil, // slot: posted
			slack.SlackErrorResponse{Err: "channel_not_found"},              // slot+1: definite
			slack.StatusCodeError{Code: 503, Status: "Service Unavailable"}, // slot+2: may pass
		}}
		logs := &syncBuffer{}
		q := reportQueue(t, url, st, p, logs)

		// Posted once, and marked: the same slot again inserts no job, and a retry posts nothing.
		first := insertReport(t, q, slot)
		waitState(t, q, first.ID, rivertype.JobStateCompleted)
		if marked, err := st.Claimed(ctx, reportMark(slot)); err != nil || !marked {
			t.Fatalf("posted report not marked: %v, %v", marked, err)
		}
		if again := insertReport(t, q, slot); again.ID != first.ID {
			t.Fatalf("a second job for one slot: %d and %d", first.ID, again.ID)
		}

		// A definite error: cancelled with Slack's error, logged once, never tried again.
		failed := insertReport(t, q, slot.Add(7*day))
		defer func() {
			if t.Failed() {
				t.Logf("logs:\n%s", logs)
			}
		}()
		job := waitState(t, q, failed.ID, rivertype.JobStateCancelled)
		if len(job.Errors) != 1 || !strings.Contains(job.Errors[0].Error, "channel_not_found") {
			t.Errorf("cancelled job's errors = %+v", job.Errors)
		}
		if n := strings.Count(logs.String(), "rapport hebdomadaire impossible à publier"); n != 1 {
			t.Errorf("definite failure logged %d times, want 1:\n%s", n, logs)
		}

		// A 503: left for River to retry, after a backoff.
		retried := insertReport(t, q, slot.Add(14*day))
		job = waitState(t, q, retried.ID, rivertype.JobStateRetryable)
		if wait := time.Until(job.ScheduledAt); wait < reportRetryBase/2-time.Second {
			t.Errorf("retry scheduled in %s, want at least %s", wait, reportRetryBase/2)
		}
		if p.count() != 3 {
			t.Errorf("%d posts, want 3", p.count())
		}
	})
}

// TestReportRetryAfterPost checks the attempts River makes at a report whose post Slack may
// have taken without its job learning it (the process killed between Slack's 200 and the
// mark, a post cut by a stop): the mark, else the channel read before every attempt, stops a
// second post; a read that may pass puts the post off; one refused for good lets it go out.
func TestReportRetryAfterPost(t *testing.T) {
	t.Parallel()
	slot := time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC)
	created := slot.Add(-50 * time.Millisecond)
	cut := errors.New("connexion coupée après le 200 de Slack")
	limited := &slack.RateLimitedError{RetryAfter: 20 * time.Second}
	tests := []struct {
		name       string
		script     []error // the posts' errors
		lookScript []error // the looks' errors
		// per attempt: whether Work returned nil, a snooze, or another error
		want  []string
		posts int
		looks int
	}{
		{"posted, then marked: the retry neither reads nor posts", nil, nil, []string{"done", "done"}, 1, 1},
		{"taken by Slack, its answer lost: the retry finds it", []error{cut}, nil, []string{"retry", "done"}, 1, 2},
		{"the look rate-limited: snoozed, nothing posted, then posted", nil, []error{limited}, []string{"snooze", "done"}, 1, 2},
		{"the look refused for good: posted without it", nil, []error{slack.SlackErrorResponse{Err: "missing_scope"}}, []string{"done"}, 1, 1},
		{"the look failed for a while: retried, then posted", nil, []error{slack.StatusCodeError{Code: 502, Status: "502 Bad Gateway"}}, []string{"retry", "done"}, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := openStore(t, storetest.SQLiteURL(t))
			p := &poster{script: tt.script, lookScript: tt.lookScript, lost: cut}
			w := &reportWorker{store: st, poster: p, log: slog.New(slog.DiscardHandler)}
			job := &river.Job[ReportArgs]{JobRow: &rivertype.JobRow{ID: 1, Attempt: 1, MaxAttempts: reportMaxAttempts, CreatedAt: created},
				Args: ReportArgs{Slot: slot}}
			for i, want := range tt.want {
				err := w.Work(context.Background(), job)
				var snooze *river.JobSnoozeError
				got := "retry"
				switch {
				case err == nil:
					got = "done"
				case errors.As(err, &snooze):
					got = "snooze"
				}
				if got != want {
					t.Fatalf("attempt %d: %s (%v), want %s", i+1, got, err, want)
				}
				if got != "snooze" { // a snooze is not an attempt
					job.Attempt++
				}
			}
			if len(p.calls) != tt.posts || len(p.looks) != tt.looks {
				t.Errorf("%d posts, %d looks; want %d and %d", len(p.calls), len(p.looks), tt.posts, tt.looks)
			}
			for _, since := range p.looks {
				if !since.Equal(created) {
					t.Errorf("looked since %v, want the job's creation %v", since, created)
				}
			}
			if marked, err := st.Claimed(context.Background(), reportMark(slot)); err != nil || !marked {
				t.Errorf("report not marked as posted: %v, %v", marked, err)
			}
		})
	}
}

func TestSlots(t *testing.T) {
	week := Every(7 * day)
	slot := week.Prev(time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"fired on time", slot, slot},
		{"fired 100 ms early", slot.Add(-100 * time.Millisecond), slot},
		{"fired late", slot.Add(3 * time.Second), slot},
	} {
		if got := dueSlot(week, tc.now); !got.Equal(tc.want) {
			t.Errorf("%s: dueSlot = %s, want %s", tc.name, got, tc.want)
		}
	}
	if got, ok := missedSlot(week, slot.Add(2*time.Hour)); !ok || !got.Equal(slot) {
		t.Errorf("a start 2 h after the slot: %s, %v; want the slot", got, ok)
	}
	if _, ok := missedSlot(week, slot.Add(reportCatchUp+time.Minute)); ok {
		t.Error("a start long after the slot posts the report late")
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 15 * time.Second, 30 * time.Second},
		{1, 15 * time.Second, 30 * time.Second},
		{2, 30 * time.Second, time.Minute},
		{6, 8 * time.Minute, 16 * time.Minute},
		{7, 15 * time.Minute, 30 * time.Minute},
		{100, 15 * time.Minute, 30 * time.Minute},
	} {
		if lo, hi := reportRetryDelay(tc.attempt, 0), reportRetryDelay(tc.attempt, 0.999999); lo != tc.min || hi > tc.max || hi < tc.max-time.Millisecond {
			t.Errorf("reportRetryDelay(%d) in [%s, %s], want [%s, %s]", tc.attempt, lo, hi, tc.min, tc.max)
		}
	}
	if d := retryDelay(3, 0); d != 2*time.Second {
		t.Errorf("retryDelay(3, 0) = %s, want 2s", d)
	}
}

func TestPeriodicConfig(t *testing.T) {
	url := storetest.SQLiteURL(t)
	st := openStore(t, url)
	for name, p := range map[string]*Periodic{
		"no store":    {Retention: day},
		"no schedule": {Store: st, Retention: day, Report: &poster{}},
	} {
		if _, err := Open(context.Background(), url, "", Config{Periodic: p}); err == nil {
			t.Errorf("%s: Open accepted it", name)
		}
	}
}

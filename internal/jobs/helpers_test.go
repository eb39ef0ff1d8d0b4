package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river/rivertype"
)

// Test tuning: fetch often, so that the tests wait for River's scheduler (which makes snoozed
// and retried jobs available again, every 5 s) and little else.
const (
	testPollInterval = 50 * time.Millisecond
	testCooldown     = time.Millisecond
	// waitLimit only stops a test that would otherwise hang; nothing asserts on time.
	waitLimit = 60 * time.Second
)

// call is one call of the fake Answerer.
type call struct {
	args AnswerArgs
	at   time.Time
	err  error
}

// answerer is a fake Answerer: it returns, for each delivery key, the errors of its script
// in order, then nil; block, if set, makes every call wait for its context instead; done, if
// set, runs as each call returns (Slack has taken the answer, the job is not recorded yet).
type answerer struct {
	mu     sync.Mutex
	script map[string][]error
	calls  []call
	block  bool
	done   func(a AnswerArgs)
}

func (f *answerer) Answer(ctx context.Context, a AnswerArgs) error {
	f.mu.Lock()
	if f.block {
		f.calls = append(f.calls, call{args: a, at: time.Now(), err: context.Canceled})
		f.mu.Unlock()
		<-ctx.Done()
		return ctx.Err()
	}
	var err error
	if s := f.script[a.DeliveryKey]; len(s) > 0 {
		err, f.script[a.DeliveryKey] = s[0], s[1:]
	}
	f.calls = append(f.calls, call{args: a, at: time.Now(), err: err})
	done := f.done
	f.mu.Unlock()
	if done != nil {
		done(a)
	}
	return err
}

// callsOf returns the calls made for key.
func (f *answerer) callsOf(key string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.args.DeliveryKey == key {
			out = append(out, c)
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testQueue opens a queue on url with fast fetching, stopped and closed at the test's end.
func testQueue(t *testing.T, url string, a Answerer, m *Metrics, logs *syncBuffer) *Queue {
	t.Helper()
	cfg := Config{Answerer: a, Metrics: m, FetchPollInterval: testPollInterval, FetchCooldown: testCooldown}
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
	return q
}

// startQueue starts q and stops it at the test's end.
func startQueue(t *testing.T, q *Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// waitFor polls cond until it holds; it fails the test after waitLimit.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after %s", what, waitLimit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitState waits until the job id is in state.
func waitState(t *testing.T, q *Queue, id int64, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	var job *rivertype.JobRow
	waitFor(t, "job in state "+string(state), func() bool {
		j, err := q.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		job = j
		return j.State == state
	})
	return job
}

func enqueue(t *testing.T, q *Queue, a AnswerArgs) *rivertype.JobRow {
	t.Helper()
	job, inserted, err := q.Enqueue(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if !inserted {
		t.Fatalf("job of %s not inserted", a.DeliveryKey)
	}
	return job
}

func metric(m *Metrics, queue, outcome string) float64 {
	return testutil.ToFloat64(m.Jobs.WithLabelValues(queue, outcome))
}

// mention returns the args of a mention in channel, answered with chat.postMessage.
func mention(key, channel string) AnswerArgs {
	return AnswerArgs{DeliveryKey: key, Surface: "mention", Channel: channel, User: "U0TEST", Text: "qui est juriste ?", ThreadTS: "1700000000.000100"}
}

// slash returns the args of a slash command answered through a response_url expiring at exp.
func slash(key, channel string, exp time.Time) AnswerArgs {
	return AnswerArgs{DeliveryKey: key, EnvelopeID: "env-" + key, Surface: "slash", Channel: channel, User: "U0TEST",
		Text: "juriste", ResponseURL: "http://127.0.0.1:1/response/" + key, ResponseURLExpiresAt: exp}
}

package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestWatchAgeWarnsWhileLate leaves a job unanswered (no worker runs) past a bound of zero:
// the watch warns, and the queue's counts show the job waiting.
func TestWatchAgeWarnsWhileLate(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	q := testQueue(t, storetest.SQLiteURL(t), nil, nil, logs)
	enqueue(t, q, mention("OLD", "C1"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.WatchAge(ctx, 10*time.Millisecond, 0)
	}()
	waitFor(t, "the late queue's warning", func() bool { return strings.Contains(logs.String(), "file des réponses en retard") })
	cancel()
	<-done
	if age, err := q.OldestAge(context.Background()); err != nil || age <= 0 {
		t.Errorf("OldestAge = %v, %v; want a positive age", age, err)
	}
	waiting, err := q.Waiting(context.Background())
	if err != nil || waiting["available"] != 1 {
		t.Errorf("Waiting = %v, %v; want one available job", waiting, err)
	}
}

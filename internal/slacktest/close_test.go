package slacktest_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestCloseStopsGoroutines is not parallel, so it runs alone and can count
// goroutines: after the client and the server stop, none of theirs is left.
func TestCloseStopsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()

	srv, err := slacktest.New(slacktest.Config{PingInterval: 20 * time.Millisecond, Redeliver: true, AckTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	api := srv.Client()
	sm := socketmode.New(api)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	stop := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			select {
			case <-sm.Events:
			case <-stop:
				return
			}
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if _, err := srv.SendEvent(wctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}}); err != nil {
		t.Fatal(err)
	}
	// Leave a redelivery pending and a waiter blocked when closing.
	waitErr := make(chan error, 1)
	go func() {
		_, err := srv.WaitMessages(context.Background(), 1, slacktest.Method("chat.postMessage"))
		waitErr <- err
	}()
	cancel()
	<-done
	close(stop)
	<-drained
	srv.Close()
	srv.Close() // idempotent
	if err := <-waitErr; err == nil {
		t.Error("WaitMessages returned no error after Close")
	}

	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

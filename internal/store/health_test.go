package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConnectWaitsForTheDatabase starts with the database away: Connect retries, Health says
// why, and Connect returns the Store once the database is back.
func TestConnectWaitsForTheDatabase(t *testing.T) {
	pgURL, p := storetest.NewProxy(t, storetest.PostgresURL(t))
	p.Cut()
	var h Health
	if err := h.Err(); !errors.Is(err, ErrNotOpen) {
		t.Fatalf("Health before any attempt = %v, want ErrNotOpen", err)
	}
	type result struct {
		s   *Store
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := Connect(context.Background(), pgURL, "", nil, &h)
		done <- result{s, err}
	}()
	waitFor(t, "a failed attempt", func() bool { err := h.Err(); return err != nil && !errors.Is(err, ErrNotOpen) })
	if pw := password(pgURL); pw == "" || strings.Contains(h.Err().Error(), pw) {
		t.Fatalf("Health error shows the password (or the test URL has none): %v", h.Err())
	}
	p.Restore()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Connect did not return once the database was back")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.s.Close()
	if err := h.Err(); err != nil {
		t.Fatalf("Health after Connect = %v", err)
	}
}

func TestConnectStops(t *testing.T) {
	// A malformed URL is not retried.
	if _, err := Connect(context.Background(), "mysql://x", "", nil, nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("Connect(mysql://) = %v, want ErrConfig", err)
	}
	// Nor is anything once ctx ends.
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Connect(ctx, "postgres://rolebot:pw@127.0.0.1:1/x?sslmode=disable&connect_timeout=1", "", nil, nil)
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("Connect to nothing = %v after %s", err, time.Since(start))
	}
}

// TestWatchSeesTheDatabaseGoAndComeBack: lost while running, Health turns to an error; back,
// Health recovers and the Store works again, by itself.
func TestWatchSeesTheDatabaseGoAndComeBack(t *testing.T) {
	pgURL, p := storetest.NewProxy(t, storetest.PostgresURL(t))
	s := open(t, pgURL)
	var h Health
	h.Set(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Watch(ctx, &h, 50*time.Millisecond, time.Second)

	p.Cut()
	waitFor(t, "Health to see the database lost", func() bool { return h.Err() != nil })
	if _, err := s.Team(ctx, "CNEW"); err == nil {
		t.Fatal("Team read succeeded with the database away")
	}
	p.Restore()
	waitFor(t, "Health to see the database back", func() bool { return h.Err() == nil })
	if _, err := s.SetTeam(ctx, "C1", "UMARC", Team{"designer": {"U1"}}); err != nil {
		t.Fatalf("SetTeam once the database is back: %v", err)
	}
}

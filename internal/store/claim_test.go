package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

func TestClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clk := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
		s.now = clk.now
		claim := func(key string) bool {
			t.Helper()
			ok, err := s.Claim(ctx, key, time.Minute) // raised to MinClaimTTL
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim("Ev1") {
			t.Fatal("first claim refused")
		}
		if claim("Ev1") {
			t.Fatal("second claim granted")
		}
		if !claim("Ev2") {
			t.Fatal("other key refused")
		}
		clk.add(MinClaimTTL - time.Second)
		if claim("Ev1") {
			t.Fatal("claim expired before MinClaimTTL")
		}
		if n, err := s.PurgeClaims(ctx); err != nil || n != 0 {
			t.Fatalf("PurgeClaims before expiry = %d, %v", n, err)
		}
		clk.add(time.Second)
		if n, err := s.PurgeClaims(ctx); err != nil || n != 2 {
			t.Fatalf("PurgeClaims after expiry = %d, %v; want 2", n, err)
		}
		if !claim("Ev1") {
			t.Fatal("purged key refused")
		}
		// An expired claim that was not purged yet may be taken again, once.
		clk.add(2 * MinClaimTTL)
		if !claim("Ev1") || claim("Ev1") {
			t.Fatal("expired claim not taken over exactly once")
		}
	})
}

// TestClaimConcurrent claims the same keys from two Store handles on one database, from many
// goroutines: each key is granted exactly once.
func TestClaimConcurrent(t *testing.T) {
	const keys, goroutines = 200, 8
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		stores := []*Store{open(t, url), open(t, url)}
		grantedOnce(t, stores, goroutines, keys, "key %d granted %d times", func(s *Store, _, key int) (bool, error) {
			return s.Claim(ctx, fmt.Sprintf("Ev%03d", key), time.Hour)
		})
	})
}

// grantedOnce runs op on every key from goroutines×2 goroutines, half on each of the two
// stores, each walking the keys from another start so that they collide, and fails unless op
// granted each key (returned true) exactly once; failed says so, with the key and its count.
func grantedOnce(t *testing.T, stores []*Store, goroutines, keys int, failed string, op func(s *Store, g, key int) (bool, error)) {
	t.Helper()
	granted := make([]atomic.Int32, keys)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*2)
	for g := range goroutines * 2 {
		wg.Go(func() {
			s := stores[g%2]
			for k := range keys {
				key := (k + g*17) % keys
				ok, err := op(s, g, key)
				if err != nil {
					errs <- err
					return
				}
				if ok {
					granted[key].Add(1)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for k := range granted {
		if n := granted[k].Load(); n != 1 {
			t.Errorf(failed, k, n)
		}
	}
}

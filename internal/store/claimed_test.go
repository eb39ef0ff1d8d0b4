package store

import (
	"context"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

func TestClaimed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
		s.now = clk.now
		claimed := func(key string) bool {
			t.Helper()
			ok, err := s.Claimed(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if claimed("report:w1") {
			t.Fatal("a key never claimed is claimed")
		}
		if ok, err := s.Claim(ctx, "report:w1", 30*24*time.Hour); err != nil || !ok {
			t.Fatalf("claim: %v, %v", ok, err)
		}
		// Looking does not take it: it stays claimed, and still cannot be claimed again.
		for range 2 {
			if !claimed("report:w1") {
				t.Fatal("Claimed does not see the claim")
			}
		}
		if ok, err := s.Claim(ctx, "report:w1", time.Hour); err != nil || ok {
			t.Fatalf("claim after Claimed: %v, %v; want refused", ok, err)
		}
		if claimed("report:w2") {
			t.Fatal("Claimed sees a key never claimed")
		}
		clk.add(30 * 24 * time.Hour)
		if claimed("report:w1") {
			t.Fatal("an expired claim is still claimed")
		}
	})
}

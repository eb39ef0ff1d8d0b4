package slackbot_test

import (
	"context"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/reply"
	dbstore "github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestPostgresLostThenBack cuts the bot's PostgreSQL while it runs: answers
// go out without people, saying so, then name people again once the
// database is back, with no restart.
func TestPostgresLostThenBack(t *testing.T) {
	t.Parallel()
	url, proxy := storetest.NewProxy(t, storetest.PostgresURL(t))
	st, err := dbstore.Open(context.Background(), url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	h := startTeams(t, st)
	ctx := ctxFor(t, 30*time.Second)
	channels := []string{"C0LOST1", "C0LOST2", "C0LOST3"}
	for _, ch := range channels {
		if _, err := st.SetTeam(ctx, ch, marc, dbstore.Team{"designer": {paul}}); err != nil {
			t.Fatal(err)
		}
	}
	if m := h.ask(ctx, channels[0], "designer"); !contains(m, "<@U0PAUL>") {
		t.Fatalf("answer before the cut: %v", allText(m))
	}

	proxy.Cut()
	m := h.ask(ctx, channels[1], "designer")
	if !contains(m, reply.TeamUnavailable) || contains(m, "<@U0PAUL>") {
		t.Errorf("answer while the database is cut: %v", allText(m))
	}

	proxy.Restore()
	// The store's 2 s cache does not hold channels[2]: this answer reads
	// the database again, through a new connection.
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := h.ask(ctx, channels[2], "designer")
		if contains(m, "<@U0PAUL>") && !contains(m, reply.TeamUnavailable) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not recover once the database was back: %v", allText(m))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

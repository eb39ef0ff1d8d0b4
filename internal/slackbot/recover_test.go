package slackbot_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/reply"
	dbstore "github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// cutter is a TCP proxy in front of a real PostgreSQL that the test can
// cut, as a network failure or a database restart would, and restore.
type cutter struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns []net.Conn
}

func newCutter(t *testing.T, target string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: target}
	go c.serve()
	t.Cleanup(func() { _ = ln.Close(); c.cut() })
	return c
}

func (c *cutter) serve() {
	for {
		in, err := c.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		c.mu.Lock()
		down := c.down
		c.mu.Unlock()
		if down {
			_ = in.Close()
			continue
		}
		out, err := net.Dial("tcp", c.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		c.mu.Lock()
		c.conns = append(c.conns, in, out)
		c.mu.Unlock()
		go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
		go func() { _, _ = io.Copy(in, out); _ = in.Close() }()
	}
}

// cut drops every connection and refuses new ones until restore.
func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = true
	for _, conn := range c.conns {
		_ = conn.Close()
	}
	c.conns = nil
}

func (c *cutter) restore() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = false
}

// TestPostgresLostThenBack cuts the bot's PostgreSQL while it runs: answers
// go out without people, saying so, then name people again once the
// database is back, with no restart.
func TestPostgresLostThenBack(t *testing.T) {
	t.Parallel()
	raw := storetest.PostgresURL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutter(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	st, err := dbstore.Open(context.Background(), u.String(), "", nil)
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

	proxy.cut()
	m := h.ask(ctx, channels[1], "designer")
	if !contains(m, reply.TeamUnavailable) || contains(m, "<@U0PAUL>") {
		t.Errorf("answer while the database is cut: %v", allText(m))
	}

	proxy.restore()
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

package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const writeTimeout = 5 * time.Second

// wsConn is one socket-mode connection.
type wsConn struct {
	id      int
	ws      *websocket.Conn
	writeMu sync.Mutex // gorilla allows one writer at a time
	done    chan struct{}
	once    sync.Once
	// silent is closed by Silence: the fake stops pinging the connection
	// and ignores what it reads on it, leaving it open.
	silent     chan struct{}
	silentOnce sync.Once
	// draining is set (under Server.mu) once a disconnect was sent: like
	// Slack, the fake routes no more envelopes to it.
	draining bool
}

func (c *wsConn) writeJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding socket message: %w", err)
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("setting write deadline: %w", err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		return fmt.Errorf("writing to connection %d: %w", c.id, err)
	}
	return nil
}

// kill closes the TCP connection without a close frame: the client sees the
// connection die, as with a network failure.
func (c *wsConn) kill() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

type debugInfo struct {
	Host                      string `json:"host"`
	BuildNumber               int    `json:"build_number,omitempty"`
	ApproximateConnectionTime int    `json:"approximate_connection_time,omitempty"`
}

type helloMsg struct {
	Type           string            `json:"type"`
	NumConnections int               `json:"num_connections"`
	DebugInfo      debugInfo         `json:"debug_info"`
	ConnectionInfo map[string]string `json:"connection_info"`
}

type disconnectMsg struct {
	Type      string    `json:"type"`
	Reason    string    `json:"reason"`
	DebugInfo debugInfo `json:"debug_info"`
}

// envelope is a socket-mode request as Slack writes it.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	Type                   string          `json:"type"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt,omitempty"`
	RetryReason            *string         `json:"retry_reason,omitempty"`

	eventID string
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	// The handler outlives http.Server.Shutdown once hijacked, so Close must
	// wait for it explicitly.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	ticket := r.URL.Query().Get("ticket")
	valid := s.tickets[ticket] && s.revoked == ""
	delete(s.tickets, ticket) // tickets are single-use, as on Slack
	s.mu.Unlock()
	defer s.wg.Done()

	if !valid {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.logf("slacktest: upgrading: %v", err)
		return
	}
	c := &wsConn{ws: ws, done: make(chan struct{}), silent: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.kill()
		return
	}
	s.connSeq++
	c.id = s.connSeq
	hello := helloMsg{
		Type:           "hello",
		NumConnections: len(s.conns) + 1,
		DebugInfo:      debugInfo{Host: "applink-slacktest", BuildNumber: 1, ApproximateConnectionTime: 18060},
		ConnectionInfo: map[string]string{"app_id": s.cfg.AppID},
	}
	s.mu.Unlock()

	// hello goes first: the connection becomes routable only after it.
	if err := c.writeJSON(hello); err != nil {
		s.logf("slacktest: connection %d: %v", c.id, err)
		c.kill()
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.kill()
		return
	}
	s.conns[c.id] = c
	s.opened++
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("slacktest: connection %d opened", c.id)

	if s.cfg.PingInterval > 0 {
		s.goTracked(func() { s.pinger(c) })
	}
	s.readAcks(c)

	s.mu.Lock()
	delete(s.conns, c.id)
	s.notifyLocked()
	s.mu.Unlock()
	c.kill()
	s.logf("slacktest: connection %d closed", c.id)
}

// pinger pings c at once, so slack-go's watchdog is fed from the start, then
// every PingInterval.
func (s *Server) pinger(c *wsConn) {
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for n := 1; ; n++ {
		err := c.ws.WriteControl(websocket.PingMessage, fmt.Appendf(nil, "ping-%d", n), time.Now().Add(writeTimeout))
		if err != nil {
			c.kill()
			return
		}
		select {
		case <-t.C:
		case <-c.done:
			return
		case <-c.silent:
			return
		case <-s.ctx.Done():
			return
		}
	}
}

// readAcks reads the client's messages, acks, until the connection fails.
func (s *Server) readAcks(c *wsConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		select {
		case <-c.silent:
			continue // half-open: what the client sends goes nowhere
		default:
		}
		var m struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(data, &m); err != nil || m.EnvelopeID == "" {
			s.logf("slacktest: connection %d: unexpected message %q", c.id, data)
			continue
		}
		s.recordAck(c, m.EnvelopeID, m.Payload)
	}
}

func (s *Server) recordAck(c *wsConn, id string, payload json.RawMessage) {
	now := time.Now()
	if string(payload) == "null" {
		payload = nil
	}
	s.mu.Lock()
	ack := Ack{EnvelopeID: id, Payload: payload, Received: now, Conn: c.id}
	d := s.byEnvelope[id]
	if d != nil {
		ack.Latency = now.Sub(d.Sent)
		ack.Late = ack.Latency > s.cfg.AckTimeout
		ack.Duplicate = d.Acked
		if !d.Acked {
			d.Acked, d.AckLatency = true, ack.Latency
		}
	} else {
		ack.Unknown = true
	}
	if _, ok := s.firstAck[id]; !ok {
		s.firstAck[id] = len(s.acks)
	}
	if d != nil && d.EventID != "" {
		if _, ok := s.eventAck[d.EventID]; !ok {
			s.eventAck[d.EventID] = len(s.acks)
		}
	}
	s.acks = append(s.acks, ack)
	s.notifyLocked()
	s.mu.Unlock()
	// A slash command's answer in its ack is what the user sees (ackanswer.go): decoded
	// outside the lock, which a load run contends for. A delivery's type and payload never
	// change once recorded.
	if msg, ok := ackMessage(d, ack); ok {
		s.mu.Lock()
		s.recordLocked(&msg, ackResponse(ack))
		s.mu.Unlock()
	}
}

// Connections returns how many socket-mode connections were ever opened; a
// test waits for it to grow to see a reconnection.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// ActiveConnections returns how many socket-mode connections are open now.
func (s *Server) ActiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitConnections waits until at least n connections were ever opened and one
// is open and not draining, so an injection right after it goes out at once.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	err := s.waitUntil(ctx, func() bool { return s.opened >= n && len(s.activeLocked(true)) > 0 })
	if err != nil {
		return fmt.Errorf("slacktest: waiting for connection %d: %w", n, err)
	}
	return nil
}

// activeLocked lists the open connections by number, leaving out draining
// ones when routable is set.
func (s *Server) activeLocked(routable bool) []*wsConn {
	out := make([]*wsConn, 0, len(s.conns))
	for _, c := range s.conns {
		if !routable || !c.draining {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *wsConn) int { return a.id - b.id })
	return out
}

// Silence makes every open socket-mode connection half-open, as when a
// network path dies without a reset: the fake stops pinging them, ignores
// the acks they carry and routes no more envelopes to them, but keeps them
// open. slack-go notices only through its ping watchdog
// (socketmode.OptionPingInterval), then reconnects; new connections are
// normal. It returns how many connections it silenced.
func (s *Server) Silence() int {
	s.mu.Lock()
	conns := s.activeLocked(false)
	for _, c := range conns {
		c.draining = true
		c.silentOnce.Do(func() { close(c.silent) })
	}
	s.mu.Unlock()
	if len(conns) > 0 {
		s.logf("slacktest: silenced %d connections", len(conns))
	}
	return len(conns)
}

// DropConnections closes every open socket-mode connection abruptly, without
// a close frame, and returns how many it closed. slack-go notices the dead
// connection and reconnects at once.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	conns := s.activeLocked(false)
	for _, c := range conns {
		delete(s.conns, c.id)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
	if len(conns) > 0 {
		s.logf("slacktest: dropped %d connections", len(conns))
	}
	return len(conns)
}

// SendDisconnect sends {"type":"disconnect","reason":reason} on every open
// connection, as Slack does before refreshing one ("refresh_requested",
// "warning", "link_disabled"), and returns how many got it. The connections
// stay open for the client to close, but no envelope is routed to them any
// more. slack-go closes the connection and reconnects at once.
func (s *Server) SendDisconnect(reason string) int {
	s.mu.Lock()
	conns := s.activeLocked(true)
	for _, c := range conns {
		c.draining = true
	}
	s.notifyLocked()
	s.mu.Unlock()
	msg := disconnectMsg{Type: "disconnect", Reason: reason, DebugInfo: debugInfo{Host: "applink-slacktest"}}
	n := 0
	for _, c := range conns {
		if err := c.writeJSON(msg); err != nil {
			s.logf("slacktest: disconnect: %v", err)
			c.kill()
			continue
		}
		n++
	}
	return n
}

// nextConn waits for a routable connection and picks one round-robin, as
// Slack sends each envelope to exactly one of the app's connections; with
// target > 0, it waits for that connection.
func (s *Server) nextConn(ctx context.Context, target int) (*wsConn, error) {
	var c *wsConn
	err := s.waitUntil(ctx, func() bool {
		if target > 0 {
			c = s.conns[target]
			return c != nil && !c.draining
		}
		conns := s.activeLocked(true)
		if len(conns) == 0 {
			return false
		}
		c = conns[s.rr%len(conns)]
		s.rr++
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("slacktest: waiting for a socket-mode connection: %w", err)
	}
	return c, nil
}

// deliver writes env to one connection, waiting for one if none is open, and
// records the delivery. A connection that fails the write is dropped and the
// envelope goes to another one.
func (s *Server) deliver(ctx context.Context, env envelope, target int) (*Delivery, error) {
	for {
		c, err := s.nextConn(ctx, target)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		d := s.byEnvelope[env.EnvelopeID]
		if d == nil {
			d = &Delivery{EnvelopeID: env.EnvelopeID, Type: env.Type, EventID: env.eventID, Payload: env.Payload}
			if env.RetryAttempt != nil {
				d.RetryAttempt, d.RetryReason = *env.RetryAttempt, *env.RetryReason
			}
			s.deliveries = append(s.deliveries, d)
			s.byEnvelope[env.EnvelopeID] = d
		}
		// Recorded before the write, so that an ack racing back finds it.
		d.Conn, d.Sent = c.id, time.Now()
		s.notifyLocked()
		s.mu.Unlock()

		if err := c.writeJSON(env); err != nil {
			s.logf("slacktest: %v; trying another connection", err)
			s.mu.Lock()
			delete(s.conns, c.id)
			s.notifyLocked()
			s.mu.Unlock()
			c.kill()
			continue
		}
		return d, nil
	}
}

// send delivers a new envelope and, with Redeliver, retries an unacked event.
// With target > 0, the envelope goes to that connection (redeliveries go
// round-robin).
func (s *Server) send(ctx context.Context, typ string, payload any, acceptsResponse bool, ev *EventsAPI, eventID string, target int) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("slacktest: encoding %s payload: %w", typ, err)
	}
	env := envelope{
		EnvelopeID:             s.newEnvelopeID(),
		Payload:                raw,
		Type:                   typ,
		AcceptsResponsePayload: acceptsResponse,
		eventID:                eventID,
	}
	attempt := 0
	if ev != nil {
		attempt = ev.RetryAttempt
		reason := ev.RetryReason
		env.RetryAttempt, env.RetryReason = &attempt, &reason
	}
	d, err := s.deliver(ctx, env, target)
	if err != nil {
		return "", err
	}
	if ev != nil && s.cfg.Redeliver {
		s.goTracked(func() { s.redeliver(env, d, attempt) })
	}
	return env.EnvelopeID, nil
}

// redeliver sends env again, with a new envelope_id and retry_attempt+1, each
// time the previous attempt went unacked for AckTimeout.
func (s *Server) redeliver(env envelope, d *Delivery, attempt int) {
	for attempt < s.cfg.MaxRedeliveries {
		ctx, cancel := context.WithTimeout(s.ctx, s.cfg.AckTimeout)
		err := s.waitUntil(ctx, func() bool { return d.Acked })
		cancel()
		if err == nil || s.ctx.Err() != nil {
			return
		}
		attempt++
		reason := "timeout"
		next := env
		next.EnvelopeID = s.newEnvelopeID()
		next.RetryAttempt, next.RetryReason = &attempt, &reason
		s.logf("slacktest: %s not acked in %v, redelivering event %s as %s (attempt %d)",
			env.EnvelopeID, s.cfg.AckTimeout, env.eventID, next.EnvelopeID, attempt)
		var derr error
		if d, derr = s.deliver(s.ctx, next, 0); derr != nil {
			return
		}
		env = next
	}
}

func (s *Server) newEnvelopeID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.envSeq++
	return fmt.Sprintf("%08x-1111-4000-8000-%012x", s.envSeq, time.Now().UnixNano()&0xffffffffffff)
}

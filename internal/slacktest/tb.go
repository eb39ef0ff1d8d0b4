package slacktest

// TB is the part of testing.TB that NewTB uses. It is declared here, rather
// than importing testing, so that a load command linking this package does
// not link the testing package; any testing.TB satisfies it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// NewTB starts a Server for a test, fails the test if it cannot, and closes it
// in tb's Cleanup. When cfg.Logf is nil, the server logs to tb.Logf; Close
// waits for every server goroutine, so none logs after the test ends.
func NewTB(tb TB, cfg Config) *Server {
	tb.Helper()
	if cfg.Logf == nil {
		cfg.Logf = tb.Logf
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatalf("starting the fake Slack: %v", err)
	}
	tb.Cleanup(srv.Close)
	return srv
}

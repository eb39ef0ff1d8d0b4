package slacktest

import "net/http"

// Hold makes the fake carry out and record every successful call to method (a Web API
// method) as usual, but hold its HTTP answer until release is called: the client does not
// learn that Slack took the call. A test kills the client meanwhile to stand for a process
// that dies between Slack's 200 and recording that its answer went out. A call held when
// the client goes away ends with it; release is safe to call more than once.
func (s *Server) Hold(method string) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.holds[method] = ch
	s.mu.Unlock()
	released := false
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if released {
			return
		}
		released = true
		if s.holds[method] == ch {
			delete(s.holds, method)
		}
		close(ch)
	}
}

// waitHold waits until hold is released, the client gives up on r or the server closes.
func (s *Server) waitHold(r *http.Request, hold chan struct{}) {
	select {
	case <-hold:
	case <-r.Context().Done():
	case <-s.ctx.Done():
	}
}

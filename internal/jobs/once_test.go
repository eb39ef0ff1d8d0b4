package jobs

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// checker is a fake Answerer that is also a DeliveryChecker: posted lists the delivery keys
// whose answer Slack already has; checkErr, the error each key's first check returns.
type checker struct {
	answerer
	cmu      sync.Mutex
	posted   map[string]bool
	checkErr map[string]error
	checks   map[string][]time.Time // since, per check
}

func (c *checker) Delivered(_ context.Context, a AnswerArgs, since time.Time) (bool, error) {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	c.checks[a.DeliveryKey] = append(c.checks[a.DeliveryKey], since)
	if err := c.checkErr[a.DeliveryKey]; err != nil {
		delete(c.checkErr, a.DeliveryKey)
		return false, err
	}
	return c.posted[a.DeliveryKey], nil
}

func (c *checker) checksOf(key string) []time.Time {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	return c.checks[key]
}

func TestRetriedAnswerChecksSlackFirst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		// Each first attempt fails in a way that leaves unknown whether Slack got the post (a
		// 503 after Slack took it, a cut connection), as a process killed after Slack's 200
		// leaves its job to be rescued.
		lost := slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}
		c := &checker{
			answerer: answerer{script: map[string][]error{"P1": {lost}, "P2": {lost}, "P4": {lost}, "P5": {lost}}},
			posted:   map[string]bool{"P1": true, "P3": true},
			checkErr: map[string]error{
				"P4": slack.SlackErrorResponse{Err: "missing_scope"},              // cannot tell: post
				"P5": slack.StatusCodeError{Code: 502, Status: "502 Bad Gateway"}, // may pass: ask again
			},
			checks: map[string][]time.Time{},
		}
		m, _ := NewMetrics(nil)
		q := testQueue(t, url, c, m, nil)
		startQueue(t, q)
		jobs := map[string]*rivertype.JobRow{}
		for _, key := range []string{"P1", "P2", "P3", "P4", "P5"} {
			jobs[key] = enqueue(t, q, mention(key, "C"+key))
		}
		for _, job := range jobs {
			waitState(t, q, job.ID, rivertype.JobStateCompleted)
		}
		tests := []struct {
			key            string
			answers, check int
		}{
			{"P1", 1, 1}, // posted by the first attempt: found, not posted again
			{"P2", 2, 1}, // not posted: the second attempt posts
			{"P3", 1, 0}, // a first attempt never asks (P3 "posted" is never looked at)
			{"P4", 2, 1}, // the read is refused for good: posted again rather than lost
			{"P5", 2, 2}, // the read failed for a while: asked again, then posted
		}
		for _, tt := range tests {
			if got := len(c.callsOf(tt.key)); got != tt.answers {
				t.Errorf("%s: answered %d times, want %d", tt.key, got, tt.answers)
			}
			checks := c.checksOf(tt.key)
			if len(checks) != tt.check {
				t.Errorf("%s: checked %d times, want %d", tt.key, len(checks), tt.check)
			}
			for _, since := range checks {
				if !since.Equal(jobs[tt.key].CreatedAt) {
					t.Errorf("%s: checked since %v, want the job's creation %v", tt.key, since, jobs[tt.key].CreatedAt)
				}
			}
		}
		if got := metric(m, QueuePost, OutcomeAlreadyPosted); got != 1 {
			t.Errorf("already_posted = %v, want 1", got)
		}
	})
}

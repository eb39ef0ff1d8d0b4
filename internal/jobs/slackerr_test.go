package jobs

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestClassifySlackErrors checks classify on the errors the real slack-go client returns
// from the fake Slack, for chat.postMessage and for a response_url.
func TestClassifySlackErrors(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{ResponseURLUses: 1})
	api := srv.Client()
	ctx := context.Background()
	post := func() error {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("bonjour", false))
		return err
	}
	respond := func(url string) func() error {
		// As slackbot posts to a response_url: slack-go then reads Slack's {"ok":false} too
		// (slack.PostWebhook would take a 200 used_url for a success).
		return func() error {
			_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral),
				slack.MsgOptionText("bonjour", false))
			return err
		}
	}
	used := srv.ResponseURL()
	if err := respond(used)(); err != nil {
		t.Fatalf("first post to a response_url: %v", err)
	}
	tests := []struct {
		name      string
		fault     func()
		call      func() error
		want      outcome
		wantAfter time.Duration
	}{
		{name: "posted", call: post, want: outcomeDone},
		{name: "429", fault: func() { srv.RateLimit("chat.postMessage", 1, 3*time.Second) }, call: post, want: outcomeRateLimit, wantAfter: 3 * time.Second},
		{name: "503", fault: func() { srv.FailStatus("chat.postMessage", 1, http.StatusServiceUnavailable) }, call: post, want: outcomeRetry},
		{name: "internal_error", fault: func() { srv.Fail("chat.postMessage", 1, "internal_error") }, call: post, want: outcomeRetry},
		{name: "channel_not_found", fault: func() { srv.Fail("chat.postMessage", 1, "channel_not_found") }, call: post, want: outcomeFailed},
		{name: "is_archived", fault: func() { srv.Fail("chat.postMessage", 1, "is_archived") }, call: post, want: outcomeFailed},
		{name: "response_url 429", fault: func() { srv.RateLimit(slacktest.MethodResponseURL, 1, time.Second) }, call: respond(srv.ResponseURL()), want: outcomeRateLimit, wantAfter: time.Second},
		{name: "response_url used", call: respond(used), want: outcomeFailed},
		{name: "response_url unknown", call: respond(srv.APIURL() + "../nowhere"), want: outcomeFailed},
		{name: "unreachable", call: respond("http://127.0.0.1:1/hook"), want: outcomeRetry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				tt.fault()
			}
			err := tt.call()
			got, after := classify(ctx, err)
			if got != tt.want || (tt.wantAfter != 0 && after != tt.wantAfter) {
				t.Errorf("classify(%v) = %v, %v; want %v, %v", err, got, after, tt.want, tt.wantAfter)
			}
		})
	}
	// An Answerer's own definite error, and a stopping process.
	if got, _ := classify(ctx, &PermanentError{Err: errors.New("requête illisible")}); got != outcomeFailed {
		t.Errorf("PermanentError: %v, want failed", got)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if got, _ := classify(done, errors.New("post: context canceled")); got != outcomeStopping {
		t.Errorf("error after the job's context ended: %v, want stopping", got)
	}
}

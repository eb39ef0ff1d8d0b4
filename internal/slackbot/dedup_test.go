package slackbot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestDedup(t *testing.T) {
	now := time.Unix(1700000000, 0)
	d := newDedup(10*time.Minute, 3, func() time.Time { return now })
	if !d.first("a") || d.first("a") {
		t.Fatal("a key is new once")
	}
	if d.first("b", "a") {
		t.Error("a request is a duplicate when any of its keys was seen")
	}
	if d.first("b") {
		t.Error("the other keys of a duplicate are remembered too")
	}
	if !d.first("", "c") {
		t.Error("empty keys are ignored")
	}
	// Bounded: a fourth key pushes the oldest out.
	if !d.first("d") || d.len() != 3 || !d.first("a") {
		t.Errorf("size not bounded: %d keys", d.len())
	}
	// Expiring: past the TTL everything is new again.
	now = now.Add(10 * time.Minute)
	if !d.first("d") || d.len() != 1 {
		t.Errorf("keys did not expire: %d keys", d.len())
	}
	d.forget("d")
	if !d.first("d") {
		t.Error("a forgotten key is new")
	}
	// The stale ring entry of a forgotten key never drops its newer self.
	now = now.Add(time.Minute)
	d.first("e")
	d.first("f")
	if d.first("d") {
		t.Error("d was dropped by its stale entry")
	}
}

func TestStripMention(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<@UBOT> designer", "designer"},
		{"<@UBOT|rolebot>   qui priorise le backlog ?", "qui priorise le backlog ?"},
		{"qui <@UBOT> fait quoi <@UBOT>", "qui fait quoi"},
		{"<@UBOTTOM> designer", "<@UBOTTOM> designer"},
		{"<@U999> & <@UBOT>", "<@U999> &"},
		{"<@UBOT", "<@UBOT"},
		{"", ""},
	} {
		if got := stripMention(tc.in, "UBOT"); got != tc.want {
			t.Errorf("stripMention(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestErrorsKeepSecretsOut(t *testing.T) {
	hook := "https://hooks.slack.com/commands/T1/123/SECRETPATH"
	err := sanitize(&url.Error{Op: "Post", URL: hook, Err: errors.New("connection refused")})
	if strings.Contains(err.Error(), "SECRETPATH") {
		t.Errorf("sanitize kept the path: %v", err)
	}
	ae := &APIError{Method: methodResponseURL, Code: slackCode(&url.Error{Op: "Post", URL: hook, Err: errors.New("x")}), Err: err}
	if strings.Contains(fmt.Sprintf("%v %+v", ae, ae), "SECRETPATH") {
		t.Errorf("APIError shows the URL: %v", ae)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{slack.SlackErrorResponse{Err: "token_revoked"}, "token_revoked"},
		{&slack.RateLimitedError{RetryAfter: time.Second}, "ratelimited"},
		{slack.StatusCodeError{Code: 502, Status: "Bad Gateway"}, "http_502"},
		{fmt.Errorf("wrapped: %w", slack.SlackErrorResponse{Err: "channel_not_found"}), "channel_not_found"},
		{errors.New("boom"), "other"},
	} {
		if got := slackCode(tc.err); got != tc.want {
			t.Errorf("slackCode(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if msg := (&AuthError{Var: "SLACK_APP_TOKEN", Method: "apps.connections.open", Code: "invalid_auth"}).Error(); !strings.Contains(msg, "jeton d'application (SLACK_APP_TOKEN)") {
		t.Errorf("auth error message: %s", msg)
	}
}

package slackbot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/config"
)

// Defaults of the calls to Slack.
const (
	// DefaultHTTPTimeout bounds one HTTP call to Slack.
	DefaultHTTPTimeout = 15 * time.Second
	// DefaultMaxRetryWait bounds the total time one call waits out rate
	// limits before it gives up.
	DefaultMaxRetryWait = 30 * time.Second
	// maxRateLimitRetries bounds how many times one call is retried.
	maxRateLimitRetries = 5
)

// methodResponseURL names posts to a response_url in metrics and logs.
const methodResponseURL = "response_url"

// NewClient returns the slack-go Web API client the bot needs: the bot token
// for the Web API, the app-level token for socket mode, apiURL as the Web
// API's base (Slack's when empty; it must end with "/"), an HTTP client with
// a timeout, and slack-go's own logger silenced, so that nothing slack-go
// prints can show a request. The tokens are revealed here only, to hand them
// to slack-go.
func NewClient(botToken, appToken config.Secret, apiURL string, opts ...slack.Option) *slack.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// Every call goes to one host: keep enough idle connections for the
	// workers, or a burst opens and closes a connection per call.
	transport.MaxIdleConnsPerHost = 64
	transport.MaxIdleConns = 128
	all := []slack.Option{
		slack.OptionAppLevelToken(appToken.Reveal()),
		slack.OptionHTTPClient(&http.Client{Timeout: DefaultHTTPTimeout, Transport: transport}),
		slack.OptionLog(silentLogger()),
		slack.OptionDebug(false),
	}
	if apiURL != "" {
		all = append(all, slack.OptionAPIURL(apiURL))
	}
	all = append(all, opts...)
	return slack.New(botToken.Reveal(), all...)
}

// silentLogger drops whatever slack-go would print.
func silentLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// APIError is a failed call to Slack. Its message names the method and
// Slack's error code, never a URL, a token or a request body.
type APIError struct {
	// Method is the Web API method, or "response_url".
	Method string
	// Code is Slack's error code ("channel_not_found", "ratelimited"), or
	// "http_NNN", "network", "canceled", "timeout" or "other".
	Code string
	// Err is the cause, with any URL reduced to its scheme and host.
	Err error
}

// Error says which call failed and why.
func (e *APIError) Error() string {
	switch e.Code {
	case "network", "other":
		return fmt.Sprintf("appel Slack %s : %v", e.Method, e.Err)
	}
	return fmt.Sprintf("appel Slack %s : %s", e.Method, e.Code)
}

// Unwrap returns the cause.
func (e *APIError) Unwrap() error { return e.Err }

// isAuthCode tells Slack's error codes meaning a token is refused for good.
func isAuthCode(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type":
		return true
	}
	return false
}

// AuthError reports that Slack refused a token: the bot cannot go on until
// someone fixes the configuration.
type AuthError struct {
	// Var is the variable holding the refused token: SLACK_BOT_TOKEN or
	// SLACK_APP_TOKEN.
	Var string
	// Method is the call Slack refused: auth.test or apps.connections.open.
	Method string
	// Code is Slack's error code, such as token_revoked.
	Code string
}

// Error is one line in French saying which token to check.
func (e *AuthError) Error() string {
	what := "le jeton de bot"
	if e.Var == "SLACK_APP_TOKEN" {
		what = "le jeton d'application"
	}
	return fmt.Sprintf("Slack refuse %s (%s) : %s à %s ; vérifiez le jeton, que l'application est toujours installée "+
		"dans l'espace de travail et que le jeton n'a pas été révoqué", what, e.Var, e.Code, e.Method)
}

// slackCode extracts Slack's error code from err, or a short word saying
// what kind of failure it is.
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	var rl *slack.RateLimitedError
	var ne net.Error
	switch {
	case errors.As(err, &rl):
		return "ratelimited"
	case errors.As(err, &se) && se.Err != "":
		return se.Err
	case errors.As(err, &sc):
		return "http_" + strconv.Itoa(sc.Code)
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return "network"
	}
	return "other"
}

// sanitize returns err with every URL in it cut down to its scheme and host:
// a response_url or a socket URL grants access and must not reach a log.
func sanitize(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: origin(ue.URL), Err: sanitize(ue.Err)}
}

// origin keeps a URL's scheme and host.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[url]"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// call runs one Slack call. Posting an answer (chat.postMessage, a
// response_url) is tried once: a 429 goes back to the caller, for the queue
// to schedule the wait instead of a worker sleeping it (answerWaiting waits
// it out on the in-memory path). The other calls (views, users, auth.test)
// wait out rate limits: on a 429 they sleep the Retry-After Slack asked for,
// bounded in total by maxRetryWait and by ctx, then try again. Failed
// attempts are counted by method and code; retries by method. The error, if
// any, is an *APIError.
func (b *Bot) call(ctx context.Context, method string, f func(ctx context.Context) error) error {
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		code := slackCode(err)
		b.metrics.SlackErrors.WithLabelValues(method, code).Inc()
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) && attempt < maxRateLimitRetries && !postsAnswer(method) {
			wait := max(rl.RetryAfter, time.Second)
			if waited+wait <= b.maxRetryWait {
				b.metrics.SlackRetries.WithLabelValues(method).Inc()
				b.log.LogAttrs(ctx, slog.LevelDebug, "Slack limite le débit, nouvel essai après l'attente demandée",
					slog.String("method", method), slog.Duration("retry_after", wait), slog.Int("attempt", attempt+1))
				t := time.NewTimer(wait)
				select {
				case <-t.C:
					waited += wait
					continue
				case <-ctx.Done():
					t.Stop()
					return &APIError{Method: method, Code: "canceled", Err: ctx.Err()}
				}
			}
		}
		return &APIError{Method: method, Code: code, Err: sanitize(err)}
	}
}

// postsAnswer tells the methods that post answers, or look for an earlier post of one
// (once.go), never retried by call: the queue schedules their waits.
func postsAnswer(method string) bool {
	switch method {
	case "chat.postMessage", methodResponseURL, "conversations.replies", "conversations.history":
		return true
	}
	return false
}

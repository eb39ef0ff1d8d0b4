package slackbot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Start-up against a Slack that fails: auth.test is retried with a doubling delay from
// Options.StartRetryBase (DefaultStartRetryBase), capped at startRetryCap, each drawn in
// [d/2, d] so that replicas restarted together do not call in step. Only a refused token ends
// Run: a Slack incident during a rollout must not become a crash loop.
const (
	DefaultStartRetryBase = time.Second
	startRetryCap         = 30 * time.Second
)

// DefaultPingInterval is slack-go's ping watchdog (socketmode.OptionPingInterval): a
// connection Slack has not pinged for that long is dropped and replaced. slack-go checks on a
// ticker of the same period, so a silent socket is noticed within twice this: 20 s. Slack
// pings every few seconds; slack-go's own default (30 s) notices only after up to 60 s.
const DefaultPingInterval = 10 * time.Second

// NotReadyReason says, in French, why the bot is not connected yet while it retries Slack at
// start (for /readyz), or "" when it has nothing to add.
func (b *Bot) NotReadyReason() string {
	if p := b.startProblem.Load(); p != nil {
		return *p
	}
	return ""
}

// whoAmIRetrying calls whoAmI until it succeeds, Slack refuses the token (an *AuthError) or
// ctx ends; meanwhile NotReadyReason tells why the bot waits.
func (b *Bot) whoAmIRetrying(ctx context.Context) error {
	defer b.startProblem.Store(nil)
	delay := b.startRetryBase
	for attempt := 1; ; attempt++ {
		err := b.whoAmI(ctx)
		var ae *AuthError
		if err == nil || errors.As(err, &ae) || ctx.Err() != nil {
			if ae != nil {
				b.log.Error("Slack refuse le jeton au démarrage : arrêt (Slack refused the token at start: exiting)",
					"var", ae.Var, "method", ae.Method, "code", ae.Code)
			}
			return err
		}
		wait := delay/2 + rand.N(delay/2+1)
		reason := fmt.Sprintf("Slack injoignable au démarrage (%v), essai %d, nouvel essai dans %s", err, attempt, wait.Round(100*time.Millisecond))
		b.startProblem.Store(&reason)
		b.log.Warn("Slack injoignable au démarrage, nouvel essai", "err", err, "attempt", attempt, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		delay = min(delay*2, startRetryCap)
	}
}

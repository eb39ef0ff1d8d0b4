package main

import (
	"context"
	"time"

	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/store"
)

// discard is a slackbot.Feedback that keeps nothing: with it, the bot shows the feedback
// buttons exactly as with a store (they depend only on a Feedback being set) and hands every
// answer to its recorder, whose writes return at once. A run with it against a run with a
// store measures the writes, the rest of recording being in both.
type discard struct{}

var _ slackbot.Feedback = discard{}

// RecordAnswers keeps nothing and says every answer was new.
func (discard) RecordAnswers(_ context.Context, batch []store.Shown) (int, error) {
	return len(batch), nil
}

// RecordAnswer keeps nothing and says the answer was new.
func (discard) RecordAnswer(_ context.Context, sh store.Shown) (string, bool, error) {
	return sh.Key, true, nil
}

// RecordFollow keeps nothing.
func (discard) RecordFollow(context.Context, string, string) (bool, error) { return true, nil }

// RecordFeedback keeps nothing and says the opinion was new.
func (discard) RecordFeedback(context.Context, store.Feedback) (bool, error) { return true, nil }

// AddComment keeps nothing.
func (discard) AddComment(context.Context, string, string, string) (bool, error) { return true, nil }

// AwaitsComment says no comment is awaited.
func (discard) AwaitsComment(context.Context, string, string) (bool, error) { return false, nil }

// AnswersSince has nothing to give.
func (discard) AnswersSince(context.Context, time.Time) ([]store.Shown, error) { return nil, nil }

// FeedbackSince has nothing to give.
func (discard) FeedbackSince(context.Context, time.Time) ([]store.Feedback, error) { return nil, nil }

// Export has nothing to give.
func (discard) Export(context.Context) ([]store.Row, error) { return nil, nil }

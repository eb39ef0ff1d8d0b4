package slackbot

// Feedback on answers: the clicks on the feedback buttons, the "pas utile" comment modal, and
// the report's part of the admins' App Home. Clicks are handled in memory, not as answer jobs:
// they only write the store, which keeps each person's opinion of an answer once, whichever
// replica writes first.

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/store"
)

// Feedback is the part of the store that records the answers shown and the opinions on them,
// and reads them back for the admins' report; *store.Store is one.
type Feedback interface {
	RecordAnswers(ctx context.Context, batch []store.Shown) (int, error)
	RecordAnswer(ctx context.Context, sh store.Shown) (key string, recorded bool, err error)
	RecordFollow(ctx context.Context, key, ref string) (bool, error)
	RecordFeedback(ctx context.Context, fb store.Feedback) (bool, error)
	AddComment(ctx context.Context, key, user, comment string) (bool, error)
	AwaitsComment(ctx context.Context, key, user string) (bool, error)
	report.Source
}

// intentFeedback names the feedback clicks and comments in logs and metrics.
const intentFeedback answer.Intent = "feedback"

// Texts of the feedback (no user input in them).
const (
	feedbackForged = "Ce bouton d'avis n'est pas valide : je n'ai rien enregistré. Donnez votre avis depuis une réponse de rolebot."
	feedbackFailed = "Votre avis n'a pas pu être enregistré (base de données indisponible). Réessayez dans un instant."
	feedbackOff    = "Les avis ne sont pas enregistrés : rolebot tourne sans base de données."
)

// Outcomes of a click or a comment, as MetricFeedback labels them.
const (
	feedbackUseful    = "useful"
	feedbackNotUseful = "not_useful"
	feedbackComment   = "comment"
	feedbackAgain     = "already"
	feedbackRefused   = "refused"
	feedbackError     = "error"
)

// The admins' App Home report covers the last homeReportPeriod, read within homeReportBudget:
// past it, the Home tab is published without it.
const (
	homeReportPeriod = 7 * 24 * time.Hour
	homeReportBudget = 2 * time.Second
	// maxViewBlocks is Slack's limit on a view's blocks.
	maxViewBlocks = 100
)

// isFeedbackAction tells a click on a feedback button, Slack's or the plain ones.
func isFeedbackAction(a *slack.BlockAction) bool {
	return reply.ActionName(a.ActionID) == reply.ActionFeedback
}

// giveFeedback records a click on a feedback button and thanks its author privately. A "pas
// utile" first opens the comment modal, before its trigger_id expires (3 s after the click; the
// store's writes before it are bounded by storeTimeout). A second click, here or on another
// replica, records nothing and says so politely; a second "pas utile" of someone whose
// "pas utile" has no comment yet (the modal closed) opens the modal again. A forged value or
// an unknown answer is refused, nothing recorded.
func (b *Bot) giveFeedback(ctx context.Context, j job) {
	cb, act := j.interaction, j.action
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	r := result{intent: intentFeedback, user: cb.User.ID, channel: channel}
	text, outcome := b.recordOpinion(ctx, cb.User.ID, act.Value, j.received)
	key, useful, _ := reply.DecodeFeedback(act.Value)
	if outcome == feedbackAgain && !useful && b.awaitsComment(ctx, key, cb.User.ID) {
		if b.openCommentModal(ctx, cb, key) {
			text = reply.FeedbackCommentAgain
		}
	} else if outcome == feedbackNotUseful {
		b.openCommentModal(ctx, cb, key)
	}
	b.metrics.Feedback.WithLabelValues(outcome).Inc()
	r.err = b.privately(ctx, cb, reply.Message{Text: text}, false)
	b.done(ctx, j.surface, j.received, r)
}

// awaitsComment tells whether user's opinion of the answer key is a "pas utile" still without
// a comment; false when the store cannot tell in time.
func (b *Bot) awaitsComment(ctx context.Context, key, user string) bool {
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	awaits, err := b.feedback.AwaitsComment(sctx, key, user)
	if err != nil {
		b.storeFailed("awaits_comment", err)
	}
	return awaits
}

// openCommentModal opens the comment modal of the answer key with the click's trigger_id, and
// reports whether Slack opened it.
func (b *Bot) openCommentModal(ctx context.Context, cb *slack.InteractionCallback, key string) bool {
	err := b.call(ctx, "views.open", func(ctx context.Context) error {
		_, err := b.api.OpenViewContext(ctx, cb.TriggerID, reply.FeedbackModal(key))
		return err
	})
	if err != nil {
		b.log.Warn("fenêtre de commentaire non ouverte", "user", cb.User.ID, "error", err.Error())
		return false
	}
	return true
}

// recordOpinion records user's opinion from a feedback button's value and returns what to
// tell them, with the outcome.
func (b *Bot) recordOpinion(ctx context.Context, user, value string, at time.Time) (string, string) {
	key, useful, ok := reply.DecodeFeedback(value)
	switch {
	case !ok:
		b.log.Info("avis refusé : valeur de bouton invalide", "user", user)
		return feedbackForged, feedbackRefused
	case b.feedback == nil:
		return feedbackOff, feedbackRefused
	}
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	fb := store.Feedback{Key: key, User: user, Useful: useful, At: at}
	recorded, err := b.feedback.RecordFeedback(sctx, fb)
	if errors.Is(err, store.ErrUnknownAnswer) {
		// The answer may still wait in the recorder's buffer (a click within its
		// pause): written now, it is known.
		b.rec.flush(sctx)
		recorded, err = b.feedback.RecordFeedback(sctx, fb)
	}
	cancel()
	switch {
	case errors.Is(err, store.ErrUnknownAnswer):
		b.log.Info("avis refusé : réponse inconnue", "user", user, "key", key)
		return reply.FeedbackUnknown, feedbackRefused
	case errors.Is(err, store.ErrInvalid):
		return feedbackForged, feedbackRefused
	case err != nil:
		b.storeFailed("record_feedback", err)
		return feedbackFailed, feedbackError
	case !recorded:
		return reply.FeedbackAlready, feedbackAgain
	case useful:
		return reply.FeedbackThanks, feedbackUseful
	}
	return reply.FeedbackThanks, feedbackNotUseful
}

// submitFeedback keeps the comment of a submitted comment modal and answers in the ack: the
// modal replaced by thanks, the same with why nothing was kept, or, for a comment too long,
// the error under the input, the modal left open so that nothing typed is lost.
func (b *Bot) submitFeedback(ctx context.Context, j job) {
	cb := j.submission
	r := result{intent: intentFeedback, user: cb.User.ID}
	var payload any
	defer func() {
		// Also on a panic: close the modal rather than let Slack time out.
		b.ack(ctx, j.sm, j.req, j.received, payload)
		b.done(ctx, j.surface, j.received, r)
	}()
	notice := func(text string) { payload = slack.NewUpdateViewSubmissionResponse(reply.FeedbackNotice(text)) }
	key, comment, ok := reply.FeedbackComment(cb.View)
	if !ok || b.feedback == nil {
		b.metrics.Feedback.WithLabelValues(feedbackRefused).Inc()
		notice(feedbackForged)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	added, err := b.feedback.AddComment(sctx, key, cb.User.ID, comment)
	cancel()
	switch {
	case errors.Is(err, store.ErrTooLong):
		b.metrics.Feedback.WithLabelValues(feedbackRefused).Inc()
		payload = reply.FeedbackCommentErrors()
	case errors.Is(err, store.ErrUnknownAnswer), errors.Is(err, store.ErrInvalid):
		b.metrics.Feedback.WithLabelValues(feedbackRefused).Inc()
		notice(reply.FeedbackUnknown)
	case err != nil:
		b.storeFailed("add_comment", err)
		b.metrics.Feedback.WithLabelValues(feedbackError).Inc()
		r.err = err
		notice(feedbackFailed)
	case added:
		b.metrics.Feedback.WithLabelValues(feedbackComment).Inc()
		notice(reply.FeedbackCommentThanks)
	case comment != "":
		// Already commented (a second submission), or the opinion was "utile".
		b.metrics.Feedback.WithLabelValues(feedbackAgain).Inc()
		notice(reply.FeedbackAlready)
	}
	// An empty comment: nothing to keep, the modal closes.
}

// withReport puts the report's headline figures and top gaps at the top of an admin's Home
// tab. When the report cannot be read in time, the Home tab goes out without it.
func (b *Bot) withReport(ctx context.Context, view slack.HomeTabViewRequest, o reply.CardOptions) slack.HomeTabViewRequest {
	snap := b.store.Current()
	rctx, cancel := context.WithTimeout(ctx, homeReportBudget)
	defer cancel()
	until := time.Now().UTC()
	r, err := report.Make(rctx, b.feedback, snap.Index, until.Add(-homeReportPeriod), until)
	if err != nil {
		b.storeFailed("home_report", err)
		return view
	}
	head := reply.ReportHomeBlocks(r, o)
	rest := view.Blocks.BlockSet
	if room := maxViewBlocks - len(head); len(rest) > room {
		rest = rest[:max(room, 0)]
	}
	view.Blocks.BlockSet = append(head, rest...)
	return view
}

// Package reportpost posts the content-gap report in a Slack channel: the weekly post in
// REPORT_CHANNEL, which the queue's periodic report job (jobs.Periodic) makes through a
// Poster.
package reportpost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/posted"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/report"
)

// Message metadata of the weekly report.
const (
	// MetadataEventType names the weekly report's message in its Slack metadata, whose
	// payload gives the end of the period it covers (MetadataUntil): the post can be told
	// apart from the bot's answers, and one week's post from another's, when a retried job
	// reads the channel (Posted).
	MetadataEventType = "rolebot_weekly_report"
	// MetadataUntil is the payload's field holding the period's end, RFC 3339 in UTC (the
	// job's slot).
	MetadataUntil = "until"
)

// fallbackTextRunes bounds the text posted alone when Slack refuses the blocks: Slack asks
// for a text under 4,000 characters, and escaping lengthens it a little.
const fallbackTextRunes = 3500

// ErrNoContent is returned while no content is loaded yet (a content repository not fetched
// yet): the job tries again later.
var ErrNoContent = errors.New("rapport : contenu pas encore chargé")

// SlackAPI is the part of slack-go's client a Poster calls.
type SlackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	posted.Reader
}

// Poster posts the report of a period in a channel. It implements jobs.ReportPoster.
type Poster struct {
	// Slack posts the message (slack-go's client, with the bot token).
	Slack SlackAPI
	// Channel is REPORT_CHANNEL, a channel id.
	Channel string
	// Store is where the questions and opinions are recorded (*store.Store is one).
	Store report.Source
	// Content is the content being served; the report reads its current version.
	Content *knowledge.Store
	// BaseURL is CONTENT_BASE_URL: each gap links to its page when it is set.
	BaseURL string
	// Location is the time zone of the dates in the message (the schedule's); nil means UTC.
	Location *time.Location
	// Log receives what the job's logs cannot say (nil: none).
	Log *slog.Logger
}

// PostReport builds the report from since to until and posts it, Block Kit with a text
// fallback, its metadata naming until. When Slack refuses the blocks (invalid_blocks, too
// long…), the report goes out as text alone, the same text as `rolebot report`'s, escaped.
// Its error is slack-go's as it came, for the job to tell a definite one from one that may
// pass; it never retries a failed call.
func (p *Poster) PostReport(ctx context.Context, since, until time.Time) error {
	snap := p.Content.Current()
	if snap == nil || snap.Index == nil {
		return ErrNoContent
	}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	r, err := report.Make(ctx, p.Store, snap.Index, since.In(loc), until.In(loc))
	if err != nil {
		return err
	}
	msg := reply.ReportMessage(r, reply.CardOptions{BaseURL: p.BaseURL})
	meta := posted.Metadata(MetadataEventType, MetadataUntil, untilValue(until))
	_, _, err = p.Slack.PostMessageContext(ctx, p.Channel,
		slack.MsgOptionText(msg.Text, false), // already escaped
		slack.MsgOptionBlocks(msg.Blocks...), meta)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && blocksRefused(se.Err) {
		p.log().Warn("rapport hebdomadaire : blocs refusés par Slack, publié en texte seul", "channel", p.Channel, "error", se.Err)
		_, _, err = p.Slack.PostMessageContext(ctx, p.Channel, slack.MsgOptionText(fallbackText(r), true), meta)
	}
	if err != nil {
		return fmt.Errorf("chat.postMessage dans %s : %w", p.Channel, err)
	}
	return nil
}

// Posted implements jobs.ReportPoster: it reads the channel's messages since since (the
// job's creation, less posted.ClockSkew), metadata included, for the report of until. Its
// error is slack-go's (a 429 is a *slack.RateLimitedError), for the job to snooze on.
func (p *Poster) Posted(ctx context.Context, until, since time.Time) (bool, error) {
	found, complete, err := posted.Find(ctx, p.Slack, posted.Direct, posted.Look{Channel: p.Channel, Since: since,
		EventType: MetadataEventType, Field: MetadataUntil, Value: untilValue(until)})
	if err != nil {
		return false, fmt.Errorf("conversations.history dans %s : %w", p.Channel, err)
	}
	if !complete {
		p.log().Warn("rapport hebdomadaire : trop de messages dans le canal depuis la tâche pour tout relire, publié",
			"channel", p.Channel, "pages", posted.MaxPages)
	}
	return found, nil
}

func (p *Poster) log() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}

// untilValue is the metadata value naming the period that ends at until.
func untilValue(until time.Time) string { return until.UTC().Format(time.RFC3339) }

// blocksRefused tells the error codes by which Slack refuses a message's blocks or size.
func blocksRefused(code string) bool {
	switch code {
	case "invalid_blocks", "invalid_blocks_format", "too_many_blocks", "msg_too_long", "msg_blocks_too_long":
		return true
	}
	return false
}

// fallbackText is the report as `rolebot report` writes it (its cut lists pointing to the
// command, not to the terminal's flags), cut to fallbackTextRunes (the
// caller has slack-go escape it).
func fallbackText(r report.Report) string {
	var b strings.Builder
	_ = report.TextWith(&b, r, report.MoreInSlack) // a strings.Builder does not fail
	s := b.String()
	if utf8.RuneCountInString(s) <= fallbackTextRunes {
		return s
	}
	cut := []rune(s)[:fallbackTextRunes]
	if i := strings.LastIndexByte(string(cut), '\n'); i > 0 {
		return string(cut)[:i] + "\n…"
	}
	return string(cut) + "…"
}

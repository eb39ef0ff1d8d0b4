// Package reportpost posts the content-gap report in a Slack channel: the weekly post in
// REPORT_CHANNEL, which the queue's periodic report job (jobs.Periodic) makes through a
// Poster.
package reportpost

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/report"
)

// MetadataEventType names the weekly report's message in its Slack metadata, whose payload
// gives the end of the period it covers ("until", RFC 3339): the post can be told apart from
// the bot's answers, and one week's post from another's.
const MetadataEventType = "rolebot_weekly_report"

// ErrNoContent is returned while no content is loaded yet (a content repository not fetched
// yet): the job tries again later.
var ErrNoContent = errors.New("rapport : contenu pas encore chargé")

// SlackAPI is the part of slack-go's client a Poster calls.
type SlackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
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
}

// PostReport builds the report from since to until and posts it, Block Kit with a text
// fallback. Its error is slack-go's as it came, for the job to tell a definite one from one
// that may pass; it never retries.
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
	_, _, err = p.Slack.PostMessageContext(ctx, p.Channel,
		slack.MsgOptionText(msg.Text, false), // already escaped
		slack.MsgOptionBlocks(msg.Blocks...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: MetadataEventType,
			EventPayload: map[string]any{"until": until.UTC().Format(time.RFC3339)}}))
	if err != nil {
		return fmt.Errorf("chat.postMessage dans %s : %w", p.Channel, err)
	}
	return nil
}

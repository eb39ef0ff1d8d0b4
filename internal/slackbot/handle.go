package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reply"
)

// Texts the bot says of itself (no user input in them).
const (
	goneText    = "Cette fiche n'existe plus dans les pages de l'équipe. Posez la question à nouveau."
	shareFailed = "Le partage dans le canal a échoué (l'application est-elle invitée dans ce canal ?). Réessayez après l'avoir ajoutée."
)

// NotLoadedText is what a user is told when a question comes before the first content is
// served.
const NotLoadedText = "Les pages de l'équipe ne sont pas encore chargées : réessayez dans un instant."

// errNotLoaded is the outcome, in the log line, of what could not be done without content.
var errNotLoaded = errors.New("contenu pas encore chargé")

// content is the snapshot to answer from, nil before the first content is served: a store
// may start empty (serve's does when it follows a content repository, until its first commit
// is indexed), and nothing in the Snapshots interface says it cannot.
func (b *Bot) content() *knowledge.Snapshot {
	if s := b.store.Current(); s != nil && s.Index != nil {
		return s
	}
	return nil
}

// handle answers one job of the in-memory path on a worker.
func (b *Bot) handle(ctx context.Context, j job) {
	defer func() {
		if r := recover(); r != nil {
			b.metrics.Failures.WithLabelValues(j.surface).Inc()
			b.log.Error("panique en répondant", "surface", j.surface, "panic", fmt.Sprint(r))
		}
	}()
	if a, ok := b.argsOf(j); ok {
		b.answerWaiting(ctx, a)
		return
	}
	switch {
	case j.submission != nil && j.surface == SurfaceFeedback:
		b.submitFeedback(ctx, j)
	case j.interaction != nil && j.surface == SurfaceFeedback:
		b.giveFeedback(ctx, j)
	case b.content() == nil:
		// The rest shows the content's roles: nothing to show yet.
		b.notLoaded(ctx, j)
	case j.submission != nil:
		b.submitTeam(ctx, j)
	case j.slash != nil:
		b.showTeam(ctx, j)
	case j.home != nil:
		b.publishHome(ctx, j)
	case j.interaction != nil:
		b.openTeamModal(ctx, j)
	}
}

// result is what the log line of a question says.
type result struct {
	intent   answer.Intent
	question string
	user     string
	channel  string
	err      error
}

// done logs one line for a question and updates the metrics: surface is where it came from,
// received when it was read.
func (b *Bot) done(ctx context.Context, surface string, received time.Time, r result) {
	latency := time.Since(received)
	attrs := []slog.Attr{
		slog.String("surface", surface),
		slog.String("intent", string(r.intent)),
		slog.String("user", r.user),
		slog.String("channel", r.channel),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
	}
	if b.log.Enabled(ctx, slog.LevelDebug) && r.question != "" {
		attrs = append(attrs, slog.String("question", r.question))
	}
	if r.err != nil {
		b.metrics.Failures.WithLabelValues(surface).Inc()
		attrs = append(attrs, slog.String("result", "error"), slog.String("error", r.err.Error()))
		b.log.LogAttrs(ctx, slog.LevelWarn, "question", attrs...)
		return
	}
	b.metrics.Questions.WithLabelValues(string(r.intent), surface).Inc()
	if r.intent == answer.IntentNone {
		b.metrics.Unanswered.WithLabelValues(surface).Inc()
	}
	b.metrics.AnswerLatency.WithLabelValues(surface).Observe(latency.Seconds())
	result := "answered"
	if r.intent == answer.IntentNone {
		result = "not_found"
	}
	attrs = append(attrs, slog.String("result", result))
	b.log.LogAttrs(ctx, slog.LevelInfo, "question", attrs...)
}

// ask answers a question from the current content; an empty question gets
// the help.
func (b *Bot) ask(ctx context.Context, q string) answer.Answer {
	q = strings.TrimSpace(q)
	if q == "" {
		return answer.Answer{Intent: answer.IntentHelp}
	}
	snap := b.content()
	if snap == nil {
		return answer.Answer{Intent: answer.IntentNone, Query: q} // card says NotLoadedText
	}
	return snap.Index.Ask(ctx, q)
}

// lookup re-renders the answer a button points to, from the current content.
func (b *Bot) lookup(value string) (answer.Answer, bool) {
	ref, ok := reply.DecodeRef(value)
	if !ok {
		return answer.Answer{}, false
	}
	snap := b.content()
	if snap == nil {
		return answer.Answer{}, false
	}
	return snap.Index.Answer(ref)
}

// card renders a; feedbackKey, when set, is the answer's key, for its feedback buttons.
// Before the first content, every answer but the help is NotLoadedText.
func (b *Bot) card(a answer.Answer, shareable bool, sharedBy string, people *reply.People, feedbackKey string) reply.Message {
	var version string
	if snap := b.content(); snap != nil {
		version = snap.Version
	} else if a.Intent != answer.IntentHelp {
		return reply.Message{Text: NotLoadedText}
	}
	if shareable {
		_, shareable = reply.RefOf(a)
	}
	return reply.Card(a, reply.CardOptions{BaseURL: b.baseURL, Command: b.command, Shareable: shareable, SharedBy: sharedBy, People: people,
		ContentVersion: version, FeedbackKey: feedbackKey})
}

// notLoaded settles a job of the team or the Home that came before the first content: a
// command is told NotLoadedText privately, a team's modal under its first input; the Home
// and the team's button are only logged.
func (b *Bot) notLoaded(ctx context.Context, j job) {
	var err error
	r := result{intent: answer.IntentNone}
	switch {
	case j.slash != nil:
		r.user, r.channel = j.slash.UserID, j.slash.ChannelID
		err = b.respond(ctx, j.slash.ResponseURL, reply.Message{Text: NotLoadedText}, false)
	case j.submission != nil:
		r.user = j.submission.User.ID
		b.ack(ctx, j.sm, j.req, j.received, map[string]any{"response_action": "errors",
			"errors": map[string]string{firstInput(j.submission.View): NotLoadedText}})
	case j.home != nil:
		r.user, r.channel = j.home.User, j.home.Channel
	case j.interaction != nil:
		r.user, r.channel = j.interaction.User.ID, j.interaction.Channel.ID
	}
	r.err = errors.Join(errNotLoaded, err)
	b.done(ctx, j.surface, j.received, r)
}

// publishHome publishes the App Home: the roles and the matrix.
func (b *Bot) publishHome(ctx context.Context, j job) {
	ev := j.home
	t := b.content().Index.Team() // handle saw content
	o := reply.CardOptions{BaseURL: b.baseURL, Command: b.command}
	view := reply.Home(answer.ListRoles(t), answer.ListTasks(t), o)
	if b.teams != nil {
		view = reply.HomeWithTeams(answer.ListRoles(t), answer.ListTasks(t), b.myTeams(ctx, ev.User), o)
	}
	if b.admins[ev.User] && b.feedback != nil {
		view = b.withReport(ctx, view, o)
	}
	err := b.call(ctx, "views.publish", func(ctx context.Context) error {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: ev.User, View: view})
		return err
	})
	b.done(ctx, j.surface, j.received, result{intent: answer.IntentListRoles, user: ev.User, channel: ev.Channel, err: err})
}

// share posts a card for everyone in the conversation of the preview (in its
// thread), saying who shared it, then deletes the private preview.
func (b *Bot) share(ctx context.Context, cb *slack.InteractionCallback, channel string, a answer.Answer, feedbackKey string) error {
	msg := b.card(a, false, cb.User.ID, b.people(ctx, channel, cb.User.ID, a), feedbackKey)
	err := b.post(ctx, channel, cb.Container.ThreadTs, msg)
	if rateLimited(err) {
		return err // shared later, when the channel's limit ends: nothing to tell yet
	}
	var ae *APIError
	if err != nil && errors.As(err, &ae) && (ae.Code == "not_in_channel" || ae.Code == "channel_not_found") && cb.ResponseURL != "" {
		// The bot is not in the channel (a private channel, a DM between
		// people): the response_url can still post there for everyone.
		err = b.call(ctx, methodResponseURL, func(ctx context.Context) error {
			_, _, err := b.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cb.ResponseURL, slack.ResponseTypeInChannel),
				slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...))
			return err
		})
	}
	if err != nil {
		if rerr := b.privately(ctx, cb, reply.Message{Text: shareFailed}, false); rerr != nil {
			b.log.Warn("message d'échec du partage non envoyé", "error", rerr.Error())
		}
		return err
	}
	if cb.ResponseURL == "" || !cb.Container.IsEphemeral {
		return nil // only a private preview goes away once shared
	}
	if derr := b.call(ctx, methodResponseURL, func(ctx context.Context) error {
		_, _, err := b.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(cb.ResponseURL))
		return err
	}); derr != nil {
		b.log.Warn("aperçu privé non supprimé après le partage", "user", cb.User.ID, "channel", channel, "error", derr.Error())
	}
	return nil
}

// privately shows msg to the user who clicked: through the interaction's
// response_url (replacing the message clicked when replace is set), or, for
// a button of the App Home, which has none, in the user's DM with the bot.
func (b *Bot) privately(ctx context.Context, cb *slack.InteractionCallback, msg reply.Message, replace bool) error {
	if cb.ResponseURL != "" {
		return b.respond(ctx, cb.ResponseURL, msg, replace)
	}
	return b.post(ctx, cb.User.ID, "", msg)
}

// post posts msg in a channel, in the thread threadTS when set.
func (b *Bot) post(ctx context.Context, channel, threadTS string, msg reply.Message) error {
	return b.withTextFallback(ctx, "chat.postMessage", msg, func(msg reply.Message) []slack.MsgOption {
		opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
		if len(msg.Blocks) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
		}
		if threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(threadTS))
		}
		if meta, ok := answerMetadata(ctx); ok {
			opts = append(opts, meta) // for a retry to find it (once.go)
		}
		return opts
	}, channel)
}

// withTextFallback sends msg with the options build makes of it; when Slack
// refuses its blocks, it sends the text alone, which says the same in plain
// words, rather than no answer at all.
func (b *Bot) withTextFallback(ctx context.Context, method string, msg reply.Message, build func(reply.Message) []slack.MsgOption, channel string) error {
	send := func(m reply.Message) error {
		opts := build(m)
		return b.call(ctx, method, func(ctx context.Context) error {
			_, _, err := b.api.PostMessageContext(ctx, channel, opts...)
			return err
		})
	}
	err := send(msg)
	var ae *APIError
	if err == nil || len(msg.Blocks) == 0 || !errors.As(err, &ae) || !blocksRefused(ae.Code) {
		return err
	}
	if plain, ok := reply.WithFallbackFeedback(msg.Blocks); ok {
		// Slack's feedback buttons are not taken everywhere: the plain ones say the same.
		b.log.Info("boutons d'avis refusés par Slack, réponse avec des boutons simples", "method", method, "error", ae.Code)
		err = send(reply.Message{Text: msg.Text, Blocks: plain})
		if err == nil || !errors.As(err, &ae) || !blocksRefused(ae.Code) {
			return err
		}
	}
	b.log.Warn("blocs refusés par Slack, réponse en texte seul", "method", method, "error", ae.Code)
	return send(reply.Message{Text: msg.Text})
}

// blocksRefused tells the error codes by which Slack refuses a message's
// blocks or size.
func blocksRefused(code string) bool {
	switch code {
	case "invalid_blocks", "invalid_blocks_format", "too_many_blocks", "msg_too_long", "msg_blocks_too_long", "invalid_attachments":
		return true
	}
	return false
}

// respond posts msg privately (ephemeral) to a response_url, replacing the
// original message when replace is set.
func (b *Bot) respond(ctx context.Context, responseURL string, msg reply.Message, replace bool) error {
	if responseURL == "" {
		return &APIError{Method: methodResponseURL, Code: "no_response_url", Err: errors.New("pas de response_url")}
	}
	return b.withTextFallback(ctx, methodResponseURL, msg, func(msg reply.Message) []slack.MsgOption {
		opts := []slack.MsgOption{
			slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeEphemeral),
			slack.MsgOptionText(msg.Text, false),
		}
		if len(msg.Blocks) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
		}
		if replace {
			opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
		}
		return opts
	}, "")
}

// overloaded tells the user of a request turned away that the bot is busy,
// from a bounded set of goroutines so the read loop never waits. It reports
// false when it cannot, the busy replies being saturated too.
func (b *Bot) overloaded(ctx context.Context, j job) bool {
	if j.forget != "" {
		b.seen.forget(j.forget)
	}
	// Nothing to say about the Home: it is published on the next visit.
	home := j.surface == SurfaceHome
	if !home {
		select {
		case b.turnAway <- struct{}{}:
		default:
			return false // even the busy replies are saturated
		}
	}
	b.metrics.Overloaded.WithLabelValues(j.surface).Inc()
	b.log.Warn("file pleine : requête refusée", "surface", j.surface)
	if home {
		return true
	}
	b.turnAwayWG.Go(func() {
		defer func() { <-b.turnAway }()
		busy := reply.Message{Text: BusyText}
		err := b.waitingOut(ctx, "busy", func() error { return b.tellBusy(ctx, j, busy) })
		if err != nil {
			b.log.Warn("message « débordé » non envoyé", "surface", j.surface, "error", err.Error())
		}
	})
	return true
}

// tellBusy posts busy where j's answer would have gone.
func (b *Bot) tellBusy(ctx context.Context, j job, busy reply.Message) error {
	var err error
	switch {
	case j.slash != nil:
		err = b.respond(ctx, j.slash.ResponseURL, busy, false)
	case j.mention != nil:
		thread := j.mention.ThreadTimeStamp
		if thread == "" {
			thread = j.mention.TimeStamp
		}
		err = b.post(ctx, j.mention.Channel, thread, busy)
	case j.message != nil:
		err = b.post(ctx, j.message.Channel, j.message.ThreadTimeStamp, busy)
	case j.interaction != nil:
		err = b.privately(ctx, j.interaction, busy, false)
	}
	return err
}

// stripMention removes the bot's own mention, <@UBOT> or <@UBOT|name>, from
// a message's text.
func stripMention(text, botUserID string) string {
	if botUserID == "" {
		return strings.TrimSpace(text)
	}
	prefix := "<@" + botUserID
	var out strings.Builder
	for {
		i := strings.Index(text, prefix)
		if i < 0 {
			break
		}
		rest := text[i+len(prefix):]
		if !strings.HasPrefix(rest, ">") && !strings.HasPrefix(rest, "|") {
			out.WriteString(text[:i+len(prefix)])
			text = rest
			continue
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			break
		}
		out.WriteString(text[:i])
		out.WriteByte(' ')
		text = rest[end+1:]
	}
	out.WriteString(text)
	return strings.Join(strings.Fields(out.String()), " ")
}

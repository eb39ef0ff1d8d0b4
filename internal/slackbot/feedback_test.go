package slackbot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	dbstore "github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// openStore opens a real store at url until the test ends.
func openStore(t *testing.T, url string) *dbstore.Store {
	t.Helper()
	st, err := dbstore.Open(context.Background(), url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// feedbackSetup is a bot that records answers and opinions in st, admin among its admins.
func feedbackSetup(st *dbstore.Store, queueURL string) setup {
	return setup{queueURL: queueURL, opts: func(o *slackbot.Options) {
		o.Feedback, o.Admins = st, []string{admin}
	}}
}

// feedbackKeyOf returns the answer key of a message's feedback buttons, Slack's or the plain
// ones, and whether they are Slack's own.
func feedbackKeyOf(t *testing.T, m slacktest.Message) (key string, native bool) {
	t.Helper()
	for _, b := range m.Blocks.BlockSet {
		switch b := b.(type) {
		case *slack.ContextActionsBlock:
			if b.BlockID != reply.BlockFeedback || b.Elements == nil {
				continue
			}
			for _, e := range b.Elements.ElementSet {
				if fb, ok := e.(*slack.FeedbackButtonsBlockElement); ok {
					if k, useful, ok := reply.DecodeFeedback(fb.PositiveButton.Value); ok && useful {
						return k, true
					}
				}
			}
		case *slack.ActionBlock:
			if b.BlockID != reply.BlockFeedback {
				continue
			}
			if btn, _, ok := button(m, reply.ActionFeedback); ok {
				if k, _, ok := reply.DecodeFeedback(btn.Value); ok {
					return k, false
				}
			}
		}
	}
	t.Fatalf("no feedback buttons in %s", m.BlocksJSON)
	return "", false
}

// waitShown waits until the store holds n answers shown, and returns them.
func waitShown(ctx context.Context, t *testing.T, st *dbstore.Store, n int) []dbstore.Shown {
	t.Helper()
	for {
		got, err := st.AnswersSince(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= n {
			return got
		}
		if ctx.Err() != nil {
			t.Fatalf("%d answers recorded, want %d", len(got), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ask sends `/role text` from user in channel and returns the answer shown: posted to its
// response_url, or, on the durable queue's path, in its ack.
func ask(ctx context.Context, t *testing.T, h *harness, user, channel, text string) slacktest.Message {
	t.Helper()
	from := len(h.srv.Messages())
	if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: text, UserID: user, ChannelID: channel}); err != nil {
		t.Fatal(err)
	}
	for {
		msgs, _ := h.srv.MessagesSince(from, slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck), slacktest.Succeeded())
		if len(msgs) > 0 {
			return msgs[0]
		}
		if ctx.Err() != nil {
			t.Fatalf("no answer to %q", text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// clickFeedback clicks a feedback button with value in channel as user, through srv, and
// returns the private answer, with the interaction's trigger_id.
func clickFeedback(ctx context.Context, t *testing.T, srv *slacktest.Server, user, channel, value string) slacktest.Message {
	t.Helper()
	resp := srv.ResponseURL()
	if _, err := srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: user, ChannelID: channel, MessageTS: srv.NewTS(), Ephemeral: true, ResponseURL: resp,
		Actions: []slacktest.Action{{ActionID: reply.ActionFeedback, BlockID: reply.BlockFeedback, Type: "feedback_buttons", Value: value}},
	}); err != nil {
		t.Fatal(err)
	}
	m, err := srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), func(m slacktest.Message) bool { return m.ResponseURL == resp })
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// opinions returns the opinions recorded.
func opinions(ctx context.Context, t *testing.T, st *dbstore.Store) []dbstore.Feedback {
	t.Helper()
	fbs, err := st.FeedbackSince(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return fbs
}

// TestFeedbackClickRecordedOnce: an answer carries the feedback buttons and is recorded with
// its question; a click thanks its author privately and is recorded; a second click of the
// same person, even on another replica sharing the database, records nothing and is answered
// politely. On SQLite (one replica) and PostgreSQL (two).
func TestFeedbackClickRecordedOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := ctxFor(t, 60*time.Second)
		st := openStore(t, url)
		h := start(t, feedbackSetup(st, ""))
		m := ask(ctx, t, h, marc, prod, "qui priorise le backlog ?")
		key, native := feedbackKeyOf(t, m)
		if !native {
			t.Error("the answer carries the plain buttons where Slack's own are accepted")
		}
		shown := waitShown(ctx, t, st, 1)
		if sh := shown[0]; sh.Key != key || sh.Question != "qui priorise le backlog ?" || sh.Channel != prod || sh.User != marc || sh.Ref == "" || sh.Intent == "" {
			t.Errorf("recorded %+v, want the answer %s to marc's question in %s", sh, key, prod)
		}

		second := h // the same replica on SQLite
		if strings.HasPrefix(url, "postgres") {
			second = start(t, feedbackSetup(openStore(t, url), ""))
		}
		if got := clickFeedback(ctx, t, h.srv, marc, prod, reply.FeedbackValue(key, true)); got.Text != reply.FeedbackThanks || got.ResponseType != "ephemeral" {
			t.Errorf("first click answered %q (%s), want %q privately", got.Text, got.ResponseType, reply.FeedbackThanks)
		}
		if got := clickFeedback(ctx, t, second.srv, marc, prod, reply.FeedbackValue(key, false)); got.Text != reply.FeedbackAlready {
			t.Errorf("second click answered %q, want %q", got.Text, reply.FeedbackAlready)
		}
		// Another person's opinion of the same answer counts.
		if got := clickFeedback(ctx, t, second.srv, paul, prod, reply.FeedbackValue(key, true)); got.Text != reply.FeedbackThanks {
			t.Errorf("paul's click answered %q", got.Text)
		}
		fbs := opinions(ctx, t, st)
		if len(fbs) != 2 || !fbs[0].Useful || fbs[0].User != marc || fbs[1].User != paul {
			t.Errorf("opinions %+v, want marc's useful one and paul's", fbs)
		}
		// No modal for a "pas utile" that was not recorded.
		if n := len(h.srv.Messages(slacktest.Method("views.open"))) + len(second.srv.Messages(slacktest.Method("views.open"))); n != 0 {
			t.Errorf("%d modals opened for a second opinion", n)
		}
	})
}

// TestFeedbackCommentModal: "pas utile" opens the comment modal; its submission keeps the
// comment and thanks in the modal; a comment of 10,000 characters is refused under the input,
// nothing kept; a second submission keeps nothing more.
func TestFeedbackCommentModal(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	key, _ := feedbackKeyOf(t, ask(ctx, t, h, marc, prod, "recette du gâteau"))
	waitShown(ctx, t, st, 1)
	if got := clickFeedback(ctx, t, h.srv, marc, prod, reply.FeedbackValue(key, false)); got.Text != reply.FeedbackThanks {
		t.Errorf("click answered %q", got.Text)
	}
	open, err := h.srv.WaitMessage(ctx, slacktest.Method("views.open"), slacktest.Succeeded())
	if err != nil {
		t.Fatal(err)
	}
	if open.View == nil || open.View.CallbackID != reply.FeedbackCallbackID || open.View.PrivateMetadata != key {
		t.Fatalf("views.open %s, want the comment modal of %s", open.ViewJSON, key)
	}
	input, actionID := commentInput(t, open)
	submit := func(comment string) map[string]any {
		t.Helper()
		return submitComment(ctx, t, h.srv, marc, open, comment)
	}
	comment := func() string {
		fbs := opinions(ctx, t, st)
		if len(fbs) != 1 || fbs[0].Useful {
			t.Fatalf("opinions %+v, want marc's \"pas utile\"", fbs)
		}
		return fbs[0].Comment
	}

	long := strings.Repeat("é", 10000)
	got := submit(long)
	errs, _ := got["errors"].(map[string]any)
	if got["response_action"] != "errors" || !strings.Contains(errs[input].(string), "1000") {
		t.Errorf("a comment of 10,000 characters answered %v, want an error under %s", got, input)
	}
	if c := comment(); c != "" {
		t.Errorf("comment of %d characters kept after a refusal", len(c))
	}
	got = submit("Il manque la recette du gâteau <!channel>")
	if got["response_action"] != "update" || !strings.Contains(jsonString(t, got), reply.FeedbackCommentThanks) {
		t.Errorf("submission answered %v, want the thanks", got)
	}
	if c := comment(); c != "Il manque la recette du gâteau <!channel>" {
		t.Errorf("comment kept = %q", c)
	}
	got = submit("autre chose")
	if !strings.Contains(jsonString(t, got), reply.FeedbackAlready) {
		t.Errorf("second submission answered %v, want %q", got, reply.FeedbackAlready)
	}
	if c := comment(); c != "Il manque la recette du gâteau <!channel>" {
		t.Errorf("comment after a second submission = %q", c)
	}
	// A forged submission naming another answer's key keeps nothing.
	env, err := h.srv.SendViewSubmission(ctx, slacktest.ViewSubmission{UserID: paul, ViewID: open.ViewID, PrivateMetadata: "forged key!",
		Values: map[string]map[string]slacktest.ViewValue{input: {actionID: {Type: "plain_text_input", Value: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := h.srv.WaitAck(ctx, env); err != nil || !strings.Contains(string(ack.Payload), "pas valide") {
		t.Errorf("forged submission acked %s, %v", ack.Payload, err)
	}
	if n := len(opinions(ctx, t, st)); n != 1 {
		t.Errorf("%d opinions after a forged submission, want 1", n)
	}
}

// commentInput returns the block and action ids of the comment modal's input, opened as open.
func commentInput(t *testing.T, open slacktest.Message) (block, action string) {
	t.Helper()
	for _, b := range open.View.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			block = in.BlockID
		}
	}
	var view struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				ActionID string `json:"action_id"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(open.ViewJSON, &view); err != nil {
		t.Fatal(err)
	}
	for _, b := range view.Blocks {
		if b.BlockID == block {
			action = b.Element.ActionID
		}
	}
	return block, action
}

// submitComment submits comment in the comment modal opened as open, as user, and returns
// the ack's payload.
func submitComment(ctx context.Context, t *testing.T, srv *slacktest.Server, user string, open slacktest.Message, comment string) map[string]any {
	t.Helper()
	block, action := commentInput(t, open)
	env, err := srv.SendViewSubmission(ctx, slacktest.ViewSubmission{UserID: user, ViewID: open.ViewID,
		Values: map[string]map[string]slacktest.ViewValue{block: {action: {Type: "plain_text_input", Value: comment}}}})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	if err := json.Unmarshal(ack.Payload, &payload); err != nil {
		t.Fatalf("ack payload %s: %v", ack.Payload, err)
	}
	return payload
}

func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFeedbackRefusals: a forged button value and an unknown answer key are refused in
// French, nothing recorded, no modal opened.
func TestFeedbackRefusals(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	for _, tc := range []struct{ value, want string }{
		{"utile:<!channel>", "pas valide"},
		{"neutre:r0123", "pas valide"},
		{strings.Repeat("x", 3000), "pas valide"},
		{reply.FeedbackValue("r000000000000000000000000", true), reply.FeedbackUnknown},
		{reply.FeedbackValue("r000000000000000000000000", false), reply.FeedbackUnknown},
	} {
		got := clickFeedback(ctx, t, h.srv, marc, prod, tc.value)
		if !strings.Contains(got.Text, tc.want) {
			t.Errorf("click with %.40q answered %q, want %q", tc.value, got.Text, tc.want)
		}
	}
	if fbs := opinions(ctx, t, st); len(fbs) != 0 {
		t.Errorf("opinions recorded: %+v", fbs)
	}
	if n := len(h.srv.Messages(slacktest.Method("views.open"))); n != 0 {
		t.Errorf("%d modals opened for refused clicks", n)
	}
	if got := h.metric(slackbot.MetricFeedback, map[string]string{"outcome": "refused"}); got != 5 {
		t.Errorf("refused clicks counted %v, want 5", got)
	}
}

// TestFeedbackQueuePath: on the durable queue's path, answers (a mention, a DM, a "pas
// trouvé") carry the feedback buttons and are recorded once each, with their candidates; a
// click on a suggestion is the answer's follow, and the card it opens has buttons of its own.
func TestFeedbackQueuePath(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := ctxFor(t, 60*time.Second)
		st := openStore(t, url)
		h := start(t, feedbackSetup(st, url))
		ts := h.srv.NewTS()
		if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "EvFeedback1", Event: slacktest.AppMentionEvent{
			User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: prod, TS: ts}}); err != nil {
			t.Fatal(err)
		}
		mention, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded())
		if err != nil {
			t.Fatal(err)
		}
		mentionKey, _ := feedbackKeyOf(t, mention)
		// An off-topic question gets none with suggestions (a misspelt role is now a guess card).
		none := ask(ctx, t, h, paul, prod, "quelle est la météo demain ?")
		noneKey, _ := feedbackKeyOf(t, none)
		shown := waitShown(ctx, t, st, 2)
		byKey := map[string]dbstore.Shown{}
		for _, sh := range shown {
			byKey[sh.Key] = sh
		}
		if sh := byKey[mentionKey]; sh.Question != "designer" || sh.Ref != "role:designer" || sh.User != marc {
			t.Errorf("mention recorded as %+v", sh)
		}
		sh, ok := byKey[noneKey]
		if !ok || sh.Question != "quelle est la météo demain ?" || sh.User != paul {
			t.Fatalf("second answer recorded as %+v", sh)
		}
		// Click the first alternative or suggestion the answer offered.
		follow, block := followButton(t, none)
		if len(sh.Candidates) == 0 {
			t.Errorf("answer with alternatives recorded without candidates: %+v", sh)
		}
		resp := h.srv.ResponseURL()
		if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{UserID: paul, ChannelID: prod, MessageTS: h.srv.NewTS(), Ephemeral: true, ResponseURL: resp,
			Actions: []slacktest.Action{{ActionID: follow.ActionID, BlockID: block, Value: follow.Value}}}); err != nil {
			t.Fatal(err)
		}
		opened, err := h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == resp && m.OK() })
		if err != nil {
			t.Fatal(err)
		}
		openedKey, _ := feedbackKeyOf(t, opened)
		if openedKey == noneKey || openedKey == mentionKey {
			t.Error("the card opened by a click shares another answer's key")
		}
		for {
			shown = waitShown(ctx, t, st, 3)
			followed := ""
			for _, s := range shown {
				if s.Key == noneKey {
					followed = s.Followed
				}
			}
			if followed != "" {
				if want := strings.TrimSuffix(follow.Value, ":"); followed != want {
					t.Errorf("followed %q, want %q", followed, want)
				}
				break
			}
			if ctx.Err() != nil {
				t.Fatal("the click on a suggestion was not recorded as followed")
			}
			time.Sleep(10 * time.Millisecond)
		}
		settle()
		if shown, _ = st.AnswersSince(ctx, time.Time{}); len(shown) != 3 {
			t.Errorf("%d answers recorded, want 3 (each once)", len(shown))
		}
	})
}

// TestFeedbackFallbackButtons: where Slack refuses its feedback buttons (invalid_blocks), the
// answer goes out with the plain ones, which work the same.
func TestFeedbackFallbackButtons(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	h.srv.Fail(slacktest.MethodResponseURL, 1, "invalid_blocks")
	m := ask(ctx, t, h, marc, prod, "designer")
	key, native := feedbackKeyOf(t, m)
	if native {
		t.Fatal("the answer kept Slack's feedback buttons after invalid_blocks")
	}
	waitShown(ctx, t, st, 1)
	if got := clickFeedback(ctx, t, h.srv, marc, prod, reply.FeedbackValue(key, true)); got.Text != reply.FeedbackThanks {
		t.Errorf("click on a plain button answered %q", got.Text)
	}
}

// TestAdminHomeShowsReport: an admin's Home tab opens with the report's figures (the cards
// opened from an answer's buttons among them) and top gaps; another person's Home has none of
// it.
func TestAdminHomeShowsReport(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	ask(ctx, t, h, marc, prod, "recette du gâteau au chocolat")
	asked := waitShown(ctx, t, st, 1)
	// Two cards opened from that answer's buttons, as a click on a suggestion records them.
	opened := []dbstore.Shown{
		{Key: "opened-1", Ref: "role:designer", Intent: "role", Follows: asked[0].Key, Channel: prod, User: marc, At: time.Now()},
		{Key: "opened-2", Ref: "role:devops", Intent: "role", Follows: asked[0].Key, Channel: prod, User: marc, At: time.Now()},
	}
	if _, err := st.RecordAnswers(ctx, opened); err != nil {
		t.Fatal(err)
	}
	home := func(user string) slacktest.Message {
		t.Helper()
		from := len(h.srv.Messages())
		if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: user, Tab: "home"}}); err != nil {
			t.Fatal(err)
		}
		for {
			if msgs, _ := h.srv.MessagesSince(from, slacktest.Method("views.publish"), slacktest.Succeeded()); len(msgs) > 0 {
				return msgs[0]
			}
			if ctx.Err() != nil {
				t.Fatalf("no Home for %s", user)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	adm := home(admin)
	if !contains(adm, "Questions sans réponse") || !contains(adm, "gâteau au chocolat") || !contains(adm, "*2 fiches ouvertes* depuis les boutons") {
		t.Errorf("the admin's Home lacks the report or its opened cards: %s", adm.ViewJSON)
	}
	other := home(marc)
	if contains(other, "Questions sans réponse") || contains(other, "gâteau") {
		t.Errorf("marc's Home shows the report: %s", other.ViewJSON)
	}
	if !contains(other, "Designer") || !contains(adm, "Designer") {
		t.Error("a Home tab lost its roles")
	}
}

// slowRecords is a real store whose RecordAnswers waits for gate: a database that falls behind.
type slowRecords struct {
	*dbstore.Store
	gate    chan struct{}
	entered chan struct{} // told when a write begins to wait
}

func (s *slowRecords) RecordAnswers(ctx context.Context, batch []dbstore.Shown) (int, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.gate:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return s.Store.RecordAnswers(ctx, batch)
}

// TestRecordingNeverHoldsAnswers: while the database does not take the records, every question
// is answered all the same; past the buffer, records are dropped and counted; what is buffered
// when the bot stops is written before Run returns.
func TestRecordingNeverHoldsAnswers(t *testing.T) {
	t.Parallel()
	const questions, buffer = 12, 4
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	slow := &slowRecords{Store: st, gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	h := start(t, setup{opts: func(o *slackbot.Options) { o.Feedback, o.RecordBuffer = slow, buffer }})
	send := func(n int) {
		t.Helper()
		for range n {
			if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer", UserID: marc, ChannelID: prod}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The first answer's record reaches the database, which holds it; the rest wait in the
	// buffer, or are dropped once it is full.
	send(1)
	select {
	case <-slow.entered:
	case <-ctx.Done():
		t.Fatal("the first record never reached the database")
	}
	send(questions - 1)
	if _, err := h.srv.WaitMessages(ctx, questions, slacktest.Method(slacktest.MethodResponseURL), slacktest.Succeeded()); err != nil {
		t.Fatalf("answers held by the recording: %v", err)
	}
	want := float64(questions - 1 - buffer)
	if dropped := h.metricEventually(slackbot.MetricRecordsDrop, map[string]string{"reason": "buffer_full"}, want); dropped != want {
		t.Errorf("%v records dropped, want %v", dropped, want)
	}
	dropped := int(want)
	close(slow.gate)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	got, err := st.AnswersSince(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got)+dropped != questions {
		t.Errorf("%d answers recorded and %v dropped, want %d in all (the buffer flushed on stop)", len(got), dropped, questions)
	}
	if !strings.Contains(h.logs.String(), "réponses non enregistrées pour le rapport") {
		t.Error("no log line about the dropped records")
	}
}

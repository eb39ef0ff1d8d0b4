package slackbot_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/slacktest"
	dbstore "github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// clickButton clicks btn of block in an ephemeral message of channel as user, and returns the
// answer that came back through the click's response_url.
func clickButton(ctx context.Context, t *testing.T, srv *slacktest.Server, user, channel, block string, btn *slack.ButtonBlockElement) slacktest.Message {
	t.Helper()
	resp := srv.ResponseURL()
	if _, err := srv.SendInteraction(ctx, slacktest.BlockActions{UserID: user, ChannelID: channel, MessageTS: srv.NewTS(), Ephemeral: true, ResponseURL: resp,
		Actions: []slacktest.Action{{ActionID: btn.ActionID, BlockID: block, Value: btn.Value}}}); err != nil {
		t.Fatal(err)
	}
	m, err := srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ResponseURL == resp && m.OK() })
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// followButton returns the first button of m's first block whose id says which answer a click
// on it follows.
func followButton(t *testing.T, m slacktest.Message) (*slack.ButtonBlockElement, string) {
	t.Helper()
	for _, b := range m.Blocks.BlockSet {
		if ab, ok := b.(*slack.ActionBlock); ok {
			if _, ok := reply.FollowedKey(ab.BlockID); ok {
				return ab.Elements.ElementSet[0].(*slack.ButtonBlockElement), ab.BlockID
			}
		}
	}
	t.Fatalf("no button follows the answer in %s", m.BlocksJSON)
	return nil, ""
}

// makeReport is the report of everything st recorded, on the embedded content.
func makeReport(ctx context.Context, t *testing.T, st *dbstore.Store) report.Report {
	t.Helper()
	r, err := report.Make(ctx, st, content(t).Current().Index, time.Time{}, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestFollowedCardsAreNoQuestions: the cards opened by a click on a "pas trouvé"'s suggestion
// and on a list's role are recorded as following the answer clicked, with its question, and
// carry feedback buttons of their own; the report counts two questions, not four, and shows a
// "pas utile" on an opened card with the question it followed. On SQLite and PostgreSQL.
func TestFollowedCardsAreNoQuestions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := ctxFor(t, 60*time.Second)
		st := openStore(t, url)
		h := start(t, feedbackSetup(st, ""))
		none := ask(ctx, t, h, paul, prod, "quelle est la météo demain ?")
		noneKey, _ := feedbackKeyOf(t, none)
		list := ask(ctx, t, h, marc, prod, "quels sont les rôles ?")
		listKey, _ := feedbackKeyOf(t, list)
		waitShown(ctx, t, st, 2)

		btn, block := followButton(t, none)
		fromNone := clickButton(ctx, t, h.srv, paul, prod, block, btn)
		fromNoneKey, _ := feedbackKeyOf(t, fromNone)
		role, block, ok := button(list, reply.ActionOpen)
		if !ok {
			t.Fatalf("the list of roles has no button to open a role: %s", list.BlocksJSON)
		}
		if k, ok := reply.FollowedKey(block); !ok || k != listKey {
			t.Fatalf("the list's role buttons are in block %q, want one naming %s", block, listKey)
		}
		fromList := clickButton(ctx, t, h.srv, paul, prod, block, role)
		fromListKey, _ := feedbackKeyOf(t, fromList)
		byKey := map[string]dbstore.Shown{}
		for _, sh := range waitShown(ctx, t, st, 4) {
			byKey[sh.Key] = sh
		}
		if got := clickFeedback(ctx, t, h.srv, paul, prod, reply.FeedbackValue(fromNoneKey, false)); got.Text != reply.FeedbackThanks {
			t.Errorf("click on the opened card's feedback answered %q", got.Text)
		}
		for key, want := range map[string][2]string{ // question, follows
			noneKey:     {"quelle est la météo demain ?", ""},
			listKey:     {"quels sont les rôles ?", ""},
			fromNoneKey: {"quelle est la météo demain ?", noneKey},
			fromListKey: {"quels sont les rôles ?", listKey},
		} {
			if sh := byKey[key]; sh.Question != want[0] || sh.Follows != want[1] {
				t.Errorf("answer %s recorded as %+v, want question %q following %q", key, sh, want[0], want[1])
			}
		}
		r := makeReport(ctx, t, st)
		if r.Questions != 2 || r.Opened != 2 || r.Askers != 2 || r.NotUseful != 1 {
			t.Errorf("report totals = %+v, want 2 questions, 2 cards opened, 2 askers, 1 \"pas utile\"", r.Totals)
		}
		if len(r.Disliked) != 1 || len(r.Disliked[0].Opinions) != 1 || r.Disliked[0].Opinions[0].Question != "quelle est la météo demain ?" {
			t.Errorf("disliked = %+v, want the opened card with the question it followed", r.Disliked)
		}
	})
}

// TestClickOnUnnamedCardRecordsNothing: a click on an alternative of a card that names no
// answer (a card posted before its buttons carried keys, or a forged block id) opens the card,
// without feedback buttons, and records no question.
func TestClickOnUnnamedCardRecordsNothing(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	for _, block := range []string{"rolebot_alternatives", "rolebot_alternatives/not a key!"} {
		m := clickButton(ctx, t, h.srv, paul, prod, block, &slack.ButtonBlockElement{ActionID: reply.ActionOpen, Value: "role:designer"})
		if !contains(m, "Designer") {
			t.Errorf("click in %q opened %q, want the designer card", block, m.Text)
		}
		if _, _, ok := button(m, reply.ActionFeedback); ok || len(m.Blocks.BlockSet) == 0 || m.Blocks.BlockSet[len(m.Blocks.BlockSet)-1].ID() == reply.BlockFeedback {
			t.Errorf("card opened from %q carries feedback buttons", block)
		}
	}
	settle()
	if got, err := st.AnswersSince(ctx, time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("recorded %+v (%v), want nothing", got, err)
	}
}

// TestSharedCardFeedback: a card shared from a private preview carries the preview's answer's
// feedback buttons; a click on one, twice, by someone in the channel is recorded once, on that
// answer; the share records no answer of its own, and the report counts one question.
func TestSharedCardFeedback(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	preview := ask(ctx, t, h, marc, prod, "designer")
	key, _ := feedbackKeyOf(t, preview)
	waitShown(ctx, t, st, 1)
	share, block, ok := button(preview, reply.ActionShare)
	if !ok {
		t.Fatalf("preview has no share button: %s", preview.BlocksJSON)
	}
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{UserID: marc, ChannelID: prod, MessageTS: preview.TS, Ephemeral: true,
		ResponseURL: h.srv.ResponseURL(), Actions: []slacktest.Action{{ActionID: share.ActionID, BlockID: block, Value: share.Value}}}); err != nil {
		t.Fatal(err)
	}
	shared, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded())
	if err != nil {
		t.Fatal(err)
	}
	if sharedKey, _ := feedbackKeyOf(t, shared); sharedKey != key {
		t.Errorf("shared card's feedback names %s, want the preview's answer %s", sharedKey, key)
	}
	for i, want := range []string{reply.FeedbackThanks, reply.FeedbackAlready} {
		if got := clickFeedback(ctx, t, h.srv, paul, prod, reply.FeedbackValue(key, true)); got.Text != want {
			t.Errorf("click %d on the shared card answered %q, want %q", i+1, got.Text, want)
		}
	}
	fbs := opinions(ctx, t, st)
	if len(fbs) != 1 || fbs[0].User != paul || !fbs[0].Useful || fbs[0].Question != "designer" {
		t.Errorf("opinions = %+v, want paul's one, on marc's question", fbs)
	}
	settle()
	if r := makeReport(ctx, t, st); r.Questions != 1 || r.Opened != 0 || r.Useful != 1 {
		t.Errorf("report totals = %+v, want 1 question and 1 \"utile\"", r.Totals)
	}
}

package slackbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestNotUsefulAgainReopensModal: someone who closed the comment modal can comment later — a
// second "pas utile" opens it again, their one opinion kept as it was; once commented, or when
// the opinion is "utile", a click opens nothing.
func TestNotUsefulAgainReopensModal(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t, 30*time.Second)
	st := openStore(t, storetest.SQLiteURL(t))
	h := start(t, feedbackSetup(st, ""))
	key, _ := feedbackKeyOf(t, ask(ctx, t, h, marc, prod, "recette du gâteau"))
	waitShown(ctx, t, st, 1)
	modals := func() []slacktest.Message {
		return h.srv.Messages(slacktest.Method("views.open"), slacktest.Succeeded())
	}

	// Each click is answered after its modal is opened: the count is settled once it returns.
	for i, tc := range []struct {
		user   string
		useful bool
		answer string
		modals int
	}{
		{marc, false, reply.FeedbackThanks, 1},       // first opinion; the modal is closed unsent
		{marc, false, reply.FeedbackCommentAgain, 2}, // again: the modal opens again
		{marc, true, reply.FeedbackAlready, 2},       // "utile" now changes nothing, opens nothing
		{paul, true, reply.FeedbackThanks, 2},
		{paul, false, reply.FeedbackAlready, 2}, // "utile" kept: nothing to comment on
	} {
		if got := clickFeedback(ctx, t, h.srv, tc.user, prod, reply.FeedbackValue(key, tc.useful)); got.Text != tc.answer {
			t.Errorf("click %d answered %q, want %q", i+1, got.Text, tc.answer)
		}
		if n := len(modals()); n != tc.modals {
			t.Fatalf("after click %d, %d modals opened, want %d", i+1, n, tc.modals)
		}
	}
	again := modals()[1]
	if again.View == nil || again.View.CallbackID != reply.FeedbackCallbackID || again.View.PrivateMetadata != key {
		t.Fatalf("second views.open %s, want the comment modal of %s", again.ViewJSON, key)
	}
	if got := submitComment(ctx, t, h.srv, marc, again, "Il manque la recette"); !strings.Contains(jsonString(t, got), reply.FeedbackCommentThanks) {
		t.Errorf("submission answered %v, want the thanks", got)
	}
	if got := clickFeedback(ctx, t, h.srv, marc, prod, reply.FeedbackValue(key, false)); got.Text != reply.FeedbackAlready {
		t.Errorf("\"pas utile\" after a comment answered %q, want %q", got.Text, reply.FeedbackAlready)
	}
	if n := len(modals()); n != 2 {
		t.Errorf("%d modals opened after the comment, want 2", n)
	}
	fbs := opinions(ctx, t, st)
	if len(fbs) != 2 || fbs[0].User != marc || fbs[0].Useful || fbs[0].Comment != "Il manque la recette" || fbs[1].User != paul || !fbs[1].Useful {
		t.Errorf("opinions = %+v, want marc's \"pas utile\" with its comment and paul's \"utile\"", fbs)
	}
}

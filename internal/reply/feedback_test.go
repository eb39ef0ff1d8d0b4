package reply

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/store"
)

func TestFeedbackValues(t *testing.T) {
	for _, useful := range []bool{true, false} {
		v := FeedbackValue("C1-1700000000.000100", useful)
		key, u, ok := DecodeFeedback(v)
		if !ok || key != "C1-1700000000.000100" || u != useful {
			t.Errorf("DecodeFeedback(%q) = %q, %v, %v", v, key, u, ok)
		}
	}
	for _, forged := range []string{"", "utile:", "pas_utile:", "utile", "role:designer", "utile:a b", "utile:<!channel>",
		"utile:" + strings.Repeat("k", 101), "UTILE:k1", "neutre:k1"} {
		if _, _, ok := DecodeFeedback(forged); ok {
			t.Errorf("DecodeFeedback(%q) accepted a forged value", forged)
		}
	}
}

// TestFeedbackBlocks: the blocks survive slack-go's JSON round trip (what a block action carries
// back), with their ids and values.
func TestFeedbackBlocks(t *testing.T) {
	for _, b := range []slack.Block{FeedbackBlock("k1"), FeedbackFallbackBlock("k1")} {
		js, err := json.Marshal(slack.Blocks{BlockSet: []slack.Block{b}})
		if err != nil {
			t.Fatal(err)
		}
		var back slack.Blocks
		if err := json.Unmarshal(js, &back); err != nil || len(back.BlockSet) != 1 || back.BlockSet[0].ID() != BlockFeedback {
			t.Fatalf("round trip of %s = %+v, %v", js, back, err)
		}
		s := string(js)
		if !strings.Contains(s, `"utile:k1"`) || !strings.Contains(s, `"pas_utile:k1"`) || !strings.Contains(s, ActionFeedback) {
			t.Errorf("block = %s", s)
		}
	}
	if js, _ := json.Marshal(FeedbackBlock("k1")); !strings.Contains(string(js), `"type":"context_actions"`) || !strings.Contains(string(js), `"type":"feedback_buttons"`) {
		t.Errorf("FeedbackBlock = %s", js)
	}
}

func TestFeedbackModal(t *testing.T) {
	m := FeedbackModal("k1")
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), fmt.Sprintf(`"max_length":%d`, store.MaxCommentRunes)) || !strings.Contains(string(js), `"optional":true`) || m.PrivateMetadata != "k1" {
		t.Errorf("modal = %s", js)
	}
	// A submission as Slack sends it.
	sub := slack.View{CallbackID: FeedbackCallbackID, PrivateMetadata: "k1", State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		blockFeedbackComment: {actionFeedbackComment: {Value: "il manque la recette"}}}}}
	if key, c, ok := FeedbackComment(sub); !ok || key != "k1" || c != "il manque la recette" {
		t.Errorf("FeedbackComment = %q, %q, %v", key, c, ok)
	}
	sub.PrivateMetadata = "forged key"
	if _, _, ok := FeedbackComment(sub); ok {
		t.Error("a forged key was accepted")
	}
	sub.PrivateMetadata, sub.CallbackID = "k1", "other"
	if _, _, ok := FeedbackComment(sub); ok {
		t.Error("another view was accepted")
	}
	if r := FeedbackCommentErrors(); r.ResponseAction != slack.RAErrors || !strings.Contains(r.Errors[blockFeedbackComment], "1000") {
		t.Errorf("errors = %+v", r)
	}
}

// TestCardFeedback: with a key, every card ends with the feedback buttons, however long the
// page, within Slack's limits with either kind of buttons; its alternatives and suggestions tell
// which answer they follow. Without a key, nothing changes.
func TestCardFeedback(t *testing.T) {
	const key = "r0123456789abcdef01234567"
	for _, a := range huge() {
		t.Run(string(a.Intent), func(t *testing.T) {
			o := CardOptions{BaseURL: baseURL + "/" + strings.Repeat("x", 500), Command: "/role", Shareable: true, FeedbackKey: key}
			m := Card(a, o)
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			last := m.Blocks[len(m.Blocks)-1]
			if last.ID() != BlockFeedback || last.BlockType() != slack.MBTContextActions {
				t.Fatalf("last block = %s %s, want the feedback buttons", last.BlockType(), last.ID())
			}
			plain, ok := WithFallbackFeedback(m.Blocks)
			if !ok || plain[len(plain)-1].BlockType() != slack.MBTAction || m.Blocks[len(m.Blocks)-1].BlockType() != slack.MBTContextActions {
				t.Fatalf("fallback = %v, last %s (the original must stay as it was)", ok, plain[len(plain)-1].BlockType())
			}
			checkMessage(t, Message{Text: m.Text, Blocks: plain})
			follows, shares := 0, 0
			for _, b := range m.Blocks {
				if ab, ok := b.(*slack.ActionBlock); ok {
					if k, ok := FollowedKey(ab.BlockID); ok {
						follows++
						if k != key {
							t.Errorf("block %s follows %q, want %q", ab.BlockID, k, key)
						}
					}
					if k, ok := SharedKey(ab.BlockID); ok {
						shares++
						if k != key {
							t.Errorf("block %s shares %q, want %q", ab.BlockID, k, key)
						}
					}
				}
			}
			// Every card that can be shared carries its key with its share button.
			if _, ok := RefOf(a); ok && shares != 1 {
				t.Errorf("%d share blocks carry the answer's key, want 1", shares)
			}
			// Huge lists crowd out their alternatives (TestCardHugeAnswerStaysWithinLimits).
			list := a.Intent == answer.IntentListRoles || a.Intent == answer.IntentListTasks
			if (len(a.Alternatives) > 0 || len(a.Suggestions) > 0) && !list && follows == 0 {
				t.Error("no block of alternatives or suggestions carries the answer's key")
			}
			o.FeedbackKey = ""
			for _, b := range Card(a, o).Blocks {
				if b.ID() == BlockFeedback || strings.Contains(b.ID(), key) {
					t.Errorf("block %s without a feedback key", b.ID())
				}
			}
		})
	}
	if _, ok := WithFallbackFeedback(Card(huge()[0], CardOptions{}).Blocks); ok {
		t.Error("fallback found feedback buttons in a card without them")
	}
	for _, id := range []string{"", blockAlternatives, blockAlternatives + "/", blockAlternatives + "/a b", blockActions + "/k1", "rolebot_alternatives/k1/x"} {
		if k, ok := FollowedKey(id); ok {
			t.Errorf("FollowedKey(%q) = %q, want none", id, k)
		}
	}
	for _, id := range []string{blockSuggestions + "/k1", blockAlternatives + "/k1", blockRoleButtons + "/k1"} {
		if k, ok := FollowedKey(id); !ok || k != "k1" {
			t.Errorf("FollowedKey(%q) = %q, %v", id, k, ok)
		}
	}
	for _, id := range []string{"", blockActions, blockActions + "/a b", blockSuggestions + "/k1", "rolebot_actions/k1/x"} {
		if k, ok := SharedKey(id); ok {
			t.Errorf("SharedKey(%q) = %q, want none", id, k)
		}
	}
	if k, ok := SharedKey(blockActions + "/k1"); !ok || k != "k1" {
		t.Errorf("SharedKey = %q, %v", k, ok)
	}
}

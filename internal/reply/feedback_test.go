package reply

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

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

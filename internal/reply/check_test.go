package reply

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// limits are the bounds a surface puts on its blocks.
type limits struct {
	blocks int
	json   int // bytes of json.Marshal(blocks)
}

func messageLimits() limits { return limits{blocks: 50, json: 12000} }

// elements returns the elements of block b (id), failing unless it has 1 to max of them.
func elements(t *testing.T, b map[string]any, id string, max int) []map[string]any {
	t.Helper()
	els, _ := b["elements"].([]any)
	if len(els) == 0 || len(els) > max {
		t.Errorf("%s: %d %v elements, want 1 to %d", id, len(els), b["type"], max)
	}
	out := make([]map[string]any, 0, len(els))
	for _, e := range els {
		el, _ := e.(map[string]any)
		out = append(out, el)
	}
	return out
}

// checkBlocks asserts Slack's limits on marshalled blocks, read back as
// plain JSON so that nothing the Go types hide escapes the check.
func checkBlocks(t *testing.T, blocks []slack.Block, lim limits) {
	t.Helper()
	raw := marshal(t, blocks)
	if len(raw) > lim.json {
		t.Errorf("blocks JSON is %d bytes, over %d", len(raw), lim.json)
	}
	var bs []map[string]any
	if err := json.Unmarshal(raw, &bs); err != nil {
		t.Fatalf("unmarshal blocks: %v", err)
	}
	if len(bs) == 0 || len(bs) > lim.blocks {
		t.Errorf("%d blocks, want 1 to %d", len(bs), lim.blocks)
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for i, b := range bs {
		id, _ := b["block_id"].(string)
		if id == "" || len(id) > 255 {
			t.Errorf("block %d (%v): block_id %q", i, b["type"], id)
		}
		if blockIDs[id] {
			t.Errorf("block %d: duplicate block_id %q", i, id)
		}
		blockIDs[id] = true
		switch b["type"] {
		case "header":
			checkText(t, b["text"], "plain_text", 150, id)
		case "section":
			checkText(t, b["text"], "mrkdwn", 3000, id)
			if acc, ok := b["accessory"].(map[string]any); ok {
				checkButton(t, acc, id, actionIDs)
			}
		case "context":
			for _, el := range elements(t, b, id, 10) {
				checkText(t, el, "mrkdwn", 3000, id)
			}
		case "actions":
			for _, el := range elements(t, b, id, 25) {
				checkButton(t, el, id, actionIDs)
			}
		case "context_actions":
			for _, el := range elements(t, b, id, 5) {
				checkFeedbackButtons(t, el, id, actionIDs)
			}
		case "divider":
		default:
			t.Errorf("%s: unexpected block type %v", id, b["type"])
		}
	}
}

func checkText(t *testing.T, v any, typ string, max int, where string) {
	t.Helper()
	o, _ := v.(map[string]any)
	if o == nil {
		t.Errorf("%s: missing text object", where)
		return
	}
	s, _ := o["text"].(string)
	if o["type"] != typ {
		t.Errorf("%s: text type %v, want %s", where, o["type"], typ)
	}
	if strings.TrimSpace(s) == "" {
		t.Errorf("%s: empty text", where)
	}
	if n := utf8.RuneCountInString(s); n > max {
		t.Errorf("%s: text of %d characters, over %d", where, n, max)
	}
	if typ == "mrkdwn" && o["verbatim"] != true {
		t.Errorf("%s: mrkdwn text is not verbatim", where)
	}
}

func checkButton(t *testing.T, el map[string]any, where string, actionIDs map[string]bool) {
	t.Helper()
	if el["type"] != "button" {
		t.Errorf("%s: element type %v", where, el["type"])
		return
	}
	checkText(t, el["text"], "plain_text", 75, where)
	aid, _ := el["action_id"].(string)
	if aid == "" || len(aid) > 255 || actionIDs[aid] {
		t.Errorf("%s: action_id %q empty, too long or repeated", where, aid)
	}
	actionIDs[aid] = true
	v, _ := el["value"].(string)
	u, _ := el["url"].(string)
	if len(v) > 2000 || len(u) > 3000 {
		t.Errorf("%s: value of %d or url of %d characters", where, len(v), len(u))
	}
	switch ActionName(aid) {
	case ActionShare, ActionOpen:
		if _, ok := DecodeRef(v); !ok {
			t.Errorf("%s: %s button with value %q that DecodeRef refuses", where, aid, v)
		}
	case ActionFeedback:
		if _, _, ok := DecodeFeedback(v); !ok {
			t.Errorf("%s: feedback button with value %q that DecodeFeedback refuses", where, v)
		}
	case ActionLink:
		if !strings.HasPrefix(u, "https://") || v != "" {
			t.Errorf("%s: link button url %q value %q", where, u, v)
		}
	default:
		t.Errorf("%s: unknown action id %q", where, aid)
	}
	if lbl, ok := el["accessibility_label"].(string); ok && utf8.RuneCountInString(lbl) > 75 {
		t.Errorf("%s: accessibility_label over 75 characters", where)
	}
}

// checkFeedbackButtons checks a feedback_buttons element: its action id, and two buttons whose
// values DecodeFeedback reads back, one useful, one not.
func checkFeedbackButtons(t *testing.T, el map[string]any, where string, actionIDs map[string]bool) {
	t.Helper()
	aid, _ := el["action_id"].(string)
	if el["type"] != "feedback_buttons" || ActionName(aid) != ActionFeedback || actionIDs[aid] {
		t.Errorf("%s: element %v with action_id %q", where, el["type"], aid)
	}
	actionIDs[aid] = true
	for name, useful := range map[string]bool{"positive_button": true, "negative_button": false} {
		btn, _ := el[name].(map[string]any)
		checkText(t, btn["text"], "plain_text", 75, where)
		v, _ := btn["value"].(string)
		if _, u, ok := DecodeFeedback(v); !ok || u != useful {
			t.Errorf("%s: %s value %q", where, name, v)
		}
	}
}

// checkMessage asserts the limits of a whole message.
func checkMessage(t *testing.T, m Message) {
	t.Helper()
	checkBlocks(t, m.Blocks, messageLimits())
	if strings.TrimSpace(m.Text) == "" {
		t.Error("empty Text")
	}
	if n := utf8.RuneCountInString(m.Text); n >= 4000 {
		t.Errorf("Text of %d characters", n)
	}
	whole := marshal(t, map[string]any{"text": m.Text, "blocks": m.Blocks})
	if len(whole) > 12000 {
		t.Errorf("message JSON is %d bytes, over 12000", len(whole))
	}
}

// checkRoundTrip asserts that blocks survive Slack's JSON and slack-go's
// parsing unchanged.
func checkRoundTrip(t *testing.T, blocks []slack.Block) {
	t.Helper()
	raw := marshal(t, blocks)
	var back slack.Blocks
	if err := back.UnmarshalJSON(raw); err != nil {
		t.Fatalf("slack.Blocks.UnmarshalJSON: %v", err)
	}
	if len(back.BlockSet) != len(blocks) {
		t.Fatalf("%d blocks back, want %d", len(back.BlockSet), len(blocks))
	}
	if again := marshal(t, back); !bytes.Equal(again, raw) {
		t.Errorf("round trip changed the blocks:\n got %s\nwant %s", again, raw)
	}
}

type button struct{ block, action, value, url, text string }

func buttons(t *testing.T, blocks []slack.Block) []button {
	t.Helper()
	var out []button
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if bt, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, button{b.BlockID, bt.ActionID, bt.Value, bt.URL, bt.Text.Text})
				}
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				bt := b.Accessory.ButtonElement
				out = append(out, button{b.BlockID, bt.ActionID, bt.Value, bt.URL, bt.Text.Text})
			}
		}
	}
	return out
}

// allText is every text of the blocks, in order, one per line.
func allText(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				texts = append(texts, s)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var bs []any
	if err := json.Unmarshal(marshal(t, blocks), &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		walk(b)
	}
	return strings.Join(texts, "\n")
}

// allStrings is every string value of v's JSON, decoded: slack-go's own
// marshalers write "<" as "\u003c", which a search in the raw JSON would miss.
func allStrings(t *testing.T, v any) string {
	t.Helper()
	var tree any
	if err := json.Unmarshal(marshal(t, v), &tree); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for k, x := range v {
				out = append(out, k)
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
	return strings.Join(out, "\n")
}

// assertNoMarkup fails when s holds Slack markup other than allowed.
func assertNoMarkup(t *testing.T, what, s string, allowed ...string) {
	t.Helper()
	for _, a := range allowed {
		s = strings.ReplaceAll(s, a, "")
	}
	for _, bad := range []string{"<!", "<@", "<http", "<#", "|x>"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s holds unescaped %q:\n%s", what, bad, s)
		}
	}
	// Every "&" must start one of the three entities: nothing raw.
	for i := strings.IndexByte(s, '&'); i >= 0; i = strings.IndexByte(s, '&') {
		rest := s[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			t.Errorf("%s holds a raw %q", what, rest[:min(len(rest), 12)])
			return
		}
		s = rest[1:]
	}
}

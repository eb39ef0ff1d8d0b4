package reply

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/report"
)

// hostileMrkdwn is what people type that mrkdwn would act on: pings, a disguised link, a mention,
// an entity, formatting.
const hostileMrkdwn = "<!here> <!channel> <https://evil.example|cliquez ici> <@U0ADMIN> <#C0SECRET> &amp; AT&T *gras* _pench_ ~barré~ `code`"

// longReport is a week with many gaps, each question or comment far longer than a section.
func longReport(n int) report.Report {
	r := sampleReport(0)
	r.Opened = 7
	long := strings.Repeat("é", 2500) + hostileMrkdwn
	for i := range n {
		q := fmt.Sprintf("question n°%d %s %s", i, hostileMrkdwn, long)
		if i%2 == 1 {
			// Cut within the entities its escaping makes, wherever the cut falls.
			q = fmt.Sprintf("question n°%d %s", i, strings.Repeat("&<>", 1000+i%3))
		}
		r.Unanswered = append(r.Unanswered, report.Group{Count: n - i, Samples: []string{q, q + " bis"}})
		r.MissingTasks = append(r.MissingTasks, report.Group{Count: n - i, Samples: []string{q}})
		r.Disliked = append(r.Disliked, report.Disliked{Ref: "role:designer", Title: "Designer " + hostileMrkdwn, Page: "designer.md", Count: 2,
			Opinions: []report.Opinion{{Question: q, Comment: long}}})
		r.UnownedTasks = append(r.UnownedTasks, report.Cited{Ref: "task:x", Title: "Tâche " + hostileMrkdwn, Page: "README.md", Count: 1, Sample: q})
	}
	return r
}

// blockText is one text of a block, with the block's type and the text's field.
type blockText struct {
	block, field, text string
}

// texts walks the blocks' JSON for every text Slack renders, and counts each context's
// elements.
func texts(t *testing.T, blocks []slack.Block) (out []blockText, contextElements []int) {
	t.Helper()
	js, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var raw []map[string]any
	if err := json.Unmarshal(js, &raw); err != nil {
		t.Fatal(err)
	}
	for _, b := range raw {
		typ, _ := b["type"].(string)
		if els, ok := b["elements"].([]any); ok && typ == "context" {
			contextElements = append(contextElements, len(els))
		}
		var walk func(field string, v any)
		walk = func(field string, v any) {
			switch v := v.(type) {
			case map[string]any:
				if s, ok := v["text"].(string); ok {
					out = append(out, blockText{typ, field, s})
				}
				for k, x := range v {
					walk(k, x)
				}
			case []any:
				for _, x := range v {
					walk(field, x)
				}
			}
		}
		walk("", b)
	}
	return out, contextElements
}

// unescaped finds what a person typed that reaches mrkdwn as markup: a "<" that opens
// anything but the links the report makes itself, an "&" that starts no entity.
var (
	foreignAngle = regexp.MustCompile(`<(!|@U0ADMIN|#C0SECRET|https://evil)`)
	bareAmp      = regexp.MustCompile(`&(amp;|lt;|gt;)?`)
)

func checkEscaped(t *testing.T, where, s string) {
	t.Helper()
	if m := foreignAngle.FindString(s); m != "" {
		t.Errorf("%s: user markup %q reached mrkdwn", where, m)
	}
	for _, m := range bareAmp.FindAllString(s, -1) {
		if m == "&" {
			t.Errorf("%s: an unescaped & (or an entity cut short) in %.200q", where, s)
			break
		}
	}
}

// TestReportWithinSlackLimits renders weeks of many gaps and very long questions and
// comments, full of mrkdwn: the message keeps to Slack's limits (50 blocks, 3,000 characters a
// section, 150 a header, 10 context elements), no person's markup gets through, and the
// cut lists say so.
func TestReportWithinSlackLimits(t *testing.T) {
	for _, n := range []int{1, 40, 400} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := longReport(n)
			check := func(name string, blocks []slack.Block, maxN int) {
				if len(blocks) > maxN || len(blocks) == 0 {
					t.Errorf("%s: %d blocks, want 1 to %d", name, len(blocks), maxN)
				}
				ts, ctxs := texts(t, blocks)
				for _, x := range ts {
					runes := utf8.RuneCountInString(x.text)
					switch {
					case x.block == "section" && runes > maxSectionText:
						t.Errorf("%s: a section text of %d characters, over %d", name, runes, maxSectionText)
					case x.block == "header" && runes > maxHeaderText:
						t.Errorf("%s: a header of %d characters", name, runes)
					}
					checkEscaped(t, name+" "+x.block, x.text)
				}
				for _, c := range ctxs {
					if c > 10 {
						t.Errorf("%s: a context of %d elements, over 10", name, c)
					}
				}
			}
			m := ReportMessage(r, CardOptions{BaseURL: "https://equipe.gitbook.io/produit/"})
			check("message", m.Blocks, maxBlocks)
			if js := jsonLen(map[string]any{"text": m.Text, "blocks": m.Blocks}); js > maxMessageJSON {
				t.Errorf("message of %d bytes, over %d", js, maxMessageJSON)
			}
			if utf8.RuneCountInString(m.Text) > maxText {
				t.Errorf("text of %d characters", utf8.RuneCountInString(m.Text))
			}
			checkEscaped(t, "text", m.Text)
			all, _ := json.Marshal(m.Blocks)
			if n > 1 && !strings.Contains(string(all), "… et ") {
				t.Errorf("%d gaps: the cut lists do not say so", n)
			}
			check("home", ReportHomeBlocks(r, CardOptions{}), homeReportBlocks)
		})
	}
}

// TestReportShowsOpened: the cards opened from an answer's buttons are counted in the
// message's and the Home tab's figures, as in the text report, and not mentioned when none.
func TestReportShowsOpened(t *testing.T) {
	for _, tt := range []struct {
		opened int
		want   string
	}{
		{0, ""},
		{1, "*1 fiche ouverte* depuis les boutons d'une réponse"},
		{12, "*12 fiches ouvertes* depuis les boutons d'une réponse"},
	} {
		r := sampleReport(3)
		r.Opened = tt.opened
		for name, blocks := range map[string][]slack.Block{
			"message": ReportMessage(r, CardOptions{}).Blocks,
			"home":    ReportHomeBlocks(r, CardOptions{}),
		} {
			var totals string
			for _, b := range blocks {
				if s, ok := b.(*slack.SectionBlock); ok && s.BlockID == blockReportTotals {
					totals = s.Text.Text
				}
			}
			switch {
			case totals == "":
				t.Errorf("%s: no totals section", name)
			case tt.want == "" && strings.Contains(totals, "fiche"):
				t.Errorf("%s, none opened: %q", name, totals)
			case !strings.Contains(totals, tt.want):
				t.Errorf("%s, %d opened: %q lacks %q", name, tt.opened, totals, tt.want)
			}
		}
	}
}

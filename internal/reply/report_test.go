package reply

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/store"
)

func sampleReport(n int) report.Report {
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	r := report.Report{Since: day, Until: day.Add(7 * 24 * time.Hour), TeamPage: "README.md",
		Totals: report.Totals{Questions: 120, Answered: 100, Missed: 20, Askers: 30, NotUseful: 3, Useful: 9, Comments: 1, GroupCount: n}}
	for i := range n {
		g := report.Group{Terms: []string{"cantin"}, Count: n - i, Samples: []string{fmt.Sprintf("qui gère la cantine <!channel> & co n°%d ?", i), "la cantine"}, AsksOwner: true}
		r.Unanswered = append(r.Unanswered, g)
		r.MissingTasks = append(r.MissingTasks, g)
		r.Disliked = append(r.Disliked, report.Disliked{Ref: "role:designer", Title: "Designer", Page: "designer.md", Count: 2, Useful: 1,
			Opinions: []report.Opinion{{Question: "designer ?"}, {Question: "qui dessine <b> ?", Comment: strings.Repeat("trop long ", 100)}}})
		r.UnownedTasks = append(r.UnownedTasks, report.Cited{Ref: "task:suivi-budgetaire", Title: "Suivi budgétaire", Page: "README.md", Count: 3, Sample: "qui suit le budget ?"})
		r.EmptyRoles = append(r.EmptyRoles, report.EmptyRoles{Channel: fmt.Sprintf("C%04d", i), Core: []report.Named{{ID: "designer", Title: "Designer", Page: "designer.md"}},
			Experts: []report.Named{{ID: "devops", Title: "DevOps", Page: "devops.md"}}})
		r.Orphans = append(r.Orphans, store.Row{Channel: "C1", Role: "ancien <role>", User: "UOLD"})
		r.TopPages = append(r.TopPages, report.Page{Page: "designer.md", Title: "Designer", Count: 40})
	}
	return r
}

func TestReportMessage(t *testing.T) {
	o := CardOptions{BaseURL: "https://equipe.gitbook.io/produit/"}
	for _, n := range []int{0, 1, 3, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := ReportMessage(sampleReport(n), o)
			js, err := json.Marshal(map[string]any{"text": m.Text, "blocks": m.Blocks})
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Blocks) > maxBlocks || len(js) > maxMessageJSON {
				t.Fatalf("%d blocks, %d bytes: over Slack's limits", len(m.Blocks), len(js))
			}
			if m.Text == "" || strings.Contains(m.Text, "<!channel>") {
				t.Fatalf("text = %q", m.Text)
			}
			all := string(js)
			if strings.Contains(all, "<!channel>") || strings.Contains(all, `\u003c!channel\u003e`) || strings.Contains(all, `\u003cb\u003e`) {
				t.Fatalf("a user's markup reached the blocks unescaped: %s", all)
			}
			if n == 0 {
				if !strings.Contains(all, "Aucun manque") {
					t.Fatalf("empty report: %s", all)
				}
				return
			}
			for _, want := range []string{"rolebot_report_unanswered", "rolebot_report_disliked", "rolebot_report_pages", "rolebot_report_orphans",
				`\u003chttps://equipe.gitbook.io/produit/designer|Designer\u003e`, `\u003chttps://equipe.gitbook.io/produit/|la matrice\u003e`,
				`\u003c#C0000\u003e`, `\u003c@UOLD\u003e`, `ancien \u0026lt;role\u0026gt;`} {
				if !strings.Contains(all, want) {
					t.Errorf("message lacks %s", want)
				}
			}
			if n == 500 && !strings.Contains(all, "… et ") {
				t.Errorf("a cut list does not say so")
			}
		})
	}
	// Without CONTENT_BASE_URL: titles, no links.
	m := ReportMessage(sampleReport(1), CardOptions{})
	js, _ := json.Marshal(m.Blocks)
	if strings.Contains(string(js), "https://") || !strings.Contains(string(js), "Designer") {
		t.Errorf("no base URL: %s", js)
	}
}

func TestReportHomeBlocks(t *testing.T) {
	for _, n := range []int{0, 3, 500} {
		blocks := ReportHomeBlocks(sampleReport(n), CardOptions{BaseURL: "https://equipe.gitbook.io/produit/"})
		js, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		if len(blocks) > homeReportBlocks || len(js) > homeReportJSON || len(blocks) < 3 {
			t.Fatalf("%d items: %d blocks, %d bytes", n, len(blocks), len(js))
		}
		if strings.Contains(string(js), "<!channel>") || strings.Contains(string(js), `\u003c!channel\u003e`) {
			t.Fatalf("unescaped markup: %s", js)
		}
		if n == 500 && !strings.Contains(string(js), "… et 495 autres (rolebot report)") {
			t.Errorf("the cut is not said: %s", js)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestReportCommands: report (text, CSV, JSON, --eval) and feedback purge on a database where
// answers and opinions were recorded, SQLite and PostgreSQL.
func TestReportCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dbURL, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		old := now.Add(-100 * 24 * time.Hour)
		batch := []store.Shown{
			{Key: "k1", Question: "qui gère la facturation ?", Ref: "none", Intent: "none", Channel: "C012AB3CD", User: "U01ANN", At: now.Add(-time.Hour)},
			{Key: "k2", Question: "Qui gere la facturation", Ref: "none", Intent: "none", Channel: "C012AB3CD", User: "U02BOB", At: now.Add(-time.Hour)},
			{Key: "k3", Question: "qui fait la recette ?", Ref: "task:incarner-la-vision", Intent: "task", Channel: "C012AB3CD", User: "U01ANN", At: now.Add(-time.Hour)},
			{Key: "k-old", Question: "question d'il y a 100 jours", Ref: "none", Intent: "none", Channel: "C012AB3CD", User: "U01ANN", At: old},
		}
		if _, err := st.RecordAnswers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RecordFeedback(ctx, store.Feedback{Key: "k3", User: "U01ANN", Comment: "c'est la recette, pas la vision", At: now.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(ctx, "test", []store.Row{{Channel: "C012AB3CD", Role: "designer", User: "U03ZOE"}, {Channel: "C012AB3CD", Role: "parti", User: "U04OLD"}}); err != nil {
			t.Fatal(err)
		}
		_ = st.Close()
		env := map[string]string{"DATABASE_URL": dbURL}

		code, out, errOut := runCLI(t, env, "report")
		if code != 0 || !strings.Contains(out, "- 2 × « Qui gere la facturation » (aussi : « qui gère la facturation ? »)") || !strings.Contains(out, "c'est la recette, pas la vision") ||
			!strings.Contains(out, "U04OLD tient « parti »") || strings.Contains(out, "100 jours") {
			t.Fatalf("report = %d\n%s%s", code, out, errOut)
		}
		code, out, errOut = runCLI(t, env, "report", "--format", "json", "--since", "200d")
		var r report.Report
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Questions != 4 || r.NotUseful != 1 {
			t.Fatalf("report --format json --since 200d = %d, %+v\n%s", code, r.Totals, errOut)
		}
		if !strings.Contains(errOut, "FEEDBACK_RETENTION") {
			t.Errorf("a period longer than the retention is not pointed out: %q", errOut)
		}
		if code, out, _ := runCLI(t, env, "report", "--format", "csv"); code != 0 || !strings.HasPrefix(out, "section,ref,count,text,detail,page\n") {
			t.Fatalf("report --format csv = %d\n%s", code, out)
		}
		code, out, _ = runCLI(t, env, "report", "--eval")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != 3 || !strings.Contains(out, `"why":"pas utile"`) || !strings.Contains(out, `"intent":""`) {
			t.Fatalf("report --eval = %d\n%s", code, out)
		}
		for _, bad := range [][]string{{"report", "--format", "xml"}, {"report", "--since", "bientôt"}, {"report", "extra"}, {"feedback", "vider"}} {
			if code, _, errOut := runCLI(t, env, bad...); code != 2 || errOut == "" {
				t.Errorf("%v = %d, %q; want 2 and a message", bad, code, errOut)
			}
		}

		code, out, errOut = runCLI(t, env, "feedback", "purge")
		if code != 0 || out != "1 question(s) et 0 avis effacés (plus anciennes que 90 jours).\n" {
			t.Fatalf("feedback purge = %d, %q %s", code, out, errOut)
		}
		code, out, _ = runCLI(t, env, "feedback", "purge", "--all")
		if code != 0 || out != "3 question(s) et 1 avis effacés (toutes).\n" {
			t.Fatalf("feedback purge --all = %d, %q", code, out)
		}
		if _, out, _ := runCLI(t, env, "report", "--format", "json"); !strings.Contains(out, `"questions": 0`) {
			t.Fatalf("report after purge:\n%s", out)
		}
	})
}

package report_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/search"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

// fixtureLine is one recorded question of testdata/questions.jsonl: 500 questions, 300 of them
// unanswered on 12 subjects worded several ways (accents, case, Slack mentions, plurals, "qui
// gère"/"qui s'occupe de"/"who handles"), labelled by the group they belong to.
type fixtureLine struct {
	Q       string `json:"q"`
	Ref     string `json:"ref"`
	Group   string `json:"group"`
	Channel string `json:"channel"`
	User    string `json:"user"`
}

var day0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func loadFixture(t testing.TB) ([]store.Shown, map[string]string) {
	t.Helper()
	f, err := os.Open("testdata/questions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []store.Shown
	label := map[string]string{}
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		var l fixtureLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("questions.jsonl:%d: %v", i+1, err)
		}
		intent, _, _ := strings.Cut(l.Ref, ":")
		out = append(out, store.Shown{Key: "k" + string(rune('a'+i%26)), Question: l.Q, Ref: l.Ref, Intent: intent,
			Channel: l.Channel, User: l.User, At: day0.Add(time.Duration(i) * time.Minute)})
		if l.Group != "" {
			label[l.Q] = l.Group
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out, label
}

func shipped(t testing.TB) (*team.Team, *search.Index) {
	t.Helper()
	ctx := context.Background()
	tm, _, err := gitbook.Load(ctx, content.FS)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Build(ctx, tm, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return tm, ix
}

// TestGroupingFixture: the 300 unanswered questions of the fixture make one group per subject,
// each group holding that subject's questions only.
func TestGroupingFixture(t *testing.T) {
	answers, label := loadFixture(t)
	tm, ix := shipped(t)
	r := report.Build(report.Input{Since: day0, Until: day0.Add(7 * 24 * time.Hour), Answers: answers, Team: tm}, ix.Normalize)

	if r.Questions != 500 || r.Missed != 300 || r.Answered != 200 {
		t.Fatalf("totals = %+v", r.Totals)
	}
	want := map[string]int{} // subject -> questions
	for _, a := range answers {
		if a.Ref == "none" {
			want[label[a.Question]]++
		}
	}
	got := map[string]int{}
	for _, g := range r.Unanswered {
		subjects := map[string]bool{}
		for _, s := range g.Samples {
			subjects[label[s]] = true
		}
		if len(subjects) != 1 {
			t.Errorf("group %v mixes subjects %v: %q", g.Terms, subjects, g.Samples)
			continue
		}
		for s := range subjects {
			if got[s] != 0 {
				t.Errorf("subject %s split into several groups (%v…)", s, g.Terms)
			}
			got[s] += g.Count
		}
	}
	for s, n := range want {
		if got[s] != n {
			t.Errorf("subject %s: %d questions grouped, want %d", s, got[s], n)
		}
	}
	if len(r.Unanswered) != len(want) {
		for _, g := range r.Unanswered {
			t.Logf("%d %v %q", g.Count, g.Terms, g.Samples)
		}
		t.Fatalf("%d groups, want %d", len(r.Unanswered), len(want))
	}
	if r.Unanswered[0].Count != 60 || !slices.Contains([]string{"qui gère la facturation ?"}, r.Unanswered[0].Samples[0]) && label[r.Unanswered[0].Samples[0]] != "facturation" {
		t.Errorf("most asked = %d × %q, want the 60 questions on facturation", r.Unanswered[0].Count, r.Unanswered[0].Samples)
	}
	// Asking who does it: facturation ("qui gère…", "who handles…") is a task the matrix lacks;
	// the coffee machine is not.
	missing := map[string]bool{}
	for _, g := range r.MissingTasks {
		missing[label[g.Samples[0]]] = true
	}
	if !missing["facturation"] || missing["cafe"] || missing["wifi"] {
		t.Errorf("missing tasks = %v; want facturation, not cafe nor wifi", missing)
	}
	// "Suivi budgétaire" is in the list of tasks with no owner: asked 30 times.
	if len(r.UnownedTasks) != 1 || r.UnownedTasks[0].Ref != "task:suivi-budgetaire" || r.UnownedTasks[0].Count == 0 {
		t.Errorf("unowned tasks = %+v", r.UnownedTasks)
	}
	if len(r.TopPages) == 0 || r.TopPages[0].Page == "" {
		t.Errorf("top pages = %+v", r.TopPages)
	}
}

func TestReportSections(t *testing.T) {
	tm, ix := shipped(t)
	at := day0
	answers := []store.Shown{
		{Key: "k1", Question: "qui fait la recette ?", Ref: "task:incarner-la-vision", Intent: "task", Channel: "C1", User: "UANN", At: at},
		{Key: "k2", Question: "designer", Ref: "role:designer", Intent: "role", Channel: "C1", User: "UBOB", At: at},
		{Key: "k3", Question: "que fait le designer ?", Ref: "role:designer", Intent: "role", Channel: "C2", User: "UBOB", At: at},
		{Key: "k4", Question: "qui gère la cantine ?", Ref: "none", Intent: "none", Candidates: []string{"role:designer"}, Channel: "C1", User: "UANN", At: at},
		// Not found, but the asker followed a suggestion: answered after all.
		{Key: "k5", Question: "qui fait les maquettes ?", Ref: "none", Intent: "none", Candidates: []string{"role:designer"}, Followed: "role:designer", Channel: "C1", User: "UANN", At: at},
	}
	fb := []store.Feedback{
		{Key: "k1", User: "UANN", Useful: false, Comment: "ce n'est pas la vision, c'est la recette", At: at, Question: "qui fait la recette ?", Ref: "task:incarner-la-vision"},
		{Key: "k1", User: "UBOB", Useful: true, At: at, Question: "qui fait la recette ?", Ref: "task:incarner-la-vision"},
		{Key: "k2", User: "UANN", Useful: false, At: at, Question: "designer", Ref: "role:designer"},
		{Key: "k9", User: "UANN", Useful: false, At: at, Question: "vieux", Ref: "role:parti"}, // a role that left the content
	}
	teams := map[string]store.Team{"C1": {"designer": {"UBOB"}}, "C3": {}}
	orphans := []store.Row{{Channel: "C1", Role: "ancien-role", User: "UOLD"}}
	r := report.Build(report.Input{Since: at, Until: at.Add(time.Hour), Answers: answers, Feedback: fb, Team: tm, Teams: teams, Orphans: orphans}, ix.Normalize)

	if r.Useful != 1 || r.NotUseful != 3 || r.Comments != 1 || r.Askers != 2 || r.Missed != 1 || r.Rescued != 1 || r.Answered != 4 {
		t.Errorf("totals = %+v", r.Totals)
	}
	if len(r.Disliked) != 3 || r.Disliked[0].Ref != "role:designer" && r.Disliked[0].Ref != "role:parti" && r.Disliked[0].Ref != "task:incarner-la-vision" {
		t.Fatalf("disliked = %+v", r.Disliked)
	}
	var vision *report.Disliked
	for i := range r.Disliked {
		if r.Disliked[i].Ref == "task:incarner-la-vision" {
			vision = &r.Disliked[i]
		}
	}
	if vision == nil || vision.Count != 1 || vision.Useful != 1 || vision.Title != "Incarner la vision" || vision.Page != "README.md" ||
		vision.Opinions[0].Comment != "ce n'est pas la vision, c'est la recette" {
		t.Errorf("vision = %+v", vision)
	}
	if len(r.Unanswered) != 1 || r.Unanswered[0].Candidates[0] != "role:designer" || !r.Unanswered[0].AsksOwner {
		t.Errorf("unanswered = %+v", r.Unanswered)
	}
	// C1 has a team without most roles; C3 has an empty team: no team, not listed.
	if len(r.EmptyRoles) != 1 || r.EmptyRoles[0].Channel != "C1" || slices.ContainsFunc(r.EmptyRoles[0].Core, func(n report.Named) bool { return n.ID == "designer" }) || len(r.EmptyRoles[0].Core) == 0 {
		t.Errorf("empty roles = %+v", r.EmptyRoles)
	}
	if len(r.Orphans) != 1 {
		t.Errorf("orphans = %+v", r.Orphans)
	}
	if len(r.TopPages) != 2 || r.TopPages[0].Page != "designer.md" || r.TopPages[0].Count != 2 {
		t.Errorf("top pages = %+v", r.TopPages)
	}

	var text bytes.Buffer
	if err := report.Text(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Questions sans réponse (1)", "1 × « qui gère la cantine ? »", "Réponses jugées pas utiles (3)",
		"ce n'est pas la vision, c'est la recette", "Équipes dont le rôle a quitté le contenu (1)", "- C1 : UOLD tient « ancien-role »"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	var js bytes.Buffer
	if err := report.JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.NotUseful != 3 || len(back.Disliked) != 3 {
		t.Errorf("JSON round trip = %+v, %v", back.Totals, err)
	}

	var cs bytes.Buffer
	if err := report.CSV(&cs, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]int{}
	for _, row := range rows[1:] {
		sections[row[0]]++
	}
	if sections["unanswered"] != 1 || sections["disliked"] != 3 || sections["orphan"] != 1 || sections["top_page"] != 2 || sections["empty_role"] == 0 {
		t.Errorf("CSV sections = %v", sections)
	}

	lines := report.EvalLines(r)
	whys := map[string]string{}
	for _, l := range lines {
		if l.Intent != "" || l.Role != "" || l.Task != "" || l.Owners == nil {
			t.Errorf("eval line %+v: the expected answer must be left empty", l)
		}
		whys[l.Q] = l.Why
	}
	if whys["qui gère la cantine ?"] != "pas trouvé" || whys["qui fait la recette ?"] != "pas utile" || len(lines) != 4 {
		t.Errorf("eval lines = %+v", lines)
	}
}

// TestReportFollowsAreNoQuestions: the cards opened from an answer's buttons are counted
// apart, not as questions nor askers, whoever clicked; they still cite their page, and a
// "pas utile" on one shows the question it followed.
func TestReportFollowsAreNoQuestions(t *testing.T) {
	tm, ix := shipped(t)
	at := day0
	answers := []store.Shown{
		{Key: "k1", Question: "qui fait les maquettes ?", Ref: "none", Intent: "none", Candidates: []string{"role:designer"}, Followed: "role:designer", Channel: "C1", User: "UANN", At: at},
		{Key: "k2", Question: "qui fait les maquettes ?", Ref: "role:designer", Intent: "role", Follows: "k1", Channel: "C1", User: "UANN", At: at},
		// Another person clicking the list's roles: no question of theirs.
		{Key: "k3", Question: "les rôles", Ref: "list_roles", Intent: "list_roles", Channel: "C1", User: "UBOB", At: at},
		{Key: "k4", Question: "les rôles", Ref: "role:designer", Intent: "role", Follows: "k3", Channel: "C1", User: "UCAT", At: at},
		{Key: "k5", Question: "", Ref: "role:designer", Intent: "role", Follows: "k-purged", Channel: "C1", User: "UCAT", At: at},
	}
	fb := []store.Feedback{{Key: "k2", User: "UANN", At: at, Question: "qui fait les maquettes ?", Ref: "role:designer"}}
	r := report.Build(report.Input{Since: at, Until: at.Add(time.Hour), Answers: answers, Feedback: fb, Team: tm}, ix.Normalize)
	if want := (report.Totals{Questions: 2, Opened: 3, Answered: 2, Rescued: 1, Askers: 2, NotUseful: 1}); r.Totals != want {
		t.Errorf("totals = %+v\nwant %+v", r.Totals, want)
	}
	if len(r.Unanswered) != 0 {
		t.Errorf("unanswered = %+v, want none", r.Unanswered)
	}
	if len(r.TopPages) != 1 || r.TopPages[0].Page != "designer.md" || r.TopPages[0].Count != 3 {
		t.Errorf("top pages = %+v, want designer.md cited by the 3 cards opened", r.TopPages)
	}
	if len(r.Disliked) != 1 || r.Disliked[0].Opinions[0].Question != "qui fait les maquettes ?" {
		t.Errorf("disliked = %+v", r.Disliked)
	}
	var text bytes.Buffer
	if err := report.Text(&text, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "2 questions de 2 personnes") || !strings.Contains(text.String(), "3 fiches ouvertes") {
		t.Errorf("text:\n%s", text.String())
	}
}

// TestCSVDefusesFormulas: a question starting with "=" cannot run as a spreadsheet formula.
func TestCSVDefusesFormulas(t *testing.T) {
	r := report.Build(report.Input{Answers: []store.Shown{{Question: "=HYPERLINK(\"http://x\")", Ref: "none", User: "U1", Channel: "C1"}}}, nil)
	var b bytes.Buffer
	if err := report.CSV(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "'=HYPERLINK") {
		t.Errorf("CSV = %s", b.String())
	}
}

func TestEvalWritesDevFormat(t *testing.T) {
	r := report.Build(report.Input{Answers: []store.Shown{{Question: "qui gère la cantine <b> ?", Ref: "none", User: "U1", Channel: "C1"}}}, nil)
	var b bytes.Buffer
	if err := report.Eval(&b, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["q"] != "qui gère la cantine <b> ?" || m["intent"] != "" || !strings.Contains(b.String(), `"q":"qui gère la cantine <b> ?"`) {
		t.Errorf("eval line = %s", b.String())
	}
}

// TestTextStripsControls: a question with a terminal escape sequence is printed without it.
func TestTextStripsControls(t *testing.T) {
	r := report.Build(report.Input{Answers: []store.Shown{{Question: "qui \x1b[31mgère\x1b[0m\nla cantine ?", Ref: "none", User: "U1", Channel: "C1"}}}, nil)
	var b bytes.Buffer
	if err := report.Text(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(b.String(), 0x1b) || !strings.Contains(b.String(), "« qui [31mgère [0m la cantine ? »") {
		t.Errorf("text = %q", b.String())
	}
}

// TestTextCutHint: a list cut after its first items says where the rest is, in the words of
// where the report is read (the terminal's flags, or the command for a channel's reader).
func TestTextCutHint(t *testing.T) {
	var in report.Input
	// 25 questions on 25 unrelated subjects: 25 groups, 5 past the cut.
	for i := range 25 {
		subject := strings.Repeat(string(rune('a'+i)), 6)
		in.Answers = append(in.Answers, store.Shown{Question: fmt.Sprintf("%s ?", subject), Ref: "none", User: "U1", Channel: "C1"})
	}
	r := report.Build(in, nil)
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"terminal", func(b *bytes.Buffer) error { return report.Text(b, r) }, "(--format csv ou json pour tout voir)"},
		{"channel", func(b *bytes.Buffer) error { return report.TextWith(b, r, report.MoreInSlack) }, "(" + report.MoreInSlack + ")"},
	} {
		var b bytes.Buffer
		if err := tt.write(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "… et 5 de plus "+tt.want) {
			t.Errorf("%s: text = %q, want the cut hint %q", tt.name, b.String(), tt.want)
		}
	}
}

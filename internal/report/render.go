package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Sizes of the text rendering: the whole report is there, but each list is cut after this many
// items (CSV and JSON carry everything).
const (
	textItems    = 20
	textOpinions = 5
)

// dateLayout is how the report writes days, French style.
const dateLayout = "02/01/2006"

// Hints for the text rendering's cut lists: where the reader finds the rest. The terminal's
// reader has the other formats at hand; a reader of Slack's channel has to ask for them.
const (
	// MoreInTerminal is the hint of `rolebot report`.
	MoreInTerminal = "--format csv ou json pour tout voir"
	// MoreInSlack is the hint of a report posted in a channel.
	MoreInSlack = "« rolebot report --format csv » sur le serveur donne tout"
)

// Text writes r for a terminal, in French.
func Text(w io.Writer, r Report) error { return TextWith(w, r, MoreInTerminal) }

// TextWith is Text with more as the hint of every list cut after textItems items.
func TextWith(w io.Writer, r Report, more string) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Rapport des manques du contenu, du %s au %s\n\n", r.Since.Format(dateLayout), r.Until.Format(dateLayout))
	fmt.Fprintf(b, "%s de %s, %d sans réponse (%s), %d retrouvées par une suggestion.\n", plural(r.Questions, "question", "questions"),
		plural(r.Askers, "personne", "personnes"), r.Missed, plural(r.GroupCount, "sujet", "sujets"), r.Rescued)
	fmt.Fprintf(b, "Avis : %d utile, %d pas utile, %s.\n", r.Useful, r.NotUseful, plural(r.Comments, "commentaire", "commentaires"))
	if r.Opened > 0 {
		fmt.Fprintf(b, "Et %s depuis les boutons d'une réponse (comptées avec leur question).\n", plural(r.Opened, "fiche ouverte", "fiches ouvertes"))
	}

	section(b, more, "Questions sans réponse", len(r.Unanswered), func(i int) {
		g := r.Unanswered[i]
		fmt.Fprintf(b, "- %d × « %s »", g.Count, oneLine(g.Samples[0]))
		if len(g.Samples) > 1 {
			fmt.Fprintf(b, " (aussi : « %s »)", oneLine(strings.Join(g.Samples[1:], " », « ")))
		}
		if len(g.Candidates) > 0 {
			fmt.Fprintf(b, " ; proposé : %s", strings.Join(g.Candidates, ", "))
		}
		b.WriteByte('\n')
	})
	section(b, more, "Tâches demandées absentes de la matrice", len(r.MissingTasks), func(i int) {
		g := r.MissingTasks[i]
		fmt.Fprintf(b, "- %d × « %s »\n", g.Count, oneLine(g.Samples[0]))
	})
	section(b, more, "Réponses jugées pas utiles", len(r.Disliked), func(i int) {
		d := r.Disliked[i]
		fmt.Fprintf(b, "- %s : %d pas utile, %d utile", refLabel(d.Ref, d.Title), d.Count, d.Useful)
		if d.Page != "" {
			fmt.Fprintf(b, " (%s)", d.Page)
		}
		b.WriteByte('\n')
		for _, o := range d.Opinions[:min(len(d.Opinions), textOpinions)] {
			fmt.Fprintf(b, "    « %s »", oneLine(o.Question))
			if o.Comment != "" {
				fmt.Fprintf(b, " : %s", oneLine(o.Comment))
			}
			b.WriteByte('\n')
		}
	})
	section(b, more, "Tâches sans responsable demandées", len(r.UnownedTasks), func(i int) {
		c := r.UnownedTasks[i]
		fmt.Fprintf(b, "- %s : %d × (« %s »)\n", c.Title, c.Count, oneLine(c.Sample))
	})
	section(b, more, "Rôles sans personne dans les canaux qui ont une équipe", len(r.EmptyRoles), func(i int) {
		e := r.EmptyRoles[i]
		fmt.Fprintf(b, "- %s :", e.Channel)
		if len(e.Core) > 0 {
			fmt.Fprintf(b, " %s", titles(e.Core))
		}
		if len(e.Experts) > 0 {
			fmt.Fprintf(b, " ; soutiens experts : %s", titles(e.Experts))
		}
		b.WriteByte('\n')
	})
	section(b, more, "Équipes dont le rôle a quitté le contenu", len(r.Orphans), func(i int) {
		o := r.Orphans[i]
		fmt.Fprintf(b, "- %s : %s tient « %s »\n", o.Channel, o.User, o.Role)
	})
	section(b, more, "Pages les plus citées", len(r.TopPages), func(i int) {
		p := r.TopPages[i]
		fmt.Fprintf(b, "- %s (%s) : %d\n", p.Title, p.Page, p.Count)
	})
	_, err := io.WriteString(w, b.String())
	return err
}

// section writes a heading and up to textItems items, or "rien" for an empty list.
func section(b *strings.Builder, more, title string, n int, item func(i int)) {
	fmt.Fprintf(b, "\n%s (%d)\n", title, n)
	if n == 0 {
		b.WriteString("- rien\n")
		return
	}
	for i := range min(n, textItems) {
		item(i)
	}
	if n > textItems {
		fmt.Fprintf(b, "- … et %d de plus (%s)\n", n-textItems, more)
	}
}

// titles joins the roles' titles.
func titles(ns []Named) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Title
	}
	return strings.Join(out, ", ")
}

// refLabel names an answer: its title, or its reference when the content lacks it.
func refLabel(ref, title string) string {
	switch {
	case ref == "none":
		return "« pas trouvé »"
	case title != "":
		return title
	}
	return ref
}

// plural writes n and its noun, singular for 0 and 1 as French does.
func plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// oneLine is a person's text on one line, without control characters (an escape sequence in a
// question must not reach the terminal).
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// csvHeader is the CSV rendering's columns: one line per item of every section.
var csvHeader = []string{"section", "ref", "count", "text", "detail", "page"}

// CSV writes r as CSV, every item of every section, for a spreadsheet. Columns: section (its
// key: unanswered, missing_task, disliked, unowned_task, empty_role, orphan, top_page), ref,
// count, text (a question, a title), detail (other wordings, a comment…), page.
func CSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	rows := [][]string{csvHeader}
	add := func(cols ...string) { rows = append(rows, cols) }
	for _, g := range r.Unanswered {
		add("unanswered", strings.Join(g.Terms, " "), strconv.Itoa(g.Count), g.Samples[0], strings.Join(g.Samples[1:], " | "), "")
	}
	for _, g := range r.MissingTasks {
		add("missing_task", strings.Join(g.Terms, " "), strconv.Itoa(g.Count), g.Samples[0], strings.Join(g.Samples[1:], " | "), "")
	}
	for _, d := range r.Disliked {
		for _, o := range d.Opinions {
			add("disliked", d.Ref, strconv.Itoa(d.Count), o.Question, oneLine(o.Comment), d.Page)
		}
	}
	for _, c := range r.UnownedTasks {
		add("unowned_task", c.Ref, strconv.Itoa(c.Count), c.Title, c.Sample, c.Page)
	}
	for _, e := range r.EmptyRoles {
		for _, n := range e.Core {
			add("empty_role", "role:"+n.ID, "0", e.Channel, "core", n.Page)
		}
		for _, n := range e.Experts {
			add("empty_role", "role:"+n.ID, "0", e.Channel, "expert", n.Page)
		}
	}
	for _, o := range r.Orphans {
		add("orphan", "role:"+o.Role, "1", o.Channel, o.User, "")
	}
	for _, p := range r.TopPages {
		add("top_page", "", strconv.Itoa(p.Count), p.Title, "", p.Page)
	}
	for _, row := range rows {
		for i, c := range row {
			row[i] = defuse(c)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("rapport CSV : %w", err)
	}
	return nil
}

// defuse keeps a spreadsheet from running a cell that came from a user as a formula: a leading
// = + - @ gets a quote (OWASP's advice on CSV injection).
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// JSON writes r as one indented JSON object.
func JSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("rapport JSON : %w", err)
	}
	return nil
}

// EvalLine is one line of an evaluation set (the format of shared/eval/dev.jsonl) made from a
// question rolebot missed or answered badly. Intent, Role, Task and Owners are the expected
// answer, left empty for a person to fill; Got, Why, Count and Comment say where it comes from
// (the evaluation ignores them).
type EvalLine struct {
	Q       string            `json:"q"`
	Intent  string            `json:"intent"`
	Role    string            `json:"role"`
	Task    string            `json:"task"`
	Owners  map[string]string `json:"owners"`
	Got     string            `json:"got"`
	Why     string            `json:"why"` // "pas trouvé" or "pas utile"
	Count   int               `json:"count"`
	Comment string            `json:"comment,omitempty"`
}

// EvalLines returns the missed questions (one per group wording) and the disliked answers'
// questions as evaluation lines, each question once.
func EvalLines(r Report) []EvalLine {
	var out []EvalLine
	seen := map[string]bool{}
	for _, g := range r.Unanswered {
		for _, s := range g.Samples {
			if !seen[s] {
				seen[s] = true
				out = append(out, EvalLine{Q: s, Owners: map[string]string{}, Got: "none", Why: "pas trouvé", Count: g.Count})
			}
		}
	}
	for _, d := range r.Disliked {
		for _, o := range d.Opinions {
			if !seen[o.Question] {
				seen[o.Question] = true
				out = append(out, EvalLine{Q: o.Question, Owners: map[string]string{}, Got: d.Ref, Why: "pas utile", Count: d.Count, Comment: oneLine(o.Comment)})
			}
		}
	}
	return out
}

// Eval writes EvalLines(r), one JSON object a line.
func Eval(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, l := range EvalLines(r) {
		if err := enc.Encode(l); err != nil {
			return fmt.Errorf("lignes d'évaluation : %w", err)
		}
	}
	return nil
}

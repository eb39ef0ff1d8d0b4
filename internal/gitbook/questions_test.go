package gitbook

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A role page's front matter may list example questions; a value that is
// not a list of questions is a warning, and the page still loads.
func TestFrontMatterQuestions(t *testing.T) {
	body := strings.Repeat("Ce rôle fait avancer le produit avec toute l'équipe. ", 8)
	readme := "# Équipe\n\n<table data-view=\"cards\"><thead><tr><th data-type=\"content-ref\"></th></tr></thead><tbody>" +
		"<tr><td><a href=\"po.md\">po.md</a></td></tr><tr><td><a href=\"sre.md\">sre.md</a></td></tr></tbody></table>\n\n" +
		"| | PO | SRE |\n|-|----|-----|\n| Livrer | Responsable | Participe |\n"
	fsys := fstest.MapFS{
		"README.md": {Data: []byte(readme)},
		"po.md":     {Data: []byte("---\nquestions:\n  - Qui priorise le backlog ?\n  - \"  Qui   fixe le cap ?  \"\n  - \"\"\n---\n# PO\n\n" + body)},
		"sre.md":    {Data: []byte("---\nquestions: Qui surveille la prod ?\n---\n# SRE\n\n" + body)},
	}
	tm, rep, err := load(t, fsys)
	if err != nil {
		t.Fatalf("%v%s", err, dump(rep))
	}
	po, _ := tm.Role("po")
	if want := []string{"Qui priorise le backlog ?", "Qui fixe le cap ?"}; !slices.Equal(po.Questions, want) {
		t.Errorf("po questions %q, want %q", po.Questions, want)
	}
	sre, _ := tm.Role("sre")
	if len(sre.Questions) != 0 {
		t.Errorf("sre questions %q, want none from a scalar", sre.Questions)
	}
	for _, want := range []struct{ file, text string }{
		{"po.md", "chaque élément de « questions »"},
		{"sre.md", "« questions » doit être une liste"},
	} {
		found := false
		for _, d := range rep.Diagnostics {
			if d.File == want.file && d.Severity == Warning && strings.Contains(d.Message, want.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no warning %q%s", want.file, want.text, dump(rep))
		}
	}
}

package gitbook

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rolebot/rolebot/content"
)

// shippedWith is the shipped content folder with some files replaced, or
// removed when their data is nil.
func shippedWith(t testing.TB, files map[string][]byte) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range files {
		if b == nil {
			delete(out, p)
		} else {
			out[p] = &fstest.MapFile{Data: b}
		}
	}
	return out
}

// errorsOf lists a report's errors.
func errorsOf(rep *Report) []Diagnostic {
	var out []Diagnostic
	for _, d := range rep.Diagnostics {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// TestRefusedFolders lists folders that `rolebot check` must refuse, each
// with the one error it must give.
func TestRefusedFolders(t *testing.T) {
	role := func(body string) []byte { return []byte("# Juriste\n\nLa juriste vérifie le droit.\n\n" + body) }
	tests := []struct {
		name  string
		files map[string][]byte
		want  want
	}{
		{"core role page deleted", map[string][]byte{"designer.md": nil},
			want{"README.md", 24, Error, "la carte « Designer » renvoie vers « designer.md », qui n'existe pas dans le dossier"}},
		{"expert role page deleted", map[string][]byte{"devops.md": nil},
			want{"README.md", 28, Error, "renvoie vers « devops.md », qui n'existe pas"}},
		{"NUL bytes in a role page", map[string][]byte{"juriste.md": role("Elle\x00\x00 relit.\n")},
			want{"juriste.md", 5, Error, "fichier binaire : octet nul (0x00) en colonne 5"}},
		{"an image renamed .md", map[string][]byte{"juriste.md": append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)},
			want{"juriste.md", 3, Error, "fichier binaire : octet nul (0x00) en colonne 1"}},
		{"binary without NUL", map[string][]byte{"juriste.md": []byte(strings.Repeat("\x1f\x8b\x08\xff\xfe\x01", 40))},
			want{"juriste.md", 1, Error, "fichier binaire ; ce n'est pas une page Markdown"}},
		{"a control character", map[string][]byte{"juriste.md": role("Elle relit\x1b[31m.\n")},
			want{"juriste.md", 5, Error, "caractère de contrôle U+001B en colonne 11"}},
		{"role page over the limit", map[string][]byte{"juriste.md": role(strings.Repeat("Une ligne de texte ordinaire pour grossir la page.\n", MaxRolePageBytes/50))},
			want{"juriste.md", 10284, Error, "page trop grande (522 Kio) : elle dépasse à cette ligne la limite de 512 Kio pour une page de rôle"}},
		{"team page over the limit", map[string][]byte{"README.md": append(mustRead(t, "README.md"), strings.Repeat("Texte.\n", MaxTeamPageBytes/7)...)},
			want{"README.md", 598510, Error, "la limite de 4 Mio pour la page d'équipe"}},
		{"nested quotes", map[string][]byte{"juriste.md": role(strings.Repeat("> ", 100_000) + "x\n")},
			want{"juriste.md", 5, Error, "imbrication trop profonde : la ligne commence par 200000 caractères"}},
		{"nested numbered lists", map[string][]byte{"juriste.md": role(strings.Repeat("1. ", 50) + "x\n")},
			want{"juriste.md", 5, Error, "imbrication trop profonde : la ligne commence par 150 caractères"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep, err := load(t, shippedWith(t, tt.files))
			errs := errorsOf(rep)
			if err == nil || len(errs) != 1 {
				t.Fatalf("want one error, got %v%s", err, dump(rep))
			}
			d, w := errs[0], tt.want
			if d.File != w.file || d.Line != w.line || !strings.Contains(d.Message, w.text) {
				t.Errorf("got  %s\nwant %s:%d: error: …%s…", d, w.file, w.line, w.text)
			}
		})
	}
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := fs.ReadFile(content.FS, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeletedPageWithColumn checks that a matrix column whose role lost its
// page says so, besides the card.
func TestDeletedPageWithColumn(t *testing.T) {
	readme := strings.Replace(string(mustRead(t, "README.md")),
		"| Responsable métier                           | Responsable produit                            |",
		"| Responsable métier                           | Responsable produit                            | Designer |", 1)
	readme = strings.Replace(readme, "| ---------------------------------------------- |\n", "| ---------------------------------------------- | --- |\n", 1)
	_, rep, err := load(t, shippedWith(t, map[string][]byte{"designer.md": nil, "README.md": []byte(readme)}))
	if err == nil || !hasDiag(rep, "README.md", 24, Error, "« designer.md », qui n'existe pas") ||
		!hasDiag(rep, "README.md", 34, Error, "la colonne « Designer » désigne le rôle de la carte « Designer », dont la page designer.md n'existe pas") {
		t.Errorf("want the card and the column refused, got %v%s", err, dump(rep))
	}
}

// TestWithinLimits checks that pages at the limits, and nesting real pages
// use, still load.
func TestWithinLimits(t *testing.T) {
	body := "# Juriste\n\nLa juriste vérifie le droit.\n\n## Au quotidien\n\n" +
		"* Relire les contrats.\n  * Les conventions.\n    > Une citation dans une liste.\n    > > Et une autre.\n" +
		"```\n" + strings.Repeat("> ", 200) + "dans du code\n```\n" +
		"1. un\n2. deux\n\tdu texte indenté\n" + strings.Repeat(" ", 300) + "\n"
	body += strings.Repeat("x", MaxRolePageBytes-len(body)-1) + "\n"
	if len(body) != MaxRolePageBytes {
		t.Fatalf("page of %d bytes", len(body))
	}
	_, rep, err := load(t, shippedWith(t, map[string][]byte{"juriste.md": []byte(body)}))
	if err != nil {
		t.Fatalf("a page at the limit must load: %v%s", err, dump(rep))
	}
}

func TestSizeWords(t *testing.T) {
	for n, want := range map[int64]string{1: "1 octet", 900: "900 octets", 512 << 10: "512 Kio", 4 << 20: "4 Mio", 5_086_737: "4,9 Mio"} {
		if got := sizeWords(n); got != want {
			t.Errorf("sizeWords(%d) = %q, want %q", n, got, want)
		}
	}
}

// BenchmarkLargePage loads the shipped folder with one role page of a worst
// shape for goldmark: at the size limit, and far past it (refused).
func BenchmarkLargePage(b *testing.B) {
	for _, bc := range []struct {
		name string
		page string
	}{
		{"brackets-at-limit", strings.Repeat("[", MaxRolePageBytes-20)},
		{"text-at-limit", strings.Repeat("Une phrase de texte assez ordinaire.\n", MaxRolePageBytes/40)},
		{"quotes-5MB-refused", strings.Repeat("> ", 5<<19)},
		{"brackets-5MB-refused", strings.Repeat("[", 5<<20)},
	} {
		fsys := shippedWith(b, map[string][]byte{"juriste.md": []byte("# Juriste\n\n" + bc.page)})
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				_, _, _ = Load(context.Background(), fsys)
			}
		})
	}
}

// TestTeamPageDraftsWhereRead checks that an editors' mark on the team page
// is a warning in each part an answer reads, and a note elsewhere.
func TestTeamPageDraftsWhereRead(t *testing.T) {
	readme := "---\ndescription: >-\n  Une équipe TODO.\n---\n\n" + // 3: description
		"# Équipe [À VALIDER]\n\n" + // 6: title
		"Une équipe FIXME pour les tests.\n\n" + // 8: introduction
		"<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead>" +
		"<tbody><tr><td>Juriste TODO</td><td><a href=\"juriste.md\">juriste.md</a></td></tr></tbody></table>\n\n" + // 10: cards
		"Du texte @camille.martin que rolebot ne lit pas.\n\n" + // 12: prose
		"|  | Juriste |\n| --- | --- |\n| Vérifier le droit TODO | Responsable |\n\n" + // 16: matrix row
		"Autres tâches :\n\n* Suivi budgétaire TODO\n\n" + // 20: other tasks
		"TODO en bas de page.\n" // 22: prose
	_, rep, err := load(t, fstest.MapFS{"README.md": {Data: []byte(readme)}, "juriste.md": {Data: []byte(jurist)}})
	if err != nil {
		t.Fatalf("%v%s", err, dump(rep))
	}
	got := map[int]Severity{}
	for _, d := range rep.Diagnostics {
		if d.File == "README.md" && (strings.Contains(d.Message, "marque") || strings.Contains(d.Message, "mention")) {
			got[d.Line] = d.Severity
		}
	}
	want := map[int]Severity{3: Warning, 6: Warning, 8: Warning, 10: Warning, 12: Note, 16: Warning, 20: Warning, 22: Note}
	for line, sev := range want {
		if s, ok := got[line]; !ok || s != sev {
			t.Errorf("README.md:%d: got %v (found %v), want %v%s", line, s, ok, sev, dump(rep))
		}
	}
}

func TestCheckControls(t *testing.T) {
	tests := []struct {
		text string
		ok   bool
		want string
	}{
		{"tab\tform feed\f vertical\v crlf\r\n", true, ""},
		{"é, à, ô, nbsp\u00a0, œ, 🔒 et \ufeff", true, ""},
		{"ligne 1\nbip\a", false, "x.md:2: error: caractère de contrôle U+0007 en colonne 4"},
		{"del\x7f", false, "U+007F en colonne 4"},
		{"é\u0085", false, "U+0085 en colonne 3"},
	}
	for _, tt := range tests {
		var d diags
		if ok := checkControls("x.md", []byte(tt.text), &d); ok != tt.ok || !tt.ok && (len(d.list) != 1 || !strings.Contains(d.list[0].String(), tt.want)) {
			t.Errorf("%q: ok %v, diagnostics %v; want %v %q", tt.text, ok, d.list, tt.ok, tt.want)
		}
	}
}

// TestCardWithoutLink checks that a card opening no page is a warning when
// readers see its label, and a note when it shows nothing.
func TestCardWithoutLink(t *testing.T) {
	readme := "# Équipe\n\nUne équipe.\n\n" +
		"<table data-view=\"cards\"><thead><tr><th></th><th data-hidden data-card-target data-type=\"content-ref\"></th></tr></thead>" +
		"<tbody><tr><td>Juriste</td><td><a href=\"juriste.md\">juriste.md</a></td></tr><tr><td>Archiviste</td><td></td></tr></tbody></table>\n\n" +
		"### Les soutiens experts\n\n" +
		"<table data-view=\"cards\"><thead><tr><th data-type=\"content-ref\"></th><th data-hidden></th></tr></thead>" +
		"<tbody><tr><td></td><td>Appui data</td></tr></tbody></table>\n\n" +
		"|  | Juriste |\n| --- | --- |\n| Vérifier le droit | Responsable |\n"
	_, rep, err := load(t, fstest.MapFS{"README.md": {Data: []byte(readme)}, "juriste.md": {Data: []byte(jurist)}})
	if err != nil {
		t.Fatalf("%v%s", err, dump(rep))
	}
	if !hasDiag(rep, "README.md", 5, Warning, "la carte « Archiviste » ne renvoie vers aucune page") ||
		!hasDiag(rep, "README.md", 9, Note, "la carte « Appui data » ne renvoie vers aucune page et n'affiche rien") || len(rep.Diagnostics) != 2 {
		t.Errorf("want a warning for Archiviste and a note for Appui data:%s", dump(rep))
	}
}

// jurist is a role page long enough to draw no warning.
const jurist = "# Juriste\n\nLa juriste vérifie que le service respecte le droit, relit les contrats et conseille l'équipe sur les données personnelles, les marchés et les conventions. " +
	"Elle prépare les clauses des marchés publics, répond aux questions des agents et suit les évolutions de la réglementation qui touchent le produit.\n"

package gitbook

import (
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// spaceRepo is a repository as Git Sync writes a larger guide: .gitbook.yaml
// puts the space in docs/, whose first page is accueil.md; the team is one
// folder of it, docs/equipe, built from the plain fixture, with two pages no
// card opens (ordered and titled by the table of contents).
func spaceRepo(t *testing.T) fstest.MapFS {
	t.Helper()
	read := func(p string) *fstest.MapFile {
		b, err := os.ReadFile("testdata/plain/" + p)
		if err != nil {
			t.Fatal(err)
		}
		return &fstest.MapFile{Data: b}
	}
	words := strings.Repeat("Elle observe, note et restitue ce qu'elle apprend à l'équipe. ", 6)
	return fstest.MapFS{
		".gitbook.yaml":                     {Data: []byte("root: ./docs/\n\nstructure:\n  readme: accueil.md\n  summary: SUMMARY.md\n")},
		"docs/accueil.md":                   {Data: []byte("# Guide\n\nBienvenue.\n")},
		"docs/SUMMARY.md":                   {Data: []byte("# Table of contents\n\n* [Accueil](accueil.md)\n\n## Équipes\n\n* [Équipe intégration](equipe/README.md)\n  * [Cheffe de projet](equipe/cheffe-de-projet.md)\n  * [Stagiaire en design](equipe/stagiaire.md)\n  - [Alternant](<equipe/alternant.md>)\n* [Web](https://example.org)\n")},
		"docs/equipe/README.md":             read("README.md"),
		"docs/equipe/cheffe-de-projet.md":   read("cheffe-de-projet.md"),
		"docs/equipe/juriste.md":            read("juriste.md"),
		"docs/equipe/equipe/integrateur.md": read("equipe/integrateur.md"),
		"docs/equipe/stagiaire.md":          {Data: []byte(words + "\n")},
		"docs/equipe/alternant.md":          {Data: []byte("# Alternant\n\n" + words + "\n")},
		"docs/.gitbook/assets/logo.png":     {Data: []byte("png")},
	}
}

func TestReadSpace(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       Space
		wantErr    string
	}{
		{"no file", "", Space{".", "README.md", "SUMMARY.md"}, ""},
		{"root and structure", "root: ./docs/\nstructure:\n  readme: accueil.md\n  summary: toc/SUMMARY.md\n", Space{"docs", "accueil.md", "toc/SUMMARY.md"}, ""},
		{"root only", "root: guide\n", Space{"guide", "README.md", "SUMMARY.md"}, ""},
		{"broken yaml", "root: docs\nstructure: [\n", Space{}, ".gitbook.yaml:"},
		{"root out of the repository", "root: ../elsewhere\n", Space{}, "sort du dépôt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := fstest.MapFS{}
			if tt.yaml != "" {
				repo[ConfigFile] = &fstest.MapFile{Data: []byte(tt.yaml)}
			}
			got, err := ReadSpace(repo)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestSpaceFolder(t *testing.T) {
	repo := spaceRepo(t)
	sp, err := ReadSpace(repo)
	if err != nil {
		t.Fatal(err)
	}
	f, err := sp.Folder(repo, "equipe")
	if err != nil {
		t.Fatal(err)
	}
	tm, rep, err := LoadWith(context.Background(), f.FS, f.Options)
	if err != nil {
		t.Fatalf("%v%s", err, dump(rep))
	}
	var roles []string
	for _, r := range tm.Roles {
		roles = append(roles, r.ID+"="+r.Title)
	}
	// Cards first, in the team page's order; then the table of contents'
	// order (stagiaire before alternant), with its title for a page that
	// has none.
	want := []string{"cheffe-de-projet=Cheffe de projet", "integrateur=Intégrateur", "juriste=Juriste",
		"stagiaire=Stagiaire en design", "alternant=Alternant"}
	if !slices.Equal(roles, want) {
		t.Fatalf("roles %v, want %v", roles, want)
	}
	// Diagnostics name files from the repository's top.
	found := false
	for _, d := range rep.Diagnostics {
		if !strings.HasPrefix(d.File, "docs/equipe/") {
			t.Errorf("diagnostic outside the folder's prefix: %s", d)
		}
		if d.File == "docs/equipe/stagiaire.md" && strings.Contains(d.Message, "pas de titre") {
			found = true
		}
	}
	if !found {
		t.Errorf("no title warning for stagiaire.md:%s", dump(rep))
	}

	// A missing folder is an error that says where it was looked for.
	if _, err := sp.Folder(repo, "absente"); err == nil || !strings.Contains(err.Error(), "« docs »") {
		t.Fatalf("missing folder: %v", err)
	}
	if _, err := sp.Folder(repo, "../.."); err == nil {
		t.Fatal("a folder above the root was accepted")
	}
}

func TestSpaceRootReadme(t *testing.T) {
	// At the root of the space, the team page is structure.readme and the
	// table of contents' dead entries are reported at their line.
	repo := spaceRepo(t)
	repo["docs/accueil.md"] = repo["docs/equipe/README.md"]
	// Each file moves up once: ranging over the map while adding to it
	// would move equipe/equipe/integrateur.md up twice, now and then.
	for _, p := range slices.Sorted(maps.Keys(repo)) {
		if rel, ok := strings.CutPrefix(p, "docs/equipe/"); ok {
			f := repo[p]
			delete(repo, p)
			if rel != "README.md" {
				repo["docs/"+rel] = f
			}
		}
	}
	sp, err := ReadSpace(repo)
	if err != nil {
		t.Fatal(err)
	}
	f, err := sp.Folder(repo, "")
	if err != nil {
		t.Fatal(err)
	}
	if f.Options.TeamPage != "accueil.md" || f.Options.Prefix != "docs" {
		t.Fatalf("options %+v", f.Options)
	}
	tm, rep, err := LoadWith(context.Background(), f.FS, f.Options)
	if err != nil {
		t.Fatalf("%v%s", err, dump(rep))
	}
	if tm.Title != "Équipe intégration" || tm.Source != "accueil.md" {
		t.Fatalf("team page %q from %s", tm.Title, tm.Source)
	}
	var dead []string
	for _, d := range rep.Diagnostics {
		if d.File == "docs/SUMMARY.md" {
			dead = append(dead, d.String())
		}
	}
	// The team's pages moved up from equipe/: their old paths in the
	// summary (lines 7 to 10) lead nowhere now.
	if len(dead) != 4 || !strings.HasPrefix(dead[0], "docs/SUMMARY.md:7: warning:") || !strings.Contains(dead[0], "equipe/README.md") {
		t.Fatalf("summary diagnostics %q", dead)
	}
}

func TestParseSummary(t *testing.T) {
	raw := "# Summary\n\n* [Intro](README.md)\n* [Rôles](roles/README.md)\n    * [Designer \\[UX\\]](roles/designer.md#mission)\n+ [Ext](https://x.org)\n* [Haut](../haut.md)\nTexte\n"
	got := ParseSummary("SUMMARY.md", []byte(raw))
	want := []SummaryEntry{{"README.md", "Intro", 3}, {"roles/README.md", "Rôles", 4}, {"roles/designer.md", "Designer [UX]", 5}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

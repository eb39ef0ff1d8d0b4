package contentgen

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/team"
)

func TestFolder(t *testing.T) {
	counts := map[int]int{} // pages → distinct words
	for _, s := range []Size{{Pages: 10, Tasks: 5}, {Pages: 100, Tasks: 10}, {Pages: 1000, Tasks: 100}} {
		t.Run(fmt.Sprintf("pages=%d/tasks=%d", s.Pages, s.Tasks), func(t *testing.T) {
			fsys := Folder(s)
			tm, rep, err := gitbook.Load(context.Background(), fsys)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if n := rep.Errors(); n > 0 {
				t.Fatalf("%d errors: %v", n, rep.Diagnostics)
			}
			for _, d := range rep.Diagnostics {
				t.Logf("%s", d)
			}
			if len(tm.Roles) != s.Pages {
				t.Errorf("%d roles, want %d", len(tm.Roles), s.Pages)
			}
			matrix, core, expert := 0, 0, 0
			for _, k := range tm.Tasks {
				if k.Origin != team.FromMatrix {
					continue
				}
				matrix++
				resp := 0
				for _, a := range k.Owners {
					if a.Level == team.Responsable {
						resp++
					}
				}
				if len(k.Owners) < 1 || len(k.Owners) > 3 || resp == 0 {
					t.Errorf("task %q: %d owners, %d responsible", k.Title, len(k.Owners), resp)
				}
			}
			if matrix != s.Tasks {
				t.Errorf("%d matrix tasks, want %d", matrix, s.Tasks)
			}
			for _, r := range tm.Roles {
				switch {
				case r.Core && !r.Expert:
					core++
				case r.Expert && !r.Core:
					expert++
				default:
					t.Errorf("role %s: core %v, expert %v: want one card", r.ID, r.Core, r.Expert)
				}
			}
			if want := min(s.Pages, coreRoles); core != want || expert != s.Pages-want {
				t.Errorf("%d core and %d expert roles, want %d and %d", core, expert, want, s.Pages-want)
			}
			withFM := 0
			for name, f := range fsys {
				if name == "README.md" || name == "SUMMARY.md" {
					continue
				}
				if bytes.HasPrefix(f.Data, []byte("---\n")) {
					withFM++
				}
				if n := bodyWords(f.Data); n < 450 || n > 650 {
					t.Errorf("%s: %d words, want 450 to 650", name, n)
				}
			}
			if withFM == 0 || withFM == s.Pages {
				t.Errorf("%d of %d pages have front matter: want some with, some without", withFM, s.Pages)
			}
			counts[s.Pages] = distinctWords(fsys)
			t.Logf("%d roles, %d tasks, %d distinct words, %d warnings", len(tm.Roles), len(tm.Tasks), counts[s.Pages], rep.Warnings())
		})
	}
	if counts[1000] <= counts[100] || counts[100] <= counts[10] {
		t.Errorf("distinct words do not grow with pages: %v", counts)
	}
}

func TestDeterministic(t *testing.T) {
	s := Size{Pages: 50, Tasks: 20, Seed: 7}
	a, b := Folder(s), Folder(s)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, f := range a {
		if g, ok := b[name]; !ok || !bytes.Equal(f.Data, g.Data) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if !slices.Equal(Questions(s), Questions(s)) {
		t.Error("questions differ between two runs")
	}
	other := Folder(Size{Pages: 50, Tasks: 20, Seed: 8})
	if bytes.Equal(a["README.md"].Data, other["README.md"].Data) {
		t.Error("another seed gives the same team page")
	}
}

func TestWriteDir(t *testing.T) {
	s := Size{Pages: 20, Tasks: 8}
	dir := t.TempDir()
	if err := WriteDir(dir, s); err != nil {
		t.Fatal(err)
	}
	want := Folder(s)
	got := os.DirFS(dir)
	n := 0
	err := fs.WalkDir(got, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, err := fs.ReadFile(got, p)
		if err != nil {
			return err
		}
		if f, ok := want[p]; !ok || !bytes.Equal(f.Data, data) {
			t.Errorf("%s: written file differs from Folder's", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("%d files written, Folder has %d", n, len(want))
	}
}

func TestQuestions(t *testing.T) {
	s := Size{Pages: 100, Tasks: 10}
	qs := Questions(s)
	if len(qs) < 35 || len(qs) > 45 {
		t.Errorf("%d questions, want about 40", len(qs))
	}
	vocab := map[string]bool{}
	for _, f := range Folder(s) {
		for _, w := range foldedWords(string(f.Data)) {
			vocab[w] = true
		}
	}
	// Off-topic questions must only use words the folder lacks, besides
	// question words.
	common := map[string]bool{"de": true, "la": true, "du": true, "au": true, "a": true, "le": true, "qui": true}
	for _, q := range offTopicQuestions {
		if !slices.Contains(qs, q) {
			t.Errorf("%q missing", q)
		}
		for _, w := range foldedWords(q) {
			if vocab[w] && !common[w] {
				t.Errorf("%q: the folder uses %q", q, w)
			}
		}
	}
	for _, want := range []string{"liste des rôles", "aide"} {
		if !slices.Contains(qs, want) {
			t.Errorf("%q missing", want)
		}
	}
}

func TestTitleCapacity(t *testing.T) {
	if n := titleCombos(); n < 10000 {
		t.Errorf("%d role titles without a site, want at least 10,000", n)
	}
}

func TestTypo(t *testing.T) {
	tests := []struct {
		in   string
		kind int
		want string
	}{
		{"chargee de la paie", 0, "chagee de la paie"},
		{"responsable des achats", 0, "resposable des achats"},
		{"responsable des achats", 1, "responnsable des achats"},
		{"la paie", 0, "la pae"},
		{"a b", 0, "a b"},
	}
	for _, tt := range tests {
		if got := typo(tt.in, tt.kind); got != tt.want {
			t.Errorf("typo(%q, %d) = %q, want %q", tt.in, tt.kind, got, tt.want)
		}
	}
}

// bodyWords counts a role page's words the way a reader would: front matter,
// title and Markdown markers left out.
func bodyWords(data []byte) int {
	_, body, _ := strings.Cut(strings.TrimLeft(string(stripFrontMatter(data)), "\n"), "\n")
	return wordCount(body)
}

// distinctWords counts the distinct words of a folder, folded.
func distinctWords(fsys fs.FS) int {
	seen := map[string]bool{}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		for _, w := range foldedWords(string(data)) {
			seen[w] = true
		}
		return nil
	})
	return len(seen)
}

func foldedWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(team.Fold(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func BenchmarkFolder(b *testing.B) {
	for _, s := range []Size{{Pages: 1000, Tasks: 100}, {Pages: 10000, Tasks: 1000}} {
		b.Run(fmt.Sprintf("pages=%d/tasks=%d", s.Pages, s.Tasks), func(b *testing.B) {
			if testing.Short() && s.Pages >= 10000 {
				b.Skip("large size skipped in short mode")
			}
			for b.Loop() {
				Folder(s)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/content"
)

// checkOut runs rolebot check with args and returns its exit code and output.
func checkOut(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"check"}, args...), strings.NewReader(""), &stdout, &stderr, getenvOf(nil))
	return code, stdout.String() + stderr.String()
}

// shippedCopy writes the shipped content into a temporary folder, without
// the files named in drop.
func shippedCopy(t *testing.T, drop ...string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, x := range drop {
			if p == x {
				return nil
			}
		}
		b, err := fs.ReadFile(content.FS, p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheck(t *testing.T) {
	big := shippedCopy(t)
	if err := os.WriteFile(filepath.Join(big, "juriste.md"), []byte("# Juriste\n\n"+strings.Repeat("[", 5<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	nul := shippedCopy(t)
	if err := os.WriteFile(filepath.Join(nul, "juriste.md"), []byte("# Juriste\n\nTexte\x00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		// The shipped content is clean; the user's team page has notes.
		{"shipped content", nil, 0, "10 fichiers, 9 rôles, 11 tâches : 0 erreur, 0 avertissement, 10 remarques (--notes les affiche)\n"},
		{"shipped content with notes", []string{"--notes"}, 0, "README.md:55: note: marque de brouillon « \\[ENRICHIR] »"},
		{"plain GitBook folder", []string{"--content", "../../internal/gitbook/testdata/plain"}, 0, " : 0 erreur"},
		{"core role page deleted", []string{"--content", shippedCopy(t, "designer.md")}, 1,
			"README.md:24: error: la carte « Designer » renvoie vers « designer.md », qui n'existe pas"},
		{"NUL bytes", []string{"--content", nul}, 1, "juriste.md:3: error: fichier binaire : octet nul (0x00) en colonne 6"},
		{"5 MB page", []string{"--content", big}, 1, "juriste.md:3: error: page trop grande (5 Mio)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := checkOut(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s", code, tt.code, tt.want, out)
			}
			if tt.args == nil && out != tt.want {
				t.Errorf("shipped content: want only the summary, got:\n%s", out)
			}
		})
	}
}

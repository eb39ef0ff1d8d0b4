package knowledge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/gitbook"
)

// TestReloadRefusesBrokenFolders checks that a live reload refuses what
// `rolebot check` refuses, and keeps serving the last good content.
func TestReloadRefusesBrokenFolders(t *testing.T) {
	tests := []struct {
		name   string
		change func(dir string) error
		want   string // part of the error
	}{
		{"page d'un rôle supprimée", func(dir string) error { return os.Remove(filepath.Join(dir, "designer.md")) },
			"« designer.md », qui n'existe pas"},
		{"octets nuls", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "juriste.md"), []byte("# Juriste\n\x00\x00\x00"), 0o644)
		}, "fichier binaire"},
		{"page trop grande", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "juriste.md"), []byte(strings.Repeat("[", gitbook.MaxRolePageBytes+1)), 0o644)
		}, "page trop grande"},
		{"imbrication trop profonde", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "juriste.md"), []byte("# Juriste\n\n"+strings.Repeat("> ", 1000)+"x\n"), 0o644)
		}, "imbrication trop profonde"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyContent(t, dir)
			h := newHarness(t, dir)
			before := h.store.Current()
			if err := tt.change(dir); err != nil {
				t.Fatal(err)
			}
			err := h.r.Reload(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("rechargement : %v, attendu une erreur « %s »", err, tt.want)
			}
			if h.store.Current() != before {
				t.Fatal("un contenu refusé a remplacé le snapshot")
			}
			if r := <-h.results; r.ok {
				t.Fatalf("onResult(%+v) pour un contenu refusé", r)
			}
			if !answersDesigner(t.Context(), h.store, designerQ) {
				t.Fatal("le dernier bon contenu ne répond plus")
			}
		})
	}
}

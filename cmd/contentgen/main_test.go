package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "equipe")
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-pages", "3", "-tasks", "2", "-out", dir}, 0, ""},
		{[]string{"-pages", "3"}, 2, "indiquez le dossier"},
		{[]string{"-pages", "0", "-out", dir}, 2, "au moins 1"},
		{[]string{"-tasks", "-1", "-out", dir}, 2, "négatif"},
		{[]string{"-out", dir, "en-trop"}, 2, "argument inattendu"},
		{[]string{"-pages", "deux"}, 2, "invalid value"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 { // README.md, SUMMARY.md and three role pages
		t.Errorf("%d files written, want 5", len(entries))
	}
}

package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	incomplete := filepath.Join(dir, "incomplete.txt")
	if err := os.WriteFile(incomplete, []byte("BenchmarkScaleAsk/pages=100/tasks=10-2 2000 1 ns/op 1 p50-µs 2 p99-µs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("testdata/scale.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStderr string
		wantPNG    bool
	}{
		{"ok", []string{"-in", "testdata/scale.txt", "-out", out}, "", 0, "", true},
		{"stdin", []string{"-in", "-", "-out", out}, string(example), 0, "", true},
		{"help", []string{"-h"}, "", 0, "", false},
		{"no arguments", nil, "", 2, "-in et -out sont obligatoires", false},
		{"no -out", []string{"-in", "testdata/scale.txt"}, "", 2, "-in et -out sont obligatoires", false},
		{"extra argument", []string{"-in", "testdata/scale.txt", "-out", out, "encore"}, "", 2, "aucun autre argument", false},
		{"unknown flag", []string{"-x"}, "", 2, "arguments invalides", false},
		{"bad -pages", []string{"-in", "testdata/scale.txt", "-out", out, "-pages", "cent"}, "", 2, "-pages attend", false},
		{"missing input", []string{"-in", filepath.Join(dir, "absent.txt"), "-out", out}, "", 1, "impossible de lire les résultats", false},
		{"incomplete input", []string{"-in", incomplete, "-out", out}, "", 1, "aucune mesure pour pages=1000", false},
		{"unwritable output", []string{"-in", "testdata/scale.txt", "-out", filepath.Join(dir, "absent", "out.png")}, "", 1, "impossible d'écrire l'image", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantStderr)
			}
			if tt.wantCode == 0 && stderr.Len() > 0 {
				t.Errorf("unexpected stderr: %q", stderr.String())
			}
			f, err := os.Open(out)
			if !tt.wantPNG {
				if err == nil {
					f.Close()
					t.Fatal("an image was written")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Fatalf("output is not a PNG: %v", err)
			}
		})
	}
}

// TestBenchScript checks that scripts/bench.sh, which is too slow for CI,
// at least parses and still runs this command on the file it writes.
func TestBenchScript(t *testing.T) {
	const script = "../../scripts/bench.sh"
	src, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"go run ./cmd/benchplot -in \"$scale\" -out \"$png\"",
		"-bench 'ScaleBuild'",
		"-bench 'ScaleAsk'",
	} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("%s does not contain %q", script, want)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n %s: %v\n%s", script, err, out)
	}
}

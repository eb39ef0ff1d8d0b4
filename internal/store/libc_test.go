package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"testing"
)

// goModule is what `go list -m -json` says of a module.
type goModule struct {
	Path, Version, GoMod string
	Replace              *goModule
}

// TestLibcMatchesSQLite fails when the modernc.org/libc that the build selects is not the one
// that modernc.org/sqlite's go.mod names: sqlite is generated against that exact libc, and
// another module (goose) can pull a newer one that breaks it at run time. Fix: pin libc in
// go.mod to the version printed here.
func TestLibcMatchesSQLite(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go command not found (%v): cannot read the module graph", err)
	}
	// The versions this module's build selects (the test binary carries no module list).
	out, err := exec.Command(goBin, "list", "-m", "-json", "modernc.org/sqlite", "modernc.org/libc").Output()
	if err != nil {
		t.Fatalf("go list -m modernc.org/sqlite modernc.org/libc: %v", err)
	}
	selected := map[string]goModule{}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var m goModule
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if m.Replace != nil {
			m.Version, m.GoMod = m.Replace.Version, m.Replace.GoMod
		}
		selected[m.Path] = m
	}
	sqlite, libc := selected["modernc.org/sqlite"], selected["modernc.org/libc"]
	if sqlite.GoMod == "" || libc.Version == "" {
		t.Fatalf("go list -m gave no sqlite go.mod or no libc version: %s", out)
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps { // filled in a binary built by `go build`, not always in a test
			if d.Path == "modernc.org/libc" && d.Replace == nil && d.Version != libc.Version {
				t.Fatalf("linked libc %s, go list says %s", d.Version, libc.Version)
			}
		}
	}
	gomod, err := os.ReadFile(sqlite.GoMod)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?modernc\.org/libc\s+(v\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatalf("%s names no modernc.org/libc", sqlite.GoMod)
	}
	if want := string(m[1]); libc.Version != want {
		t.Fatalf("modernc.org/libc %s is selected, but modernc.org/sqlite %s requires libc %s: "+
			"pin it in go.mod (go get modernc.org/libc@%s)", libc.Version, sqlite.Version, want, want)
	}
	t.Logf("modernc.org/sqlite %s, modernc.org/libc %s: they agree", sqlite.Version, libc.Version)
}

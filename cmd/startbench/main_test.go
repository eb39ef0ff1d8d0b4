package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// TestBenchRealBinary builds rolebot and measures two starts of it, the
// second with questions. It asserts that figures were taken, not their
// values: those come from the command on a quiet machine.
func TestBenchRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the real binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	bin := filepath.Join(t.TempDir(), "rolebot")
	build := exec.Command(goTool, "build", "-o", bin, "github.com/rolebot/rolebot/cmd/rolebot")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	var out, errs strings.Builder
	code, res := runWith(context.Background(), []string{"-bin", bin, "-runs", "2", "-questions", "10", "-v"}, &out, &errs)
	t.Logf("stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
	if code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if res == nil || len(res.runs) != 2 {
		t.Fatalf("results %+v, want 2 runs", res)
	}
	for i, r := range res.runs {
		if r.startup <= 0 || r.startup > readyTimeout {
			t.Errorf("run %d: start-up %v", i+1, r.startup)
		}
		if r.started.rss <= 0 || r.started.hwm < r.started.rss || r.started.anon <= 0 {
			t.Errorf("run %d: memory after start %+v", i+1, r.started)
		}
		if r.shutdown <= 0 {
			t.Errorf("run %d: shutdown %v", i+1, r.shutdown)
		}
	}
	if first := res.runs[0]; first.asked != 0 || first.served != (memory{}) {
		t.Errorf("run 1 asked %d questions, want none before the last run", first.asked)
	}
	if last := res.runs[1]; last.asked != 10 || last.served.rss <= 0 || last.served.hwm < last.started.hwm {
		t.Errorf("last run: asked %d, memory %+v after %+v", last.asked, last.served, last.started)
	}
	for _, want := range []string{"démarrage (lancement → /readyz 200)", "p90", "VmRSS", "VmHWM", "après 10 questions", "arrêt (SIGTERM → sortie 0)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestBinaryThatExits reports a binary that exits before being ready as a
// failure, with exit code 1.
func TestBinaryThatExits(t *testing.T) {
	f, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false in PATH")
	}
	var out, errs strings.Builder
	start := time.Now()
	code, _ := runWith(context.Background(), []string{"-bin", f, "-runs", "3"}, &out, &errs)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(errs.String(), "démarrage n° 1") || !strings.Contains(errs.String(), "avant d'être prêt") {
		t.Errorf("stderr %q does not say the first run stopped before being ready", errs.String())
	}
	if d := time.Since(start); d > readyTimeout/2 {
		t.Errorf("took %v to notice the exit", d)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-runs", "0"}, {"-questions", "-1"}, {"extra"}, {"-content", "main.go"}, {"-nope"}} {
		var out, errs strings.Builder
		if code := run(context.Background(), args, &out, &errs); code != 2 {
			t.Errorf("%q: exit code %d, want 2", args, code)
		}
	}
	var out, errs strings.Builder
	if code := run(context.Background(), []string{"-h"}, &out, &errs); code != 0 || !strings.Contains(errs.String(), "-questions") {
		t.Errorf("-h: exit code %d, usage %q", code, errs.String())
	}
}

func TestParseStatus(t *testing.T) {
	status := "Name:\trolebot\nVmPeak:\t 1262084 kB\nVmHWM:\t   30000 kB\nVmRSS:\t   25000 kB\nRssAnon:\t    8000 kB\nRssFile:\t   17000 kB\n"
	m, err := parseStatus(strings.NewReader(status))
	if err != nil {
		t.Fatal(err)
	}
	if want := (memory{rss: 25000 << 10, anon: 8000 << 10, hwm: 30000 << 10}); m != want {
		t.Errorf("got %+v, want %+v", m, want)
	}
	if _, err := parseStatus(strings.NewReader("Name:\tx\nVmRSS:\t 1 kB\n")); err == nil {
		t.Error("no error when VmHWM and RssAnon are missing")
	}
	if _, err := parseStatus(strings.NewReader("VmRSS:\t 1 MB\nVmHWM:\t 1 kB\nRssAnon:\t 1 kB\n")); err == nil {
		t.Error("no error on an unknown unit")
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 10; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := summarize(ds)
	if s.p50 != 5*time.Millisecond || s.p90 != 9*time.Millisecond || s.max != 10*time.Millisecond {
		t.Errorf("got %+v", s)
	}
	if ds[0] != 10*time.Millisecond {
		t.Error("summarize sorted its argument")
	}
	var zero summary[int64]
	if summarize[int64](nil) != zero {
		t.Error("empty input gives figures")
	}
}

func TestChildEnv(t *testing.T) {
	srv, err := slacktest.New(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	inherited := []string{"PATH=/bin", "GOMAXPROCS=1", "LOG_LEVEL=debug", "CONTENT_DIR=/elsewhere", "SLACK_BOT_TOKEN_FILE=/x", "WORKERS=1", "DATA_DIR=/elsewhere", "DATABASE_URL=postgres://x"}
	env := childEnv(inherited, srv, "127.0.0.1:1234", "/content")
	cfg := srv.Config()
	want := []string{
		"PATH=/bin", "GOMAXPROCS=1",
		"SLACK_APP_TOKEN=" + cfg.AppToken, "SLACK_BOT_TOKEN=" + cfg.BotToken, "SLACK_API_URL=" + srv.APIURL(),
		"HTTP_ADDR=127.0.0.1:1234", "LOG_LEVEL=warn",
		"DATA_DIR=" + filepath.Join(os.TempDir(), "rolebot-startbench-data"), "CONTENT_DIR=/content",
	}
	if !slices.Equal(env, want) {
		t.Errorf("got %q\nwant %q", env, want)
	}
	if env := childEnv(nil, srv, "127.0.0.1:1", ""); slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "CONTENT_DIR=") }) {
		t.Error("CONTENT_DIR set for the embedded content")
	}
}

package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/gitsync/gitsynctest"
	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/knowledge"
)

// shipped returns the shipped content's files, under prefix.
func shipped(t testing.TB, prefix string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		files[path.Join(prefix, p)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// gitHarness is the content side of serve with a content repository.
type gitHarness struct {
	store *knowledge.Store
	g     *gitContent
	reg   *prometheus.Registry
	logs  *lockedBuffer
}

func newGitHarness(t *testing.T, cfg config.Config) *gitHarness {
	t.Helper()
	if cfg.ContentGitInterval == 0 {
		cfg.ContentGitInterval = time.Hour // only Fetch fetches: no timing in tests
	}
	h := &gitHarness{store: knowledge.NewStore(nil), reg: prometheus.NewRegistry(), logs: &lockedBuffer{}}
	t.Cleanup(func() {
		if s := h.store.Current(); s != nil && s.Index != nil {
			_ = s.Index.Close()
		}
	})
	logger := slog.New(slog.NewJSONHandler(h.logs, nil))
	var err error
	if h.g, err = newGitContent(cfg, h.store, nil, logger, h.reg); err != nil {
		t.Fatal(err)
	}
	return h
}

// start starts following the repository until the test ends.
func (h *gitHarness) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := h.g.start(ctx); err != nil {
		t.Fatalf("start: %v\n%s", err, h.logs)
	}
}

func (h *gitHarness) version() string { return h.store.Current().Version }

func (h *gitHarness) count(metric, result string) float64 {
	mfs, _ := h.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != metric {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// waitFor polls cond for at most 10 s: the states tested come after a fetch
// and an index build, never after a fixed delay.
func waitFor(t *testing.T, what string, cond func() bool, logs *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s\nlogs:\n%s", what, logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// logLines returns the JSON log lines whose message is msg.
func logLines(logs *lockedBuffer, msg string) []map[string]any {
	var out []map[string]any
	for line := range strings.SplitSeq(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func short(commit string) string { return commit[:12] }

func designerSummary(t *testing.T, h *gitHarness) string {
	t.Helper()
	a := h.store.Current().Index.Ask(context.Background(), "designer")
	if a.Intent != answer.IntentRole || a.Role == nil || a.Role.ID != "designer" {
		t.Fatalf("designer: %+v", a)
	}
	return a.Role.Summary
}

func TestGitContentFollowsTheBranch(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	files := shipped(t, "")
	c1 := remote.Commit("GitBook: first", files)
	h := newGitHarness(t, config.Config{ContentGitURL: remote.URL, DataDir: t.TempDir()})
	h.start(t)
	if h.version() != short(c1) {
		t.Fatalf("version %q, want %q", h.version(), short(c1))
	}
	if s := designerSummary(t, h); !strings.Contains(s, "Le designer conçoit") {
		t.Fatalf("summary %q", s)
	}

	// A new commit is picked up.
	edited := strings.Replace(files["designer.md"], "Le designer conçoit", "La designeuse conçoit", 1)
	c2 := remote.Commit("GitBook: edit", map[string]string{"designer.md": edited})
	h.g.Fetch()
	waitFor(t, "second commit served", func() bool { return h.version() == short(c2) }, h.logs)
	if s := designerSummary(t, h); !strings.Contains(s, "La designeuse conçoit") {
		t.Fatalf("summary after the edit %q", s)
	}

	// A broken commit is refused with file:line and its commit id; the
	// last good keeps serving.
	broken := strings.Replace(edited, "conçoit", "conÃ§oit", 1)
	c3 := remote.Commit("GitBook: broken", map[string]string{"designer.md": broken})
	h.g.Fetch()
	waitFor(t, "broken commit refused", func() bool { return h.count("rolebot_content_reloads_total", "refused") == 1 }, h.logs)
	if h.version() != short(c2) {
		t.Fatalf("version after a refused commit %q, want %q", h.version(), short(c2))
	}
	refusals := logLines(h.logs, "contenu invalide, version précédente conservée")
	if len(refusals) == 0 || !strings.HasPrefix(refusals[0]["at"].(string), "designer.md:") || refusals[0]["commit"] != c3 {
		t.Fatalf("refusal logs %v", refusals)
	}

	// A force-push of a fixed history.
	c4 := remote.ForcePush("GitBook: rewritten", files)
	h.g.Fetch()
	waitFor(t, "force-pushed commit served", func() bool { return h.version() == short(c4) }, h.logs)

	// The branch deleted: fetches fail, the content stays.
	failed := h.count("rolebot_content_fetches_total", "failed")
	remote.DeleteBranch()
	h.g.Fetch()
	waitFor(t, "failed fetch counted", func() bool { return h.count("rolebot_content_fetches_total", "failed") == failed+1 }, h.logs)
	if h.version() != short(c4) || h.store.Current().Index == nil {
		t.Fatalf("version after the branch was deleted %q", h.version())
	}
	if got := h.count("rolebot_content_reloads_total", "ok"); got != 3 {
		t.Fatalf("%v reloads ok, want 3", got)
	}
}

func TestGitContentSpaceWithSubFolders(t *testing.T) {
	// A larger guide: .gitbook.yaml puts the space in docs/, the team is
	// docs/equipes/produit, the summary is at the root of the space.
	remote := gitsynctest.New(t, "main")
	files := shipped(t, "docs/equipes/produit")
	files[".gitbook.yaml"] = "root: ./docs/\nstructure:\n  readme: accueil.md\n  summary: SUMMARY.md\n"
	files["docs/accueil.md"] = "# Guide de la direction\n\nBienvenue.\n"
	files["docs/SUMMARY.md"] = "# Table of contents\n\n* [Accueil](accueil.md)\n* [Équipe produit](equipes/produit/README.md)\n  * [Designer](equipes/produit/designer.md)\n"
	files["docs/.gitbook/assets/logo.png"] = "png"
	c1 := remote.Commit("GitBook: guide", files)
	h := newGitHarness(t, config.Config{ContentGitURL: remote.URL, ContentGitBranch: "main",
		ContentGitPath: "equipes/produit", DataDir: t.TempDir()})
	h.start(t)
	if h.version() != short(c1) {
		t.Fatalf("version %q", h.version())
	}
	designerSummary(t, h)

	// Errors name files from the repository's top.
	broken := strings.Replace(files["docs/equipes/produit/designer.md"], "conçoit", "conÃ§oit", 1)
	c2 := remote.Commit("GitBook: broken", map[string]string{"docs/equipes/produit/designer.md": broken})
	h.g.Fetch()
	waitFor(t, "broken commit refused", func() bool { return h.count("rolebot_content_reloads_total", "refused") == 1 }, h.logs)
	refusals := logLines(h.logs, "contenu invalide, version précédente conservée")
	if len(refusals) == 0 || !strings.HasPrefix(refusals[0]["at"].(string), "docs/equipes/produit/designer.md:") || refusals[0]["commit"] != c2 {
		t.Fatalf("refusal logs %v", refusals)
	}

	// A CONTENT_GIT_PATH that a commit removes is refused too.
	moved := map[string]string{}
	for p := range files {
		if rest, ok := strings.CutPrefix(p, "docs/equipes/produit/"); ok {
			moved[p] = ""
			moved["docs/equipes/design/"+rest] = files[p]
		}
	}
	remote.Commit("GitBook: renamed", moved)
	h.g.Fetch()
	waitFor(t, "moved folder refused", func() bool { return h.count("rolebot_content_reloads_total", "refused") == 2 }, h.logs)
	if h.version() != short(c1) {
		t.Fatalf("version %q, want the last good %q", h.version(), short(c1))
	}
	if l := logLines(h.logs, "rechargement impossible, version précédente conservée"); len(l) != 1 || !strings.Contains(l[0]["error"].(string), "CONTENT_GIT_PATH") {
		t.Fatalf("logs %v", l)
	}
}

func TestGitContentStartOffline(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	c1 := remote.Commit("GitBook: first", shipped(t, ""))
	data := t.TempDir()
	cfg := config.Config{ContentGitURL: remote.URL, DataDir: data}
	newGitHarness(t, cfg).start(t)

	// The remote is gone at the next start: the cached copy serves.
	hidden := remote.Bare + ".away"
	if err := os.Rename(remote.Bare, hidden); err != nil {
		t.Fatal(err)
	}
	h := newGitHarness(t, cfg)
	h.start(t)
	if h.version() != short(c1) {
		t.Fatalf("version %q, want the cached %q", h.version(), short(c1))
	}
	if len(logLines(h.logs, "dépôt de contenu injoignable : la copie locale d'un précédent démarrage est servie")) != 1 {
		t.Fatalf("the start from the cached copy is not logged:\n%s", h.logs)
	}

	// No cached copy either: /readyz says 503 until the remote comes back.
	h = newGitHarness(t, config.Config{ContentGitURL: remote.URL, DataDir: t.TempDir()})
	ready := httpapi.Handler(httpapi.Options{Content: h.store, Connected: func() bool { return true }})
	readyz := func() (int, string) {
		rec := httptest.NewRecorder()
		ready.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	started := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { started <- h.g.start(ctx) }()
	waitFor(t, "a failed fetch", func() bool { return h.count("rolebot_content_fetches_total", "failed") >= 1 }, h.logs)
	if code, body := readyz(); code != http.StatusServiceUnavailable || !strings.Contains(body, "contenu : absent") {
		t.Fatalf("/readyz while waiting: %d %q", code, body)
	}
	if err := os.Rename(hidden, remote.Bare); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-started:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("start never saw the remote back\n%s", h.logs)
	}
	if code, body := readyz(); code != http.StatusOK || !strings.Contains(body, "version "+short(c1)) {
		t.Fatalf("/readyz once served: %d %q", code, body)
	}
}

func TestCheckGit(t *testing.T) {
	const token = "ghp-t0k3n-de-test"
	remote := gitsynctest.New(t, "main")
	files := shipped(t, "")
	c1 := remote.Commit("GitBook: first", files)
	url := remote.ServeHTTP(token)
	ctx := context.Background()
	check := func(env map[string]string, args ...string) (int, string, string) {
		var stdout, stderr lockedBuffer
		code := run(ctx, append([]string{"check"}, args...), strings.NewReader(""), &stdout, &stderr, getenvOf(env))
		return code, stdout.String(), stderr.String()
	}

	code, out, errs := check(map[string]string{"CONTENT_GIT_TOKEN": token}, "--git", url, "--branch", "main")
	if code != 0 || !strings.Contains(out, "(commit "+short(c1)+", branche main)") {
		t.Fatalf("check --git: %d\n%s%s", code, out, errs)
	}
	tokenFile := t.TempDir() + "/token"
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = check(map[string]string{"CONTENT_GIT_TOKEN": "faux"}, "--git", url)
	if code != 1 || !strings.Contains(errs, "refuse le jeton") || strings.Contains(errs+out, "faux") {
		t.Fatalf("check --git, wrong token: %d\n%s%s", code, out, errs)
	}

	broken := strings.Replace(files["designer.md"], "conçoit", "conÃ§oit", 1)
	c2 := remote.Commit("GitBook: broken", map[string]string{"designer.md": broken})
	code, out, errs = check(map[string]string{"CONTENT_GIT_TOKEN_FILE": tokenFile}, "--git", url)
	if code != 1 || !strings.Contains(out, "designer.md:") || !strings.Contains(out, "error:") || !strings.Contains(out, short(c2)) {
		t.Fatalf("check --git of a broken commit: %d\n%s%s", code, out, errs)
	}
	if code, _, errs = check(nil, "--git", remote.URL, "--path", "absent"); code != 1 || !strings.Contains(errs, "CONTENT_GIT_PATH") {
		t.Fatalf("check --git --path absent: %d %s", code, errs)
	}
	if code, _, _ = check(nil, "--branch", "main"); code != 2 {
		t.Fatalf("--branch without --git: %d", code)
	}
}

func TestVersionContent(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	c1 := remote.Commit("GitBook: first", shipped(t, ""))
	data := t.TempDir()
	env := map[string]string{"CONTENT_GIT_URL": remote.URL, "DATA_DIR": data}
	version := func() (int, string) {
		var stdout, stderr lockedBuffer
		code := run(context.Background(), []string{"version", "--content"}, strings.NewReader(""), &stdout, &stderr, getenvOf(env))
		return code, stdout.String() + stderr.String()
	}
	if code, out := version(); code != 1 || !strings.Contains(out, "aucune copie locale") {
		t.Fatalf("before any fetch: %d %s", code, out)
	}
	newGitHarness(t, config.Config{ContentGitURL: remote.URL, DataDir: data}).start(t)
	if code, out := version(); code != 0 || !strings.HasPrefix(out, "contenu "+short(c1)+" (commit "+c1+", branche main") {
		t.Fatalf("after a fetch: %d %s", code, out)
	}
	env = nil
	if code, out := version(); code != 0 || !strings.Contains(out, "(contenu intégré)") {
		t.Fatalf("embedded content: %d %s", code, out)
	}
}

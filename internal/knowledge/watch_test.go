package knowledge

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/answer"
)

const (
	designerQ = "qui est le designer ?"
	// zythoQ answers designer only once zythoLine is in. ("qui anime les
	// ateliers de zythologie ?" would not do: the page already says "Animer
	// des ateliers", which is enough for the designer to win.)
	zythoQ = "qui anime la zythologie ?"
	// zythoLine is new to the content: only the edited designer page has it.
	zythoLine = "Il anime aussi les ateliers de zythologie."
	// pickUp is how long a change may take to be served.
	pickUp = 10 * time.Second // generous: the race detector on a busy 2-core machine
)

// result is one call of onResult.
type result struct {
	ok      bool
	version string
}

// harness is a content folder served by a Store and watched by a Reloader.
type harness struct {
	dir     string
	store   *Store
	r       *Reloader
	results chan result
	hup     chan os.Signal
}

// copyContent writes the embedded content into dir and returns its files.
func copyContent(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		if err != nil {
			return err
		}
		files[p] = b
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// newHarness loads dir into a Store and a Reloader, without watching yet.
func newHarness(t *testing.T, dir string) *harness {
	t.Helper()
	snap, err := Load(t.Context(), os.DirFS(dir))
	if err != nil {
		t.Fatalf("chargement initial : %v", err)
	}
	h := &harness{dir: dir, store: NewStore(snap), results: make(chan result, 64), hup: make(chan os.Signal, 1)}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.r = NewReloader(dir, h.store, nil, logger, func(ok bool, v string) { h.results <- result{ok, v} })
	// Long enough for any question in flight, short enough to be exercised.
	h.r.grace = 300 * time.Millisecond
	return h
}

// watch runs Watch until the test ends and returns once the watches are set.
func (h *harness) watch(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	h.r.watching = func() { close(ready) }
	done := make(chan error, 1)
	go func() { done <- h.r.Watch(ctx, h.hup) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch : %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Watch s'est arrêté : %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Watch ne démarre pas")
	}
}

// answersDesigner reports whether q is answered with the designer's card.
func answersDesigner(ctx context.Context, s *Store, q string) bool {
	a := s.Current().Index.Ask(ctx, q)
	return a.Intent == answer.IntentRole && a.Role != nil && a.Role.ID == "designer"
}

// waitDesigner polls until q answers designer, and returns how long it took.
func waitDesigner(t *testing.T, s *Store, q string, since time.Time) time.Duration {
	t.Helper()
	deadline := since.Add(pickUp)
	for {
		if answersDesigner(t.Context(), s, q) {
			return time.Since(since)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q ne répond pas designer %v après le changement", q, pickUp)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitResult returns the next onResult call.
func waitResult(t *testing.T, h *harness) result {
	t.Helper()
	select {
	case r := <-h.results:
		return r
	case <-time.After(pickUp):
		t.Fatal("aucun rechargement")
		return result{}
	}
}

// editDesigner adds zythoLine to the designer page's summary.
func editDesigner(t *testing.T, page []byte) []byte {
	t.Helper()
	s := string(page)
	const anchor = "puis les fait tester."
	if !strings.Contains(s, anchor) {
		t.Fatal("le résumé de designer.md a changé : mettez à jour le test")
	}
	return []byte(strings.Replace(s, anchor, anchor+" "+zythoLine, 1))
}

func TestWatchServesEditsWithoutFailingQuestions(t *testing.T) {
	dir := t.TempDir()
	files := copyContent(t, dir)
	h := newHarness(t, dir)
	if answersDesigner(t.Context(), h.store, zythoQ) {
		t.Fatalf("%q répond déjà designer : le test ne prouverait rien", zythoQ)
	}
	h.watch(t)

	// Readers ask through every swap; none may get anything but the card.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var asked, failed atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				asked.Add(1)
				if !answersDesigner(context.Background(), h.store, designerQ) {
					failed.Add(1)
				}
			}
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Errorf("%d questions sur %d ont échoué pendant les rechargements", n, asked.Load())
		}
		t.Logf("%d questions posées pendant le test", asked.Load())
	}()

	v0 := h.store.Current().Version
	start := time.Now()
	if err := os.WriteFile(filepath.Join(dir, "designer.md"), editDesigner(t, files["designer.md"]), 0o644); err != nil {
		t.Fatal(err)
	}
	took := waitDesigner(t, h.store, zythoQ, start)
	t.Logf("modification servie en %v", took)
	if r := waitResult(t, h); !r.ok || r.version == v0 || r.version != h.store.Current().Version {
		t.Fatalf("onResult(%v, %q), version servie %q, avant %q", r.ok, r.version, h.store.Current().Version, v0)
	}

	// A broken edit keeps the last good content.
	v1 := h.store.Current().Version
	readme := files["README.md"]
	broken := strings.Replace(string(readme), "équipe", "Ã©quipe", 1)
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := waitResult(t, h); r.ok {
		t.Fatalf("un README en mojibake est accepté (version %s)", r.version)
	}
	if v := h.store.Current().Version; v != v1 {
		t.Fatalf("version servie %s après un échec, %s attendue", v, v1)
	}
	if !answersDesigner(t.Context(), h.store, zythoQ) {
		t.Fatal("le contenu précédent n'est plus servi après un échec")
	}

	// Fixing it serves the next version.
	fixed := append(append([]byte{}, readme...), '\n')
	if err := os.WriteFile(filepath.Join(dir, "README.md"), fixed, 0o644); err != nil {
		t.Fatal(err)
	}
	r := waitResult(t, h)
	if !r.ok || r.version == v1 || h.store.Current().Version != r.version {
		t.Fatalf("après correction : onResult(%v, %q), version servie %q", r.ok, r.version, h.store.Current().Version)
	}
	if !answersDesigner(t.Context(), h.store, zythoQ) {
		t.Fatal("la version corrigée ne répond pas")
	}
	// Let the replaced indexes be closed while readers still run.
	time.Sleep(2 * h.r.grace)
}

func TestWatchIgnoresEditorTempFiles(t *testing.T) {
	dir := t.TempDir()
	copyContent(t, dir)
	h := newHarness(t, dir)
	h.watch(t)
	for _, name := range []string{".designer.md.swp", "designer.md~", ".#designer.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Each would change the version: a reload would report it.
	select {
	case r := <-h.results:
		t.Fatalf("rechargement pour un fichier temporaire : %+v", r)
	case <-time.After(3 * debounce):
	}
}

func TestReloadSameVersionKeepsSnapshot(t *testing.T) {
	dir := t.TempDir()
	copyContent(t, dir)
	h := newHarness(t, dir)
	before := h.store.Current()
	if err := h.r.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if h.store.Current() != before {
		t.Fatal("un contenu inchangé a remplacé le snapshot")
	}
	select {
	case r := <-h.results:
		t.Fatalf("onResult appelé pour un contenu inchangé : %+v", r)
	default:
	}
	if !answersDesigner(t.Context(), h.store, designerQ) {
		t.Fatal("le snapshot gardé ne répond plus")
	}
}

// TestWatchConfigMapSwap lays the folder out as a Kubernetes ConfigMap
// volume and updates it the way the kubelet does.
func TestWatchConfigMapSwap(t *testing.T) {
	dir := t.TempDir()
	v1 := filepath.Join(dir, "..v1")
	if err := os.Mkdir(v1, 0o755); err != nil {
		t.Fatal(err)
	}
	files := copyContent(t, v1)
	if err := os.Symlink("..v1", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, dir)
	if answersDesigner(t.Context(), h.store, zythoQ) {
		t.Fatalf("%q répond déjà designer", zythoQ)
	}
	h.watch(t)

	v2 := filepath.Join(dir, "..v2")
	if err := os.Mkdir(v2, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if name == "designer.md" {
			b = editDesigner(t, b)
		}
		if err := os.WriteFile(filepath.Join(v2, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := os.Symlink("..v2", filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(v1); err != nil {
		t.Fatal(err)
	}
	t.Logf("échange de ..data servi en %v", waitDesigner(t, h.store, zythoQ, start))
}

// TestWatchFolderReplaced replaces the watched folder itself, as a deploy
// that renames a fresh copy into place does.
func TestWatchFolderReplaced(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "content")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := copyContent(t, dir)
	h := newHarness(t, dir)
	h.watch(t)

	next := filepath.Join(parent, "next")
	if err := os.Mkdir(next, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if name == "designer.md" {
			b = editDesigner(t, b)
		}
		if err := os.WriteFile(filepath.Join(next, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := os.Rename(dir, filepath.Join(parent, "old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, dir); err != nil {
		t.Fatal(err)
	}
	t.Logf("dossier remplacé servi en %v", waitDesigner(t, h.store, zythoQ, start))

	// The new folder is watched: a later edit is seen too.
	if err := os.WriteFile(filepath.Join(dir, "designer.md"), files["designer.md"], 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(pickUp)
	for answersDesigner(t.Context(), h.store, zythoQ) {
		if time.Now().After(deadline) {
			t.Fatal("une modification du nouveau dossier n'est pas vue")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatchReloadsOnHUP(t *testing.T) {
	dir := t.TempDir()
	files := copyContent(t, dir)
	h := newHarness(t, dir)
	// Written before watching starts, so only the signal can bring it in.
	if err := os.WriteFile(filepath.Join(dir, "designer.md"), editDesigner(t, files["designer.md"]), 0o644); err != nil {
		t.Fatal(err)
	}
	h.watch(t)
	if answersDesigner(t.Context(), h.store, zythoQ) {
		t.Fatal("rechargé sans signal")
	}
	start := time.Now()
	h.hup <- syscall.SIGHUP
	t.Logf("SIGHUP servi en %v", waitDesigner(t, h.store, zythoQ, start))
	if r := waitResult(t, h); !r.ok || r.version != h.store.Current().Version {
		t.Fatalf("onResult(%v, %q)", r.ok, r.version)
	}
}

// testWriter sends the Reloader's logs to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/rolebot/rolebot/internal/gitbook"
)

// Timings of live updates.
const (
	// debounce lets a burst of events (an editor's save, a git pull, a
	// ConfigMap swap) settle into a single reload.
	debounce = 200 * time.Millisecond
	// maxDebounce bounds how long a stream of events that never pauses
	// can put a reload off.
	maxDebounce = 2 * time.Second
	// retryWatch is how often the folder is looked for again when it has
	// vanished, as it does for a moment while it is replaced.
	retryWatch = time.Second
	// closeGrace is how long a replaced index stays open: a question that
	// took the old snapshot just before the swap must be able to finish.
	closeGrace = 5 * time.Second
)

// Reloader rebuilds the index of a content folder aside and swaps it into a
// Store. Reloads are serialised, so a SIGHUP arriving during a file-triggered
// reload cannot swap an older build over a newer one.
type Reloader struct {
	dir      string
	store    *Store
	gc       *GC
	logger   *slog.Logger
	onResult func(ok bool, version string)
	grace    time.Duration // closeGrace; tests shorten it
	watching func()        // called once watches are set; tests wait on it

	mu sync.Mutex // held for a whole reload
}

// NewReloader reloads dir into store, each build between gc.Begin and
// gc.End (gc may be nil). logger may be nil (logs are then dropped);
// onResult, if not nil, is told the outcome of every reload that either
// fails or serves a new version, for metrics and health checks.
func NewReloader(dir string, store *Store, gc *GC, logger *slog.Logger, onResult func(ok bool, version string)) *Reloader {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if onResult == nil {
		onResult = func(bool, string) {}
	}
	return &Reloader{dir: filepath.Clean(dir), store: store, gc: gc, logger: logger, onResult: onResult, grace: closeGrace}
}

// Reload loads the folder now. On success it serves the new snapshot, closes
// the previous index after a grace delay (questions in flight finish on it)
// and calls onResult(true, version). When the content is unusable it keeps
// serving the last good snapshot, logs every error diagnostic, calls
// onResult(false, "") and returns the error. A folder whose version is the
// one already served changes nothing and calls nothing.
func (r *Reloader) Reload(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reload(ctx, func() (Content, error) {
		fsys, err := Open(r.dir)
		return Content{FS: fsys}, err
	}, "rechargement de "+r.dir)
}

// ReloadContent is Reload for content from elsewhere than the folder, such
// as a commit of the content repository: open gives it (an error from open
// refuses it as a content error does). Failures are logged with attrs (the
// commit id) beside every error diagnostic.
func (r *Reloader) ReloadContent(ctx context.Context, open func() (Content, error), attrs ...any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reload(ctx, open, "chargement du contenu", attrs...)
}

// reload loads what open gives and swaps it in; r.mu is held.
func (r *Reloader) reload(ctx context.Context, open func() (Content, error), what string, attrs ...any) error {
	r.gc.Begin()
	c, err := open()
	var snap *Snapshot
	if err == nil {
		snap, err = LoadContent(ctx, c)
	}
	if err != nil {
		r.gc.End()
		if ctxErr := ctx.Err(); ctxErr != nil {
			// Shutting down is not a content error: nothing to report.
			return fmt.Errorf("%s : %w", what, ctxErr)
		}
		r.logFailure(snap, err, attrs)
		r.onResult(false, "")
		return fmt.Errorf("%s : %w", what, err)
	}

	cur := r.store.Current()
	if cur != nil && cur.Version == snap.Version {
		// Nobody else has seen this index: it can go at once.
		if cerr := snap.Index.Close(); cerr != nil {
			r.logger.Warn("fermeture de l'index inutile", "error", cerr)
		}
		r.logger.Debug("contenu inchangé", "version", snap.Version)
		r.gc.End()
		return nil
	}
	old := r.store.Swap(snap)
	r.logger.Info("contenu rechargé", append([]any{"version", snap.Version,
		"roles", snap.Report.Roles, "tasks", snap.Report.Tasks, "warnings", snap.Report.Warnings()}, attrs...)...)
	r.onResult(true, snap.Version)
	if old == nil || old.Index == nil {
		r.gc.End()
		return nil
	}
	// Readers took the old snapshot without a lock, so nothing says when
	// the last one is done with it; a question takes milliseconds, the
	// grace delay is generous. The build settings last until then: the
	// live heap holds both indexes.
	idx, logger, gc := old.Index, r.logger, r.gc
	time.AfterFunc(r.grace, func() {
		if cerr := idx.Close(); cerr != nil {
			logger.Warn("fermeture de l'ancien index", "version", old.Version, "error", cerr)
		}
		gc.End()
	})
	return nil
}

// logFailure logs why a reload failed: each error diagnostic on its own line,
// at file:line so that the writer can find it, or the error itself when it
// is not about the pages (synonyms file, unreadable folder).
func (r *Reloader) logFailure(snap *Snapshot, err error, attrs []any) {
	logged := false
	if snap != nil && snap.Report != nil {
		for _, d := range snap.Report.Diagnostics {
			if d.Severity != gitbook.Error {
				continue
			}
			r.logger.Error("contenu invalide, version précédente conservée",
				append([]any{"at", position(d), "message", d.Message}, attrs...)...)
			logged = true
		}
	}
	if !logged {
		r.logger.Error("rechargement impossible, version précédente conservée", append([]any{"error", err}, attrs...)...)
	}
}

// position is "file:line", "file" or "." for a diagnostic on the folder.
func position(d gitbook.Diagnostic) string {
	switch {
	case d.File == "":
		return "."
	case d.Line > 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	default:
		return d.File
	}
}

// Watch reloads the folder after every change in it, once a burst of events
// has settled, and on every value received from hup, until ctx ends; it then
// returns nil. It returns an error only when watching cannot start.
//
// The folder itself is watched, not its files: Kubernetes updates a
// ConfigMap volume by swapping a "..data" symlink, which changes no file the
// pages' symlinks point through. Real subfolders are watched too; the
// "..timestamp" folders of a ConfigMap are not, the swap is seen at the top.
func (r *Reloader) Watch(ctx context.Context, hup <-chan os.Signal) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("surveillance de %s : %w", r.dir, err)
	}
	defer w.Close()
	if err := r.syncWatches(w); err != nil {
		return fmt.Errorf("surveillance de %s : %w", r.dir, err)
	}
	if r.watching != nil {
		r.watching()
	}

	// One timer serves both the debounce and the retries after the folder
	// vanished: either way, what follows is "sync the watches, then reload".
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var first time.Time // start of the burst being debounced; zero if none

	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("surveillance de " + r.dir + " : watcher fermé")
			}
			if ignored(ev.Name) {
				continue
			}
			now := time.Now()
			if first.IsZero() {
				first = now
			}
			if now.Sub(first) < maxDebounce {
				timer.Reset(debounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("surveillance de " + r.dir + " : watcher fermé")
			}
			// Typically an overflow: events were lost, so reload to be sure.
			r.logger.Warn("surveillance du contenu", "error", err)
			if first.IsZero() {
				first = time.Now()
				timer.Reset(debounce)
			}
		case _, ok := <-hup:
			if !ok {
				hup = nil // a closed channel would spin the loop
				continue
			}
			r.logger.Info("rechargement demandé (SIGHUP)")
			timer.Stop()
			first = time.Time{}
			r.syncAndReload(ctx, w, timer)
		case <-timer.C:
			first = time.Time{}
			r.syncAndReload(ctx, w, timer)
		}
	}
}

// syncAndReload refreshes the watches, then reloads. While the folder is
// missing it only arms timer to try again: reloading would just fail.
func (r *Reloader) syncAndReload(ctx context.Context, w *fsnotify.Watcher, timer *time.Timer) {
	if err := r.syncWatches(w); err != nil {
		r.logger.Warn("dossier de contenu introuvable, nouvel essai", "dir", r.dir, "error", err)
		timer.Reset(retryWatch)
		return
	}
	// Errors are logged and reported through onResult; watching goes on.
	_ = r.Reload(ctx)
}

// syncWatches watches the folder and every real subfolder, adding what is
// new (a new subfolder, or the folder itself after it was replaced: the
// kernel drops a watch when its directory goes) and dropping what is gone.
func (r *Reloader) syncWatches(w *fsnotify.Watcher) error {
	want := map[string]bool{}
	err := filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == r.dir {
				return err
			}
			return nil // a subfolder removed while walking: the next event syncs again
		}
		if !d.IsDir() {
			return nil // WalkDir does not follow symlinks, so "..data" lands here
		}
		if p != r.dir && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		want[p] = true
		return nil
	})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, p := range w.WatchList() {
		have[p] = true
		if !want[p] {
			_ = w.Remove(p) // already gone with its directory, most likely
		}
	}
	for p := range want {
		if have[p] {
			continue
		}
		if err := w.Add(p); err != nil {
			if p == r.dir {
				return err
			}
			r.logger.Warn("surveillance d'un sous-dossier impossible", "dir", p, "error", err)
		}
	}
	return nil
}

// skipDir says which subfolders are not watched: Kubernetes' "..2025_…"
// folders, replaced whole and seen through the "..data" swap, and .git,
// whose churn is no content change.
func skipDir(name string) bool {
	return strings.HasPrefix(name, "..") || name == ".git"
}

// ignored reports editor temp files, whose writes would trigger reloads of
// unchanged content (vim's .swp, emacs' ~ backups and .# lock links).
func ignored(name string) bool {
	base := filepath.Base(name)
	return strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		strings.HasSuffix(base, "~") || strings.HasPrefix(base, ".#")
}

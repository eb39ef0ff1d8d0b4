package gitsync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/gitsync"
	"github.com/rolebot/rolebot/internal/gitsync/gitsynctest"
)

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func newRepo(t *testing.T, o gitsync.Options) *gitsync.Repo {
	t.Helper()
	if o.Dir == "" {
		o.Dir = gitsync.DirFor(t.TempDir())
	}
	r, err := gitsync.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFetchFollowsTheBranch(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	first := remote.Commit("first", map[string]string{"README.md": "# Équipe\n", "sub/old.md": "# Old\n"})

	repo := newRepo(t, gitsync.Options{URL: remote.URL, Branch: "main"})
	ctx := context.Background()
	c, err := repo.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Commit != first || c.Branch != "main" {
		t.Fatalf("first fetch: got %+v, want commit %s on main", c, first)
	}
	if got := readFile(t, c.Dir, "README.md"); got != "# Équipe\n" {
		t.Fatalf("README.md = %q", got)
	}

	// Same commit again: nothing changes.
	again, err := repo.Fetch(ctx)
	if err != nil || again.Commit != first {
		t.Fatalf("second fetch: %+v, %v", again, err)
	}

	// A new commit edits one file and deletes another.
	second := remote.Commit("second", map[string]string{"README.md": "# Équipe v2\n", "sub/old.md": ""})
	c, err = repo.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Commit != second {
		t.Fatalf("after a new commit: got %s, want %s", c.Commit, second)
	}
	if got := readFile(t, c.Dir, "README.md"); got != "# Équipe v2\n" {
		t.Fatalf("README.md = %q", got)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "sub", "old.md")); !os.IsNotExist(err) {
		t.Fatalf("a file deleted upstream is still in the copy: %v", err)
	}

	// A force-push of an unrelated history.
	forced := remote.ForcePush("rewritten", map[string]string{"README.md": "# Réécrit\n"})
	c, err = repo.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Commit != forced || readFile(t, c.Dir, "README.md") != "# Réécrit\n" {
		t.Fatalf("after a force-push: got %s, want %s", c.Commit, forced)
	}

	// The branch deleted: an error naming it, and the copy left as it was.
	remote.DeleteBranch()
	_, err = repo.Fetch(ctx)
	if err == nil || !strings.Contains(err.Error(), "branche main introuvable") {
		t.Fatalf("fetch of a deleted branch: %v", err)
	}
	cached, err := repo.Cached()
	if err != nil || cached.Commit != forced || cached.Branch != "main" {
		t.Fatalf("cached copy after a failed fetch: %+v, %v", cached, err)
	}
}

func TestFetchDefaultBranch(t *testing.T) {
	remote := gitsynctest.New(t, "principale")
	want := remote.Commit("first", map[string]string{"README.md": "# Équipe\n"})
	repo := newRepo(t, gitsync.Options{URL: remote.URL})
	c, err := repo.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Commit != want || c.Branch != "principale" {
		t.Fatalf("got %+v, want %s on the remote's default branch", c, want)
	}
}

func TestFetchOverHTTPWithToken(t *testing.T) {
	const token = "glpat-s3cr3t-t0ken"
	remote := gitsynctest.New(t, "main")
	want := remote.Commit("first", map[string]string{"README.md": "# Équipe\n"})
	url := remote.ServeHTTP(token)
	ctx := context.Background()

	tests := []struct {
		name    string
		token   string
		wantErr string
	}{
		{"right token", token, ""},
		{"wrong token", "not-the-token", "refuse le jeton"},
		{"no token", "", "demande une authentification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, branch := range []string{"main", ""} {
				repo := newRepo(t, gitsync.Options{URL: url, Branch: branch, Token: tt.token})
				c, err := repo.Fetch(ctx)
				if tt.wantErr == "" {
					if err != nil {
						t.Fatalf("branch %q: %v", branch, err)
					}
					if c.Commit != want || c.Branch != "main" {
						t.Fatalf("branch %q: got %+v, want %s", branch, c, want)
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("branch %q: error %v, want %q", branch, err, tt.wantErr)
				}
				if tt.token != "" && strings.Contains(err.Error(), tt.token) {
					t.Fatalf("the error shows the token: %v", err)
				}
			}
		})
	}

	// A new commit over HTTP, into the same copy.
	repo := newRepo(t, gitsync.Options{URL: url, Branch: "main", Token: token})
	if _, err := repo.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	second := remote.Commit("second", map[string]string{"README.md": "# Équipe v2\n"})
	c, err := repo.Fetch(ctx)
	if err != nil || c.Commit != second {
		t.Fatalf("second fetch over HTTP: %+v, %v", c, err)
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url, wantErr string
	}{
		{"https://github.com/equipe/guide.git", ""},
		{"file:///srv/guide.git", ""},
		{"http://127.0.0.1:3000/guide", ""},
		{"https://user:pw@github.com/equipe/guide.git", "identifiants"},
		{"ssh://git@github.com/equipe/guide.git", "protocole « ssh »"},
		{"git@github.com:equipe/guide.git", "illisible"},
		{"https:///guide.git", "sans hôte"},
		{"https://u:se cret@github.com/equipe/guide.git", "illisible"},
	}
	for _, tt := range tests {
		err := gitsync.CheckURL(tt.url)
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckURL(%q) = %v, want %q", tt.url, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "cret") {
			t.Errorf("CheckURL(%q) = %v: the error shows the password", tt.url, err)
		}
	}
}

// syncRecorder is an Apply that records commits and refuses those named.
type syncRecorder struct {
	mu      sync.Mutex
	applied []string
	refuse  map[string]bool
	notify  chan string
}

func newRecorder() *syncRecorder {
	return &syncRecorder{refuse: map[string]bool{}, notify: make(chan string, 16)}
}

func (s *syncRecorder) apply(_ context.Context, c gitsync.Checkout) error {
	s.mu.Lock()
	s.applied = append(s.applied, c.Commit)
	refused := s.refuse[c.Commit]
	s.mu.Unlock()
	s.notify <- c.Commit
	if refused {
		return errors.New("refused")
	}
	return nil
}

// wait waits, at most a bounded time, for Apply to receive want.
func (s *syncRecorder) wait(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-s.notify:
			if got == want {
				return
			}
		case <-deadline:
			t.Fatalf("commit %s never applied", want)
		}
	}
}

func TestSyncerStartUsesTheCachedCopy(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	want := remote.Commit("first", map[string]string{"README.md": "# Équipe\n"})
	dir := gitsync.DirFor(t.TempDir())
	if _, err := newRepo(t, gitsync.Options{URL: remote.URL, Branch: "main", Dir: dir}).Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Next start: the remote is gone, and a file of the copy was damaged.
	if err := os.RemoveAll(remote.Bare); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("half writ"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	var fetchErrs []error
	s := &gitsync.Syncer{
		Repo:    newRepo(t, gitsync.Options{URL: remote.URL, Branch: "main", Dir: dir}),
		Apply:   rec.apply,
		OnFetch: func(err error) { fetchErrs = append(fetchErrs, err) },
	}
	c, err := s.Start(context.Background())
	if err != nil || c.Commit != want {
		t.Fatalf("Start: %+v, %v; want the cached %s", c, err, want)
	}
	if got := readFile(t, dir, "README.md"); got != "# Équipe\n" {
		t.Fatalf("the cached copy was not restored to its commit: %q", got)
	}
	if len(fetchErrs) != 1 || fetchErrs[0] == nil {
		t.Fatalf("OnFetch: %v, want one failure", fetchErrs)
	}
}

func TestSyncerStartWaitsForTheRemote(t *testing.T) {
	// No copy and no remote yet: Start retries until the remote exists.
	remote := gitsynctest.New(t, "main")
	url := remote.URL + "-later"
	failed := make(chan struct{}, 8)
	rec := newRecorder()
	s := &gitsync.Syncer{
		Repo:  newRepo(t, gitsync.Options{URL: url, Branch: "main"}),
		Apply: rec.apply,
		OnFetch: func(err error) {
			if err != nil {
				failed <- struct{}{}
			}
		},
	}
	done := make(chan gitsync.Checkout, 1)
	go func() {
		c, err := s.Start(context.Background())
		if err != nil {
			t.Error(err)
		}
		done <- c
	}()
	<-failed
	want := remote.Commit("first", map[string]string{"README.md": "# Équipe\n"})
	if err := os.Rename(remote.Bare, strings.TrimPrefix(url, "file://")); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-done:
		if c.Commit != want {
			t.Fatalf("Start gave %s, want %s", c.Commit, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Start never saw the remote come up")
	}

	// Start gives up when its context ends.
	ctx, cancel := context.WithCancel(context.Background())
	s2 := &gitsync.Syncer{Repo: newRepo(t, gitsync.Options{URL: url + "-never", Branch: "main"}), Apply: rec.apply,
		OnFetch: func(error) { cancel() }}
	if _, err := s2.Start(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Start after cancel: %v", err)
	}
}

func TestSyncerRun(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	first := remote.Commit("first", map[string]string{"README.md": "# Équipe\n"})
	rec := newRecorder()
	s := &gitsync.Syncer{
		Repo:     newRepo(t, gitsync.Options{URL: remote.URL, Branch: "main"}),
		Interval: time.Hour, // only the trigger fetches
		Apply:    rec.apply,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, first)
	trigger := make(chan struct{})
	stopped := make(chan struct{})
	go func() { s.Run(ctx, trigger); close(stopped) }()

	bad := remote.Commit("bad", map[string]string{"README.md": "broken"})
	rec.mu.Lock()
	rec.refuse[bad] = true
	rec.mu.Unlock()
	trigger <- struct{}{}
	rec.wait(t, bad)
	// The refused commit is not handed over again on the next fetch.
	trigger <- struct{}{}
	good := remote.Commit("fixed", map[string]string{"README.md": "# Équipe v3\n"})
	trigger <- struct{}{}
	rec.wait(t, good)
	cancel()
	<-stopped
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if want := []string{first, bad, good}; strings.Join(rec.applied, ",") != strings.Join(want, ",") {
		t.Fatalf("applied %v, want %v", rec.applied, want)
	}
}

func TestFetchCompactsTheCopy(t *testing.T) {
	remote := gitsynctest.New(t, "main")
	remote.Commit("first", map[string]string{"README.md": "# v0\n", "old.md": "# Old\n"})
	dir := gitsync.DirFor(t.TempDir())
	repo := newRepo(t, gitsync.Options{URL: remote.URL, Branch: "main", Dir: dir, MaxPacks: 2})
	ctx := context.Background()
	packs := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
		return len(m)
	}
	for i := 1; i <= 5; i++ {
		want := remote.Commit("edit", map[string]string{"README.md": strings.Repeat("# v\n", i), "old.md": ""})
		c, err := repo.Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Commit != want || readFile(t, dir, "README.md") != strings.Repeat("# v\n", i) {
			t.Fatalf("fetch %d: %+v", i, c)
		}
		if n := packs(); n > 2 {
			t.Fatalf("fetch %d: %d packs, want at most 2", i, n)
		}
	}
	if _, err := os.Stat(dir + ".new"); !os.IsNotExist(err) {
		t.Fatalf("the fresh clone's folder is left: %v", err)
	}
	// A compaction stopped between its renames: the copy is put back.
	if err := os.Rename(dir, dir+".old"); err != nil {
		t.Fatal(err)
	}
	if c, err := newRepo(t, gitsync.Options{URL: remote.URL + "-gone", Branch: "main", Dir: dir}).Cached(); err != nil || c.Commit == "" {
		t.Fatalf("copy not recovered: %+v, %v", c, err)
	}
}

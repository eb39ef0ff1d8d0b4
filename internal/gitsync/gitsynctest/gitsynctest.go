// Package gitsynctest makes real git remotes for tests: a bare repository in
// a temporary folder, commits made with go-git, reachable by a file:// URL
// or over HTTP with basic auth.
package gitsynctest

import (
	"crypto/subtle"
	"io/fs"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Remote is a bare repository with one branch, and the working copy its
// commits are made in.
type Remote struct {
	t      testing.TB
	Bare   string // the bare repository's folder
	URL    string // its file:// URL
	Branch string
	dir    string // the author's working copy
	repo   *git.Repository
	clock  time.Time
}

// New makes an empty bare repository whose HEAD (default branch) is branch.
func New(t testing.TB, branch string) *Remote {
	t.Helper()
	base := t.TempDir()
	r := &Remote{t: t, Bare: filepath.Join(base, "guide.git"), Branch: branch,
		clock: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	r.URL = (&url.URL{Scheme: "file", Path: r.Bare}).String()
	init := git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)}
	if _, err := git.PlainInitWithOptions(r.Bare, &git.PlainInitOptions{InitOptions: init, Bare: true}); err != nil {
		t.Fatal(err)
	}
	r.fresh(filepath.Join(base, "author"))
	return r
}

// fresh starts a new working copy with no history, in dir.
func (r *Remote) fresh(dir string) {
	r.t.Helper()
	init := git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(r.Branch)}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: init})
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{r.URL}}); err != nil {
		r.t.Fatal(err)
	}
	r.dir, r.repo = dir, repo
}

// Commit writes files (path → content; an empty content deletes the
// file), commits them and pushes the branch. It returns the commit id.
func (r *Remote) Commit(msg string, files map[string]string) string {
	r.t.Helper()
	for p, body := range files {
		full := filepath.Join(r.dir, filepath.FromSlash(p))
		if body == "" {
			if err := os.Remove(full); err != nil && !os.IsNotExist(err) {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	return r.commitAndPush(msg, false)
}

// CommitTree replaces the whole tree with the files of src (under prefix,
// "" for the top), commits and pushes. It returns the commit id.
func (r *Remote) CommitTree(msg string, src fs.FS, prefix string) string {
	r.t.Helper()
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ".git" {
			if err := os.RemoveAll(filepath.Join(r.dir, e.Name())); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	dst := filepath.Join(r.dir, filepath.FromSlash(prefix))
	if err := os.MkdirAll(dst, 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.CopyFS(dst, src); err != nil {
		r.t.Fatal(err)
	}
	return r.commitAndPush(msg, false)
}

// ForcePush replaces the branch with a new history of one commit holding
// files only, as a force-push of a rewritten history does. It returns the
// commit id.
func (r *Remote) ForcePush(msg string, files map[string]string) string {
	r.t.Helper()
	r.fresh(filepath.Join(filepath.Dir(r.dir), "author-"+r.clock.Format("150405")))
	for p, body := range files {
		full := filepath.Join(r.dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	return r.commitAndPush(msg, true)
}

// DeleteBranch removes the branch from the remote.
func (r *Remote) DeleteBranch() {
	r.t.Helper()
	bare, err := git.PlainOpen(r.Bare)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := bare.Storer.RemoveReference(plumbing.NewBranchReferenceName(r.Branch)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *Remote) commitAndPush(msg string, force bool) string {
	r.t.Helper()
	wt, err := r.repo.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.clock = r.clock.Add(time.Minute)
	sig := &object.Signature{Name: "GitBook", Email: "gitbook@example.org", When: r.clock}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	ref := plumbing.NewBranchReferenceName(r.Branch)
	spec := gitconfig.RefSpec(ref.String() + ":" + ref.String())
	if force {
		spec = "+" + spec
	}
	err = r.repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []gitconfig.RefSpec{spec}, Force: force})
	if err != nil && err != git.NoErrAlreadyUpToDate {
		r.t.Fatal(err)
	}
	return h.String()
}

// ServeHTTP serves the bare repository over HTTP (git's smart protocol,
// through `git http-backend`), behind basic auth that accepts password as
// the password of any user. It returns the repository's URL. The test is
// skipped when the git binary is absent: go-git has no HTTP server.
func (r *Remote) ServeHTTP(password string) string {
	r.t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		r.t.Skip("git absent : le dépôt servi en HTTP passe par « git http-backend »")
	}
	backend := &cgi.Handler{
		Path: gitBin,
		Args: []string{"http-backend"},
		Env: []string{
			"GIT_PROJECT_ROOT=" + filepath.Dir(r.Bare),
			"GIT_HTTP_EXPORT_ALL=1",
			"HOME=" + r.t.TempDir(),
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, pass, ok := req.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(pass), []byte(password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="guide"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, req)
	}))
	r.t.Cleanup(srv.Close)
	return srv.URL + "/" + filepath.Base(r.Bare)
}

// Package gitsync keeps a local copy of the team's content repository, as
// GitBook's Git Sync writes it, up to date with one branch of its remote.
//
// It uses go-git (pure Go: the container image has no git binary). Each
// update is a shallow fetch (depth 1) of the branch followed by a hard reset
// of the working tree to the fetched commit: pulling into a shallow clone is
// fragile in go-git ("object not found"), and a fetch with a forced refspec
// follows force-pushes as well as new commits.
package gitsync

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
)

// remoteName is the name of the one remote of the local copy.
const remoteName = "origin"

// ErrNoCopy is returned by Cached when the data folder holds no copy from an
// earlier fetch.
var ErrNoCopy = errors.New("aucune copie locale du dépôt")

// Options says which repository to follow and where to keep its copy.
type Options struct {
	// URL is the remote: an https:// (or http://) URL, or a file:// URL.
	URL string
	// Branch is the branch to follow; empty means the remote's default
	// branch (what its HEAD points to), looked up at every fetch.
	Branch string
	// Dir is the folder of the local copy (a non-bare repository).
	Dir string
	// Token, if set, is sent as the password of HTTPS basic auth, as GitHub,
	// GitLab and Gitea expect an access token. It is never logged.
	Token string
	// MaxPacks is how many pack files the copy may gather before it is
	// made again by a fresh clone; 0 means DefaultMaxPacks.
	MaxPacks int
}

// DefaultMaxPacks bounds the pack files of the copy. Every fetch adds one
// and go-git never repacks, so lookups would slow down and the objects of
// old commits would pile up; a fresh clone of the one commit served starts
// over (10,000 pages: a few seconds, in the background).
const DefaultMaxPacks = 64

// Checkout is one commit checked out in the local copy.
type Checkout struct {
	// Commit is the full commit id.
	Commit string
	// Branch is the branch it was fetched from (empty for a cached copy
	// whose branch is unknown).
	Branch string
	// Dir is the top of the working tree.
	Dir string
}

// Short is the commit id as versions show it: its first 12 hex digits.
func (c Checkout) Short() string {
	if len(c.Commit) > 12 {
		return c.Commit[:12]
	}
	return c.Commit
}

// Repo is the local copy of one remote branch. Its methods must not be
// called concurrently: Syncer serialises them.
type Repo struct {
	opts Options
	auth transport.AuthMethod
	// reset is true once this process has reset the working tree: only
	// then may a fetch of the commit HEAD names skip the reset. go-git
	// moves HEAD before it rewrites the files, so a run stopped during a
	// reset leaves HEAD right and the files half written.
	reset bool
}

// New checks o and returns the repository it describes. Nothing is fetched
// yet.
func New(o Options) (*Repo, error) {
	if err := CheckURL(o.URL); err != nil {
		return nil, err
	}
	if o.Dir == "" {
		return nil, errors.New("gitsync : dossier de la copie locale non précisé")
	}
	r := &Repo{opts: o}
	if o.Token != "" {
		// Any user name works with a token as password; GitHub documents
		// x-access-token, GitLab oauth2: neither checks it.
		r.auth = &http.BasicAuth{Username: "rolebot", Password: o.Token}
	}
	return r, nil
}

// CheckURL checks that raw is a URL go-git can fetch from here: https, http
// or file, without credentials in it (they belong in the token).
func CheckURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url's errors quote the whole URL, credentials included: never return them.
		return errors.New("adresse du dépôt illisible (exemple : https://github.com/equipe/guide.git)")
	}
	switch u.Scheme {
	case "https", "http":
		if u.Host == "" {
			return errors.New("adresse du dépôt sans hôte (exemple : https://github.com/equipe/guide.git)")
		}
		if u.User != nil {
			return errors.New("l'adresse du dépôt ne doit pas contenir d'identifiants : mettez le jeton dans CONTENT_GIT_TOKEN")
		}
	case "file":
		if u.Path == "" {
			return errors.New("adresse file:// sans chemin (exemple : file:///srv/guide.git)")
		}
	default:
		return fmt.Errorf("protocole « %s » non pris en charge : https:// ou file:// attendu", u.Scheme)
	}
	return nil
}

// Fetch brings the local copy to the tip of the branch: a shallow fetch,
// then a hard reset of the working tree to the fetched commit. The working
// tree is left alone when it is already at that commit.
func (r *Repo) Fetch(ctx context.Context) (Checkout, error) {
	repo, err := r.open()
	if err != nil {
		return Checkout{}, err
	}
	remote, err := r.remote(repo)
	if err != nil {
		return Checkout{}, err
	}
	branch := r.opts.Branch
	if branch == "" {
		if branch, err = r.defaultBranch(ctx, remote); err != nil {
			return Checkout{}, err
		}
	}
	local := plumbing.NewRemoteReferenceName(remoteName, branch)
	spec := gitconfig.RefSpec("+" + plumbing.NewBranchReferenceName(branch).String() + ":" + local.String())
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remoteName,
		RefSpecs:   []gitconfig.RefSpec{spec},
		Depth:      1,
		Auth:       r.auth,
		Tags:       git.NoTags,
		Force:      true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return Checkout{}, r.explain(err, branch)
	}
	ref, err := repo.Reference(local, true)
	if err != nil {
		return Checkout{}, fmt.Errorf("branche %s introuvable après la récupération : %w", branch, err)
	}
	if err := r.resetTo(repo, ref.Hash(), branch); err != nil {
		return Checkout{}, err
	}
	if r.packs() > r.maxPacks() {
		// A failed compaction leaves the copy as it is: the next fetch
		// tries again.
		_ = r.compact(ctx)
	}
	return Checkout{Commit: ref.Hash().String(), Branch: branch, Dir: r.opts.Dir}, nil
}

func (r *Repo) maxPacks() int {
	if r.opts.MaxPacks > 0 {
		return r.opts.MaxPacks
	}
	return DefaultMaxPacks
}

// packs counts the pack files of the copy.
func (r *Repo) packs() int {
	m, _ := filepath.Glob(filepath.Join(r.opts.Dir, ".git", "objects", "pack", "*.pack"))
	return len(m)
}

// compact replaces the copy with a fresh clone of the same branch, made
// aside and swapped in by renames, so that a failure leaves the old copy.
func (r *Repo) compact(ctx context.Context) error {
	fresh := &Repo{opts: r.opts, auth: r.auth}
	fresh.opts.Dir = r.opts.Dir + ".new"
	fresh.opts.MaxPacks = math.MaxInt
	if err := os.RemoveAll(fresh.opts.Dir); err != nil {
		return err
	}
	if _, err := fresh.Fetch(ctx); err != nil {
		_ = os.RemoveAll(fresh.opts.Dir)
		return err
	}
	old := r.opts.Dir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(r.opts.Dir, old); err != nil {
		return err
	}
	if err := os.Rename(fresh.opts.Dir, r.opts.Dir); err != nil {
		_ = os.Rename(old, r.opts.Dir)
		return err
	}
	return os.RemoveAll(old)
}

// recover puts back the copy a compaction stopped between its two renames
// left aside.
func (r *Repo) recover() {
	if _, err := os.Stat(r.opts.Dir); os.IsNotExist(err) {
		_ = os.Rename(r.opts.Dir+".old", r.opts.Dir)
	}
}

// Cached returns the commit the local copy holds from an earlier run, with
// its working tree reset to it again: a run stopped in the middle of a reset
// may have left it half written. It returns ErrNoCopy when there is none.
func (r *Repo) Cached() (Checkout, error) {
	r.recover()
	repo, err := git.PlainOpen(r.opts.Dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return Checkout{}, ErrNoCopy
	}
	if err != nil {
		return Checkout{}, fmt.Errorf("copie locale %s : %w", r.opts.Dir, err)
	}
	head, err := repo.Head()
	if err != nil {
		// Initialised but never reset: a first fetch that failed.
		return Checkout{}, ErrNoCopy
	}
	wt, err := repo.Worktree()
	if err != nil {
		return Checkout{}, fmt.Errorf("copie locale %s : %w", r.opts.Dir, err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: head.Hash(), Mode: git.HardReset}); err != nil {
		return Checkout{}, fmt.Errorf("copie locale %s : remise à l'état du commit %s : %w", r.opts.Dir, head.Hash(), err)
	}
	r.reset = true
	branch := ""
	if cfg, err := repo.Config(); err == nil {
		branch = cfg.Raw.Section("rolebot").Option("branch")
	}
	return Checkout{Commit: head.Hash().String(), Branch: branch, Dir: r.opts.Dir}, nil
}

// Peek returns the commit of the local copy in dir without touching it (a
// serving rolebot may be updating it), or ErrNoCopy.
func Peek(dir string) (Checkout, error) {
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return Checkout{}, ErrNoCopy
	}
	if err != nil {
		return Checkout{}, fmt.Errorf("copie locale %s : %w", dir, err)
	}
	head, err := repo.Head()
	if err != nil {
		return Checkout{}, ErrNoCopy
	}
	branch := ""
	if cfg, err := repo.Config(); err == nil {
		branch = cfg.Raw.Section("rolebot").Option("branch")
	}
	return Checkout{Commit: head.Hash().String(), Branch: branch, Dir: dir}, nil
}

// open opens the local copy, creating it on the first run.
func (r *Repo) open() (*git.Repository, error) {
	r.recover()
	repo, err := git.PlainOpen(r.opts.Dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(r.opts.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("copie locale : %w", err)
		}
		repo, err = git.PlainInit(r.opts.Dir, false)
	}
	if err != nil {
		return nil, fmt.Errorf("copie locale %s : %w", r.opts.Dir, err)
	}
	return repo, nil
}

// remote returns the origin remote, pointing it at the configured URL: the
// URL may have changed since the copy was made.
func (r *Repo) remote(repo *git.Repository) (*git.Remote, error) {
	rem, err := repo.Remote(remoteName)
	if err == nil && len(rem.Config().URLs) == 1 && rem.Config().URLs[0] == r.opts.URL {
		return rem, nil
	}
	if err == nil {
		if err := repo.DeleteRemote(remoteName); err != nil {
			return nil, fmt.Errorf("copie locale : %w", err)
		}
	} else if !errors.Is(err, git.ErrRemoteNotFound) {
		return nil, fmt.Errorf("copie locale : %w", err)
	}
	rem, err = repo.CreateRemote(&gitconfig.RemoteConfig{Name: remoteName, URLs: []string{r.opts.URL}})
	if err != nil {
		return nil, fmt.Errorf("copie locale : %w", err)
	}
	return rem, nil
}

// defaultBranch asks the remote which branch its HEAD points to.
func (r *Repo) defaultBranch(ctx context.Context, remote *git.Remote) (string, error) {
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: r.auth})
	if err != nil {
		return "", r.explain(err, "")
	}
	var head *plumbing.Reference
	for _, ref := range refs {
		if ref.Name() == plumbing.HEAD {
			head = ref
		}
	}
	if head == nil {
		return "", errors.New("le dépôt distant n'a pas de branche par défaut (HEAD) : précisez CONTENT_GIT_BRANCH")
	}
	if head.Type() == plumbing.SymbolicReference && head.Target().IsBranch() {
		return head.Target().Short(), nil
	}
	// A server that does not advertise symbolic references: the branch
	// whose tip HEAD is.
	for _, ref := range refs {
		if ref.Name().IsBranch() && ref.Hash() == head.Hash() {
			return ref.Name().Short(), nil
		}
	}
	return "", errors.New("branche par défaut du dépôt distant introuvable : précisez CONTENT_GIT_BRANCH")
}

// resetTo hard-resets the working tree to hash, unless this process did so
// already.
func (r *Repo) resetTo(repo *git.Repository, hash plumbing.Hash, branch string) error {
	if head, err := repo.Head(); r.reset && err == nil && head.Hash() == hash {
		return nil
	}
	// HEAD names the local branch, set to the commit first: go-git cannot
	// reset from an unborn HEAD, as a new copy's is.
	local := plumbing.NewBranchReferenceName(branch)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(local, hash)); err != nil {
		return fmt.Errorf("copie locale : %w", err)
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, local)); err != nil {
		return fmt.Errorf("copie locale : %w", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return fmt.Errorf("copie locale : %w", err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: hash, Mode: git.HardReset}); err != nil {
		return fmt.Errorf("copie locale : remise à l'état du commit %s : %w", hash, err)
	}
	// Remember the branch, for a start-up from this copy.
	cfg, err := repo.Config()
	if err == nil {
		cfg.Raw.Section("rolebot").SetOption("branch", branch)
		err = repo.SetConfig(cfg)
	}
	if err != nil {
		return fmt.Errorf("copie locale : %w", err)
	}
	r.reset = true
	return nil
}

// explain turns go-git's errors into messages an operator can act on. The
// token never appears in them: go-git does not put it in its errors.
func (r *Repo) explain(err error, branch string) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired):
		if r.opts.Token == "" {
			return fmt.Errorf("le dépôt %s demande une authentification : donnez un jeton (CONTENT_GIT_TOKEN ou CONTENT_GIT_TOKEN_FILE) : %w", r.opts.URL, err)
		}
		return fmt.Errorf("le dépôt %s refuse le jeton (CONTENT_GIT_TOKEN) : %w", r.opts.URL, err)
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("le dépôt %s refuse le jeton (CONTENT_GIT_TOKEN) : %w", r.opts.URL, err)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("dépôt %s introuvable : %w", r.opts.URL, err)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		if branch == "" {
			return fmt.Errorf("le dépôt %s est vide : %w", r.opts.URL, err)
		}
		return fmt.Errorf("branche %s introuvable sur %s : le dépôt n'a plus aucune branche : %w", branch, r.opts.URL, err)
	case errors.Is(err, git.NoMatchingRefSpecError{}):
		return fmt.Errorf("branche %s introuvable sur %s (supprimée ou renommée ?) : %w", branch, r.opts.URL, err)
	}
	return fmt.Errorf("récupération de %s : %w", r.opts.URL, err)
}

// DirFor is the folder of the local copy inside the data folder.
func DirFor(dataDir string) string { return filepath.Join(dataDir, "content-git") }

// Package knowledge turns a content folder into a searchable index and keeps
// the current one: loading, checking and indexing happen aside, and a good
// new version replaces the old at once.
package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"sync/atomic"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/search"
)

// SynonymsFile is the optional file, at a content folder's root, that adds
// the team's own synonyms to the built-in list.
const SynonymsFile = "synonyms.txt"

// Snapshot is one loaded version of the content.
type Snapshot struct {
	Index   *search.Index
	Report  *gitbook.Report
	Version string // short hash of the content files
}

// Open returns the content folder dir, or the embedded one when dir is empty.
func Open(dir string) (fs.FS, error) {
	if dir == "" {
		return content.FS, nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("dossier de contenu %s : %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("dossier de contenu %s : ce n'est pas un dossier", dir)
	}
	return os.DirFS(dir), nil
}

// Content is one version of the content to load: a folder, how GitBook
// lays it out, and its version when its source has one (a commit id).
type Content struct {
	FS      fs.FS
	Options gitbook.Options
	// Version names the content in logs, metrics and cards; empty means a
	// hash of its files.
	Version string
}

// Load reads, checks and indexes a content folder. It fails when the folder
// has errors; the report lists them all.
func Load(ctx context.Context, fsys fs.FS) (*Snapshot, error) {
	return LoadContent(ctx, Content{FS: fsys})
}

// LoadContent is Load for a folder laid out by c.Options, versioned
// c.Version.
func LoadContent(ctx context.Context, c Content) (*Snapshot, error) {
	fsys := c.FS
	t, rep, err := gitbook.LoadWith(ctx, fsys, c.Options)
	if err != nil {
		return &Snapshot{Report: rep}, err
	}
	var opts search.Options
	if f, err := fsys.Open(SynonymsFile); err == nil {
		syn, perr := search.ParseSynonyms(f, SynonymsFile)
		f.Close()
		if perr != nil {
			return &Snapshot{Report: rep}, perr
		}
		opts.Synonyms = syn
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &Snapshot{Report: rep}, fmt.Errorf("%s : %w", SynonymsFile, err)
	}
	ix, err := search.Build(ctx, t, opts)
	if err != nil {
		return &Snapshot{Report: rep}, fmt.Errorf("indexation : %w", err)
	}
	v := c.Version
	if v == "" {
		v = version(fsys)
	}
	return &Snapshot{Index: ix, Report: rep, Version: v}, nil
}

// version hashes the folder's files, so that logs and metrics say which
// content is served.
func version(fsys fs.FS) string {
	h := sha256.New()
	var paths []string
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	for _, p := range paths {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			continue
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Store holds the snapshot being served. Readers never wait: a reload builds
// its snapshot aside and swaps it in, and questions in flight finish on the
// one they started with.
type Store struct {
	cur atomic.Pointer[Snapshot]
}

// NewStore serves s.
func NewStore(s *Snapshot) *Store {
	st := &Store{}
	st.cur.Store(s)
	return st
}

// Current is the snapshot to answer from.
func (s *Store) Current() *Snapshot { return s.cur.Load() }

// Swap serves next from now on and returns the previous snapshot.
func (s *Store) Swap(next *Snapshot) *Snapshot { return s.cur.Swap(next) }

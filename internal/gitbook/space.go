package gitbook

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Names GitBook gives its special files when .gitbook.yaml does not say
// otherwise.
const (
	// ConfigFile is Git Sync's settings file, at the top of the repository.
	ConfigFile = ".gitbook.yaml"
	// DefaultReadme is the first page of a space, and of every folder.
	DefaultReadme = "README.md"
	// DefaultSummary is the table of contents: the order and titles of
	// the pages.
	DefaultSummary = "SUMMARY.md"
)

// Options says how to read a content folder beyond its files: what GitBook
// keeps elsewhere, in .gitbook.yaml and in a table of contents above it.
// The zero value reads a folder on its own: README.md is the team page and
// SUMMARY.md, if the folder has one, orders the pages.
type Options struct {
	// TeamPage is the team page, relative to the folder; empty means
	// README.md.
	TeamPage string
	// Summary is the table of contents to follow; nil means the folder's
	// own SUMMARY.md, if any.
	Summary *Summary
	// Prefix is the folder's path in its repository ("docs/equipe"), put
	// before the files of diagnostics so that writers find them; empty for
	// none.
	Prefix string
}

// Summary is a GitBook table of contents (SUMMARY.md): the pages in the
// order of the space's navigation, with their titles there.
type Summary struct {
	// File is the summary's path relative to the content folder, for its
	// diagnostics; empty when it lies outside the folder (above a
	// CONTENT_GIT_PATH), whose missing pages are then not reported.
	File string
	// Entries are the pages in order. Paths are relative to the content
	// folder.
	Entries []SummaryEntry
}

// SummaryEntry is one page of the table of contents.
type SummaryEntry struct {
	Path  string // relative to the content folder, with slashes
	Title string // as the navigation shows it
	Line  int    // in the summary file
}

// summaryItem is a list item of SUMMARY.md: "* [Title](path.md)", indented
// for sub-pages, with *, - or + as GitBook and editors write them.
var summaryItem = regexp.MustCompile(`^\s*[*+-]\s+\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)>\s]+)>?(?:\s+"[^"]*")?\s*\)`)

// ParseSummary reads a SUMMARY.md whose path, relative to the folder its
// links start from, is file. Entries keep that folder's paths; links to web
// sites and above the folder are left out.
func ParseSummary(file string, raw []byte) []SummaryEntry {
	var out []SummaryEntry
	for i, line := range bytes.Split(raw, []byte("\n")) {
		m := summaryItem.FindSubmatch(line)
		if m == nil {
			continue
		}
		p, ok := resolveLink(file, string(m[2]))
		if !ok {
			continue
		}
		title := strings.ReplaceAll(collapseSpace(string(m[1])), `\`, "")
		out = append(out, SummaryEntry{Path: p, Title: title, Line: i + 1})
	}
	return out
}

// Space is a GitBook space as Git Sync writes it in a repository: where its
// pages start and what its special files are called.
type Space struct {
	Root    string // the pages' folder, relative to the repository's top; "." for the top
	Readme  string // the space's first page, relative to Root
	Summary string // the table of contents, relative to Root
}

// gitbookYAML is what rolebot reads of .gitbook.yaml.
type gitbookYAML struct {
	Root      string `yaml:"root"`
	Structure struct {
		Readme  string `yaml:"readme"`
		Summary string `yaml:"summary"`
	} `yaml:"structure"`
}

// ReadSpace reads .gitbook.yaml at the top of repo; without one, the space
// is the whole repository with GitBook's default names. An unreadable file,
// or one pointing out of the repository, is an error naming it, with its
// line when YAML gives one.
func ReadSpace(repo fs.FS) (Space, error) {
	sp := Space{Root: ".", Readme: DefaultReadme, Summary: DefaultSummary}
	raw, err := fs.ReadFile(repo, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return sp, nil
	}
	if err != nil {
		return sp, fmt.Errorf("%s: %w", ConfigFile, unwrapPath(err))
	}
	var y gitbookYAML
	if err := yaml.Unmarshal(raw, &y); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &line)
			msg = strings.TrimSpace(strings.Replace(msg, m[0], "", 1))
		}
		if line > 0 {
			return sp, fmt.Errorf("%s:%d: fichier illisible (%s)", ConfigFile, line, msg)
		}
		return sp, fmt.Errorf("%s: fichier illisible (%s)", ConfigFile, msg)
	}
	clean := func(key, p, def string) (string, error) {
		p = strings.TrimSpace(p)
		if p == "" {
			return def, nil
		}
		p = path.Clean(strings.TrimPrefix(p, "/"))
		if !fs.ValidPath(p) {
			return "", fmt.Errorf("%s: « %s: %s » sort du dépôt", ConfigFile, key, p)
		}
		return p, nil
	}
	if sp.Root, err = clean("root", y.Root, "."); err != nil {
		return sp, err
	}
	if sp.Readme, err = clean("structure.readme", y.Structure.Readme, DefaultReadme); err != nil {
		return sp, err
	}
	if sp.Summary, err = clean("structure.summary", y.Structure.Summary, DefaultSummary); err != nil {
		return sp, err
	}
	return sp, nil
}

// Folder is a content folder to load, with how to read it.
type Folder struct {
	FS      fs.FS
	Options Options
}

// Folder returns the content folder sub (a CONTENT_GIT_PATH: relative to
// the space's root, "" for the root itself) of the repository repo. At the
// root the team page is the space's readme; in a sub-folder it is the
// folder's README.md, as GitBook shows a group's page. The space's table of
// contents gives the order and titles of the folder's pages.
func (sp Space) Folder(repo fs.FS, sub string) (Folder, error) {
	sub = path.Clean(strings.Trim(strings.TrimSpace(sub), "/"))
	if sub == "" {
		sub = "."
	}
	if !fs.ValidPath(sub) {
		return Folder{}, fmt.Errorf("dossier « %s » invalide : il sort de la racine GitBook", sub)
	}
	dir := path.Join(sp.Root, sub)
	st, err := fs.Stat(repo, dir)
	if err != nil || !st.IsDir() {
		where := "à la racine GitBook du dépôt"
		if sp.Root != "." {
			where = "sous la racine GitBook « " + sp.Root + " » (.gitbook.yaml)"
		}
		return Folder{}, fmt.Errorf("dossier « %s » introuvable %s", sub, where)
	}
	fsys, err := fs.Sub(repo, dir)
	if err != nil {
		return Folder{}, fmt.Errorf("dossier « %s » : %w", dir, err)
	}
	opts := Options{TeamPage: DefaultReadme}
	if dir != "." {
		opts.Prefix = dir
	}
	if sub == "." {
		opts.TeamPage = sp.Readme
	}
	// The summary is read here even when it is in the folder, so that a
	// renamed one (structure.summary) is found.
	summary := &Summary{}
	if raw, err := fs.ReadFile(repo, path.Join(sp.Root, sp.Summary)); err == nil {
		entries := ParseSummary(sp.Summary, raw)
		if sub == "." {
			summary.File, summary.Entries = sp.Summary, entries
		} else {
			for _, e := range entries {
				if rel, ok := strings.CutPrefix(e.Path, sub+"/"); ok {
					e.Path = rel
					summary.Entries = append(summary.Entries, e)
				}
			}
		}
	}
	opts.Summary = summary
	return Folder{FS: fsys, Options: opts}, nil
}

// Package gitbook reads a GitBook folder of Markdown pages into rolebot's
// team model and diagnoses what content writers need to fix.
//
// The folder follows GitBook's layout: the team page is README.md at the
// root, with two card tables (core roles, expert supports), a responsibility
// matrix and a list of other tasks; every other page is one role, whose id is
// the page's file name without ".md".
//
// Load never stops at the first problem: it collects every diagnostic in a
// Report, so that `rolebot check` can show a writer everything at once.
package gitbook

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/rolebot/rolebot/internal/team"
)

// Severity says whether a diagnostic makes the folder unusable.
type Severity int

// Severities, from least to most serious. A Note is an editors' leftover
// that rolebot keeps out of every answer by itself (a draft mark in a part of
// the team page rolebot never reads, a hidden card label): worth knowing for
// the writer, nothing to fix for rolebot, so `rolebot check` shows notes
// only when asked. A Warning is worth fixing: an answer is poorer or shows
// editors' text; the folder still loads. An Error makes Load fail.
const (
	Note Severity = iota
	Warning
	Error
)

// String is the severity as `rolebot check` prints it.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Note:
		return "note"
	}
	return "warning"
}

// Diagnostic is one problem found in the content folder. Message is in
// French: content writers read it.
type Diagnostic struct {
	File     string // path relative to the folder, with slashes
	Line     int    // 1-based; 0 when it concerns the whole file
	Severity Severity
	Message  string
}

// String formats the diagnostic like a compiler would, so that editors can
// jump to it: "README.md:37: error: la colonne … ne correspond à aucun rôle connu".
func (d Diagnostic) String() string {
	return d.position() + d.Severity.String() + ": " + d.Message
}

// position is "file:line: ", "file: " or "" depending on what is known.
func (d Diagnostic) position() string {
	switch {
	case d.File == "":
		return ""
	case d.Line > 0:
		return d.File + ":" + strconv.Itoa(d.Line) + ": "
	default:
		return d.File + ": "
	}
}

// Report is everything Load found: the diagnostics and what was loaded.
type Report struct {
	Diagnostics []Diagnostic // sorted by file, then line
	Files       int          // Markdown pages found in the folder
	Roles       int          // roles loaded
	Tasks       int          // tasks loaded, from the matrix and the other tasks list
}

// Errors counts the diagnostics that make the folder unusable.
func (r *Report) Errors() int { return r.count(Error) }

// Warnings counts the diagnostics worth fixing that do not prevent loading.
func (r *Report) Warnings() int { return r.count(Warning) }

// Notes counts the editors' leftovers that rolebot keeps out of its answers.
func (r *Report) Notes() int { return r.count(Note) }

func (r *Report) count(s Severity) int {
	n := 0
	for _, d := range r.Diagnostics {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// OK reports whether the folder loads: warnings are allowed, errors are not.
func (r *Report) OK() bool { return r.Errors() == 0 }

// Summary is one line in French for the end of `rolebot check`, such as
// "10 fichiers, 9 rôles, 11 tâches : 0 erreur, 2 avertissements", followed
// by ", 10 remarques" when there are notes.
func (r *Report) Summary() string {
	s := fmt.Sprintf("%s, %s, %s : %s, %s",
		plural(r.Files, "fichier", "fichiers"),
		plural(r.Roles, "rôle", "rôles"),
		plural(r.Tasks, "tâche", "tâches"),
		plural(r.Errors(), "erreur", "erreurs"),
		plural(r.Warnings(), "avertissement", "avertissements"))
	if n := r.Notes(); n > 0 {
		s += ", " + plural(n, "remarque", "remarques")
	}
	return s
}

// plural follows French usage, where 0 and 1 take the singular.
func plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// LoadError is the error Load returns when the folder is unusable. It carries
// the first error diagnostic so that a caller logging only the error still
// tells the writer where to look.
type LoadError struct {
	First  Diagnostic // the first error, in file and line order
	Errors int        // how many errors the report holds in all
}

// Error is "file:line: message", followed by how many other errors exist.
func (e *LoadError) Error() string {
	s := e.First.position() + e.First.Message
	if more := e.Errors - 1; more > 0 {
		s += fmt.Sprintf(" (et %s)", plural(more, "autre erreur", "autres erreurs"))
	}
	return s
}

// diags collects diagnostics while loading.
type diags struct {
	list []Diagnostic
}

func (d *diags) add(file string, line int, sev Severity, format string, args ...any) {
	d.list = append(d.list, Diagnostic{File: file, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (d *diags) errorf(file string, line int, format string, args ...any) {
	d.add(file, line, Error, format, args...)
}

func (d *diags) warnf(file string, line int, format string, args ...any) {
	d.add(file, line, Warning, format, args...)
}

func (d *diags) notef(file string, line int, format string, args ...any) {
	d.add(file, line, Note, format, args...)
}

// sorted returns the diagnostics by file then line, without duplicates. The
// sort is stable so that diagnostics on one line keep the order in which the
// page was read.
func (d *diags) sorted() []Diagnostic {
	out := slices.Clone(d.list)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return slices.Compact(out)
}

// Load reads a content folder and builds the team model. It returns an error
// (wrapping a *LoadError with the first error diagnostic, formatted
// file:line: message) when the folder is unusable, and then no team; the
// Report always lists every diagnostic.
//
// It returns the context's error if ctx is cancelled while reading.
func Load(ctx context.Context, fsys fs.FS) (*team.Team, *Report, error) {
	return LoadWith(ctx, fsys, Options{})
}

// LoadWith is Load with the team page, table of contents and diagnostics'
// prefix of opts, as a GitBook space in a repository needs (see
// Space.Folder).
func LoadWith(ctx context.Context, fsys fs.FS, opts Options) (*team.Team, *Report, error) {
	l := &loader{ctx: ctx, fsys: fsys, opts: opts}
	var t *team.Team
	var err error
	if fsys == nil {
		l.diags.errorf("", 0, "aucun dossier de contenu à lire")
	} else {
		t, err = l.load()
	}
	rep := &Report{Diagnostics: l.diags.sorted(), Files: l.files}
	if opts.Prefix != "" {
		for i := range rep.Diagnostics {
			rep.Diagnostics[i].File = path.Join(opts.Prefix, rep.Diagnostics[i].File)
		}
	}
	if t != nil {
		rep.Roles = len(t.Roles)
		rep.Tasks = len(t.Tasks)
	}
	if err != nil {
		return nil, rep, fmt.Errorf("gitbook: load content folder: %w", err)
	}
	if n := rep.Errors(); n > 0 {
		for _, d := range rep.Diagnostics {
			if d.Severity == Error {
				return nil, rep, fmt.Errorf("gitbook: content folder unusable: %w", &LoadError{First: d, Errors: n})
			}
		}
	}
	return t, rep, nil
}

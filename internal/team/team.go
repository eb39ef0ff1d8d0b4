// Package team holds rolebot's domain model: the roles of a product team, the
// tasks of its responsibility matrix and who owns them.
//
// It has no dependencies: the gitbook package builds a Team from Markdown
// pages, the search package indexes it, and the reply package renders it.
package team

import "strings"

// Level is how much a role owns a task, as a cell of the matrix says it.
type Level string

// The levels a matrix cell may carry, from most to least accountable.
const (
	Responsable   Level = "responsable"
	CoResponsable Level = "co-responsable"
	Participe     Level = "participe"
)

// Rank orders levels for sorting: lower is more accountable.
func (l Level) Rank() int {
	switch l {
	case Responsable:
		return 0
	case CoResponsable:
		return 1
	case Participe:
		return 2
	}
	return 3
}

// Label is the level in words, for people.
func (l Level) Label() string {
	switch l {
	case Responsable:
		return "Responsable"
	case CoResponsable:
		return "Co-responsable"
	case Participe:
		return "Participe"
	}
	return string(l)
}

// Origin says where a task comes from on the team page.
type Origin string

// Task origins: the responsibility matrix, or the list of other tasks, whose
// tasks have no owner.
const (
	FromMatrix Origin = "matrix"
	FromOther  Origin = "other"
)

// Team is everything rolebot knows: one team page and its role pages.
type Team struct {
	Title   string // the team page's title, such as "L'équipe produit"
	Summary string // its description or first paragraph
	Source  string // the team page's file, relative to the content folder
	Roles   []Role
	Tasks   []Task

	// Positions in Roles and Tasks by id, once Reindex has run.
	roleAt, taskAt map[string]int
}

// Reindex makes Role and Task look ids up in constant time instead of
// scanning, which matters at thousands of roles. Call it once Roles and Tasks
// are final (gitbook.Load does). A lookup the index cannot vouch for (an
// unknown id, or slices changed since) falls back to scanning, so a stale
// index is slow, never wrong; reindex after a change.
func (t *Team) Reindex() {
	t.roleAt = make(map[string]int, len(t.Roles))
	for i := range t.Roles {
		if _, dup := t.roleAt[t.Roles[i].ID]; !dup {
			t.roleAt[t.Roles[i].ID] = i
		}
	}
	t.taskAt = make(map[string]int, len(t.Tasks))
	for i := range t.Tasks {
		if _, dup := t.taskAt[t.Tasks[i].ID]; !dup {
			t.taskAt[t.Tasks[i].ID] = i
		}
	}
}

// Role is one role of the team, from its page and the team page's cards.
type Role struct {
	ID      string // the page's slug: "responsable-produit"
	Title   string // the page title without any leading emoji
	Summary string // front matter description, or the first paragraph
	Intro   string // the page's first paragraph, under its title
	// Lead holds the page's other paragraphs before its first section,
	// joined by blank lines: prose the search reads, no card shows.
	Lead    string
	Aliases []string // other names: front matter "aliases"
	// Questions are example questions the role answers: front matter
	// "questions", written to teach the words people use.
	Questions []string
	// Cards are the texts the team page's cards show for the role besides
	// its name ("Appui juridique et données personnelles"): how the team
	// page presents it, which the search reads as part of its summary.
	Cards    []string
	Sections []Section
	Source   string // file relative to the content folder
	Line     int    // line of the title in Source
	Core     bool   // listed among the team page's core role cards
	Expert   bool   // listed among the team page's expert supports
}

// Section is a "## Heading" of a role page with its prose and list items.
type Section struct {
	Title string
	Text  string   // paragraphs, joined by blank lines, as plain text
	Items []string // list items, as plain text
	Line  int
}

// Task is something a product needs done: a row of the matrix, or an item of
// the list of other tasks.
type Task struct {
	ID      string // slug of Title: "incarner-la-vision"
	Title   string // "Piloter le delivery"
	Details string // the words in parentheses: "prioriser le backlog, …"
	Origin  Origin
	Source  string
	Line    int
	Owners  []Assignment // empty for tasks the page gives no owner
}

// Assignment is one cell of the matrix: a role's part in a task.
type Assignment struct {
	Role  string // role id
	Level Level
	Note  string // the cell's words in parentheses: "porte la politique publique"
	// Locked is set when the cell carries 🔒: the responsibility cannot be
	// delegated. Kept as a flag so that no answer carries meaning by emoji.
	Locked bool
}

// Compact moves every text of the team into one allocation. A loaded team's
// many small strings sit in memory between the parser's garbage, which then
// cannot be given back: at 10,000 pages that doubled the memory the team
// holds. Call it before Reindex, whose keys would keep the old strings.
func (t *Team) Compact() {
	n := 0
	t.eachString(func(s *string) { n += len(*s) })
	var b strings.Builder
	b.Grow(n)
	t.eachString(func(s *string) { b.WriteString(*s) })
	all, off := b.String(), 0
	t.eachString(func(s *string) {
		l := len(*s)
		*s = all[off : off+l]
		off += l
	})
}

// eachString calls visit with every text field of the team, always in the
// same order.
func (t *Team) eachString(visit func(*string)) {
	visit(&t.Title)
	visit(&t.Summary)
	visit(&t.Source)
	for i := range t.Roles {
		r := &t.Roles[i]
		for _, s := range []*string{&r.ID, &r.Title, &r.Summary, &r.Intro, &r.Lead, &r.Source} {
			visit(s)
		}
		for j := range r.Aliases {
			visit(&r.Aliases[j])
		}
		for j := range r.Questions {
			visit(&r.Questions[j])
		}
		for j := range r.Sections {
			sec := &r.Sections[j]
			visit(&sec.Title)
			visit(&sec.Text)
			for k := range sec.Items {
				visit(&sec.Items[k])
			}
		}
	}
	for i := range t.Tasks {
		k := &t.Tasks[i]
		for _, s := range []*string{&k.ID, &k.Title, &k.Details, &k.Source} {
			visit(s)
		}
		for j := range k.Owners {
			visit(&k.Owners[j].Role)
			visit(&k.Owners[j].Note)
		}
	}
}

// Role returns the role with the given id (the first, if two share it).
func (t *Team) Role(id string) (*Role, bool) {
	if t.roleAt != nil {
		if i, ok := t.roleAt[id]; ok && i < len(t.Roles) && t.Roles[i].ID == id {
			return &t.Roles[i], true
		}
		// Unknown, or the roles changed since Reindex: scan.
	}
	for i := range t.Roles {
		if t.Roles[i].ID == id {
			return &t.Roles[i], true
		}
	}
	return nil, false
}

// Task returns the task with the given id (the first, if two share it).
func (t *Team) Task(id string) (*Task, bool) {
	if t.taskAt != nil {
		if i, ok := t.taskAt[id]; ok && i < len(t.Tasks) && t.Tasks[i].ID == id {
			return &t.Tasks[i], true
		}
		// Unknown, or the tasks changed since Reindex: scan.
	}
	for i := range t.Tasks {
		if t.Tasks[i].ID == id {
			return &t.Tasks[i], true
		}
	}
	return nil, false
}

// RoleTask is one matrix row seen from a role: the task and the role's part.
type RoleTask struct {
	Task       *Task
	Assignment Assignment
}

// TasksOf lists the matrix rows a role takes part in, most accountable first,
// in page order within a level.
func (t *Team) TasksOf(roleID string) []RoleTask {
	var out []RoleTask
	for lvl := 0; lvl < 4; lvl++ {
		for i := range t.Tasks {
			for _, a := range t.Tasks[i].Owners {
				if a.Role == roleID && a.Level.Rank() == lvl {
					out = append(out, RoleTask{Task: &t.Tasks[i], Assignment: a})
				}
			}
		}
	}
	return out
}

// FullTitle is the task as the page writes it: title and details.
func (t *Task) FullTitle() string {
	if t.Details == "" {
		return t.Title
	}
	return t.Title + " (" + t.Details + ")"
}

// Slug turns a title into an id: lower case, accents folded, words joined by
// hyphens. "Incarner la vision" gives "incarner-la-vision".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(Fold(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// Fold removes French diacritics and expands ligatures, so that "Rôle",
// "rôle" and "role" compare equal once lower-cased.
func Fold(s string) string {
	return foldReplacer.Replace(s)
}

var foldReplacer = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ã", "a", "å", "a",
	"À", "A", "Â", "A", "Ä", "A", "Á", "A",
	"ç", "c", "Ç", "C",
	"é", "e", "è", "e", "ê", "e", "ë", "e",
	"É", "E", "È", "E", "Ê", "E", "Ë", "E",
	"î", "i", "ï", "i", "í", "i", "ì", "i", "Î", "I", "Ï", "I",
	"ô", "o", "ö", "o", "ó", "o", "ò", "o", "õ", "o", "Ô", "O", "Ö", "O",
	"ù", "u", "û", "u", "ü", "u", "ú", "u", "Ù", "U", "Û", "U", "Ü", "U",
	"ÿ", "y", "Ÿ", "Y", "ñ", "n", "Ñ", "N",
	"œ", "oe", "Œ", "OE", "æ", "ae", "Æ", "AE",
	"’", "'", "‘", "'",
)

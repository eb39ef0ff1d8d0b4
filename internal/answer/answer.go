// Package answer defines what rolebot says back: one Answer per question, the
// contract shared by the terminal, the JSON output and the Slack cards.
//
// The search package decides which Answer fits a question; the reply package
// renders it. Both meet here, so neither depends on the other.
package answer

import (
	"strings"

	"github.com/rolebot/rolebot/internal/team"
)

// Intent is what a question asks for.
type Intent string

// The intents rolebot understands.
const (
	IntentRole      Intent = "role"       // a role's card
	IntentTask      Intent = "task"       // who owns a task
	IntentListRoles Intent = "list_roles" // every role
	IntentListTasks Intent = "list_tasks" // the whole matrix
	IntentHelp      Intent = "help"       // how to ask
	IntentNone      Intent = "none"       // nothing in the content answers it
)

// Answer is rolebot's answer to one question.
type Answer struct {
	Query  string `json:"query"`
	Intent Intent `json:"intent"`
	Role   *Role  `json:"role,omitempty"`
	Task   *Task  `json:"task,omitempty"`
	Roles  []Role `json:"roles,omitempty"`
	Tasks  []Task `json:"tasks,omitempty"`
	// Alternatives are other readings close to the chosen one.
	Alternatives []Ref `json:"alternatives,omitempty"`
	// Suggestions are the nearest roles or tasks when nothing matched.
	Suggestions []Ref `json:"suggestions,omitempty"`
	// Confidence says how sure search is of the reading: Sure, or Guess,
	// which renderers show as "Vouliez-vous dire…" with Alternatives as
	// the other choices. Empty for IntentNone, and in answers built by
	// hand, which count as sure (Confident).
	Confidence Confidence `json:"confidence,omitempty"`
}

// Confidence is how sure search is of an answer's reading.
type Confidence string

// The confidence levels.
const (
	// Sure: the reading is clear; it is the one answer.
	Sure Confidence = "sure"
	// Guess: the evidence is weak or two readings are close; the answer is
	// the likeliest reading, offered with its alternatives.
	Guess Confidence = "guess"
)

// Confident reports whether a is given as the one answer: anything but a
// guess (an empty level is an answer built without search's judgement,
// such as a button's card).
func (a Answer) Confident() bool { return a.Confidence != Guess }

// Ref points to another answer: a role or a task by id.
type Ref struct {
	Intent Intent `json:"intent"`
	ID     string `json:"id"`
	Title  string `json:"title"`
}

// Role is a role's card.
type Role struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Source  string   `json:"source"`
	Aliases []string `json:"aliases,omitempty"`
	Core    bool     `json:"core"`
	Expert  bool     `json:"expert"`
	// Responsibilities are the main items of the page's daily work (its
	// "Au quotidien" section), or failing that of the section that best
	// says what the role does.
	Responsibilities []string `json:"responsibilities,omitempty"`
	// ResponsibilitiesFrom is the title of the section Responsibilities come
	// from, so that a card labels them by what the page calls them.
	ResponsibilitiesFrom string `json:"responsibilities_from,omitempty"`
	// Tasks are the role's rows of the matrix, most accountable first.
	Tasks []RoleTask `json:"tasks"`
	// People are the Slack user ids who hold the role in the asker's channel, when it has a
	// team (see FillPeople).
	People []string `json:"people,omitempty"`
}

// RoleTask is one matrix row seen from a role.
type RoleTask struct {
	ID     string     `json:"id"`
	Title  string     `json:"title"`
	Level  team.Level `json:"level"`
	Note   string     `json:"note,omitempty"`
	Locked bool       `json:"locked,omitempty"`
}

// Task is a task and every one of its owners.
type Task struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Details string      `json:"details,omitempty"`
	Origin  team.Origin `json:"origin"`
	Source  string      `json:"source"`
	Owners  []Owner     `json:"owners"`
}

// Owner is a role's part in a task.
type Owner struct {
	Role  string     `json:"role"`
	Title string     `json:"title"`
	Level team.Level `json:"level"`
	Note  string     `json:"note,omitempty"`
	// Locked means the responsibility cannot be delegated.
	Locked bool `json:"locked,omitempty"`
	// People are the Slack user ids who hold the role in the asker's channel, when it has a
	// team (see FillPeople).
	People []string `json:"people,omitempty"`
}

// FillPeople sets the People of the answer's role card, of every owner of its task or tasks,
// and of every role it lists, from people (role id -> Slack user ids; nil or empty for a role
// nobody holds). Each list is copied. The caller reads people from wherever teams are kept
// (store.Team.People), so this package depends on no store.
func (a *Answer) FillPeople(people func(role string) []string) {
	get := func(role string) []string {
		if p := people(role); len(p) > 0 {
			return append([]string(nil), p...)
		}
		return nil
	}
	if a.Role != nil {
		a.Role.People = get(a.Role.ID)
	}
	fillTask := func(t *Task) {
		for i := range t.Owners {
			t.Owners[i].People = get(t.Owners[i].Role)
		}
	}
	if a.Task != nil {
		fillTask(a.Task)
	}
	for i := range a.Tasks {
		fillTask(&a.Tasks[i])
	}
	for i := range a.Roles {
		a.Roles[i].People = get(a.Roles[i].ID)
	}
}

// maxResponsibilities keeps a card short enough to read at a glance.
const maxResponsibilities = 6

// NewRole builds a role's card from the model.
func NewRole(t *team.Team, r *team.Role) *Role {
	items, from := responsibilities(r)
	out := &Role{
		ID:                   r.ID,
		Title:                r.Title,
		Summary:              r.Summary,
		Source:               r.Source,
		Aliases:              r.Aliases,
		Core:                 r.Core,
		Expert:               r.Expert,
		Responsibilities:     items,
		ResponsibilitiesFrom: from,
		Tasks:                []RoleTask{},
	}
	for _, rt := range t.TasksOf(r.ID) {
		out.Tasks = append(out.Tasks, RoleTask{
			ID:     rt.Task.ID,
			Title:  rt.Task.Title,
			Level:  rt.Assignment.Level,
			Note:   rt.Assignment.Note,
			Locked: rt.Assignment.Locked,
		})
	}
	return out
}

// NewTask builds a task's answer from the model, owners in matrix order.
func NewTask(t *team.Team, k *team.Task) *Task {
	out := &Task{
		ID:      k.ID,
		Title:   k.Title,
		Details: k.Details,
		Origin:  k.Origin,
		Source:  k.Source,
		Owners:  []Owner{},
	}
	for _, a := range k.Owners {
		title := a.Role
		if r, ok := t.Role(a.Role); ok {
			title = r.Title
		}
		out.Owners = append(out.Owners, Owner{Role: a.Role, Title: title, Level: a.Level, Note: a.Note, Locked: a.Locked})
	}
	return out
}

// ListRoles lists every role, core roles first, in page order, each with its
// rows of the matrix as NewRole gives them. The matrix is read once for all
// roles, not once per role, since a folder may hold thousands of both.
func ListRoles(t *team.Team) []Role {
	byRole := tasksByRole(t)
	var core, other []Role
	for i := range t.Roles {
		r := &t.Roles[i]
		tasks := byRole[r.ID]
		if tasks == nil {
			tasks = []RoleTask{}
		}
		card := Role{ID: r.ID, Title: r.Title, Summary: r.Summary, Source: r.Source, Core: r.Core, Expert: r.Expert, Tasks: tasks}
		if r.Core {
			core = append(core, card)
		} else {
			other = append(other, card)
		}
	}
	return append(core, other...)
}

// tasksByRole is every role's matrix rows in the order team.TasksOf gives
// them: most accountable first, in page order within a level.
func tasksByRole(t *team.Team) map[string][]RoleTask {
	const levels = 4 // the ranks team.Level.Rank returns
	buckets := map[string]*[levels][]RoleTask{}
	for i := range t.Tasks {
		k := &t.Tasks[i]
		for _, a := range k.Owners {
			b := buckets[a.Role]
			if b == nil {
				b = &[levels][]RoleTask{}
				buckets[a.Role] = b
			}
			rank := min(max(a.Level.Rank(), 0), levels-1)
			b[rank] = append(b[rank], RoleTask{ID: k.ID, Title: k.Title, Level: a.Level, Note: a.Note, Locked: a.Locked})
		}
	}
	out := make(map[string][]RoleTask, len(buckets))
	for id, b := range buckets {
		var all []RoleTask
		for _, l := range b {
			all = append(all, l...)
		}
		out[id] = all
	}
	return out
}

// ListTasks lists every task with its owners: the matrix, then the others.
func ListTasks(t *team.Team) []Task {
	out := make([]Task, 0, len(t.Tasks))
	for i := range t.Tasks {
		out = append(out, *NewTask(t, &t.Tasks[i]))
	}
	return out
}

// responsibilityKeys name the sections that say what a role does, most
// telling first, as folded lower-case parts of a section title: a page's
// daily work ("Au quotidien", "Activités principales") says it better than
// its mission, whose list is often context ("les données sont stockées dans
// PostgreSQL").
var responsibilityKeys = []string{"quotidien", "activite", "responsabilit", "tache", "fait", "mission"}

// responsibilities picks the items that best say what a role does, and the
// title of the section they come from: the first section with a list whose
// title holds the earliest of responsibilityKeys, else the first section
// with a list.
func responsibilities(r *team.Role) (items []string, from string) {
	best, bestRank := -1, len(responsibilityKeys)
	for i, s := range r.Sections {
		if len(s.Items) == 0 {
			continue
		}
		if best < 0 {
			best = i
		}
		title := strings.ToLower(team.Fold(s.Title))
		for rank, key := range responsibilityKeys[:bestRank] {
			if strings.Contains(title, key) {
				best, bestRank = i, rank
				break
			}
		}
	}
	if best < 0 {
		return nil, ""
	}
	s := r.Sections[best]
	return clip(s.Items), s.Title
}
func clip(items []string) []string {
	if len(items) > maxResponsibilities {
		return items[:maxResponsibilities]
	}
	return items
}

package gitbook

import (
	"slices"
	"strconv"
	"strings"

	"github.com/rolebot/rolebot/internal/team"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// tableCells is the plain text of each cell of a table row.
func (s *source) tableCells(row ast.Node) []string {
	var cells []string
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		cells = append(cells, s.inline(c))
	}
	return cells
}

// findMatrix picks the responsibility matrix: the first table whose header
// names a role. Failing that, the first table shaped like one (an empty
// top-left cell and role-like columns) is taken, so that a matrix whose
// columns are all misspelt is reported column by column rather than as
// missing.
func (tp *teamPage) findMatrix(idx *roleIndex) *east.Table {
	for _, t := range tp.tables {
		header := tp.src.tableCells(t.FirstChild())
		for _, h := range header[min(1, len(header)):] {
			if id, _ := idx.lookup(h); id != "" {
				return t
			}
		}
	}
	for _, t := range tp.tables {
		if header := tp.src.tableCells(t.FirstChild()); len(header) >= 2 && header[0] == "" {
			return t
		}
	}
	return nil
}

// matrixTasks reads the responsibility matrix: one task per row, one
// assignment per non-empty cell.
func (l *loader) matrixTasks(tp *teamPage, idx *roleIndex) []team.Task {
	s := tp.src
	table := tp.findMatrix(idx)
	if table == nil {
		l.diags.errorf(s.path, 0, "aucune matrice de responsabilités : la page d'équipe doit avoir un tableau dont la première case d'en-tête est vide et les autres nomment les rôles (une ligne par tâche)")
		return nil
	}
	headerRow := table.FirstChild()
	headerLine := s.nodeLine(headerRow)
	header := s.tableCells(headerRow)
	var rows [][]string
	var rowLines []int
	for r := headerRow.NextSibling(); r != nil; r = r.NextSibling() {
		rows = append(rows, s.tableCells(r))
		rowLines = append(rowLines, s.nodeLine(r))
	}
	cols := make([]string, len(header)) // role id per column, "" when none
	colOf := map[string]int{}
	for i := 1; i < len(header); i++ {
		h := header[i]
		if h == "" {
			if columnEmpty(rows, i) {
				continue
			}
			l.diags.errorf(s.path, headerLine, "la colonne %d de la matrice n'a pas de titre : nommez-y un rôle", i+1)
			continue
		}
		id, amb := idx.lookup(h)
		switch {
		case len(amb) > 0:
			l.diags.errorf(s.path, headerLine, "la colonne « %s » peut désigner plusieurs rôles (%s) : précisez-la", h, strings.Join(amb, ", "))
		case id == "":
			if m, ok := l.missingFor(h); ok {
				l.diags.errorf(s.path, headerLine, "la colonne « %s » désigne le rôle de la carte « %s », dont la page %s n'existe pas : créez la page, ou retirez la colonne et la carte", h, cardName(m.card), m.path)
				continue
			}
			l.diags.errorf(s.path, headerLine, "la colonne « %s » ne correspond à aucun rôle connu : reprenez le titre, le nom de fichier ou un alias d'une page de rôle (%s)", h, strings.Join(idx.ids, ", "))
		default:
			if j, dup := colOf[id]; dup {
				l.diags.errorf(s.path, headerLine, "les colonnes « %s » et « %s » désignent le même rôle, %s : gardez-en une seule", header[j], h, id)
				continue
			}
			colOf[id] = i
			cols[i] = id
		}
	}
	if len(rows) == 0 {
		l.diags.warnf(s.path, headerLine, "la matrice de responsabilités n'a aucune ligne de tâche")
	}
	var tasks []team.Task
	for r, cells := range rows {
		line := rowLines[r]
		if len(cells) == 0 {
			continue
		}
		title, details := l.taskText(s.path, line, cells[0])
		if title == "" {
			if !columnEmpty([][]string{cells}, -1) {
				l.diags.warnf(s.path, line, "ligne de matrice sans tâche dans la première colonne : elle est ignorée")
			}
			continue
		}
		task := team.Task{ID: team.Slug(title), Title: title, Details: details, Origin: team.FromMatrix, Source: s.path, Line: line}
		for i := 1; i < len(cells) && i < len(cols); i++ {
			if cols[i] == "" {
				continue
			}
			a, questions, empty, ok := parseLevel(cells[i])
			for _, q := range questions {
				l.diags.notef(s.path, line, "question d'édition « (%s) » dans la case « %s » de la tâche « %s » : retirée de la note", q, header[i], title)
			}
			switch {
			case !ok:
				l.diags.errorf(s.path, line, "case illisible : « %s » (tâche « %s », colonne « %s ») n'est pas un niveau ; écrivez Responsable, Co-responsable ou Participe, ou laissez la case vide", cells[i], title, header[i])
			case !empty:
				a.Role = cols[i]
				task.Owners = append(task.Owners, a)
			}
		}
		// Stable: within a level, owners keep the matrix's column order.
		slices.SortStableFunc(task.Owners, func(a, b team.Assignment) int { return a.Level.Rank() - b.Level.Rank() })
		tasks = append(tasks, task)
	}
	return tasks
}

// missingFor finds the card with no page that a column header names, by its
// label or by the file name it links to.
func (l *loader) missingFor(header string) (missingPage, bool) {
	for _, m := range l.missing {
		if m.card.label != "" && sameName(header, m.card.label) || sameName(header, pageID(m.path)) {
			return m, true
		}
	}
	return missingPage{}, false
}

// columnEmpty reports whether column i of every row is empty; i < 0 checks
// every column but the first.
func columnEmpty(rows [][]string, i int) bool {
	for _, cells := range rows {
		for j, c := range cells {
			if (j == i || (i < 0 && j > 0)) && c != "" {
				return false
			}
		}
	}
	return true
}

// taskText splits a task as written into its title and details, reporting
// editors' questions left in parentheses.
func (l *loader) taskText(file string, line int, text string) (title, details string) {
	title, groups, questions := splitParens(text)
	for _, q := range questions {
		// rolebot drops it from every answer: a note for the writer.
		l.diags.notef(file, line, "question d'édition « (%s) » laissée dans la tâche « %s » : retirée des détails, à traiter puis effacer", q, title)
	}
	return title, strings.Join(groups, " ; ")
}

// otherTasks reads the list under "Autres tâches …": tasks the team page
// names without giving them an owner.
func (l *loader) otherTasks(tp *teamPage) []team.Task {
	if tp.other == nil {
		return nil
	}
	s := tp.src
	var tasks []team.Task
	for li := tp.other.FirstChild(); li != nil; li = li.NextSibling() {
		var parts []string
		for c := li.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				if t := s.inline(c); t != "" {
					parts = append(parts, t)
				}
			}
		}
		line := s.nodeLine(li)
		title, details := l.taskText(s.path, line, strings.Join(parts, " "))
		if title == "" {
			continue
		}
		tasks = append(tasks, team.Task{ID: team.Slug(title), Title: title, Details: details, Origin: team.FromOther, Source: s.path, Line: line})
	}
	return tasks
}

// uniqueTaskIDs keeps task ids unique, since answers and links refer to
// tasks by id; a repeated task is reported.
func (l *loader) uniqueTaskIDs(file string, tasks []team.Task) {
	first := map[string]int{}
	for i := range tasks {
		id := tasks[i].ID
		if id == "" {
			id = "tache"
		}
		if j, dup := first[id]; dup {
			l.diags.warnf(file, tasks[i].Line, "la tâche « %s » a le même nom que celle de la ligne %d : renommez l'une des deux", tasks[i].Title, tasks[j].Line)
			for n := 2; ; n++ {
				cand := id + "-" + strconv.Itoa(n)
				if _, taken := first[cand]; !taken {
					id = cand
					break
				}
			}
		}
		first[id] = i
		tasks[i].ID = id
	}
}

// Package roster reads and writes channel teams as CSV (columns channel,role,user, with a
// header line), so that an admin can seed teams from a spreadsheet, and prints their history.
// A file is checked whole before anything is written: each bad line is reported as
// "file:line: …", in French.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rolebot/rolebot/internal/store"
)

// Columns are the CSV's columns, as its header names them.
var Columns = []string{"channel", "role", "user"}

// maxListedRoles bounds the known role ids an "unknown role" message lists.
const maxListedRoles = 12

// LineError is one bad line of a CSV file.
type LineError struct {
	File string
	Line int
	Msg  string
}

// Error returns "file:line: message".
func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors is every bad line of a file, in line order.
type Errors []*LineError

// Error returns one line per bad line.
func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Parse reads a roster CSV named file (for messages). Columns may come in any order, as the
// header names them; a semicolon-separated file (what spreadsheets export in French) is read as
// well, and a UTF-8 byte order mark is skipped. knownRole tells whether a role id exists in the
// content; roles lists those ids for the message about an unknown one. Every bad line is
// reported (an Errors), and then no row is returned.
func Parse(r io.Reader, file string, knownRole func(string) bool, roles []string) ([]store.Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s : lecture impossible : %w", file, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // checked here, with a clearer message
	cr.TrimLeadingSpace = true
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}

	var errs Errors
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &LineError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		bad(1, "fichier vide : la première ligne doit être l'en-tête %s", strings.Join(Columns, ","))
		return nil, errs
	}
	if err != nil {
		return nil, Errors{csvError(file, err)}
	}
	index, msg := columns(header)
	if msg != "" {
		bad(1, "%s", msg)
		return nil, errs
	}

	var rows []store.Row
	seen := map[store.Row]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(file, err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(Columns) {
			bad(line, "%d colonne(s) au lieu de %d (%s)", len(rec), len(Columns), strings.Join(Columns, ","))
			continue
		}
		row := store.Row{
			Channel: strings.TrimSpace(rec[index["channel"]]),
			Role:    strings.TrimSpace(rec[index["role"]]),
			User:    strings.TrimSpace(rec[index["user"]]),
		}
		switch {
		case row.Channel == "" || row.Role == "" || row.User == "":
			bad(line, "colonne vide : channel, role et user sont requis")
			continue
		case !store.ValidChannelID(row.Channel):
			bad(line, "« %s » n'est pas un identifiant de canal Slack (C…, G… ou D… en majuscules, exemple : C012AB3CD)", row.Channel)
			continue
		case !store.ValidUserID(row.User):
			bad(line, "« %s » n'est pas un identifiant d'utilisateur Slack (U… ou W… en majuscules, exemple : U012AB3CD ; pas de nom ni d'adresse)", row.User)
			continue
		case !knownRole(row.Role):
			bad(line, "rôle inconnu « %s » (rôles du contenu : %s)", row.Role, listRoles(roles))
			continue
		}
		if first, dup := seen[row]; dup {
			bad(line, "ligne en double (déjà ligne %d)", first)
			continue
		}
		seen[row] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

// columns maps each column name to its position in header, or says what is wrong with it.
func columns(header []string) (map[string]int, string) {
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, name) {
			return nil, fmt.Sprintf("en-tête attendu « %s », colonne inconnue « %s »", strings.Join(Columns, ","), strings.TrimSpace(h))
		}
		if _, dup := index[name]; dup {
			return nil, fmt.Sprintf("colonne « %s » en double dans l'en-tête", name)
		}
		index[name] = i
	}
	for _, c := range Columns {
		if _, ok := index[c]; !ok {
			return nil, fmt.Sprintf("en-tête attendu « %s », colonne « %s » manquante", strings.Join(Columns, ","), c)
		}
	}
	return index, ""
}

// csvError turns a CSV syntax error into a LineError.
func csvError(file string, err error) *LineError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{File: file, Line: pe.Line, Msg: "CSV illisible : " + pe.Err.Error()}
	}
	return &LineError{File: file, Line: 1, Msg: "CSV illisible : " + err.Error()}
}

func listRoles(roles []string) string {
	if len(roles) == 0 {
		return "aucun"
	}
	if len(roles) > maxListedRoles {
		return strings.Join(roles[:maxListedRoles], ", ") + fmt.Sprintf("… (%d en tout)", len(roles))
	}
	return strings.Join(roles, ", ")
}

// Write writes rows as CSV with its header line.
func Write(w io.Writer, rows []store.Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{r.Channel, r.Role, r.User}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Summary says in French what a set of changes did: "3 changements dans 2 canaux : 2 ajouts,
// 1 retrait." or "Aucun changement.".
func Summary(changes []store.Change) string {
	if len(changes) == 0 {
		return "Aucun changement."
	}
	added := 0
	channels := map[string]bool{}
	for _, c := range changes {
		if c.Added {
			added++
		}
		channels[c.Channel] = true
	}
	return fmt.Sprintf("%s dans %s : %s, %s.",
		plural(len(changes), "changement", "changements"), plural(len(channels), "canal", "canaux"),
		plural(added, "ajout", "ajouts"), plural(len(changes)-added, "retrait", "retraits"))
}

// plural writes n and the word, singular for 0 and 1 as French has it.
func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// WriteChanges prints changes about to be made, one a line: channel, what, user and role.
func WriteChanges(w io.Writer, changes []store.Change) error {
	for _, c := range changes {
		what := "retrait"
		if c.Added {
			what = "ajout  "
		}
		if _, err := fmt.Fprintf(w, "%s  %s  %s  %s\n", c.Channel, what, c.User, c.Role); err != nil {
			return err
		}
	}
	return nil
}

// WriteHistory prints changes one a line: time (UTC), channel, what, role, user and who did it.
func WriteHistory(w io.Writer, changes []store.Change) error {
	if len(changes) == 0 {
		_, err := fmt.Fprintln(w, "Aucun changement enregistré.")
		return err
	}
	for _, c := range changes {
		what := "retrait"
		if c.Added {
			what = "ajout  "
		}
		if _, err := fmt.Fprintf(w, "%s  %s  %s  %s  %s  (par %s)\n",
			c.At.UTC().Format(time.DateTime+"Z"), c.Channel, what, c.User, c.Role, c.Actor); err != nil {
			return err
		}
	}
	return nil
}

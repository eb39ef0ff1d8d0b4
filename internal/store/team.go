package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"time"
)

// Team is one channel's team: role id -> Slack user ids, sorted and unique. A role with nobody
// is absent.
type Team map[string][]string

// Change is one person added to or removed from one role of one channel's team, by Actor (a Slack
// user id, or a description such as "rolebot roster import" for the command line), at At (UTC).
type Change struct {
	Channel, Role, User, Actor string
	Added                      bool
	At                         time.Time
}

// Row is one roster entry: User holds Role in Channel.
type Row struct{ Channel, Role, User string }

// Membership is one role that a user holds in one channel.
type Membership struct{ Channel, Role string }

// ErrInvalid is wrapped by the errors about a malformed id handed to the store.
var ErrInvalid = errors.New("identifiant invalide")

// userIDPattern is the shape of a Slack user id: U (or W for Enterprise Grid) and upper-case
// letters and digits.
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{1,31}$`)

// channelIDPattern is the shape of a Slack conversation id: C (public), G (private) or D
// (direct message), then upper-case letters and digits.
var channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{1,31}$`)

// maxRoleIDLen bounds a role id: the content's ids are page file names.
const maxRoleIDLen = 200

// ValidUserID reports whether s is shaped like a Slack user id (U… or W…).
func ValidUserID(s string) bool { return userIDPattern.MatchString(s) }

// ValidChannelID reports whether s is shaped like a Slack conversation id (C…, G… or D…).
func ValidChannelID(s string) bool { return channelIDPattern.MatchString(s) }

func validRoleID(s string) bool { return s != "" && len(s) <= maxRoleIDLen }

// checkRow returns an ErrInvalid error for a row the store must not keep.
func checkRow(channel, role, user string) error {
	switch {
	case !ValidChannelID(channel):
		return fmt.Errorf("canal %q : %w", channel, ErrInvalid)
	case !validRoleID(role):
		return fmt.Errorf("rôle %q : %w", role, ErrInvalid)
	case !ValidUserID(user):
		return fmt.Errorf("personne %q : %w", user, ErrInvalid)
	}
	return nil
}

// Clone returns a deep copy of t, so that a caller may change it without touching a cached team.
func (t Team) Clone() Team {
	c := make(Team, len(t))
	for role, users := range t {
		c[role] = slices.Clone(users)
	}
	return c
}

// Team returns channel's team (every role kept in the store, including roles that the content no
// longer has). An unknown channel has an empty team. Reads are cached (see teamCache); the
// returned Team is the caller's to change.
func (s *Store) Team(ctx context.Context, channel string) (Team, error) {
	if t, ok := s.cache.get(channel, s.now()); ok {
		return t.Clone(), nil
	}
	gen := s.cache.generation()
	t, err := s.readTeam(ctx, s.db, channel)
	if err != nil {
		return nil, s.wrap("lecture de l'équipe", err)
	}
	s.cache.put(channel, t, gen, s.now())
	return t.Clone(), nil
}

// querier is what reads need from *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) readTeam(ctx context.Context, q querier, channel string) (Team, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT role, user_id FROM team_members WHERE channel = $1 ORDER BY role, user_id`, channel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := Team{}
	for rows.Next() {
		var role, user string
		if err := rows.Scan(&role, &user); err != nil {
			return nil, err
		}
		t[role] = append(t[role], user)
	}
	// Sorted here, not by ORDER BY alone: a PostgreSQL collation (en_US, fr_FR) may order ids
	// otherwise than bytes do, and diff searches these lists.
	for _, users := range t {
		slices.Sort(users)
	}
	return t, rows.Err()
}

// SetTeam sets, in one transaction, the people of each role named in t (an empty or nil list
// removes everyone from that role); roles that t does not name are left as they are, so that a
// role the content no longer shows keeps its people. It records every change in the history with
// actor and returns them, sorted by role, then removals before additions, then user.
func (s *Store) SetTeam(ctx context.Context, channel, actor string, t Team) ([]Change, error) {
	want := map[string]Team{channel: {}}
	for role, users := range t {
		if !validRoleID(role) {
			return nil, s.wrap("équipe", fmt.Errorf("rôle %q : %w", role, ErrInvalid))
		}
		want[channel][role] = normalize(users)
		for _, u := range users {
			if err := checkRow(channel, role, u); err != nil {
				return nil, s.wrap("équipe", err)
			}
		}
	}
	if !ValidChannelID(channel) {
		return nil, s.wrap("équipe", fmt.Errorf("canal %q : %w", channel, ErrInvalid))
	}
	changes, err := s.apply(ctx, actor, want, false, true)
	return changes, s.wrap("enregistrement de l'équipe", err)
}

// Import replaces, in one transaction, the whole team of every channel that rows name (roles that
// rows do not give for such a channel are emptied); other channels are left alone. Duplicate rows
// count once. It records every change with actor and returns them.
func (s *Store) Import(ctx context.Context, actor string, rows []Row) ([]Change, error) {
	want, err := wantedTeams(rows)
	if err != nil {
		return nil, s.wrap("import", err)
	}
	changes, err := s.apply(ctx, actor, want, true, true)
	return changes, s.wrap("import", err)
}

// PlanImport returns the changes that Import would make, without making them (the transaction
// is rolled back), for a dry run.
func (s *Store) PlanImport(ctx context.Context, actor string, rows []Row) ([]Change, error) {
	want, err := wantedTeams(rows)
	if err != nil {
		return nil, s.wrap("import", err)
	}
	changes, err := s.apply(ctx, actor, want, true, false)
	return changes, s.wrap("import", err)
}

// wantedTeams groups rows by channel into normalized teams, refusing a malformed id.
func wantedTeams(rows []Row) (map[string]Team, error) {
	want := map[string]Team{}
	for _, r := range rows {
		if err := checkRow(r.Channel, r.Role, r.User); err != nil {
			return nil, err
		}
		if want[r.Channel] == nil {
			want[r.Channel] = Team{}
		}
		want[r.Channel][r.Role] = append(want[r.Channel][r.Role], r.User)
	}
	for _, t := range want {
		for role, users := range t {
			t[role] = normalize(users)
		}
	}
	return want, nil
}

// apply moves each channel of want to its wanted team in one transaction. With whole, roles that
// the wanted team does not name are emptied too. Without commit, it rolls back and only
// reports what it would have changed. A row is counted as changed only when the
// INSERT or DELETE touched it, so that two replicas saving at once record each change once.
func (s *Store) apply(ctx context.Context, actor string, want map[string]Team, whole, commit bool) ([]Change, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()

	at := s.now().UTC().Truncate(time.Microsecond)
	var changes []Change
	if s.driver == DriverPostgres {
		// Under READ COMMITTED two saves of one channel would both diff against the team before
		// either. One lock for every team write serializes them (SQLite needs none: BEGIN
		// IMMEDIATE lets one writer in at a time). Team writes are people editing a modal or an
		// import: rare enough that one lock costs nothing, where a lock per channel would fill
		// PostgreSQL's lock table on an import of thousands of channels.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, teamWriteLock); err != nil {
			return nil, err
		}
	}
	for _, channel := range sortedKeys(want) {
		current, err := s.readTeam(ctx, tx, channel)
		if err != nil {
			return nil, err
		}
		roles := map[string]bool{}
		for role := range want[channel] {
			roles[role] = true
		}
		if whole {
			for role := range current {
				roles[role] = true
			}
		}
		for _, role := range sortedKeys(roles) {
			removed, added := diff(current[role], want[channel][role])
			for _, u := range removed {
				ok, err := exec1(ctx, tx, `DELETE FROM team_members WHERE channel = $1 AND role = $2 AND user_id = $3`,
					channel, role, u)
				if err != nil {
					return nil, err
				}
				if ok {
					changes = append(changes, Change{Channel: channel, Role: role, User: u, Actor: actor, Added: false, At: at})
				}
			}
			for _, u := range added {
				ok, err := exec1(ctx, tx, `INSERT INTO team_members (channel, role, user_id) VALUES ($1, $2, $3)
					ON CONFLICT (channel, role, user_id) DO NOTHING`, channel, role, u)
				if err != nil {
					return nil, err
				}
				if ok {
					changes = append(changes, Change{Channel: channel, Role: role, User: u, Actor: actor, Added: true, At: at})
				}
			}
		}
	}
	if !commit {
		return changes, nil // the deferred Rollback undoes it all
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_changes (channel, role, user_id, actor, added, at_us)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.Channel, c.Role, c.User, c.Actor, c.Added, micros(c.At)); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.cache.invalidate(sortedKeys(want))
	return changes, nil
}

// teamWriteLock is the PostgreSQL advisory lock key that team writes take ("rbteams" in ASCII);
// goose's migration lock uses another.
const teamWriteLock int64 = 0x72627465616d73

// exec1 runs a statement and reports whether it touched a row.
func exec1(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// diff returns what is in have and not in want, and what is in want and not in have; both
// inputs sorted and unique.
func diff(have, want []string) (removed, added []string) {
	for _, u := range have {
		if _, found := slices.BinarySearch(want, u); !found {
			removed = append(removed, u)
		}
	}
	for _, u := range want {
		if _, found := slices.BinarySearch(have, u); !found {
			added = append(added, u)
		}
	}
	return removed, added
}

// normalize returns users sorted, without duplicates.
func normalize(users []string) []string {
	out := slices.Clone(users)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func compareRows(a, b Row) int {
	return cmp.Or(cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Role, b.Role), cmp.Compare(a.User, b.User))
}

// TeamsOf returns the roles that user holds, in every channel, sorted by channel then role.
func (s *Store) TeamsOf(ctx context.Context, user string) ([]Membership, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT channel, role FROM team_members WHERE user_id = $1 ORDER BY channel, role`, user)
	if err != nil {
		return nil, s.wrap("équipes d'une personne", err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.Channel, &m.Role); err != nil {
			return nil, s.wrap("équipes d'une personne", err)
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Membership) int {
		return cmp.Or(cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Role, b.Role))
	})
	return out, s.wrap("équipes d'une personne", rows.Err())
}

// Channels returns the channels that have a team (at least one person), sorted.
func (s *Store) Channels(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT channel FROM team_members ORDER BY channel`)
	if err != nil {
		return nil, s.wrap("canaux", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, s.wrap("canaux", err)
		}
		out = append(out, c)
	}
	slices.Sort(out) // byte order on both databases, whatever the collation
	return out, s.wrap("canaux", rows.Err())
}

// History returns the changes of channel ("" for every channel), newest first, at most limit of
// them (limit <= 0: all).
func (s *Store) History(ctx context.Context, channel string, limit int) ([]Change, error) {
	query := `SELECT channel, role, user_id, actor, added, at_us FROM team_changes`
	var args []any
	if channel != "" {
		query += ` WHERE channel = $1`
		args = append(args, channel)
	}
	query += ` ORDER BY id DESC`
	if limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap("historique", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.Channel, &c.Role, &c.User, &c.Actor, &c.Added, &at); err != nil {
			return nil, s.wrap("historique", err)
		}
		c.At = fromMicros(at)
		out = append(out, c)
	}
	return out, s.wrap("historique", rows.Err())
}

// Export returns every roster entry, sorted by channel, role and user.
func (s *Store) Export(ctx context.Context) ([]Row, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT channel, role, user_id FROM team_members ORDER BY channel, role, user_id`)
	if err != nil {
		return nil, s.wrap("export", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Channel, &r.Role, &r.User); err != nil {
			return nil, s.wrap("export", err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, compareRows) // byte order on both databases, whatever the collation
	return out, s.wrap("export", rows.Err())
}

// Orphans returns the roster entries whose role id known does not accept (typically: a role
// that left the content), sorted like Export. They stay in the store; this lists them.
func (s *Store) Orphans(ctx context.Context, known func(role string) bool) ([]Row, error) {
	all, err := s.Export(ctx)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, r := range all {
		if !known(r.Role) {
			out = append(out, r)
		}
	}
	return out, nil
}

// People returns the users who hold role (nil when nobody does): the shape that
// answer.Answer.FillPeople takes.
func (t Team) People(role string) []string { return t[role] }

package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// open opens url for a test and closes it at the end.
func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, "", nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// clock is a settable time source for the store's now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestOpenTwiceAppliesMigrationsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		a := open(t, url)
		if _, err := a.SetTeam(context.Background(), "C1", "U0ACTOR", Team{"designer": {"U1"}}); err != nil {
			t.Fatal(err)
		}
		b := open(t, url) // migrations already applied: nothing to do, data kept
		team, err := b.Team(context.Background(), "C1")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(team, Team{"designer": {"U1"}}) {
			t.Fatalf("team after reopen = %v", team)
		}
		want := DriverSQLite
		if strings.HasPrefix(url, "postgres") {
			want = DriverPostgres
		}
		if b.Driver() != want {
			t.Fatalf("Driver() = %q, want %q", b.Driver(), want)
		}
		if err := b.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSetTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clk := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
		s.now = clk.now

		got, err := s.SetTeam(ctx, "C1", "UMARC", Team{
			"product-owner": {"UCLAIRE", "UCLAIRE"}, // duplicates count once
			"designer":      {"UZOE", "UALEX"},
			"coach":         nil, // nobody: nothing to do
		})
		if err != nil {
			t.Fatal(err)
		}
		at := clk.now()
		want := []Change{
			{Channel: "C1", Role: "designer", User: "UALEX", Actor: "UMARC", Added: true, At: at},
			{Channel: "C1", Role: "designer", User: "UZOE", Actor: "UMARC", Added: true, At: at},
			{Channel: "C1", Role: "product-owner", User: "UCLAIRE", Actor: "UMARC", Added: true, At: at},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("changes = %+v\nwant %+v", got, want)
		}

		clk.add(time.Minute)
		// Only the roles named change: product-owner keeps UCLAIRE.
		got, err = s.SetTeam(ctx, "C1", "UCLAIRE", Team{"designer": {"UZOE", "UBOB"}})
		if err != nil {
			t.Fatal(err)
		}
		at2 := clk.now()
		want = []Change{
			{Channel: "C1", Role: "designer", User: "UALEX", Actor: "UCLAIRE", Added: false, At: at2},
			{Channel: "C1", Role: "designer", User: "UBOB", Actor: "UCLAIRE", Added: true, At: at2},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("changes = %+v\nwant %+v", got, want)
		}
		team, err := s.Team(ctx, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if w := (Team{"designer": {"UBOB", "UZOE"}, "product-owner": {"UCLAIRE"}}); !reflect.DeepEqual(team, w) {
			t.Fatalf("team = %v, want %v", team, w)
		}

		// The same team again changes nothing and records nothing.
		got, err = s.SetTeam(ctx, "C1", "UCLAIRE", Team{"designer": {"UZOE", "UBOB"}})
		if err != nil || len(got) != 0 {
			t.Fatalf("same team: changes %v, err %v", got, err)
		}

		// An empty list empties the role.
		if _, err := s.SetTeam(ctx, "C1", "UMARC", Team{"product-owner": {}}); err != nil {
			t.Fatal(err)
		}
		team, _ = s.Team(ctx, "C1")
		if _, ok := team["product-owner"]; ok {
			t.Fatalf("product-owner still held: %v", team)
		}

		hist, err := s.History(ctx, "C1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 6 {
			t.Fatalf("history has %d changes, want 6: %+v", len(hist), hist)
		}
		if h := hist[0]; h.Role != "product-owner" || h.User != "UCLAIRE" || h.Added || h.Actor != "UMARC" {
			t.Fatalf("newest change = %+v", h)
		}
		if h := hist[len(hist)-1]; !h.At.Equal(at) || h.Actor != "UMARC" || !h.Added {
			t.Fatalf("oldest change = %+v", h)
		}
		if limited, _ := s.History(ctx, "C1", 2); len(limited) != 2 || !reflect.DeepEqual(limited, hist[:2]) {
			t.Fatalf("History(limit 2) = %+v", limited)
		}
		if other, _ := s.History(ctx, "C2", 0); len(other) != 0 {
			t.Fatalf("History(C2) = %+v", other)
		}
		if all, _ := s.History(ctx, "", 0); len(all) != 6 {
			t.Fatalf("History(all) has %d", len(all))
		}
	})
}

func TestSetTeamRejectsBadIDsAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		for _, tc := range []struct {
			name    string
			channel string
			team    Team
		}{
			{"user id not shaped like a Slack one", "C1", Team{"designer": {"UOK1", "claire@example.org"}}},
			{"empty role", "C1", Team{"": {"UOK1"}}},
			{"bad channel", "general", Team{"designer": {"UOK1"}}},
		} {
			if _, err := s.SetTeam(ctx, tc.channel, "UMARC", tc.team); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
			}
		}
		if rows, _ := s.Export(ctx); len(rows) != 0 {
			t.Fatalf("rows written: %v", rows)
		}
	})
}

func TestImportExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		if _, err := s.SetTeam(ctx, "C1", "UMARC", Team{"designer": {"UALEX"}, "old-role": {"UOLD"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTeam(ctx, "C2", "UMARC", Team{"designer": {"UKEEP"}}); err != nil {
			t.Fatal(err)
		}
		rows := []Row{
			{"C1", "product-owner", "UCLAIRE"},
			{"C1", "designer", "UALEX"},
			{"C1", "designer", "UALEX"}, // duplicate: once
			{"C3", "coach", "UCOACH"},
		}
		before, _ := s.Export(ctx)
		planned, err := s.PlanImport(ctx, "rolebot roster import", rows)
		if err != nil {
			t.Fatal(err)
		}
		if after, _ := s.Export(ctx); !reflect.DeepEqual(after, before) {
			t.Fatalf("PlanImport wrote: %v", after)
		}
		if h, _ := s.History(ctx, "", 0); len(h) != 3 { // the two SetTeams above
			t.Fatalf("PlanImport recorded history: %v", h)
		}
		changes, err := s.Import(ctx, "rolebot roster import", rows)
		if err != nil {
			t.Fatal(err)
		}
		for i := range planned {
			planned[i].At = changes[i].At
		}
		if !reflect.DeepEqual(planned, changes) {
			t.Fatalf("PlanImport = %+v\nImport = %+v", planned, changes)
		}
		// C1 is replaced whole (old-role emptied), C2 untouched, C3 created.
		want := []Change{
			{Channel: "C1", Role: "old-role", User: "UOLD", Added: false},
			{Channel: "C1", Role: "product-owner", User: "UCLAIRE", Added: true},
			{Channel: "C3", Role: "coach", User: "UCOACH", Added: true},
		}
		if len(changes) != len(want) {
			t.Fatalf("changes = %+v", changes)
		}
		for i, c := range changes {
			w := want[i]
			if c.Channel != w.Channel || c.Role != w.Role || c.User != w.User || c.Added != w.Added || c.Actor != "rolebot roster import" {
				t.Errorf("change %d = %+v, want %+v", i, c, w)
			}
		}
		exported, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantRows := []Row{
			{"C1", "designer", "UALEX"}, {"C1", "product-owner", "UCLAIRE"},
			{"C2", "designer", "UKEEP"}, {"C3", "coach", "UCOACH"},
		}
		if !reflect.DeepEqual(exported, wantRows) {
			t.Fatalf("Export = %v\nwant %v", exported, wantRows)
		}

		// One bad row: nothing written at all.
		if _, err := s.Import(ctx, "x", []Row{{"C1", "designer", "UNEW"}, {"C9", "coach", "not-a-user"}}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("bad import: err = %v", err)
		}
		if rows2, _ := s.Export(ctx); !reflect.DeepEqual(rows2, wantRows) {
			t.Fatalf("a refused import wrote: %v", rows2)
		}
	})
}

func TestTeamsOfChannelsOrphans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		if _, err := s.Import(ctx, "x", []Row{
			{"C2", "designer", "UCLAIRE"}, {"C1", "product-owner", "UCLAIRE"}, {"C1", "designer", "UCLAIRE"},
			{"C1", "gone-role", "UBOB"},
		}); err != nil {
			t.Fatal(err)
		}
		ms, err := s.TeamsOf(ctx, "UCLAIRE")
		if err != nil {
			t.Fatal(err)
		}
		if w := []Membership{{"C1", "designer"}, {"C1", "product-owner"}, {"C2", "designer"}}; !reflect.DeepEqual(ms, w) {
			t.Fatalf("TeamsOf = %v, want %v", ms, w)
		}
		if ms, _ := s.TeamsOf(ctx, "UNOBODY"); len(ms) != 0 {
			t.Fatalf("TeamsOf(nobody) = %v", ms)
		}
		chans, err := s.Channels(ctx)
		if err != nil || !reflect.DeepEqual(chans, []string{"C1", "C2"}) {
			t.Fatalf("Channels = %v, %v", chans, err)
		}
		known := map[string]bool{"designer": true, "product-owner": true}
		orphans, err := s.Orphans(ctx, func(r string) bool { return known[r] })
		if err != nil || !reflect.DeepEqual(orphans, []Row{{"C1", "gone-role", "UBOB"}}) {
			t.Fatalf("Orphans = %v, %v", orphans, err)
		}
		// The orphan stays in the store and in the team as read.
		team, _ := s.Team(ctx, "C1")
		if !reflect.DeepEqual(team["gone-role"], []string{"UBOB"}) {
			t.Fatalf("orphan role lost: %v", team)
		}
	})
}

// TestConcurrentSetTeam saves the same channel from two handles at once: every change is
// recorded once, and the final team is one of the wanted ones.
func TestConcurrentSetTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		stores := []*Store{open(t, url), open(t, url)}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var all []Change
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				users := []string{fmt.Sprintf("U%03d", i%3)}
				changes, err := stores[i%2].SetTeam(ctx, "C1", "UACTOR", Team{"designer": users})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				all = append(all, changes...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		hist, err := stores[0].History(ctx, "C1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != len(all) {
			t.Fatalf("history has %d changes, SetTeam returned %d", len(hist), len(all))
		}
		team, _ := stores[1].Team(ctx, "C1")
		if len(team["designer"]) != 1 {
			t.Fatalf("final team = %v, want one designer", team)
		}
		// Replaying the history gives the final team.
		held := map[string]bool{}
		for i := len(hist) - 1; i >= 0; i-- {
			held[hist[i].User] = hist[i].Added
		}
		for u, h := range held {
			if h != (u == team["designer"][0]) {
				t.Fatalf("history replay disagrees with the team %v: %v", team, held)
			}
		}
	})
}

// TestTeamCache: a change saved through a Store is read back at once from it; another Store on
// the same database sees it once its cached read is older than teamCacheTTL.
func TestTeamCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		a, b := open(t, url), open(t, url)
		clk := &clock{t: time.Now()}
		a.now, b.now = clk.now, clk.now
		if _, err := a.SetTeam(ctx, "C1", "UMARC", Team{"designer": {"U1"}}); err != nil {
			t.Fatal(err)
		}
		if tb, _ := b.Team(ctx, "C1"); !reflect.DeepEqual(tb, Team{"designer": {"U1"}}) {
			t.Fatalf("b first read = %v", tb)
		}
		if _, err := a.SetTeam(ctx, "C1", "UMARC", Team{"designer": {"U2"}}); err != nil {
			t.Fatal(err)
		}
		if ta, _ := a.Team(ctx, "C1"); !reflect.DeepEqual(ta, Team{"designer": {"U2"}}) {
			t.Fatalf("a after its own change = %v", ta)
		}
		if tb, _ := b.Team(ctx, "C1"); !reflect.DeepEqual(tb, Team{"designer": {"U1"}}) {
			t.Fatalf("b within the TTL = %v, want the cached team", tb)
		}
		clk.add(teamCacheTTL)
		if tb, _ := b.Team(ctx, "C1"); !reflect.DeepEqual(tb, Team{"designer": {"U2"}}) {
			t.Fatalf("b after the TTL = %v", tb)
		}
		// The caller may change what it got without touching the cache.
		ta, _ := a.Team(ctx, "C1")
		ta["designer"][0] = "UCHANGED"
		if ta2, _ := a.Team(ctx, "C1"); ta2["designer"][0] != "U2" {
			t.Fatalf("cache changed through a returned team: %v", ta2)
		}
	})
}

func TestOpenSQLiteDefaultsToDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing", "data")
	s, err := Open(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, SQLiteFile)); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var timeout int
	if err := s.db.QueryRow(`PRAGMA busy_timeout`).Scan(&timeout); err != nil || timeout != int(sqliteBusyTimeout.Milliseconds()) {
		t.Fatalf("busy_timeout = %d, %v", timeout, err)
	}
	var fk int
	if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url, dataDir     string
		driver, redacted string
		wantErr          bool
	}{
		{"", "", DriverSQLite, "sqlite://data/rolebot.db", false},
		{"", "/var/lib/rolebot", DriverSQLite, "sqlite:///var/lib/rolebot/rolebot.db", false},
		{"sqlite:///tmp/x/r.db", "ignored", DriverSQLite, "sqlite:///tmp/x/r.db", false},
		{"sqlite:rel/r.db", "", DriverSQLite, "sqlite://rel/r.db", false},
		{"postgres://bot:s3cret@db:5432/rolebot?sslmode=disable", "", DriverPostgres, "postgres://bot:xxxxx@db:5432/rolebot?sslmode=disable", false},
		{"postgresql://bot@db/rolebot?password=s3cret", "", DriverPostgres, "postgresql://bot@db/rolebot?password=xxxxx", false},
		{"sqlite://", "", "", "", true},
		{"mysql://bot:s3cret@db/rolebot", "", "", "", true},
		{"postgres://bot:s3cret@db:port/x", "", "", "", true},
	} {
		driver, _, redacted, err := parseURL(tc.url, tc.dataDir)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseURL(%q): err = %v", tc.url, err)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("parseURL(%q): error shows the password: %v", tc.url, err)
			}
			continue
		}
		if driver != tc.driver || redacted != tc.redacted {
			t.Errorf("parseURL(%q) = %q, %q; want %q, %q", tc.url, driver, redacted, tc.driver, tc.redacted)
		}
	}
}

// TestPasswordNeverShown opens PostgreSQL with a wrong password and with an unreachable server:
// neither the error nor the log shows the password.
func TestPasswordNeverShown(t *testing.T) {
	base := storetest.PostgresURL(t)
	const secret = "Wr0ngSecretValue"
	for _, bad := range []string{
		strings.Replace(base, "://rolebot:", "://rolebot:"+secret+"x", 1), // a wrong password
		"postgres://rolebot:" + secret + "@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2",
		"postgres://rolebot@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2&password=" + secret,
	} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := Open(ctx, bad, "", log)
		cancel()
		if err == nil {
			_ = s.Close()
			t.Fatalf("Open with a bad URL succeeded")
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
			t.Fatalf("password shown: err %q, logs %q", err, logs.String())
		}
		if !strings.Contains(err.Error(), "xxxxx") {
			t.Errorf("error does not name the (redacted) URL: %v", err)
		}
	}
}

// TestMigrationsAgree: both dialects have the same migrations, version for version, so that a
// change to the schema is never made for one database only.
func TestMigrationsAgree(t *testing.T) {
	names := func(dialect string) []string {
		entries, err := migrations.ReadDir("migrations/" + dialect)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sqlite, postgres := names(DriverSQLite), names(DriverPostgres)
	if len(sqlite) == 0 || !reflect.DeepEqual(sqlite, postgres) {
		t.Fatalf("migrations differ: sqlite %v, postgres %v", sqlite, postgres)
	}
}

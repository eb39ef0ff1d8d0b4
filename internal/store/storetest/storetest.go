// Package storetest gives tests a fresh, real database for the store: a SQLite file in a
// temporary folder, and a PostgreSQL schema of its own on the server that
// ROLEBOT_TEST_POSTGRES_URL names (scripts/postgres.sh starts one). Without that variable the
// PostgreSQL cases skip, saying so, unless ROLEBOT_REQUIRE_POSTGRES=1, which makes them fail
// (CI sets it).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas
)

// Environment variables read by this package.
const (
	PostgresURLEnv     = "ROLEBOT_TEST_POSTGRES_URL"
	RequirePostgresEnv = "ROLEBOT_REQUIRE_POSTGRES"
)

// Backend is one database a test can run against.
type Backend struct {
	Name string                    // "sqlite" or "postgres"
	URL  func(t testing.TB) string // a fresh, empty database's URL, removed at the test's end
}

// Backends returns SQLite and PostgreSQL, for table-driven tests that run on both.
func Backends() []Backend {
	return []Backend{{Name: "sqlite", URL: SQLiteURL}, {Name: "postgres", URL: PostgresURL}}
}

// Each runs f as a subtest on each backend.
func Each(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b.URL(t)) })
	}
}

// SQLiteURL returns the URL of a new SQLite file in t's temporary folder.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.Join(t.TempDir(), "rolebot.db")
}

// PostgresURL creates a schema of its own on the test server and returns a URL whose
// search_path is that schema, so that tests never see each other's tables. The schema is
// dropped at the test's end. Without a server it skips t (or fails it, see the package doc).
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		if os.Getenv(RequirePostgresEnv) == "1" {
			t.Fatalf("%s is empty while %s=1: PostgreSQL tests may not be skipped (scripts/postgres.sh start)",
				PostgresURLEnv, RequirePostgresEnv)
		}
		t.Skipf("PostgreSQL test skipped: %s is not set (export %s=$(scripts/postgres.sh start))",
			PostgresURLEnv, PostgresURLEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s does not parse", PostgresURLEnv) // never print it: it holds a password
	}
	schema := "t_" + randomHex(t, 8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("PostgreSQL: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("PostgreSQL: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("PostgreSQL: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// Package store keeps each Slack channel's team (who holds which role), the history of every
// change to it, the claims that de-duplicate Slack's deliveries across replicas, and the answers
// shown with the feedback people gave on them. It runs on embedded SQLite (the single-replica
// default) or on PostgreSQL (several replicas), through database/sql, with its migrations
// embedded and applied at Open.
//
// People are stored by their Slack ids only: no name, no e-mail address. The questions asked and
// the comments are people's own words, personal data: PurgeFeedback deletes them after the
// retention.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Driver names, as Driver returns them.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// SQLiteFile is the database file created in the data folder when no URL is given.
const SQLiteFile = "rolebot.db"

// sqliteBusyTimeout is how long a SQLite writer waits for another one (SQLite has one writer at
// a time) before giving up with SQLITE_BUSY.
const sqliteBusyTimeout = 5 * time.Second

// Connection pool of a Store on PostgreSQL: enough for the workers' reads and the claims, few
// enough that several replicas stay far below the server's max_connections (100 by default).
const (
	pgMaxOpenConns    = 10
	pgMaxIdleConns    = 4
	pgConnMaxIdleTime = 5 * time.Minute
)

// migrationLockTimeout bounds, in seconds, how long a replica waits for another one applying the
// migrations on PostgreSQL (goose's advisory lock, probed every second).
const migrationLockTimeout = 120

//go:embed migrations
var migrations embed.FS

// Store is a handle on the database. It is safe for concurrent use; several Stores (in one
// process or in several replicas) may share one database.
type Store struct {
	db       *sql.DB
	driver   string
	redacted string // the URL without its password, for errors and logs
	log      *slog.Logger
	now      func() time.Time
	cache    *teamCache

	closeOnce sync.Once
}

// Open connects to the database named by rawURL, applies the pending migrations and returns the
// Store. An empty rawURL means SQLite in dataDir (created if missing; "data" when dataDir is
// empty); "sqlite:///path/file.db" (or "sqlite:relative/file.db") names a SQLite file;
// "postgres://…" or "postgresql://…" a PostgreSQL database. Errors never contain the password.
func Open(ctx context.Context, rawURL, dataDir string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	driver, dsn, redacted, err := parseURL(rawURL, dataDir)
	if err != nil {
		return nil, fmt.Errorf("%w : %w", ErrConfig, err)
	}
	if driver == DriverSQLite {
		path := strings.TrimPrefix(redacted, "sqlite://")
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("dossier de la base SQLite : %w", err)
		}
	}
	sqlDriver, dialect := "sqlite", goose.DialectSQLite3
	if driver == DriverPostgres {
		sqlDriver, dialect = "pgx", goose.DialectPostgres
	}
	db, err := sql.Open(sqlDriver, dsn)
	if err != nil {
		return nil, fmt.Errorf("base de données %s : %w", redacted, redactErr(err, rawURL))
	}
	if driver == DriverPostgres {
		db.SetMaxOpenConns(pgMaxOpenConns)
		db.SetMaxIdleConns(pgMaxIdleConns)
		db.SetConnMaxIdleTime(pgConnMaxIdleTime)
	}
	s := &Store{db: db, driver: driver, redacted: redacted, log: log, now: time.Now, cache: newTeamCache(teamCacheTTL)}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, s.wrap("connexion", redactErr(err, rawURL))
	}
	if err := s.migrate(ctx, dialect); err != nil {
		_ = db.Close()
		return nil, s.wrap("migrations", redactErr(err, rawURL))
	}
	log.Info("base de données ouverte", "driver", driver, "url", redacted)
	return s, nil
}

// migrate applies the embedded migrations of the store's dialect. On PostgreSQL an advisory
// lock makes replicas that start together apply them once.
func (s *Store) migrate(ctx context.Context, dialect goose.Dialect) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.driver)
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithSlog(s.log.With("component", "migrations"))}
	if s.driver == DriverPostgres {
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, migrationLockTimeout))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// parseURL turns a DATABASE_URL into the driver, the database/sql data source name and the URL
// to show in errors and logs (password masked).
func parseURL(rawURL, dataDir string) (driver, dsn, redacted string, err error) {
	switch {
	case rawURL == "":
		if dataDir == "" {
			dataDir = "data"
		}
		path := filepath.Join(dataDir, SQLiteFile)
		dsn, err := sqliteDSN(path)
		return DriverSQLite, dsn, "sqlite://" + path, err
	case strings.HasPrefix(rawURL, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//")
		if path == "" {
			return "", "", "", errors.New("DATABASE_URL : chemin du fichier SQLite manquant (sqlite:///chemin/fichier.db)")
		}
		dsn, err := sqliteDSN(path)
		return DriverSQLite, dsn, "sqlite://" + path, err
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		u, err := url.Parse(rawURL)
		if err != nil {
			// url's errors quote the whole URL, password included: never return them.
			return "", "", "", errors.New("DATABASE_URL : adresse PostgreSQL illisible")
		}
		return DriverPostgres, rawURL, Redact(u), nil
	default:
		return "", "", "", errors.New("DATABASE_URL : schéma inconnu (attendu : vide, sqlite:///chemin/fichier.db ou postgres://…)")
	}
}

// sqliteDSN returns modernc.org/sqlite's data source name: WAL (readers never wait for the
// writer), a busy timeout, foreign keys on, synchronous=NORMAL (safe in WAL mode: a power cut
// may lose the last commits, never corrupt the file), and BEGIN IMMEDIATE so that a transaction
// that will write takes the write lock first instead of failing with SQLITE_BUSY when it
// upgrades.
func sqliteDSN(path string) (string, error) {
	if strings.ContainsRune(path, '?') {
		return "", fmt.Errorf("chemin SQLite %q : le caractère « ? » n'est pas accepté", path)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	// Without the "file:" prefix the driver cuts its parameters at the first '?' and opens the
	// rest as a plain path.
	return path + "?" + q.Encode(), nil
}

// Redact returns u as a string with its password masked, in the user info and in a "password"
// query parameter (both are accepted by PostgreSQL's drivers).
func Redact(u *url.URL) string {
	c := *u
	if q := c.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		c.RawQuery = q.Encode()
	}
	return c.Redacted()
}

// RedactURL is Redact for a URL as text; text that does not parse is replaced whole.
func RedactURL(raw string) string {
	if raw == "" || strings.HasPrefix(raw, "sqlite:") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(adresse illisible)"
	}
	return Redact(u)
}

// redactErr makes sure that err's text does not contain the password of rawURL, whatever the
// driver put in it.
func redactErr(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	pw := password(rawURL)
	if pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return redactedError{msg: strings.ReplaceAll(err.Error(), pw, "xxxxx"), err: err}
}

// password returns the password that rawURL carries, if any.
func password(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		return pw
	}
	return u.Query().Get("password")
}

// redactedError is an error whose text has been cleaned of a password; errors.Is and errors.As
// still see the original.
type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// wrap adds the operation and the redacted URL to err.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("base de données %s : %s : %w", s.redacted, op, err)
}

// Driver returns DriverSQLite or DriverPostgres.
func (s *Store) Driver() string { return s.driver }

// URL returns the database's URL with its password masked, for logs and messages.
func (s *Store) URL() string { return s.redacted }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.wrap("ping", s.db.PingContext(ctx))
}

// Close closes the database handle. It is safe to call more than once.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.db.Close() })
	return s.wrap("fermeture", err)
}

// micros turns a time into the Unix microseconds stored in the database.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros is the reverse of micros, in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

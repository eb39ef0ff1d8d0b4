package store

// DataSource returns what Open uses to reach the database named by rawURL and dataDir: the
// driver (DriverSQLite or DriverPostgres), the data source name (modernc.org/sqlite's for
// SQLite, with Open's pragmas; the URL itself for PostgreSQL) and the URL to show, password
// masked. Another package that keeps its tables in the same database (the job queue) opens it
// with these, so that both agree on the file and its settings. The data source name may hold a
// password: never log it.
func DataSource(rawURL, dataDir string) (driver, dsn, redacted string, err error) {
	return parseURL(rawURL, dataDir)
}

// RedactError returns err with the password of rawURL masked in its message, for errors of
// another package that opened the database through DataSource.
func RedactError(err error, rawURL string) error { return redactErr(err, rawURL) }

package config

import (
	"bytes"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

func TestLoadDatabase(t *testing.T) {
	const pw = "S3cretPassw0rd"
	pgURL := "postgres://rolebot:" + pw + "@db:5432/rolebot?sslmode=disable"
	tests := []struct {
		name     string
		pairs    []string
		files    files
		wantURL  string
		wantFile string
		wantErr  string
	}{
		{name: "empty: SQLite in DATA_DIR"},
		{name: "postgres", pairs: []string{"DATABASE_URL=" + pgURL}, wantURL: pgURL},
		{name: "postgresql, trimmed", pairs: []string{"DATABASE_URL= postgresql://db/rolebot \n"}, wantURL: "postgresql://db/rolebot"},
		{name: "postgres over a Unix socket", pairs: []string{"DATABASE_URL=postgres:///rolebot?host=/var/run/postgresql"}, wantURL: "postgres:///rolebot?host=/var/run/postgresql"},
		{name: "sqlite file", pairs: []string{"DATABASE_URL=sqlite:///data/r.db"}, wantURL: "sqlite:///data/r.db"},
		{name: "from a file", pairs: []string{"DATABASE_URL_FILE=/s/db"}, files: files{"/s/db": pgURL + "\n"}, wantURL: pgURL, wantFile: "/s/db"},
		{name: "both", pairs: []string{"DATABASE_URL=" + pgURL, "DATABASE_URL_FILE=/s/db"}, files: files{"/s/db": pgURL},
			wantErr: "DATABASE_URL et DATABASE_URL_FILE sont tous deux définis"},
		{name: "missing file", pairs: []string{"DATABASE_URL_FILE=/nowhere"}, wantErr: "DATABASE_URL_FILE illisible"},
		{name: "empty file", pairs: []string{"DATABASE_URL_FILE=/s/db"}, files: files{"/s/db": "\n"}, wantErr: "DATABASE_URL_FILE (/s/db) désigne un fichier vide"},
		{name: "unknown scheme", pairs: []string{"DATABASE_URL=mysql://u:" + pw + "@db/x"}, wantErr: "DATABASE_URL invalide : schéma inconnu"},
		{name: "bad postgres URL", pairs: []string{"DATABASE_URL=postgres://u:" + pw + "@db:port/x"}, wantErr: "DATABASE_URL invalide : adresse PostgreSQL illisible"},
		{name: "bad URL in the file", pairs: []string{"DATABASE_URL_FILE=/s/db"}, files: files{"/s/db": "redis://x"}, wantErr: "DATABASE_URL_FILE invalide : schéma inconnu"},
		{name: "sqlite without a path", pairs: []string{"DATABASE_URL=sqlite://"}, wantErr: "DATABASE_URL invalide : chemin du fichier SQLite manquant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, load := range []func() (Config, error){
				func() (Config, error) { return Load(withTokens(tt.pairs...), tt.files.read) },
				func() (Config, error) { return LoadLocal(environ(tt.pairs...), tt.files.read) },
			} {
				c, err := load()
				if tt.wantErr != "" {
					if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want %q", err, tt.wantErr)
					}
					checkOneLine(t, err, pw)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if c.DatabaseURL.Reveal() != tt.wantURL || c.DatabaseURLFile != tt.wantFile {
					t.Errorf("database = %q from %q, want %q from %q", c.DatabaseURL.Reveal(), c.DatabaseURLFile, tt.wantURL, tt.wantFile)
				}
				var logs bytes.Buffer
				slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "config", c)
				if strings.Contains(logs.String(), pw) {
					t.Errorf("logged configuration shows the password: %s", logs.String())
				}
			}
		})
	}
}

func TestLoadContentOnlyIgnoresDatabase(t *testing.T) {
	c, err := LoadContentOnly(environ("DATABASE_URL_FILE=/nowhere", "DATABASE_URL=mysql://x"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "" || c.DatabaseURLFile != "" {
		t.Errorf("LoadContentOnly kept the database: %q %q", c.DatabaseURL.Reveal(), c.DatabaseURLFile)
	}
}

func TestLoadDataDirAndAdmins(t *testing.T) {
	tests := []struct {
		pairs   []string
		dataDir string
		admins  []string
		wantErr string
	}{
		{pairs: nil, dataDir: "./data"},
		{pairs: []string{"DATA_DIR=/data"}, dataDir: "/data"},
		{pairs: []string{"DATA_DIR=  "}, dataDir: "./data"},
		{pairs: []string{"ADMIN_USER_IDS=U012AB3CD, W045EF6GH,,"}, dataDir: "./data", admins: []string{"U012AB3CD", "W045EF6GH"}},
		{pairs: []string{"ADMIN_USER_IDS=U012AB3CD,claire@example.org"}, wantErr: `ADMIN_USER_IDS invalide : "claire@example.org" n'est pas un identifiant`},
	}
	for _, tt := range tests {
		c, err := LoadLocal(environ(tt.pairs...), noFiles(t))
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.pairs, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.pairs, err)
		}
		if c.DataDir != tt.dataDir || !reflect.DeepEqual(c.AdminUserIDs, tt.admins) {
			t.Errorf("%q: DataDir %q, admins %q", tt.pairs, c.DataDir, c.AdminUserIDs)
		}
	}
}

func TestRedactDatabaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"sqlite:///data/r.db":             "sqlite:///data/r.db",
		"postgres://u:pw@db/x":            "postgres://u:xxxxx@db/x",
		"postgres://u@db/x?password=pw":   "postgres://u@db/x?password=xxxxx",
		"postgres://u:pw@db:port/x":       "(adresse illisible)",
		"postgres://db/x?sslmode=disable": "postgres://db/x?sslmode=disable",
	} {
		if got := RedactDatabaseURL(in); got != want {
			t.Errorf("RedactDatabaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}

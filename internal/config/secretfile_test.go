package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretFileCapped checks that every *_FILE variable refuses a file over
// MaxSecretFileSize with an error naming the variable, for a sparse 1 GiB
// file read through ReadSecretFile (which stops after MaxSecretFileSize+1
// bytes) and for any readFile that returns too much.
func TestSecretFileCapped(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 1<<30); err != nil {
		t.Fatal(err)
	}
	justOver := filepath.Join(dir, "over")
	if err := os.WriteFile(justOver, []byte("xoxb-"+strings.Repeat("a", MaxSecretFileSize)), 0o600); err != nil {
		t.Fatal(err)
	}
	atCap := filepath.Join(dir, "atcap")
	if err := os.WriteFile(atCap, []byte("postgres://db/rolebot\n"+strings.Repeat(" ", MaxSecretFileSize-len("postgres://db/rolebot\n"))), 0o600); err != nil {
		t.Fatal(err)
	}
	tooBig := func(string) ([]byte, error) { return make([]byte, MaxSecretFileSize+1), nil }

	tests := []struct {
		name     string
		load     func() (Config, error)
		wantVar  string
		wantPath string
	}{
		{name: "app token, 1 GiB", load: func() (Config, error) {
			return Load(environ("SLACK_APP_TOKEN_FILE="+huge, "SLACK_BOT_TOKEN="+botTok), nil)
		}, wantVar: "SLACK_APP_TOKEN_FILE", wantPath: huge},
		{name: "bot token, one byte over", load: func() (Config, error) {
			return Load(environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN_FILE="+justOver), ReadSecretFile)
		}, wantVar: "SLACK_BOT_TOKEN_FILE", wantPath: justOver},
		{name: "database URL, 1 GiB", load: func() (Config, error) {
			return LoadLocal(environ("DATABASE_URL_FILE="+huge), nil)
		}, wantVar: "DATABASE_URL_FILE", wantPath: huge},
		{name: "any readFile", load: func() (Config, error) {
			return Load(environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN_FILE=/s/bot"), tooBig)
		}, wantVar: "SLACK_BOT_TOKEN_FILE", wantPath: "/s/bot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.load()
			var ve *VarError
			if !errors.As(err, &ve) || ve.Var != tt.wantVar {
				t.Fatalf("err = %v, want a *VarError on %s", err, tt.wantVar)
			}
			if !errors.Is(err, ErrSecretFileTooLarge) {
				t.Errorf("err = %v, want ErrSecretFileTooLarge", err)
			}
			want := tt.wantVar + " (" + tt.wantPath + ") désigne un fichier de plus de 64 Kio"
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %q, want it to start with %q", err, want)
			}
			checkOneLine(t, err)
		})
	}

	// A file of exactly MaxSecretFileSize bytes is still accepted.
	c, err := LoadLocal(environ("DATABASE_URL_FILE="+atCap), nil)
	if err != nil || c.DatabaseURL.Reveal() != "postgres://db/rolebot" {
		t.Errorf("file at the cap: url %q, err %v; want it read", c.DatabaseURL.Reveal(), err)
	}
}

// endless is a reader that never ends, counting the bytes read from it.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	e.n += len(p)
	return len(p), nil
}

// TestReadCappedStopsAtCap checks that a secret is refused after reading
// MaxSecretFileSize+1 bytes, however much more the source holds.
func TestReadCappedStopsAtCap(t *testing.T) {
	r := &endless{}
	b, err := readCapped(r, "/dev/endless")
	if !errors.Is(err, ErrSecretFileTooLarge) || b != nil {
		t.Fatalf("readCapped = %d bytes, %v; want ErrSecretFileTooLarge", len(b), err)
	}
	if r.n != MaxSecretFileSize+1 {
		t.Errorf("read %d bytes, want %d", r.n, MaxSecretFileSize+1)
	}
	if !strings.Contains(err.Error(), "/dev/endless") {
		t.Errorf("err = %q, want it to name the file", err)
	}
}

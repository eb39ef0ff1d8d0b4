package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Made-up tokens of each kind; none is a real token.
const (
	appTok  = "xapp-1-A0TEST00001-1234567890-0123456789abcdef"
	botTok  = "xoxb-1234567890-0987654321-TESTtestTESTtest"
	userTok = "xoxp-1234567890-1111111111-TESTuserTOKEN"
)

// environ returns the environment of the given name=value pairs.
func environ(pairs ...string) map[string]string {
	m := map[string]string{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}

// withTokens returns a valid serve environment plus the given pairs.
func withTokens(pairs ...string) map[string]string {
	m := environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN="+botTok)
	maps.Copy(m, environ(pairs...))
	return m
}

// files is a fake file system for readFile.
type files map[string]string

func (f files) read(name string) ([]byte, error) {
	if s, ok := f[name]; ok {
		return []byte(s), nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// noFiles fails the test if a file is read.
func noFiles(t *testing.T) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		t.Errorf("unexpected read of %s", name)
		return nil, fs.ErrPermission
	}
}

// checkOneLine checks an error message is one line, leaks none of the
// secrets, and, for a *VarError, starts with its variable's name.
func checkOneLine(t *testing.T, err error, secrets ...string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error spans several lines: %q", msg)
	}
	for _, form := range []string{msg, errorf("%v", err), errorf("%+v", err), errorf("%#v", err)} {
		for _, s := range secrets {
			if s != "" && strings.Contains(form, s) {
				t.Errorf("error shows a token: %q", form)
			}
		}
	}
	var ve *VarError
	if errors.As(err, &ve) && !strings.HasPrefix(msg, ve.Var+" ") {
		t.Errorf("error %q does not start with its variable %s", msg, ve.Var)
	}
}

func TestLoadDefaults(t *testing.T) {
	env := withTokens()
	before := maps.Clone(env)
	c, err := Load(env, noFiles(t))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		AppToken:        appTok,
		BotToken:        botTok,
		APIURL:          "https://slack.com/api/",
		HTTPAddr:        ":8080",
		LogLevel:        "info",
		LogFormat:       "json",
		Command:         "/role",
		Workers:         8,
		ShutdownTimeout: 10 * time.Second,
		QueueAgeWarning: 2 * time.Minute,

		ContentGitInterval: time.Minute,
		DataDir:            "./data",
		// 90 days.
		FeedbackRetention: LongDuration(90 * 24 * time.Hour),
		ReportSchedule:    mustSchedule(t, "lundi 9h Europe/Paris"),
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load = %+v\nwant %+v", c, want)
	}
	if c.AppToken.Reveal() != appTok || c.BotToken.Reveal() != botTok {
		t.Errorf("tokens not kept as given")
	}
	if !maps.Equal(env, before) {
		t.Errorf("Load changed its environment: %v", env)
	}
}

func TestLoadEmptyMeansDefault(t *testing.T) {
	env := withTokens("SLACK_API_URL=", "HTTP_ADDR=", "LOG_LEVEL=", "LOG_FORMAT=", "ROLEBOT_COMMAND=", "WORKERS=", "SHUTDOWN_TIMEOUT=", "CONTENT_DIR=", "CONTENT_BASE_URL=")
	c, err := Load(env, noFiles(t))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.APIURL != "https://slack.com/api/" || c.HTTPAddr != ":8080" || c.LogLevel != "info" || c.LogFormat != "json" ||
		c.Command != "/role" || c.Workers != 8 || c.ShutdownTimeout != 10*time.Second || c.ContentDir != "" || c.ContentBaseURL != "" {
		t.Errorf("empty variables did not give the defaults: %+v", c)
	}
}

func TestLoadValues(t *testing.T) {
	tests := []struct {
		name  string
		pairs []string
		check func(Config) bool
	}{
		{"api url kept", []string{"SLACK_API_URL=http://127.0.0.1:9999/api/"}, func(c Config) bool { return c.APIURL == "http://127.0.0.1:9999/api/" }},
		{"api url gets its slash", []string{"SLACK_API_URL=https://slack.example/api"}, func(c Config) bool { return c.APIURL == "https://slack.example/api/" }},
		{"api url host only", []string{"SLACK_API_URL=https://slack.example"}, func(c Config) bool { return c.APIURL == "https://slack.example/" }},
		{"api url trimmed", []string{"SLACK_API_URL= https://slack.example/api \n"}, func(c Config) bool { return c.APIURL == "https://slack.example/api/" }},
		{"content dir", []string{"CONTENT_DIR=/content"}, func(c Config) bool { return c.ContentDir == "/content" }},
		{"content base url", []string{"CONTENT_BASE_URL=https://equipe.gitbook.io/produit"}, func(c Config) bool { return c.ContentBaseURL == "https://equipe.gitbook.io/produit/" }},
		{"content base url http", []string{"CONTENT_BASE_URL=http://docs.local/"}, func(c Config) bool { return c.ContentBaseURL == "http://docs.local/" }},
		{"http addr", []string{"HTTP_ADDR=127.0.0.1:9090"}, func(c Config) bool { return c.HTTPAddr == "127.0.0.1:9090" }},
		{"http addr ipv6", []string{"HTTP_ADDR=[::1]:9090"}, func(c Config) bool { return c.HTTPAddr == "[::1]:9090" }},
		{"log level debug", []string{"LOG_LEVEL=debug"}, func(c Config) bool { return c.LogLevel == "debug" }},
		{"log level upper case", []string{"LOG_LEVEL=WARN"}, func(c Config) bool { return c.LogLevel == "warn" }},
		{"log level error", []string{"LOG_LEVEL=error"}, func(c Config) bool { return c.LogLevel == "error" }},
		{"log format text", []string{"LOG_FORMAT=text"}, func(c Config) bool { return c.LogFormat == "text" }},
		{"log format upper case", []string{"LOG_FORMAT=JSON"}, func(c Config) bool { return c.LogFormat == "json" }},
		{"command", []string{"ROLEBOT_COMMAND=/qui"}, func(c Config) bool { return c.Command == "/qui" }},
		{"workers", []string{"WORKERS=32"}, func(c Config) bool { return c.Workers == 32 }},
		{"workers one", []string{"WORKERS=1"}, func(c Config) bool { return c.Workers == 1 }},
		{"shutdown timeout", []string{"SHUTDOWN_TIMEOUT=1m30s"}, func(c Config) bool { return c.ShutdownTimeout == 90*time.Second }},
		{"shutdown timeout ms", []string{"SHUTDOWN_TIMEOUT=500ms"}, func(c Config) bool { return c.ShutdownTimeout == 500*time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(withTokens(tt.pairs...), noFiles(t))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("Load(%q) = %+v", tt.pairs, c)
			}
		})
	}
}

func TestLoadTokens(t *testing.T) {
	const (
		appFile = "/var/run/secrets/rolebot/app-token"
		botFile = "/var/run/secrets/rolebot/bot-token"
	)
	tests := []struct {
		name     string
		env      map[string]string
		files    files
		wantApp  string
		wantBot  string
		wantVar  string // the variable the (first) error names
		wantErr  string // the whole message, or a part of it with partial
		partial  bool
		wantIs   error
		wantFile [2]string
	}{
		{name: "both from variables", env: environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN="+botTok), wantApp: appTok, wantBot: botTok},
		{name: "surrounding spaces trimmed", env: environ("SLACK_APP_TOKEN= "+appTok+"\n", "SLACK_BOT_TOKEN=\t"+botTok), wantApp: appTok, wantBot: botTok},
		{
			name:     "both from files, trailing newline trimmed",
			env:      environ("SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN_FILE="+botFile),
			files:    files{appFile: appTok + "\n", botFile: botTok + "\r\n"},
			wantApp:  appTok,
			wantBot:  botTok,
			wantFile: [2]string{appFile, botFile},
		},
		{
			name:     "one from a file, one from a variable",
			env:      environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN_FILE="+botFile),
			files:    files{botFile: botTok},
			wantApp:  appTok,
			wantBot:  botTok,
			wantFile: [2]string{"", botFile},
		},
		{
			name:     "empty variable beside its file is unset",
			env:      environ("SLACK_APP_TOKEN=", "SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN="+botTok),
			files:    files{appFile: appTok + "\n"},
			wantApp:  appTok,
			wantBot:  botTok,
			wantFile: [2]string{appFile, ""},
		},
		{
			name:    "app token missing",
			env:     environ("SLACK_BOT_TOKEN=" + botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN manquant : le jeton d'application (xapp-…) est requis (ou SLACK_APP_TOKEN_FILE, chemin d'un fichier qui le contient)",
		},
		{
			name:    "bot token missing",
			env:     environ("SLACK_APP_TOKEN=" + appTok),
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN manquant : le jeton de bot (xoxb-…) est requis (ou SLACK_BOT_TOKEN_FILE, chemin d'un fichier qui le contient)",
		},
		{
			name:    "both missing, on one line",
			env:     environ(),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN manquant : le jeton d'application (xapp-…) est requis (ou SLACK_APP_TOKEN_FILE, chemin d'un fichier qui le contient) ; " +
				"SLACK_BOT_TOKEN manquant : le jeton de bot (xoxb-…) est requis (ou SLACK_BOT_TOKEN_FILE, chemin d'un fichier qui le contient)",
		},
		{
			name:    "app token empty",
			env:     environ("SLACK_APP_TOKEN=", "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN vide : le jeton d'application (xapp-…) est requis (ou SLACK_APP_TOKEN_FILE, chemin d'un fichier qui le contient)",
		},
		{
			name:    "bot token blank",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN=  \n"),
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN vide : ",
			partial: true,
		},
		{
			name:    "variable and file both set",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN="+botTok),
			files:   files{appFile: appTok},
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN et SLACK_APP_TOKEN_FILE sont tous deux définis : gardez l'un ou l'autre",
		},
		{
			name:    "bot variable and file both set",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN="+botTok, "SLACK_BOT_TOKEN_FILE="+botFile),
			files:   files{botFile: botTok},
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN et SLACK_BOT_TOKEN_FILE sont tous deux définis : gardez l'un ou l'autre",
		},
		{
			name:    "file missing",
			env:     environ("SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN_FILE",
			wantErr: "SLACK_APP_TOKEN_FILE illisible : open " + appFile + ": file does not exist",
			wantIs:  fs.ErrNotExist,
		},
		{
			name:    "file empty",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN_FILE="+botFile),
			files:   files{botFile: "\n"},
			wantVar: "SLACK_BOT_TOKEN_FILE",
			wantErr: "SLACK_BOT_TOKEN_FILE (" + botFile + ") désigne un fichier vide : le jeton de bot (xoxb-…) y est attendu",
		},
		{
			name:    "bot token in the app variable",
			env:     environ("SLACK_APP_TOKEN="+botTok, "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN contient un jeton de bot (xoxb-…) : les deux jetons sont inversés ?",
		},
		{
			name:    "app token in the bot variable",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN="+appTok),
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN contient un jeton d'application (xapp-…) : les deux jetons sont inversés ?",
		},
		{
			name:    "both swapped",
			env:     environ("SLACK_APP_TOKEN="+botTok, "SLACK_BOT_TOKEN="+appTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN et SLACK_BOT_TOKEN sont inversés : SLACK_APP_TOKEN contient le jeton de bot (xoxb-…) et SLACK_BOT_TOKEN contient le jeton d'application (xapp-…)",
		},
		{
			name:    "both swapped in files",
			env:     environ("SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN_FILE="+botFile),
			files:   files{appFile: botTok + "\n", botFile: appTok + "\n"},
			wantVar: "SLACK_APP_TOKEN_FILE",
			wantErr: "SLACK_APP_TOKEN_FILE et SLACK_BOT_TOKEN_FILE sont inversés : SLACK_APP_TOKEN_FILE contient le jeton de bot (xoxb-…) et SLACK_BOT_TOKEN_FILE contient le jeton d'application (xapp-…)",
		},
		{
			name:    "swapped token in a file",
			env:     environ("SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN="+botTok),
			files:   files{appFile: botTok + "\n"},
			wantVar: "SLACK_APP_TOKEN_FILE",
			wantErr: "SLACK_APP_TOKEN_FILE (" + appFile + ") contient un jeton de bot (xoxb-…) : les deux jetons sont inversés ?",
		},
		{
			name:    "user token as bot token",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN="+userTok),
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN contient un jeton utilisateur (xoxp-…) : le jeton de bot (xoxb-…) est attendu",
		},
		{
			name:    "configuration token as app token",
			env:     environ("SLACK_APP_TOKEN=xoxe.xoxp-1-SECRETSECRET", "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN contient un jeton de configuration ou de rafraîchissement (xoxe…) : le jeton d'application (xapp-…) est attendu",
		},
		{
			name:    "wrong prefix",
			env:     environ("SLACK_APP_TOKEN=SECRETSECRET", "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN ne commence pas par xapp- : le jeton d'application (xapp-…) est attendu",
		},
		{
			name:    "upper case prefix",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN=XOXB-SECRETSECRET"),
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN ne commence pas par xoxb- : le jeton de bot (xoxb-…) est attendu",
		},
		{
			name:    "prefix alone",
			env:     environ("SLACK_APP_TOKEN=xapp-", "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN incomplet : le jeton d'application (xapp-…) est attendu en entier",
		},
		{
			name:    "bearer prefix",
			env:     environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN=Bearer "+botTok),
			wantVar: "SLACK_BOT_TOKEN",
			wantErr: "SLACK_BOT_TOKEN contient des espaces ou des caractères invisibles : le jeton de bot (xoxb-…) seul est attendu",
		},
		{
			name:    "two lines in a file",
			env:     environ("SLACK_APP_TOKEN_FILE="+appFile, "SLACK_BOT_TOKEN="+botTok),
			files:   files{appFile: appTok + "\n" + appTok + "\n"},
			wantVar: "SLACK_APP_TOKEN_FILE",
			wantErr: "SLACK_APP_TOKEN_FILE (" + appFile + ") contient des espaces ou des caractères invisibles : le jeton d'application (xapp-…) seul est attendu",
		},
		{
			name:    "invisible character",
			env:     environ("SLACK_APP_TOKEN="+appTok+"\u200b", "SLACK_BOT_TOKEN="+botTok),
			wantVar: "SLACK_APP_TOKEN",
			wantErr: "SLACK_APP_TOKEN contient des espaces ou des caractères invisibles",
			partial: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.env, tt.files.read)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if c.AppToken.Reveal() != tt.wantApp || c.BotToken.Reveal() != tt.wantBot {
					t.Errorf("tokens = %q, %q; want %q, %q", c.AppToken.Reveal(), c.BotToken.Reveal(), tt.wantApp, tt.wantBot)
				}
				if c.AppTokenFile != tt.wantFile[0] || c.BotTokenFile != tt.wantFile[1] {
					t.Errorf("token files = %q, %q; want %q", c.AppTokenFile, c.BotTokenFile, tt.wantFile)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want error %q", tt.wantErr)
			}
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load returned a configuration with its error: %+v", c)
			}
			if got := err.Error(); tt.partial && !strings.Contains(got, tt.wantErr) || !tt.partial && got != tt.wantErr {
				t.Errorf("error:\n got %q\nwant %q", got, tt.wantErr)
			}
			var ve *VarError
			if !errors.As(err, &ve) || ve.Var != tt.wantVar {
				t.Errorf("error %v names %v, want %s", err, ve, tt.wantVar)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			checkOneLine(t, err, appTok, botTok, userTok, "SECRETSECRET")
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		pair    string
		wantVar string
		wantErr string
	}{
		{"WORKERS=abc", "WORKERS", `WORKERS invalide : "abc" (nombre entier attendu)`},
		{"WORKERS=2.5", "WORKERS", `WORKERS invalide : "2.5" (nombre entier attendu)`},
		{"WORKERS=0", "WORKERS", "WORKERS invalide : 0 (au moins 1)"},
		{"WORKERS=-3", "WORKERS", "WORKERS invalide : -3 (au moins 1)"},
		{"SHUTDOWN_TIMEOUT=10", "SHUTDOWN_TIMEOUT", `SHUTDOWN_TIMEOUT invalide : "10" (durée attendue, exemples : 10s, 1m30s)`},
		{"SHUTDOWN_TIMEOUT=dix", "SHUTDOWN_TIMEOUT", `SHUTDOWN_TIMEOUT invalide : "dix" (durée attendue, exemples : 10s, 1m30s)`},
		{"SHUTDOWN_TIMEOUT=0s", "SHUTDOWN_TIMEOUT", "SHUTDOWN_TIMEOUT invalide : 0s (durée positive attendue, exemple : 10s)"},
		{"SHUTDOWN_TIMEOUT=-5s", "SHUTDOWN_TIMEOUT", "SHUTDOWN_TIMEOUT invalide : -5s (durée positive attendue, exemple : 10s)"},
		{"LOG_LEVEL=verbose", "LOG_LEVEL", `LOG_LEVEL invalide : "verbose" (valeurs possibles : debug, info, warn, error)`},
		{"LOG_LEVEL=info+2", "LOG_LEVEL", `LOG_LEVEL invalide : "info+2" (valeurs possibles : debug, info, warn, error)`},
		{"LOG_FORMAT=xml", "LOG_FORMAT", `LOG_FORMAT invalide : "xml" (valeurs possibles : json, text)`},
		{"ROLEBOT_COMMAND=role", "ROLEBOT_COMMAND", `ROLEBOT_COMMAND invalide : "role" (une commande Slack commence par /, sans espace ni autre /, 32 caractères au plus, exemple : /role)`},
		{"ROLEBOT_COMMAND=/", "ROLEBOT_COMMAND", `ROLEBOT_COMMAND invalide : "/"`},
		{"ROLEBOT_COMMAND=/qui fait", "ROLEBOT_COMMAND", `ROLEBOT_COMMAND invalide : "/qui fait"`},
		{"ROLEBOT_COMMAND=/qui/fait", "ROLEBOT_COMMAND", `ROLEBOT_COMMAND invalide : "/qui/fait"`},
		{"ROLEBOT_COMMAND=/" + strings.Repeat("a", 32), "ROLEBOT_COMMAND", "ROLEBOT_COMMAND invalide : "},
		{"SLACK_API_URL=slack.com/api/", "SLACK_API_URL", "SLACK_API_URL invalide : adresse http(s) absolue attendue (exemple : https://exemple.fr/chemin/)"},
		{"SLACK_API_URL=ftp://slack.com/api/", "SLACK_API_URL", "SLACK_API_URL invalide : adresse http(s) absolue attendue"},
		{"SLACK_API_URL=https:///api/", "SLACK_API_URL", "SLACK_API_URL invalide : adresse http(s) absolue attendue"},
		{"SLACK_API_URL=https://slack.com/api/%zz", "SLACK_API_URL", "SLACK_API_URL invalide : adresse http(s) absolue attendue"},
		{"SLACK_API_URL=https://user:SECRETSECRET@slack.com/api/", "SLACK_API_URL", "SLACK_API_URL invalide : l'adresse ne doit pas contenir d'identifiants (utilisateur:mot-de-passe@)"},
		{"SLACK_API_URL=https://slack.com/api/?x=1", "SLACK_API_URL", "SLACK_API_URL invalide : l'adresse ne doit avoir ni requête (?…) ni fragment (#…)"},
		{"CONTENT_BASE_URL=/produit/", "CONTENT_BASE_URL", "CONTENT_BASE_URL invalide : adresse http(s) absolue attendue"},
		{"CONTENT_BASE_URL=equipe.gitbook.io/produit", "CONTENT_BASE_URL", "CONTENT_BASE_URL invalide : adresse http(s) absolue attendue"},
		{"CONTENT_BASE_URL=mailto:equipe@exemple.fr", "CONTENT_BASE_URL", "CONTENT_BASE_URL invalide : adresse http(s) absolue attendue"},
		{"CONTENT_BASE_URL=https://equipe.gitbook.io/produit#roles", "CONTENT_BASE_URL", "CONTENT_BASE_URL invalide : l'adresse ne doit avoir ni requête"},
		{"HTTP_ADDR=8080", "HTTP_ADDR", `HTTP_ADDR invalide : "8080" (hôte:port attendu, exemples : :8080, 127.0.0.1:8080)`},
		{"HTTP_ADDR=:http", "HTTP_ADDR", `HTTP_ADDR invalide : ":http"`},
		{"HTTP_ADDR=:99999", "HTTP_ADDR", `HTTP_ADDR invalide : ":99999"`},
	}
	for _, tt := range tests {
		t.Run(tt.pair, func(t *testing.T) {
			_, err := Load(withTokens(tt.pair), noFiles(t))
			if err == nil {
				t.Fatalf("Load succeeded, want error %q", tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error:\n got %q\nwant %q…", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), " ; ") {
				t.Errorf("one wrong variable gave several problems: %q", err)
			}
			var ve *VarError
			if !errors.As(err, &ve) || ve.Var != tt.wantVar {
				t.Errorf("error %v names %v, want %s", err, ve, tt.wantVar)
			}
			checkOneLine(t, err, appTok, botTok, "SECRETSECRET")
		})
	}
}

func TestLoadParseErrorsWrapCause(t *testing.T) {
	_, err := Load(withTokens("WORKERS=abc"), noFiles(t))
	var ve *VarError
	if !errors.As(err, &ve) || ve.Err == nil {
		t.Fatalf("error %v does not wrap its cause", err)
	}
	_, err = Load(withTokens("SLACK_API_URL=https://slack.com/%zz"), noFiles(t))
	if !errors.As(err, &ve) || ve.Err == nil {
		t.Fatalf("error %v does not wrap its cause", err)
	}
}

func TestLoadSeveralProblemsOnOneLine(t *testing.T) {
	_, err := Load(environ("WORKERS=x", "LOG_FORMAT=xml", "SLACK_BOT_TOKEN="+appTok), noFiles(t))
	if err == nil {
		t.Fatal("Load succeeded")
	}
	want := []string{"WORKERS invalide", "LOG_FORMAT invalide", "SLACK_APP_TOKEN manquant", "SLACK_BOT_TOKEN contient un jeton d'application"}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if n := strings.Count(err.Error(), " ; "); n != len(want)-1 {
		t.Errorf("error %q has %d separators, want %d", err, n, len(want)-1)
	}
	var errs interface{ Unwrap() []error }
	if !errors.As(err, &errs) || len(errs.Unwrap()) != len(want) {
		t.Errorf("error %v does not unwrap to %d problems", err, len(want))
	}
	checkOneLine(t, err, appTok)
}

func TestLoadNeverReadsTheProcessEnvironment(t *testing.T) {
	t.Setenv("SLACK_APP_TOKEN", appTok)
	t.Setenv("SLACK_BOT_TOKEN", botTok)
	t.Setenv("LOG_LEVEL", "bogus")
	if _, err := Load(nil, noFiles(t)); err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN manquant") {
		t.Errorf("Load(nil) = %v, want the tokens missing", err)
	}
	c, err := LoadContentOnly(nil)
	if err != nil || c.LogLevel != "info" {
		t.Errorf("LoadContentOnly(nil) = %+v, %v; want the defaults", c, err)
	}
}

func TestLoadContentOnly(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{name: "no tokens", env: environ("CONTENT_DIR=/content")},
		{name: "tokens ignored", env: withTokens("CONTENT_DIR=/content")},
		{name: "bad tokens ignored", env: environ("SLACK_APP_TOKEN="+botTok, "SLACK_BOT_TOKEN=nope", "CONTENT_DIR=/content")},
		{name: "token files neither checked nor read", env: environ("SLACK_APP_TOKEN="+appTok, "SLACK_APP_TOKEN_FILE=/nowhere", "SLACK_BOT_TOKEN_FILE=/nowhere", "CONTENT_DIR=/content")},
		{name: "other variables still checked", env: environ("CONTENT_DIR=/content", "LOG_LEVEL=bavard"), wantErr: `LOG_LEVEL invalide : "bavard"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadContentOnly(tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("LoadContentOnly = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadContentOnly: %v", err)
			}
			if c.AppToken != "" || c.BotToken != "" || c.AppTokenFile != "" || c.BotTokenFile != "" {
				t.Errorf("LoadContentOnly kept token settings: %q %q %q %q", c.AppToken.Reveal(), c.BotToken.Reveal(), c.AppTokenFile, c.BotTokenFile)
			}
			if c.ContentDir != "/content" || c.Workers != 8 {
				t.Errorf("LoadContentOnly = %+v", c)
			}
		})
	}
}

func TestHealthURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{":8080", "http://127.0.0.1:8080/healthz"},
		{"0.0.0.0:9090", "http://127.0.0.1:9090/healthz"},
		{"[::]:8080", "http://[::1]:8080/healthz"},
		{"127.0.0.1:8081", "http://127.0.0.1:8081/healthz"},
		{"localhost:8080", "http://localhost:8080/healthz"},
		{"10.0.0.7:8080", "http://10.0.0.7:8080/healthz"},
		{"", "http://127.0.0.1:8080/healthz"},
	}
	for _, tt := range tests {
		if got := (Config{HTTPAddr: tt.addr}).HealthURL(); got != tt.want {
			t.Errorf("HealthURL(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
	c, err := Load(withTokens(), noFiles(t))
	if err != nil || c.HealthURL() != "http://127.0.0.1:8080/healthz" {
		t.Errorf("default HealthURL = %q, %v", c.HealthURL(), err)
	}
}

func TestLogger(t *testing.T) {
	tests := []struct {
		level, format string
		want          []string // messages that must show
		hidden        []string // messages that must not
	}{
		{"debug", "json", []string{"d", "i", "w", "e"}, nil},
		{"info", "json", []string{"i", "w", "e"}, []string{"d"}},
		{"warn", "text", []string{"w", "e"}, []string{"d", "i"}},
		{"error", "text", []string{"e"}, []string{"d", "i", "w"}},
	}
	for _, tt := range tests {
		t.Run(tt.level+"/"+tt.format, func(t *testing.T) {
			c, err := LoadContentOnly(environ("LOG_LEVEL="+tt.level, "LOG_FORMAT="+tt.format))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			log := c.Logger(&buf)
			log.Debug("msg-d")
			log.Info("msg-i")
			log.Warn("msg-w")
			log.Error("msg-e")
			out := buf.String()
			for _, m := range tt.want {
				if !strings.Contains(out, "msg-"+m) {
					t.Errorf("log lacks msg-%s:\n%s", m, out)
				}
			}
			for _, m := range tt.hidden {
				if strings.Contains(out, "msg-"+m) {
					t.Errorf("log shows msg-%s:\n%s", m, out)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				isJSON := json.Valid([]byte(line))
				if isJSON != (tt.format == "json") {
					t.Errorf("%s line %q: JSON = %v", tt.format, line, isJSON)
				}
				if tt.format == "text" && !strings.Contains(line, "level=") {
					t.Errorf("text line %q lacks level=", line)
				}
			}
		})
	}
}

func TestVarsMatchConfig(t *testing.T) {
	vars := Vars()
	typ := reflect.TypeFor[Config]()
	if len(vars) != typ.NumField() {
		t.Fatalf("Vars has %d entries, Config %d fields", len(vars), typ.NumField())
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		v := vars[i]
		if v.Name != name {
			t.Errorf("Vars()[%d] = %s, want %s (field %s)", i, v.Name, name, f.Name)
		}
		if v.Default != f.Tag.Get("envDefault") {
			t.Errorf("%s: Vars default %q, tag %q", name, v.Default, f.Tag.Get("envDefault"))
		}
		if v.Doc == "" || v.Example == "" || strings.Contains(v.Doc, "\n") {
			t.Errorf("%s: Doc and Example must be one non-empty line", name)
		}
		if isToken := strings.HasPrefix(name, "SLACK_") && strings.Contains(name, "_TOKEN"); v.ServeOnly != isToken {
			t.Errorf("%s: ServeOnly = %v", name, v.ServeOnly)
		}
	}
}

func TestEnviron(t *testing.T) {
	src := environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN_FILE=/f", "LOG_LEVEL=", "HOME=/root")
	got := Environ(func(k string) string { return src[k] })
	want := environ("SLACK_APP_TOKEN="+appTok, "SLACK_BOT_TOKEN_FILE=/f")
	if !maps.Equal(got, want) {
		t.Errorf("Environ = %v, want %v", got, want)
	}
	c, err := Load(Environ(func(k string) string { return withTokens("WORKERS=3")[k] }), noFiles(t))
	if err != nil || c.Workers != 3 {
		t.Errorf("Load(Environ(…)) = %+v, %v", c, err)
	}
}

func TestLoadGit(t *testing.T) {
	const gitTok = "glpat-0123456789abcdef"
	readFile := files{"/run/git-token": gitTok + "\n", "/run/empty": "\n"}.read
	tests := []struct {
		name    string
		env     []string
		check   func(c Config) bool
		wantErr string
	}{
		{"no repository", nil, func(c Config) bool {
			return c.ContentGitURL == "" && c.ContentGitInterval == time.Minute && c.DataDir == "./data"
		}, ""},
		{"repository with token file", []string{"CONTENT_GIT_URL= https://git.example.org/guide.git ", "CONTENT_GIT_BRANCH=prod",
			"CONTENT_GIT_PATH=/equipes/produit/", "CONTENT_GIT_TOKEN_FILE=/run/git-token", "CONTENT_GIT_INTERVAL=30s", "DATA_DIR=/data"},
			func(c Config) bool {
				return c.ContentGitURL == "https://git.example.org/guide.git" && c.ContentGitBranch == "prod" &&
					c.ContentGitPath == "equipes/produit" && c.ContentGitToken.Reveal() == gitTok &&
					c.ContentGitInterval == 30*time.Second && c.DataDir == "/data"
			}, ""},
		{"token in the variable", []string{"CONTENT_GIT_URL=file:///srv/guide.git", "CONTENT_GIT_TOKEN=" + gitTok},
			func(c Config) bool { return c.ContentGitToken.Reveal() == gitTok }, ""},
		{"ssh url", []string{"CONTENT_GIT_URL=git@github.com:equipe/guide.git"}, nil, "CONTENT_GIT_URL invalide"},
		{"with CONTENT_DIR", []string{"CONTENT_GIT_URL=file:///srv/guide.git", "CONTENT_DIR=/content"}, nil, "CONTENT_DIR sont tous deux définis"},
		{"both tokens", []string{"CONTENT_GIT_URL=file:///g", "CONTENT_GIT_TOKEN=" + gitTok, "CONTENT_GIT_TOKEN_FILE=/run/git-token"}, nil, "tous deux définis"},
		{"empty token file", []string{"CONTENT_GIT_URL=file:///g", "CONTENT_GIT_TOKEN_FILE=/run/empty"}, nil, "fichier vide"},
		{"missing token file", []string{"CONTENT_GIT_URL=file:///g", "CONTENT_GIT_TOKEN_FILE=/run/none"}, nil, "CONTENT_GIT_TOKEN_FILE illisible"},
		{"interval too short", []string{"CONTENT_GIT_URL=file:///g", "CONTENT_GIT_INTERVAL=10ms"}, nil, "CONTENT_GIT_INTERVAL invalide"},
		{"interval unreadable", []string{"CONTENT_GIT_URL=file:///g", "CONTENT_GIT_INTERVAL=souvent"}, nil, "CONTENT_GIT_INTERVAL invalide"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(withTokens(tt.env...), readFile)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				checkOneLine(t, err, gitTok)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("config %+v", c)
			}
			if logged := fmt.Sprint(c.LogValue()); strings.Contains(logged, gitTok) {
				t.Fatalf("the log shows the git token: %s", logged)
			}
		})
	}
	// healthcheck reads no secret file.
	c, err := LoadContentOnly(withTokens("CONTENT_GIT_URL=file:///g", "CONTENT_GIT_TOKEN_FILE=/run/none"))
	if err != nil || c.ContentGitToken != "" {
		t.Fatalf("LoadContentOnly: %+v, %v", c, err)
	}
}

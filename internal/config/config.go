// Package config reads rolebot's settings from the environment.
//
// Every setting is an environment variable (see Vars for the list). Load
// reads them all for the serve subcommand, Slack tokens included; a token
// may also come from a file named by the variable of the same name ending
// in _FILE, as Kubernetes and Docker mount secrets. LoadContentOnly reads
// everything but the tokens, for healthcheck, which never talks to Slack.
//
// When a variable is wrong, loading fails with one line in French that names
// it, and never shows a token: tokens are kept as Secret, which prints as
// "[redacted]" whatever the way it is printed.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config holds every setting of rolebot. The env tags name the variables;
// envDefault gives the value used when a variable is unset or empty.
type Config struct {
	// AppToken is the app-level token (xapp-…) that opens the Socket Mode
	// connection. Empty when loaded with LoadContentOnly.
	AppToken Secret `env:"SLACK_APP_TOKEN"`
	// AppTokenFile is the file AppToken was read from, if it came from one.
	AppTokenFile string `env:"SLACK_APP_TOKEN_FILE"`
	// BotToken is the bot token (xoxb-…) that calls the Web API. Empty when
	// loaded with LoadContentOnly.
	BotToken Secret `env:"SLACK_BOT_TOKEN"`
	// BotTokenFile is the file BotToken was read from, if it came from one.
	BotTokenFile string `env:"SLACK_BOT_TOKEN_FILE"`

	// APIURL is the base of Slack's Web API, always ending with a slash.
	APIURL string `env:"SLACK_API_URL" envDefault:"https://slack.com/api/"`

	// ContentDir is the content folder to read; empty means the content
	// embedded in the binary.
	ContentDir string `env:"CONTENT_DIR"`
	// ContentBaseURL is the address of the published GitBook, to link each
	// card to its page; empty means no links. When set it is an absolute
	// http(s) URL ending with a slash.
	ContentBaseURL string `env:"CONTENT_BASE_URL"`

	// The content repository (see git.go); ContentGitURL empty means none.
	ContentGitURL           string        `env:"CONTENT_GIT_URL"`
	ContentGitBranch        string        `env:"CONTENT_GIT_BRANCH"`
	ContentGitPath          string        `env:"CONTENT_GIT_PATH"`
	ContentGitToken         Secret        `env:"CONTENT_GIT_TOKEN"`
	ContentGitTokenFile     string        `env:"CONTENT_GIT_TOKEN_FILE"`
	ContentGitInterval      time.Duration `env:"CONTENT_GIT_INTERVAL" envDefault:"1m"`
	ContentGitWebhookSecret Secret        `env:"CONTENT_GIT_WEBHOOK_SECRET"`

	// HTTPAddr is the host:port the health and metrics server listens on.
	HTTPAddr string `env:"HTTP_ADDR" envDefault:":8080"`
	// LogLevel is one of debug, info, warn, error (lower case).
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`
	// LogFormat is json or text.
	LogFormat string `env:"LOG_FORMAT" envDefault:"json"`
	// Command is the slash command rolebot answers, starting with a slash.
	Command string `env:"ROLEBOT_COMMAND" envDefault:"/role"`
	// Workers is the number of questions answered at the same time (≥ 1).
	Workers int `env:"WORKERS" envDefault:"8"`
	// ShutdownTimeout is how long serve drains work after SIGTERM (> 0).
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"10s"`
	// QueueAgeWarning is the age of the oldest unanswered job past which serve logs a
	// warning (> 0): a late queue is a warning, never a readiness failure or a restart.
	QueueAgeWarning time.Duration `env:"QUEUE_AGE_WARNING" envDefault:"2m"`

	// DatabaseURL names the database of the teams: empty for SQLite in DataDir,
	// sqlite:///path/file.db, or postgres://…. A Secret, as it may hold a
	// password. Empty when loaded with LoadContentOnly.
	DatabaseURL Secret `env:"DATABASE_URL"`
	// DatabaseURLFile is the file DatabaseURL was read from, if it came from one.
	DatabaseURLFile string `env:"DATABASE_URL_FILE"`
	// DataDir is the folder of the default SQLite database (created if missing)
	// and of the content repository's copy, so that a restart with the remote
	// down still has content.
	DataDir string `env:"DATA_DIR" envDefault:"./data"`
	// AdminUserIDs are the Slack user ids allowed to edit every channel's team.
	AdminUserIDs []string `env:"ADMIN_USER_IDS" envSeparator:","`

	// FeedbackRetention is how long answers shown and feedback are kept (questions are personal
	// data); older rows are purged. Days ("90d") or a Go duration; > 0.
	FeedbackRetention LongDuration `env:"FEEDBACK_RETENTION" envDefault:"90d"`
	// ReportChannel is the channel id where the weekly content-gap report is posted; empty: none.
	ReportChannel string `env:"REPORT_CHANNEL"`
	// ReportSchedule is when the weekly report is posted in ReportChannel: a weekday and an
	// hour, in Europe/Paris unless it names another zone (see ParseSchedule).
	ReportSchedule Schedule `env:"REPORT_SCHEDULE" envDefault:"lundi 9h"`
}

// Load reads the whole configuration, Slack tokens included, as the serve
// subcommand needs it.
//
// environ maps variable names to values; the command passes
// env.ToMap(os.Environ()), tests pass their own map, and nil is an empty
// environment (Load never reads the process environment itself). readFile
// reads the files named by SLACK_APP_TOKEN_FILE, SLACK_BOT_TOKEN_FILE and
// DATABASE_URL_FILE; the command passes ReadSecretFile, and nil means
// ReadSecretFile. Whatever readFile is, a file over MaxSecretFileSize is
// refused.
//
// On failure the error lists every problem found on one line, each naming
// its variable; errors.As finds the first as a *VarError.
func Load(environ map[string]string, readFile func(string) ([]byte, error)) (Config, error) {
	if readFile == nil {
		readFile = ReadSecretFile
	}
	return load(environ, readFile, true)
}

// LoadContentOnly reads the configuration without the Slack tokens, for a
// subcommand that never connects to Slack (healthcheck; ask and check only
// read CONTENT_DIR, as their -content flag's default): the token variables
// and their _FILE companions are ignored, neither checked nor read, and the
// token fields of the result are empty. The other variables are read and
// checked as by Load.
func LoadContentOnly(environ map[string]string) (Config, error) {
	return load(environ, nil, false)
}

// LoadLocal reads the configuration without the Slack tokens but with the
// database (DATABASE_URL or the file DATABASE_URL_FILE names, read with
// readFile; nil means ReadSecretFile), for the subcommands that read the store
// without talking to Slack: ask --channel, check --database, roster.
func LoadLocal(environ map[string]string, readFile func(string) ([]byte, error)) (Config, error) {
	if readFile == nil {
		readFile = ReadSecretFile
	}
	return load(environ, readFile, false)
}

// load reads every variable. With withTokens it resolves the Slack tokens;
// with a readFile it resolves the database URL (Load and LoadLocal), which
// LoadContentOnly leaves empty.
func load(environ map[string]string, readFile func(string) ([]byte, error), withTokens bool) (Config, error) {
	if environ == nil {
		// env reads os.Environ when given no environment: never let it.
		environ = map[string]string{}
	}
	var c Config
	var errs problems
	failed := map[string]bool{}
	if err := env.ParseWithOptions(&c, env.Options{Environment: environ}); err != nil {
		for _, e := range parseErrors(err, environ) {
			var ve *VarError
			if errors.As(e, &ve) {
				failed[ve.Var] = true
			}
			errs = append(errs, e)
		}
	}

	check := func(name string, f func() *VarError) {
		if failed[name] {
			return
		}
		if ve := f(); ve != nil {
			errs = append(errs, ve)
		}
	}
	check("SLACK_API_URL", func() (ve *VarError) {
		c.APIURL, ve = checkBaseURL("SLACK_API_URL", c.APIURL)
		return ve
	})
	check("CONTENT_BASE_URL", func() (ve *VarError) {
		if c.ContentBaseURL = strings.TrimSpace(c.ContentBaseURL); c.ContentBaseURL == "" {
			return nil
		}
		c.ContentBaseURL, ve = checkBaseURL("CONTENT_BASE_URL", c.ContentBaseURL)
		return ve
	})
	check("HTTP_ADDR", func() (ve *VarError) {
		c.HTTPAddr, ve = checkAddr(strings.TrimSpace(c.HTTPAddr))
		return ve
	})
	check("LOG_LEVEL", func() *VarError {
		c.LogLevel = strings.ToLower(strings.TrimSpace(c.LogLevel))
		switch c.LogLevel {
		case "debug", "info", "warn", "error":
			return nil
		}
		return &VarError{Var: "LOG_LEVEL", Msg: fmt.Sprintf("invalide : %q (valeurs possibles : debug, info, warn, error)", c.LogLevel)}
	})
	check("LOG_FORMAT", func() *VarError {
		c.LogFormat = strings.ToLower(strings.TrimSpace(c.LogFormat))
		switch c.LogFormat {
		case "json", "text":
			return nil
		}
		return &VarError{Var: "LOG_FORMAT", Msg: fmt.Sprintf("invalide : %q (valeurs possibles : json, text)", c.LogFormat)}
	})
	check("ROLEBOT_COMMAND", func() *VarError {
		c.Command = strings.TrimSpace(c.Command)
		cmd := c.Command
		if len(cmd) < 2 || len(cmd) > 32 || cmd[0] != '/' || strings.ContainsAny(cmd[1:], "/ \t\r\n") {
			return &VarError{Var: "ROLEBOT_COMMAND", Msg: fmt.Sprintf("invalide : %q (une commande Slack commence par /, sans espace ni autre /, 32 caractères au plus, exemple : /role)", cmd)}
		}
		return nil
	})
	check("WORKERS", func() *VarError {
		if c.Workers < 1 {
			return &VarError{Var: "WORKERS", Msg: fmt.Sprintf("invalide : %d (au moins 1)", c.Workers)}
		}
		return nil
	})
	check("SHUTDOWN_TIMEOUT", func() *VarError {
		if c.ShutdownTimeout <= 0 {
			return &VarError{Var: "SHUTDOWN_TIMEOUT", Msg: fmt.Sprintf("invalide : %s (durée positive attendue, exemple : 10s)", c.ShutdownTimeout)}
		}
		return nil
	})
	check("QUEUE_AGE_WARNING", func() *VarError {
		if c.QueueAgeWarning <= 0 {
			return &VarError{Var: "QUEUE_AGE_WARNING", Msg: fmt.Sprintf("invalide : %s (durée positive attendue, exemple : 2m)", c.QueueAgeWarning)}
		}
		return nil
	})

	check("DATA_DIR", func() *VarError {
		if c.DataDir = strings.TrimSpace(c.DataDir); c.DataDir == "" {
			c.DataDir = "./data"
		}
		return nil
	})
	check("ADMIN_USER_IDS", func() (ve *VarError) {
		c.AdminUserIDs, ve = checkUserIDs("ADMIN_USER_IDS", c.AdminUserIDs)
		return ve
	})
	errs = append(errs, checkFeedback(&c, failed)...)
	if readFile != nil {
		if ve := resolveDatabase(&c, environ, readFile); ve != nil {
			errs = append(errs, ve)
		}
	} else {
		c.DatabaseURL, c.DatabaseURLFile = "", ""
	}
	errs = append(errs, c.checkGit(environ, readFile, failed)...)

	if withTokens {
		app, bot := appToken(), botToken()
		app.value, app.file, app.varSet = c.AppToken, c.AppTokenFile, strings.TrimSpace(environ[app.name]) != ""
		bot.value, bot.file, bot.varSet = c.BotToken, c.BotTokenFile, strings.TrimSpace(environ[bot.name]) != ""
		c.AppToken, c.AppTokenFile, c.BotToken, c.BotTokenFile = "", "", "", ""
		errs = append(errs, resolveTokens(&app, &bot, environ, readFile)...)
		if len(errs) == 0 {
			c.AppToken, c.AppTokenFile = app.value, app.file
			c.BotToken, c.BotTokenFile = bot.value, bot.file
		}
	} else {
		c.AppToken, c.AppTokenFile, c.BotToken, c.BotTokenFile = "", "", "", ""
	}

	if len(errs) > 0 {
		return Config{}, errs
	}
	return c, nil
}

// VarError is a problem with one environment variable. Its message is one
// line in French that starts with the variable's name, and never shows a
// token.
type VarError struct {
	// Var is the variable at fault, such as SLACK_APP_TOKEN.
	Var string
	// Msg is the rest of the message, after the variable's name.
	Msg string
	// Err is the underlying cause, if any: a file that could not be read,
	// a number or URL that could not be parsed.
	Err error
}

// Error returns the variable's name followed by the message.
func (e *VarError) Error() string { return e.Var + " " + e.Msg }

// Unwrap returns the underlying cause, if any.
func (e *VarError) Unwrap() error { return e.Err }

// problems is every error found while loading, shown on one line.
type problems []error

func (p problems) Error() string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = strings.ReplaceAll(e.Error(), "\n", " ")
	}
	return strings.Join(msgs, " ; ")
}

func (p problems) Unwrap() []error { return p }

// parseErrors turns what env reports into errors naming the variables.
func parseErrors(err error, environ map[string]string) []error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return []error{fmt.Errorf("lecture de la configuration : %w", err)}
	}
	var out []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		if !errors.As(e, &pe) {
			out = append(out, fmt.Errorf("lecture de la configuration : %w", e))
			continue
		}
		name := pe.Name
		if f, ok := reflect.TypeFor[Config]().FieldByName(pe.Name); ok {
			name, _, _ = strings.Cut(f.Tag.Get("env"), ",")
		}
		want := "valeur illisible"
		switch pe.Type {
		case reflect.TypeFor[int]():
			want = "nombre entier attendu"
		case reflect.TypeFor[time.Duration]():
			want = "durée attendue, exemples : 10s, 1m30s"
		case reflect.TypeFor[LongDuration]():
			want = "durée attendue, exemples : 90d, 720h"
		case reflect.TypeFor[Schedule]():
			// ParseSchedule says what is wrong, quoting the value.
			out = append(out, &VarError{Var: name, Msg: "invalide : " + pe.Err.Error(), Err: e})
			continue
		}
		out = append(out, &VarError{Var: name, Msg: fmt.Sprintf("invalide : %q (%s)", environ[name], want), Err: e})
	}
	return out
}

// checkBaseURL checks that raw is an absolute http(s) URL without
// credentials, query or fragment, and returns it ending with a slash.
func checkBaseURL(name, raw string) (string, *VarError) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &VarError{Var: name, Msg: "invalide : adresse http(s) absolue attendue (exemple : https://exemple.fr/chemin/)", Err: err}
	}
	if u.User != nil {
		return "", &VarError{Var: name, Msg: "invalide : l'adresse ne doit pas contenir d'identifiants (utilisateur:mot-de-passe@)"}
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", &VarError{Var: name, Msg: "invalide : l'adresse ne doit avoir ni requête (?…) ni fragment (#…)"}
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	return raw, nil
}

// checkAddr checks that addr is host:port with a numeric port.
func checkAddr(addr string) (string, *VarError) {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return "", &VarError{Var: "HTTP_ADDR", Msg: fmt.Sprintf("invalide : %q (hôte:port attendu, exemples : :8080, 127.0.0.1:8080)", addr), Err: err}
	}
	return addr, nil
}

// Level is the slog level LogLevel names; info when LogLevel is not one of
// the four known names.
func (c Config) Level() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Logger returns a logger writing to w at the level of LOG_LEVEL, as JSON
// lines or as logfmt-like text lines according to LOG_FORMAT (JSON unless
// LogFormat is "text").
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level()}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// LogValue implements slog.LogValuer, so that the configuration can be logged
// at start-up: it shows every setting but the tokens, of which it only says
// whether they are set and which file they came from.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("app_token_set", c.AppToken != ""),
		slog.String("app_token_file", c.AppTokenFile),
		slog.Bool("bot_token_set", c.BotToken != ""),
		slog.String("bot_token_file", c.BotTokenFile),
		slog.String("slack_api_url", c.APIURL),
		slog.String("content_dir", c.ContentDir),
		slog.String("content_base_url", c.ContentBaseURL),
		slog.String("content_git_url", c.ContentGitURL),
		slog.String("content_git_branch", c.ContentGitBranch),
		slog.String("content_git_path", c.ContentGitPath),
		slog.Bool("content_git_token_set", c.ContentGitToken != ""),
		slog.String("content_git_token_file", c.ContentGitTokenFile),
		slog.Duration("content_git_interval", c.ContentGitInterval),
		slog.Bool("content_git_webhook_secret_set", c.ContentGitWebhookSecret != ""),
		slog.String("data_dir", c.DataDir),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("log_level", c.LogLevel),
		slog.String("log_format", c.LogFormat),
		slog.String("command", c.Command),
		slog.Int("workers", c.Workers),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Duration("queue_age_warning", c.QueueAgeWarning),
		slog.String("database", RedactDatabaseURL(c.DatabaseURL.Reveal())),
		slog.String("database_url_file", c.DatabaseURLFile),
		slog.Int("admin_user_ids", len(c.AdminUserIDs)),
		slog.Duration("feedback_retention", c.FeedbackRetention.Duration()),
		slog.String("report_channel", c.ReportChannel),
		slog.String("report_schedule", c.ReportSchedule.String()),
	)
}

// HealthURL is the address of the /healthz endpoint of the server listening
// on HTTPAddr, as reached from the same host (the healthcheck subcommand
// fetches it): a wildcard or empty host becomes the loopback address.
func (c Config) HealthURL() string {
	host, port, err := net.SplitHostPort(c.HTTPAddr)
	if err != nil {
		host, port = "", "8080"
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

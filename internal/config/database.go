package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// userIDPattern is the shape of a Slack user id: U (or W on Enterprise Grid), then upper-case
// letters and digits. internal/store checks the same shape for what it stores.
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{1,31}$`)

// resolveDatabase takes the database URL from DATABASE_URL or from the file DATABASE_URL_FILE
// names (trailing newline trimmed), and checks its scheme. Messages never show the URL: it may
// hold a password.
func resolveDatabase(c *Config, environ map[string]string, readFile func(string) ([]byte, error)) *VarError {
	raw := strings.TrimSpace(c.DatabaseURL.Reveal())
	file := strings.TrimSpace(c.DatabaseURLFile)
	c.DatabaseURL, c.DatabaseURLFile = "", ""
	name := "DATABASE_URL"
	switch {
	case raw != "" && file != "":
		return &VarError{Var: "DATABASE_URL", Msg: "et DATABASE_URL_FILE sont tous deux définis : gardez l'un ou l'autre"}
	case file != "":
		name = "DATABASE_URL_FILE"
		b, ve := readSecret(readFile, name, file)
		if ve != nil {
			return ve
		}
		if raw = strings.TrimSpace(string(b)); raw == "" {
			return &VarError{Var: name, Msg: fmt.Sprintf("(%s) désigne un fichier vide : une adresse de base de données y est attendue", file)}
		}
	}
	if ve := checkDatabaseURL(name, raw); ve != nil {
		return ve
	}
	c.DatabaseURL, c.DatabaseURLFile = Secret(raw), file
	return nil
}

// checkDatabaseURL checks raw's scheme and shape without ever quoting it.
func checkDatabaseURL(name, raw string) *VarError {
	switch {
	case raw == "":
		return nil
	case strings.HasPrefix(raw, "sqlite:"):
		if strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//") == "" {
			return &VarError{Var: name, Msg: "invalide : chemin du fichier SQLite manquant (exemple : sqlite:///data/rolebot.db)"}
		}
		return nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		// No host is fine: the driver then takes the host parameter (a Unix socket) or localhost.
		if _, err := url.Parse(raw); err != nil {
			// url's errors quote the whole URL, password included: never wrap them.
			return &VarError{Var: name, Msg: "invalide : adresse PostgreSQL illisible (exemple : postgres://rolebot:mot-de-passe@db:5432/rolebot)"}
		}
		return nil
	}
	return &VarError{Var: name, Msg: "invalide : schéma inconnu (vide pour SQLite dans DATA_DIR, sqlite:///chemin/fichier.db ou postgres://…)"}
}

// RedactDatabaseURL returns a database URL fit for a log line: the password masked (in the user
// info and in a password parameter), a URL that does not parse replaced whole.
func RedactDatabaseURL(raw string) string {
	if raw == "" || strings.HasPrefix(raw, "sqlite:") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(adresse illisible)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// checkUserIDs trims ids, drops empty ones and checks that each is shaped like a Slack user id.
func checkUserIDs(name string, ids []string) ([]string, *VarError) {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !userIDPattern.MatchString(id) {
			return nil, &VarError{Var: name, Msg: fmt.Sprintf("invalide : %q n'est pas un identifiant d'utilisateur Slack (U… ou W…, exemple : U012AB3CD ; liste séparée par des virgules)", id)}
		}
		out = append(out, id)
	}
	return out, nil
}

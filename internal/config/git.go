package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/rolebot/rolebot/internal/gitsync"
)

// minGitInterval keeps a typo (1ms) from hammering the repository's host.
const minGitInterval = time.Second

// checkGit checks the content repository's settings and reads its token
// from CONTENT_GIT_TOKEN_FILE when that is set. Without CONTENT_GIT_URL the
// other CONTENT_GIT_ variables are ignored.
func (c *Config) checkGit(environ map[string]string, readFile func(string) ([]byte, error), failed map[string]bool) []error {
	var errs []error
	add := func(ve *VarError) {
		if ve != nil {
			errs = append(errs, ve)
		}
	}
	c.ContentGitURL = strings.TrimSpace(c.ContentGitURL)
	c.ContentGitBranch = strings.TrimSpace(c.ContentGitBranch)
	c.ContentGitPath = strings.Trim(strings.TrimSpace(c.ContentGitPath), "/")
	c.DataDir = strings.TrimSpace(c.DataDir)
	if c.ContentGitURL == "" {
		return nil
	}
	if err := gitsync.CheckURL(c.ContentGitURL); err != nil {
		add(&VarError{Var: "CONTENT_GIT_URL", Msg: "invalide : " + err.Error(), Err: err})
	}
	if strings.TrimSpace(c.ContentDir) != "" {
		add(&VarError{Var: "CONTENT_GIT_URL", Msg: "et CONTENT_DIR sont tous deux définis : le contenu vient de l'un ou de l'autre"})
	}
	if !failed["CONTENT_GIT_INTERVAL"] && c.ContentGitInterval < minGitInterval {
		add(&VarError{Var: "CONTENT_GIT_INTERVAL", Msg: fmt.Sprintf("invalide : %s (au moins %s, exemple : 1m)", c.ContentGitInterval, minGitInterval)})
	}
	if c.DataDir == "" {
		add(&VarError{Var: "DATA_DIR", Msg: "vide : un dossier où garder la copie du dépôt est requis"})
	}
	c.ContentGitTokenFile = strings.TrimSpace(c.ContentGitTokenFile)
	if readFile == nil {
		// LoadContentOnly: no secret is read.
		c.ContentGitToken, c.ContentGitTokenFile = "", ""
	} else {
		tok, ve := GitToken(environ, readFile)
		add(ve)
		c.ContentGitToken = tok
	}
	c.ContentGitWebhookSecret = Secret(strings.TrimSpace(c.ContentGitWebhookSecret.Reveal()))
	return errs
}

// GitToken reads the content repository's token from CONTENT_GIT_TOKEN or
// from the file CONTENT_GIT_TOKEN_FILE names (trailing newline trimmed);
// empty when neither is set.
func GitToken(environ map[string]string, readFile func(string) ([]byte, error)) (Secret, *VarError) {
	val := strings.TrimSpace(environ["CONTENT_GIT_TOKEN"])
	file := strings.TrimSpace(environ["CONTENT_GIT_TOKEN_FILE"])
	switch {
	case val != "" && file != "":
		return "", &VarError{Var: "CONTENT_GIT_TOKEN", Msg: "et CONTENT_GIT_TOKEN_FILE sont tous deux définis : gardez l'un ou l'autre"}
	case file != "":
		b, err := readFile(file)
		if err != nil {
			return "", &VarError{Var: "CONTENT_GIT_TOKEN_FILE", Msg: fmt.Sprintf("illisible : %v", err), Err: err}
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", &VarError{Var: "CONTENT_GIT_TOKEN_FILE", Msg: fmt.Sprintf("(%s) désigne un fichier vide : le jeton d'accès au dépôt y est attendu", file)}
		}
		return Secret(tok), nil
	}
	return Secret(val), nil
}

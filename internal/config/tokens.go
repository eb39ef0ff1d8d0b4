package config

import (
	"fmt"
	"strings"
	"unicode"
)

// token is one Slack token being resolved from its variable or its _FILE
// companion, and checked.
type token struct {
	name     string // variable holding the token, e.g. SLACK_APP_TOKEN
	fileName string // variable naming a file holding it, name + "_FILE"
	prefix   string // what the token starts with, e.g. xapp-
	what     string // the token in words, for messages

	value  Secret // the token, once read and trimmed
	file   string // the file it comes from, if any
	varSet bool   // whether name is set to a non-empty value
	defs   bool   // whether name is present in the environment at all
	source string // the variable the token was taken from, for messages
}

func appToken() token {
	return token{
		name:     "SLACK_APP_TOKEN",
		fileName: "SLACK_APP_TOKEN_FILE",
		prefix:   "xapp-",
		what:     "le jeton d'application (xapp-…)",
	}
}

func botToken() token {
	return token{
		name:     "SLACK_BOT_TOKEN",
		fileName: "SLACK_BOT_TOKEN_FILE",
		prefix:   "xoxb-",
		what:     "le jeton de bot (xoxb-…)",
	}
}

// resolveTokens reads both tokens and checks them. When each holds the
// other's kind of token, it says so once.
func resolveTokens(app, bot *token, environ map[string]string, readFile func(string) ([]byte, error)) []error {
	_, app.defs = environ[app.name]
	_, bot.defs = environ[bot.name]
	var errs []error
	appErr := app.read(readFile)
	botErr := bot.read(readFile)
	var appKind, botKind string
	if appErr == nil {
		appKind, appErr = app.check(bot.prefix)
	}
	if botErr == nil {
		botKind, botErr = bot.check(app.prefix)
	}
	if appKind == bot.prefix && botKind == app.prefix {
		return []error{&VarError{
			Var: app.source,
			Msg: fmt.Sprintf("et %s sont inversés : %s contient %s et %s contient %s",
				bot.source, app.source, bot.what, bot.source, app.what),
		}}
	}
	if appErr != nil {
		errs = append(errs, appErr)
	}
	if botErr != nil {
		errs = append(errs, botErr)
	}
	return errs
}

// read takes the token from its variable or from the file its _FILE
// variable names, trimming surrounding white space (the trailing newline of
// a mounted secret).
func (t *token) read(readFile func(string) ([]byte, error)) *VarError {
	t.file = strings.TrimSpace(t.file)
	switch {
	case t.varSet && t.file != "":
		t.value = ""
		return &VarError{Var: t.name, Msg: fmt.Sprintf("et %s sont tous deux définis : gardez l'un ou l'autre", t.fileName)}
	case t.file != "":
		t.source = t.fileName
		b, ve := readSecret(readFile, t.fileName, t.file)
		if ve != nil {
			return ve
		}
		t.value = Secret(strings.TrimSpace(string(b)))
	default:
		t.source = t.name
		t.value = Secret(strings.TrimSpace(t.value.Reveal()))
	}
	return nil
}

// check checks the token read, and returns the prefix of the kind of token
// it holds ("" if unknown). swapped is the prefix of the other token, which
// someone may have put here by mistake.
func (t *token) check(swapped string) (string, *VarError) {
	tok := t.value.Reveal()
	fail := func(format string, args ...any) (string, *VarError) {
		msg := fmt.Sprintf(format, args...)
		if t.source == t.fileName {
			msg = fmt.Sprintf("(%s) %s", t.file, msg)
		}
		return "", &VarError{Var: t.source, Msg: msg}
	}
	if tok == "" {
		switch {
		case t.source == t.fileName:
			return fail("désigne un fichier vide : %s y est attendu", t.what)
		case t.defs:
			return fail("vide : %s est requis (ou %s, chemin d'un fichier qui le contient)", t.what, t.fileName)
		}
		return fail("manquant : %s est requis (ou %s, chemin d'un fichier qui le contient)", t.what, t.fileName)
	}
	if strings.ContainsFunc(tok, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		return fail("contient des espaces ou des caractères invisibles : %s seul est attendu", t.what)
	}
	kind, label := classify(tok)
	switch {
	case kind == t.prefix && tok == kind:
		return fail("incomplet : %s est attendu en entier", t.what)
	case kind == t.prefix:
		return kind, nil
	case kind == swapped:
		_, ve := fail("contient %s (%s…) : les deux jetons sont inversés ?", label, kind)
		return kind, ve
	case kind != "":
		_, ve := fail("contient %s (%s…) : %s est attendu", label, kind, t.what)
		return kind, ve
	}
	return fail("ne commence pas par %s : %s est attendu", t.prefix, t.what)
}

// classify tells which kind of Slack token tok is, by its prefix: it returns
// the prefix and the kind in words, or two empty strings.
func classify(tok string) (prefix, label string) {
	switch {
	case strings.HasPrefix(tok, "xapp-"):
		return "xapp-", "un jeton d'application"
	case strings.HasPrefix(tok, "xoxb-"):
		return "xoxb-", "un jeton de bot"
	case strings.HasPrefix(tok, "xoxp-"):
		return "xoxp-", "un jeton utilisateur"
	case strings.HasPrefix(tok, "xoxe"):
		return "xoxe", "un jeton de configuration ou de rafraîchissement"
	}
	return "", ""
}

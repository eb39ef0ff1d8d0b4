// Command rolebot tells people in a Slack workspace who does what in a
// product team. It answers in Slack (serve), in a terminal (ask), and checks
// content folders (check).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Stamped at build time with -ldflags "-X main.version=… -X main.commit=…".
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// command is one subcommand of rolebot.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) int
}

// environment is what a subcommand may touch of the process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "répond dans Slack (mode socket) : /role, mentions, messages directs", runServe},
		{"ask", "répond à une question dans le terminal", runAsk},
		{"check", "vérifie un dossier de pages (erreurs et avertissements)", runCheck},
		{"roster", "équipes des canaux : import et export CSV, historique des changements", runRoster},
		{"report", "rapport des manques du contenu : questions sans réponse, avis « pas utile »…", runReport},
		{"feedback", "questions et avis enregistrés : purge", runFeedback},
		{"healthcheck", "vérifie qu'un rolebot local répond sur /healthz (pour les conteneurs)", runHealthcheck},
		{"version", "affiche la version", runVersion},
		{"help", "affiche cette aide", nil},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		usage(stdout)
		return 0
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, stdin, stdout, stderr, getenv)
		}
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(stderr, "rolebot : commande inconnue « %s »\n\n", name)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "rolebot : qui fait quoi dans l'équipe produit.")
	fmt.Fprintln(w, "\nUsage : rolebot COMMANDE [options]")
	fmt.Fprintln(w, "\nCommandes :")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n« rolebot COMMANDE -h » détaille une commande.")
}

func runVersion(_ context.Context, env *environment, args []string) int {
	if len(args) == 1 && args[0] == "--content" {
		return contentVersion(env)
	}
	if len(args) > 0 {
		fmt.Fprintln(env.stdout, "Usage : rolebot version [--content]\nAffiche la version et le commit de ce binaire ; avec --content, la version du contenu\n(le commit de la copie locale du dépôt CONTENT_GIT_URL, ou une empreinte de CONTENT_DIR).")
		return 0
	}
	fmt.Fprintf(env.stdout, "rolebot %s (%s)\n", version, commit)
	return 0
}

// parseFlags parses a subcommand's args into fl, and says when the command ends there: with 0
// after -h or --help (fl wrote the usage), with 2 on a bad flag (fl wrote why).
func parseFlags(fl *flag.FlagSet, args []string) (code int, done bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

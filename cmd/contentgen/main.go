// Command contentgen writes a synthetic GitBook folder of French role pages,
// the same as internal/contentgen generates for the scale benchmarks, so
// that rolebot can be tried or load-tested on a large team:
//
//	go run ./cmd/contentgen -pages 10000 -tasks 1000 -out /tmp/equipe
//	go run ./cmd/rolebot check --content /tmp/equipe
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rolebot/rolebot/internal/contentgen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code, 2 for a usage
// error as the flag package does.
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("contentgen", flag.ContinueOnError)
	fl.SetOutput(stderr)
	pages := fl.Int("pages", 100, "nombre de pages de rôle (donc de rôles)")
	tasks := fl.Int("tasks", 10, "nombre de tâches de la matrice de responsabilités")
	seed := fl.Int64("seed", 1, "graine : une même taille et une même graine donnent les mêmes fichiers")
	out := fl.String("out", "", "dossier à créer ou à compléter (obligatoire)")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage : contentgen -out DOSSIER [-pages N] [-tasks N] [-seed N]\n\n"+
			"Écrit un dossier GitBook synthétique : une page d'équipe (README.md) et une page par rôle,\n"+
			"en français, pour les bancs d'essai et les tests de charge.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fl.NArg() > 0:
		fmt.Fprintf(stderr, "contentgen : argument inattendu « %s »\n", fl.Arg(0))
		fl.Usage()
		return 2
	case *out == "":
		fmt.Fprintln(stderr, "contentgen : indiquez le dossier à écrire avec -out DOSSIER")
		fl.Usage()
		return 2
	case *pages < 1:
		fmt.Fprintln(stderr, "contentgen : -pages doit valoir au moins 1")
		return 2
	case *pages > contentgen.MaxPages():
		fmt.Fprintf(stderr, "contentgen : -pages ne peut pas dépasser %d (titres de rôle distincts disponibles)\n", contentgen.MaxPages())
		return 2
	case *tasks < 0:
		fmt.Fprintln(stderr, "contentgen : -tasks ne peut pas être négatif")
		return 2
	}
	start := time.Now()
	if err := contentgen.WriteDir(*out, contentgen.Size{Pages: *pages, Tasks: *tasks, Seed: *seed}); err != nil {
		fmt.Fprintf(stderr, "contentgen : écriture impossible : %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d pages de rôle et %d tâches écrites dans %s en %s\n", *pages, *tasks, *out, time.Since(start).Round(time.Millisecond))
	return 0
}

// Command benchplot draws the scale benchmarks of internal/search
// (BenchmarkScaleBuild and BenchmarkScaleAsk) as one PNG of three panels
// against the number of role pages: build time, heap after the build, and
// the latency of one question, each with its target.
//
// Usage:
//
//	go run ./cmd/benchplot -in docs/bench/scale.txt -out docs/benchmarks.png
//
// The input is go test -bench output (several runs of each benchmark from
// -count N are summarized by their median); scripts/bench.sh writes it.
//
// Flags:
//
//	-in FILE     benchmark results ("-" for standard input); required
//	-out FILE    PNG to write; required
//	-pages LIST  page counts that must be present (default 100,1000,10000)
//
// Exit status: 0 on success, 1 on bad or incomplete input or a write error,
// 2 on a usage error. Messages are in French, on standard error.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// defaultSizes are the page counts of the sub-benchmarks of
// internal/search/scale_test.go.
const defaultSizes = "100,1000,10000"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command, with its arguments and streams passed in so that
// tests can call it; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchplot", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // flag's own messages are in English; ours are below
	in := fs.String("in", "", "")
	out := fs.String("out", "", "")
	sizesFlag := fs.String("pages", defaultSizes, "")
	usage := func(w io.Writer) {
		fmt.Fprint(w, `usage : benchplot -in RÉSULTATS -out IMAGE.png [-pages 100,1000,10000]

Dessine les benchmarks d'échelle (BenchmarkScaleBuild, BenchmarkScaleAsk) en un PNG
de trois panneaux : construction de l'index, mémoire après construction, latence
d'une question. Médiane des mesures quand go test -count N en a produit plusieurs.

  -in FICHIER    sortie de go test -bench (« - » pour l'entrée standard)
  -out FICHIER   image PNG à écrire
  -pages LISTE   nombres de pages qui doivent être mesurés (défaut 100,1000,10000)
`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "benchplot : arguments invalides (%v)\n\n", err)
		usage(stderr)
		return 2
	}
	if *in == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "benchplot : -in et -out sont obligatoires, et aucun autre argument n'est accepté")
		fmt.Fprintln(stderr)
		usage(stderr)
		return 2
	}
	sizes, err := parseSizes(*sizesFlag)
	if err != nil {
		fmt.Fprintf(stderr, "benchplot : %v\n", err)
		return 2
	}

	points, err := readPoints(*in, stdin, sizes)
	if err != nil {
		fmt.Fprintf(stderr, "benchplot : %v\n", err)
		return 1
	}
	var png bytes.Buffer
	if err := render(&png, points); err != nil {
		fmt.Fprintf(stderr, "benchplot : %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, png.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "benchplot : impossible d'écrire l'image : %v\n", err)
		return 1
	}
	runs := points[0].runs
	for _, p := range points {
		runs = min(runs, p.runs)
	}
	fmt.Fprintf(stdout, "%s écrit : %d tailles, de %d à %d pages, médiane d'au moins %d mesure(s) par taille\n",
		*out, len(points), points[0].pages, points[len(points)-1].pages, runs)
	return 0
}

// readPoints parses the benchmark results in the file named in, or stdin
// when in is "-".
func readPoints(in string, stdin io.Reader, sizes []int) ([]point, error) {
	if in == "-" {
		return parseScale(stdin, "entrée standard", sizes)
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, fmt.Errorf("impossible de lire les résultats : %w", err)
	}
	defer f.Close()
	return parseScale(f, in, sizes)
}

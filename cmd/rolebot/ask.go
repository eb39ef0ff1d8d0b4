package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reply"
)

func runAsk(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	asJSON := fl.Bool("json", false, "une réponse JSON par question")
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages à charger (par défaut : le contenu intégré)")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot ask [--json] [--content DOSSIER] QUESTION…
        rolebot ask [--json] -          (une question par ligne sur l'entrée standard)
Répond à une question sur les rôles de l'équipe, en français ou en anglais.
Exemple : rolebot ask "qui porte la vision ?"`)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	snap, code := loadSnapshot(ctx, env, *dir)
	if snap == nil {
		return code
	}
	defer snap.Index.Close()

	answerOne := func(q string) {
		a := snap.Index.Ask(ctx, q)
		if *asJSON {
			b, err := json.Marshal(a)
			if err != nil { // cannot happen with these types; keep the line valid anyway
				b = []byte(`{"intent":"none"}`)
			}
			fmt.Fprintf(env.stdout, "%s\n", b)
			return
		}
		fmt.Fprint(env.stdout, reply.Text(a))
	}
	if fl.NArg() == 1 && fl.Arg(0) == "-" {
		sc := bufio.NewScanner(env.stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		first := true
		for sc.Scan() {
			if !*asJSON && !first {
				fmt.Fprintln(env.stdout)
			}
			first = false
			answerOne(sc.Text())
		}
		if err := sc.Err(); err != nil && err != io.EOF {
			fmt.Fprintf(env.stderr, "rolebot ask : lecture de l'entrée : %v\n", err)
		}
		return 0
	}
	answerOne(strings.Join(fl.Args(), " "))
	return 0
}

// loadSnapshot loads and indexes the content folder dir (embedded content when
// empty), printing errors the way check does. It returns nil and an exit
// code when the content is unusable.
func loadSnapshot(ctx context.Context, env *environment, dir string) (*knowledge.Snapshot, int) {
	fsys, err := knowledge.Open(dir)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot : %v\n", err)
		return nil, 1
	}
	snap, err := knowledge.Load(ctx, fsys)
	if err != nil {
		if snap != nil && snap.Report != nil {
			for _, d := range snap.Report.Diagnostics {
				if d.Severity != gitbook.Note {
					fmt.Fprintln(env.stderr, d.String())
				}
			}
		}
		fmt.Fprintf(env.stderr, "rolebot : contenu inutilisable : %v\n", err)
		return nil, 1
	}
	return snap, 0
}

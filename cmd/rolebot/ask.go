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
	"github.com/rolebot/rolebot/internal/store"
)

func runAsk(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	asJSON := fl.Bool("json", false, "une réponse JSON par question")
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages à charger (par défaut : le contenu intégré)")
	channel := fl.String("channel", "", "identifiant d'un canal Slack (C…) : la réponse nomme les personnes de son équipe")
	dbURL := fl.String("database", "", "avec --channel, adresse de la base (par défaut : DATABASE_URL, sinon SQLite dans DATA_DIR)")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot ask [--json] [--content DOSSIER] [--channel CANAL] QUESTION…
        rolebot ask [--json] -          (une question par ligne sur l'entrée standard)
Répond à une question sur les rôles de l'équipe, en français ou en anglais.
Avec --channel, la réponse nomme qui tient chaque rôle dans ce canal (la base de
rolebot serve) ; en JSON, « people » donne leurs identifiants Slack.
Exemple : rolebot ask --channel C012AB3CD "qui porte la vision ?"`)
		fl.PrintDefaults()
	}
	if code, done := parseFlags(fl, args); done {
		return code
	}
	var people store.Team
	if *channel != "" {
		if !store.ValidChannelID(*channel) {
			fmt.Fprintf(env.stderr, "rolebot ask : « %s » n'est pas un identifiant de canal Slack (C…, exemple : C012AB3CD)\n", *channel)
			return 2
		}
		st, code := openTeams(ctx, env, "ask", *dbURL)
		if st == nil {
			return code
		}
		var err error
		people, err = st.Team(ctx, *channel)
		_ = st.Close()
		if err != nil {
			fmt.Fprintf(env.stderr, "rolebot ask : %v\n", err)
			return 1
		}
		if len(people) == 0 {
			fmt.Fprintf(env.stderr, "rolebot ask : le canal %s n'a pas d'équipe enregistrée (rolebot roster import)\n", *channel)
		}
	}
	snap, code := loadSnapshot(ctx, env, *dir)
	if snap == nil {
		return code
	}
	defer snap.Index.Close()

	answerOne := func(q string) {
		a := snap.Index.Ask(ctx, q)
		if people != nil {
			a.FillPeople(people.People)
		}
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

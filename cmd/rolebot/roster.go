package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/roster"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

// historyLimit is how many changes `roster history` prints unless told otherwise.
const historyLimit = 50

const rosterUsage = `Usage : rolebot roster import [--dry-run] [--content DOSSIER] [--database URL] FICHIER.csv
        rolebot roster export [--channel CANAL] [--database URL]
        rolebot roster history [--channel CANAL] [--limit N] [--database URL]
Les équipes des canaux : qui tient quel rôle.
  import   remplace, en une transaction, l'équipe de chaque canal que nomme le fichier
           (colonnes channel,role,user avec une ligne d'en-tête ; identifiants Slack) ;
           une ligne fausse est signalée « fichier:ligne » et rien n'est écrit ;
           avec --dry-run, affiche ce qui changerait sans rien écrire
  export   écrit les équipes (toutes, ou celle d'un canal) en CSV sur la sortie standard
  history  affiche les derniers changements, du plus récent au plus ancien
La base est celle de rolebot serve : DATABASE_URL (ou DATABASE_URL_FILE), sinon SQLite
dans DATA_DIR ; --database la remplace.`

func runRoster(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, rosterUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub, args := args[0], args[1:]
	fl := flag.NewFlagSet("roster "+sub, flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.Usage = func() { fmt.Fprintln(env.stderr, rosterUsage); fl.PrintDefaults() }
	dbURL := fl.String("database", "", "adresse de la base (par défaut : DATABASE_URL, sinon SQLite dans DATA_DIR)")
	var dir, channel *string
	var limit *int
	var dryRun *bool
	switch sub {
	case "import":
		dir = fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages dont les rôles sont acceptés (par défaut : le contenu intégré)")
		dryRun = fl.Bool("dry-run", false, "affiche les changements sans rien écrire")
	case "export":
		channel = fl.String("channel", "", "identifiant du canal (par défaut : tous)")
	case "history":
		channel = fl.String("channel", "", "identifiant du canal (par défaut : tous)")
		limit = fl.Int("limit", historyLimit, "nombre de changements affichés (0 : tous)")
	default:
		fmt.Fprintf(env.stderr, "rolebot roster : sous-commande inconnue « %s »\n\n%s\n", sub, rosterUsage)
		return 2
	}
	if code, done := parseFlags(fl, args); done {
		return code
	}
	wantArgs := 0
	if sub == "import" {
		wantArgs = 1
	}
	if fl.NArg() != wantArgs {
		fmt.Fprintf(env.stderr, "rolebot roster %s : %d argument(s) attendu(s), %d donné(s)\n\n%s\n", sub, wantArgs, fl.NArg(), rosterUsage)
		return 2
	}

	switch sub {
	case "import":
		return rosterImport(ctx, env, *dbURL, *dir, fl.Arg(0), *dryRun)
	case "export":
		st, code := openTeams(ctx, env, "roster export", *dbURL)
		if st == nil {
			return code
		}
		defer st.Close()
		rows, err := st.Export(ctx)
		if *channel != "" {
			rows = slices.DeleteFunc(rows, func(r store.Row) bool { return r.Channel != *channel })
		}
		if err == nil {
			err = roster.Write(env.stdout, rows)
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "rolebot roster export : %v\n", err)
			return 1
		}
		return 0
	default: // history
		st, code := openTeams(ctx, env, "roster history", *dbURL)
		if st == nil {
			return code
		}
		defer st.Close()
		changes, err := st.History(ctx, *channel, *limit)
		if err == nil {
			err = roster.WriteHistory(env.stdout, changes)
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "rolebot roster history : %v\n", err)
			return 1
		}
		return 0
	}
}

func rosterImport(ctx context.Context, env *environment, dbURL, dir, file string, dryRun bool) int {
	model, code := loadModel(ctx, env, "roster import", dir)
	if model == nil {
		return code
	}
	f, err := os.Open(file)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = file + " : fichier introuvable"
		}
		fmt.Fprintf(env.stderr, "rolebot roster import : %s\n", msg)
		return 1
	}
	defer f.Close()
	rows, err := roster.Parse(f, file, func(r string) bool { _, ok := model.Role(r); return ok }, roleIDs(model))
	if err != nil {
		fmt.Fprintln(env.stderr, err)
		fmt.Fprintf(env.stderr, "rolebot roster import : fichier refusé, rien n'a été écrit.\n")
		return 1
	}
	st, code := openTeams(ctx, env, "roster import", dbURL)
	if st == nil {
		return code
	}
	defer st.Close()
	actor := "rolebot roster import " + file
	if dryRun {
		changes, err := st.PlanImport(ctx, actor, rows)
		if err != nil {
			fmt.Fprintf(env.stderr, "rolebot roster import : %v\n", err)
			return 1
		}
		if err := roster.WriteChanges(env.stdout, changes); err != nil {
			fmt.Fprintf(env.stderr, "rolebot roster import : %v\n", err)
			return 1
		}
		fmt.Fprintf(env.stdout, "Essai (--dry-run), rien n'a été écrit. %s\n", roster.Summary(changes))
		return 0
	}
	changes, err := st.Import(ctx, actor, rows)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot roster import : %v (rien n'a été écrit)\n", err)
		return 1
	}
	fmt.Fprintln(env.stdout, roster.Summary(changes))
	return 0
}

// openTeams opens the store that serve uses (DATABASE_URL, DATABASE_URL_FILE, DATA_DIR), or
// the one dbURL names. It returns nil and an exit code on failure, said on stderr.
func openTeams(ctx context.Context, env *environment, cmd, dbURL string) (*store.Store, int) {
	cfg, err := config.LoadLocal(config.Environ(env.getenv), config.ReadSecretFile)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot %s : %v\n", cmd, err)
		return nil, 1
	}
	if dbURL == "" {
		dbURL = cfg.DatabaseURL.Reveal()
	}
	st, err := store.Open(ctx, dbURL, cfg.DataDir, nil)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot %s : %v\n", cmd, err)
		return nil, 1
	}
	return st, 0
}

// loadModel reads the content folder dir (the embedded content when empty) into the model,
// printing its errors as check does.
func loadModel(ctx context.Context, env *environment, cmd, dir string) (*team.Team, int) {
	fsys, err := knowledge.Open(dir)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot %s : %v\n", cmd, err)
		return nil, 1
	}
	model, rep, err := gitbook.Load(ctx, fsys)
	if err != nil {
		for _, d := range rep.Diagnostics {
			if d.Severity == gitbook.Error {
				fmt.Fprintln(env.stderr, d.String())
			}
		}
		fmt.Fprintf(env.stderr, "rolebot %s : contenu inutilisable : %v\n", cmd, err)
		return nil, 1
	}
	return model, 0
}

func roleIDs(t *team.Team) []string {
	ids := make([]string, len(t.Roles))
	for i, r := range t.Roles {
		ids[i] = r.ID
	}
	return ids
}

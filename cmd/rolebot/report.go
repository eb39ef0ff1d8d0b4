package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/report"
)

const reportUsage = `Usage : rolebot report [--since 7d] [--format text|csv|json] [--content DOSSIER] [--database URL]
        rolebot report --eval [--since 7d] [--content DOSSIER] [--database URL]
Le rapport des manques du contenu sur la période : questions sans réponse (regroupées
quand elles se ressemblent), tâches demandées absentes de la matrice, réponses jugées
« pas utile » avec leurs commentaires, tâches sans responsable demandées, rôles sans
personne dans les canaux qui ont une équipe, équipes dont le rôle a quitté le contenu,
pages les plus citées.
Avec --eval, écrit les questions manquées et mal jugées en lignes d'évaluation (le format
de eval/dev.jsonl), la réponse attendue laissée vide, à remplir.
--since accepte des jours (7d) ou une durée (36h). La base est celle de rolebot serve :
DATABASE_URL (ou DATABASE_URL_FILE), sinon SQLite dans DATA_DIR ; --database la remplace.`

func runReport(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("report", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.Usage = func() { fmt.Fprintln(env.stderr, reportUsage); fl.PrintDefaults() }
	since := fl.String("since", "7d", "période couverte, jusqu'à maintenant : des jours (7d) ou une durée (36h)")
	format := fl.String("format", "text", "text, csv ou json")
	eval := fl.Bool("eval", false, "écrit des lignes d'évaluation (JSON Lines) au lieu du rapport")
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages (par défaut : le contenu intégré)")
	dbURL := fl.String("database", "", "adresse de la base (par défaut : DATABASE_URL, sinon SQLite dans DATA_DIR)")
	if code, done := parseFlags(fl, args); done {
		return code
	}
	if fl.NArg() != 0 {
		fmt.Fprintf(env.stderr, "rolebot report : argument inattendu « %s »\n\n%s\n", fl.Arg(0), reportUsage)
		return 2
	}
	period, err := config.ParseLongDuration(*since)
	if err != nil || period <= 0 {
		fmt.Fprintf(env.stderr, "rolebot report : --since : durée %q illisible ou nulle (exemples : 7d, 30d, 36h)\n", *since)
		return 2
	}
	var write func(r report.Report) error
	switch {
	case *eval:
		write = func(r report.Report) error { return report.Eval(env.stdout, r) }
	case *format == "text":
		write = func(r report.Report) error { return report.Text(env.stdout, r) }
	case *format == "csv":
		write = func(r report.Report) error { return report.CSV(env.stdout, r) }
	case *format == "json":
		write = func(r report.Report) error { return report.JSON(env.stdout, r) }
	default:
		fmt.Fprintf(env.stderr, "rolebot report : --format %q inconnu (text, csv ou json)\n", *format)
		return 2
	}

	snap, code := loadSnapshot(ctx, env, *dir)
	if snap == nil {
		return code
	}
	defer snap.Index.Close()
	st, code := openTeams(ctx, env, "report", *dbURL)
	if st == nil {
		return code
	}
	defer st.Close()
	until := time.Now().UTC()
	r, err := report.Make(ctx, st, snap.Index, until.Add(-period), until)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot report : %v\n", err)
		return 1
	}
	if err := write(r); err != nil {
		fmt.Fprintf(env.stderr, "rolebot report : %v\n", err)
		return 1
	}
	if cfg, err := config.LoadLocal(config.Environ(env.getenv), os.ReadFile); err == nil && period > cfg.FeedbackRetention.Duration() {
		fmt.Fprintf(env.stderr, "rolebot report : la période (%s) dépasse FEEDBACK_RETENTION (%s) : les questions plus anciennes ont pu être effacées.\n",
			*since, cfg.FeedbackRetention.Duration())
	}
	return 0
}

const feedbackUsage = `Usage : rolebot feedback purge [--all] [--database URL]
Efface les questions posées et les avis enregistrés plus anciens que FEEDBACK_RETENTION
(90 jours par défaut) ; avec --all, les efface tous (ce sont des données personnelles).
La base est celle de rolebot serve : DATABASE_URL (ou DATABASE_URL_FILE), sinon SQLite
dans DATA_DIR ; --database la remplace.`

func runFeedback(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, feedbackUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "purge" {
		fmt.Fprintf(env.stderr, "rolebot feedback : sous-commande inconnue « %s »\n\n%s\n", args[0], feedbackUsage)
		return 2
	}
	fl := flag.NewFlagSet("feedback purge", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.Usage = func() { fmt.Fprintln(env.stderr, feedbackUsage); fl.PrintDefaults() }
	all := fl.Bool("all", false, "efface toutes les questions et tous les avis, quel que soit leur âge")
	dbURL := fl.String("database", "", "adresse de la base (par défaut : DATABASE_URL, sinon SQLite dans DATA_DIR)")
	if code, done := parseFlags(fl, args[1:]); done {
		return code
	}
	if fl.NArg() != 0 {
		fmt.Fprintf(env.stderr, "rolebot feedback purge : argument inattendu « %s »\n\n%s\n", fl.Arg(0), feedbackUsage)
		return 2
	}
	cfg, err := config.LoadLocal(config.Environ(env.getenv), os.ReadFile)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot feedback purge : %v\n", err)
		return 1
	}
	st, code := openTeams(ctx, env, "feedback purge", *dbURL)
	if st == nil {
		return code
	}
	defer st.Close()
	retention := cfg.FeedbackRetention.Duration()
	if *all {
		retention = 0
	}
	answers, opinions, err := st.PurgeFeedback(ctx, retention)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot feedback purge : %v\n", err)
		return 1
	}
	what := "toutes"
	if !*all {
		what = "plus anciennes que " + retentionWords(retention)
	}
	fmt.Fprintf(env.stdout, "%d question(s) et %d avis effacés (%s).\n", answers, opinions, what)
	return 0
}

// retentionWords says a retention in days when it is whole days ("90 jours"), else as Go does.
func retentionWords(d time.Duration) string {
	const day = 24 * time.Hour
	if d%day == 0 {
		if d == day {
			return "1 jour"
		}
		return fmt.Sprintf("%d jours", d/day)
	}
	return d.String()
}

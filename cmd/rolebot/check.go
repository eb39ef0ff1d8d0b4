package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

func runCheck(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages à vérifier (par défaut : le contenu intégré)")
	dbURL := fl.String("database", "", "adresse d'une base d'équipes (sqlite:///chemin/rolebot.db ou postgres://…) : liste aussi ses entrées dont le rôle a quitté le contenu")
	notes := fl.Bool("notes", false, "affiche aussi les remarques d'édition, que rolebot écarte de ses réponses")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot check [--notes] [--content DOSSIER] [--database URL]
Vérifie un dossier de pages GitBook : page d'équipe, matrice, pages de rôles.
Affiche « fichier:ligne: error|warning: … » puis un résumé ; code de sortie 0
si le dossier est utilisable (avertissements seulement), 1 sinon. Les
remarques (« note: ») signalent des restes d'édition qu'aucune réponse ne
montre, comme une marque de brouillon hors des parties lues de la page
d'équipe : le résumé les compte, --notes les affiche.
Avec --database, liste aussi les personnes des équipes dont le rôle n'existe plus
dans le contenu (gardées dans la base, plus affichées) ; elles ne changent pas le
code de sortie.`)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fl.NArg() == 1 && *dir == env.getenv("CONTENT_DIR") {
		*dir = fl.Arg(0) // "rolebot check DIR" reads as users expect
	}
	fsys, err := knowledge.Open(*dir)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot check : %v\n", err)
		return 1
	}
	model, rep, _ := gitbook.Load(ctx, fsys)
	for _, d := range rep.Diagnostics {
		if d.Severity != gitbook.Note || *notes {
			fmt.Fprintln(env.stdout, d.String())
		}
	}
	summary := rep.Summary()
	if rep.Notes() > 0 && !*notes {
		summary += " (--notes les affiche)"
	}
	fmt.Fprintln(env.stdout, summary)
	code := 0
	if !rep.OK() {
		code = 1
	}
	if *dbURL != "" && model != nil {
		if c := checkRoster(ctx, env, model, *dbURL); c != 0 {
			code = c
		}
	}
	return code
}

// checkRoster lists the team entries of the database at dbURL whose role id is no longer in
// the content. It returns 1 when the database cannot be read.
func checkRoster(ctx context.Context, env *environment, model *team.Team, dbURL string) int {
	st, err := store.Open(ctx, dbURL, "", nil)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot check : %v\n", err)
		return 1
	}
	defer st.Close()
	orphans, err := st.Orphans(ctx, func(r string) bool { _, ok := model.Role(r); return ok })
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot check : %v\n", err)
		return 1
	}
	for _, o := range orphans {
		fmt.Fprintf(env.stdout, "%s: warning: canal %s : %s tient le rôle « %s », qui n'est plus dans le contenu (gardé dans la base, plus affiché)\n",
			st.URL(), o.Channel, o.User, o.Role)
	}
	switch len(orphans) {
	case 0:
		fmt.Fprintf(env.stdout, "Équipes (%s) : chaque rôle est dans le contenu.\n", st.URL())
	case 1:
		fmt.Fprintf(env.stdout, "Équipes (%s) : 1 entrée dont le rôle a quitté le contenu.\n", st.URL())
	default:
		fmt.Fprintf(env.stdout, "Équipes (%s) : %d entrées dont le rôle a quitté le contenu.\n", st.URL(), len(orphans))
	}
	return 0
}

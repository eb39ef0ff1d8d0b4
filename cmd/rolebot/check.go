package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/knowledge"
)

func runCheck(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages à vérifier (par défaut : le contenu intégré)")
	notes := fl.Bool("notes", false, "affiche aussi les remarques d'édition, que rolebot écarte de ses réponses")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot check [--notes] [--content DOSSIER]
Vérifie un dossier de pages GitBook : page d'équipe, matrice, pages de rôles.
Affiche « fichier:ligne: error|warning: … » puis un résumé ; code de sortie 0
si le dossier est utilisable (avertissements seulement), 1 sinon. Les
remarques (« note: ») signalent des restes d'édition qu'aucune réponse ne
montre, comme une marque de brouillon hors des parties lues de la page
d'équipe : le résumé les compte, --notes les affiche.`)
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
	_, rep, _ := gitbook.Load(ctx, fsys)
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
	if !rep.OK() {
		return 1
	}
	return 0
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

func runCheck(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages à vérifier (par défaut : le contenu intégré)")
	gitURL := fl.String("git", "", "dépôt git à vérifier (https:// ou file://), au lieu d'un dossier ; jeton : CONTENT_GIT_TOKEN ou CONTENT_GIT_TOKEN_FILE")
	branch := fl.String("branch", "", "avec --git : branche à vérifier (par défaut : la branche par défaut du dépôt)")
	sub := fl.String("path", "", "avec --git : dossier de l'équipe, relatif à la racine GitBook (par défaut : cette racine)")
	dbURL := fl.String("database", "", "adresse d'une base d'équipes (sqlite:///chemin/rolebot.db ou postgres://…) : liste aussi ses entrées dont le rôle a quitté le contenu")
	notes := fl.Bool("notes", false, "affiche aussi les remarques d'édition, que rolebot écarte de ses réponses")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot check [--notes] [--content DOSSIER] [--database URL]
        rolebot check --git URL [--branch BRANCHE] [--path DOSSIER] [--notes]
Vérifie un dossier de pages GitBook, ou le dernier commit d'une branche d'un
dépôt tel que Git Sync de GitBook l'écrit : page d'équipe, matrice, pages de
rôles. Affiche « fichier:ligne: error|warning: … » puis un résumé ; code de
sortie 0 si le contenu est utilisable (avertissements seulement), 1 sinon. Les
remarques (« note: ») signalent des restes d'édition qu'aucune réponse ne
montre, comme une marque de brouillon hors des parties lues de la page
d'équipe : le résumé les compte, --notes les affiche.
En-tête YAML d'une page de rôle : « description: » (le résumé), « aliases: »
(les autres noms du rôle) et « questions: » (questions d'exemple auxquelles le
rôle répond, une par élément de liste) ; une valeur mal formée est signalée.
Avec --database, liste aussi les personnes des équipes dont le rôle n'existe plus
dans le contenu (gardées dans la base, plus affichées) ; elles ne changent pas le
code de sortie.`)
		fl.PrintDefaults()
	}
	if code, done := parseFlags(fl, args); done {
		return code
	}
	if *gitURL != "" {
		return checkGit(ctx, env, *gitURL, *branch, *sub, *notes)
	}
	if *branch != "" || *sub != "" {
		fmt.Fprintln(env.stderr, "rolebot check : --branch et --path vont avec --git")
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
	code := printReport(env, rep, "", *notes)
	if *dbURL != "" && model != nil {
		if c := checkRoster(ctx, env, model, *dbURL); c != 0 {
			code = c
		}
	}
	return code
}

// printReport prints the diagnostics (notes only when asked) and the summary,
// followed by what, and returns check's exit code.
func printReport(env *environment, rep *gitbook.Report, what string, notes bool) int {
	for _, d := range rep.Diagnostics {
		if d.Severity != gitbook.Note || notes {
			fmt.Fprintln(env.stdout, d.String())
		}
	}
	summary := rep.Summary() + what
	if rep.Notes() > 0 && !notes {
		summary += " (--notes les affiche)"
	}
	fmt.Fprintln(env.stdout, summary)
	if !rep.OK() {
		return 1
	}
	return 0
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

// checkGit fetches the branch into a temporary copy, removed afterwards, and
// checks it as serve would load it.
func checkGit(ctx context.Context, env *environment, url, branch, sub string, notes bool) int {
	tok, ve := config.GitToken(config.Environ(env.getenv), os.ReadFile)
	if ve != nil {
		fmt.Fprintf(env.stderr, "rolebot check : %v\n", ve)
		return 1
	}
	tmp, err := os.MkdirTemp("", "rolebot-check-")
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot check : %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	c, rep, err := checkRepository(ctx, url, branch, sub, tok.Reveal(), tmp)
	if rep == nil {
		fmt.Fprintf(env.stderr, "rolebot check : %v\n", err)
		return 1
	}
	return printReport(env, rep, fmt.Sprintf(" (commit %s, branche %s)", c.Short(), c.Branch), notes)
}

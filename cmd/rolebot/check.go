package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/knowledge"
)

func runCheck(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	dir := fl.String("content", env.getenv("CONTENT_DIR"), "dossier de pages à vérifier (par défaut : le contenu intégré)")
	gitURL := fl.String("git", "", "dépôt git à vérifier (https:// ou file://), au lieu d'un dossier ; jeton : CONTENT_GIT_TOKEN ou CONTENT_GIT_TOKEN_FILE")
	branch := fl.String("branch", "", "avec --git : branche à vérifier (par défaut : la branche par défaut du dépôt)")
	sub := fl.String("path", "", "avec --git : dossier de l'équipe, relatif à la racine GitBook (par défaut : cette racine)")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot check [--content DOSSIER]
        rolebot check --git URL [--branch BRANCHE] [--path DOSSIER]
Vérifie un dossier de pages GitBook, ou le dernier commit d'une branche d'un
dépôt tel que Git Sync de GitBook l'écrit : page d'équipe, matrice, pages de
rôles. Affiche « fichier:ligne: error|warning: … » puis un résumé ; code de
sortie 0 si le contenu est utilisable (avertissements seulement), 1 sinon.`)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *gitURL != "" {
		return checkGit(ctx, env, *gitURL, *branch, *sub)
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
	_, rep, _ := gitbook.Load(ctx, fsys)
	return printReport(env, rep, "")
}

// printReport prints the diagnostics and the summary, followed by what, and
// returns check's exit code.
func printReport(env *environment, rep *gitbook.Report, what string) int {
	for _, d := range rep.Diagnostics {
		fmt.Fprintln(env.stdout, d.String())
	}
	fmt.Fprintln(env.stdout, rep.Summary()+what)
	if !rep.OK() {
		return 1
	}
	return 0
}

// checkGit fetches the branch into a temporary copy, removed afterwards, and
// checks it as serve would load it.
func checkGit(ctx context.Context, env *environment, url, branch, sub string) int {
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
	return printReport(env, rep, fmt.Sprintf(" (commit %s, branche %s)", c.Short(), c.Branch))
}

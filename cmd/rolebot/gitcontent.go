package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/gitbook"
	"github.com/rolebot/rolebot/internal/gitsync"
	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/knowledge"
)

// gitContent serves the content of the team's repository: every new commit
// is loaded, checked and indexed aside, then swapped in; a refused one leaves
// the last good version serving.
type gitContent struct {
	syncer  *gitsync.Syncer
	trigger chan struct{}
	logger  *slog.Logger
	ready   chan struct{} // closed once a first commit is served
	once    sync.Once
}

// newGitContent wires the repository of cfg to store. Reloads count in
// rolebot_content_reloads_total{result} (as for CONTENT_DIR), fetches in
// rolebot_content_fetches_total{result="ok"|"failed"}.
func newGitContent(cfg config.Config, store *knowledge.Store, gc *knowledge.GC, logger *slog.Logger, reg prometheus.Registerer) (*gitContent, error) {
	repo, err := gitsync.New(gitsync.Options{
		URL:    cfg.ContentGitURL,
		Branch: cfg.ContentGitBranch,
		Dir:    gitsync.DirFor(cfg.DataDir),
		Token:  cfg.ContentGitToken.Reveal(),
	})
	if err != nil {
		return nil, err
	}
	reloads := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rolebot_content_reloads_total",
		Help: "Content reloads, by result (ok, refused).",
	}, []string{"result"})
	fetches := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rolebot_content_fetches_total",
		Help: "Fetches of the content repository, by result (ok, failed).",
	}, []string{"result"})
	for _, c := range []prometheus.Collector{reloads, fetches} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("métriques : %w", err)
		}
	}
	g := &gitContent{trigger: make(chan struct{}, 1), logger: logger, ready: make(chan struct{})}
	rel := knowledge.NewReloader("", store, gc, logger, func(ok bool, _ string) {
		if ok {
			reloads.WithLabelValues("ok").Inc()
			g.once.Do(func() { close(g.ready) })
		} else {
			reloads.WithLabelValues("refused").Inc()
		}
	})
	g.syncer = &gitsync.Syncer{
		Repo:     repo,
		Interval: cfg.ContentGitInterval,
		Logger:   logger,
		OnFetch: func(err error) {
			if err != nil {
				fetches.WithLabelValues("failed").Inc()
			} else {
				fetches.WithLabelValues("ok").Inc()
			}
		},
		Apply: func(ctx context.Context, c gitsync.Checkout) error {
			return rel.ReloadContent(ctx, func() (knowledge.Content, error) {
				return openCheckout(c, cfg.ContentGitPath)
			}, "commit", c.Commit, "branch", c.Branch)
		},
	}
	return g, nil
}

// start follows the branch in the background until ctx ends, and returns
// once a first commit is served (from the remote, or from the copy of an
// earlier run when the remote cannot be reached), or with ctx's error if
// ctx ends first. Until then /readyz says the content is absent.
func (g *gitContent) start(ctx context.Context) error {
	go func() {
		if _, err := g.syncer.Start(ctx); ctx.Err() != nil {
			return
		} else if err != nil {
			// Refused, and logged: Run waits for a better commit.
			g.logger.Warn("premier commit du dépôt de contenu refusé : en attente d'un commit valide")
		}
		g.syncer.Run(ctx, g.trigger)
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-g.ready:
		return nil
	}
}

// webhook is the handler of the push webhook: each valid push asks for a
// fetch at once (one waits at most; more would fetch the same commit).
func (g *gitContent) webhook(secret string) http.Handler {
	return httpapi.Webhook(secret, g.Fetch, g.logger)
}

// Fetch asks for a fetch now, without waiting for it.
func (g *gitContent) Fetch() {
	select {
	case g.trigger <- struct{}{}:
	default:
	}
}

// openCheckout is the content folder of a checked-out commit: the GitBook
// space .gitbook.yaml describes, and sub (CONTENT_GIT_PATH) in it.
func openCheckout(c gitsync.Checkout, sub string) (knowledge.Content, error) {
	repo := os.DirFS(c.Dir)
	sp, err := gitbook.ReadSpace(repo)
	if err != nil {
		return knowledge.Content{}, err
	}
	f, err := sp.Folder(repo, sub)
	if err != nil {
		return knowledge.Content{}, fmt.Errorf("CONTENT_GIT_PATH : %w", err)
	}
	return knowledge.Content{FS: f.FS, Options: f.Options, Version: c.Short()}, nil
}

// checkRepository fetches branch of url into dir and checks it as serve
// would load it. The report is nil when the commit could not be fetched or
// opened (err says why).
func checkRepository(ctx context.Context, url, branch, sub, token, dir string) (gitsync.Checkout, *gitbook.Report, error) {
	repo, err := gitsync.New(gitsync.Options{URL: url, Branch: branch, Dir: dir, Token: token})
	if err != nil {
		return gitsync.Checkout{}, nil, err
	}
	c, err := repo.Fetch(ctx)
	if err != nil {
		return c, nil, err
	}
	content, err := openCheckout(c, sub)
	if err != nil {
		return c, nil, fmt.Errorf("commit %s : %w", c.Short(), err)
	}
	_, rep, err := gitbook.LoadWith(ctx, content.FS, content.Options)
	return c, rep, err
}

// contentVersion prints the version of the content serve would start from:
// the commit of the repository's local copy in DATA_DIR (read, not
// fetched), or the hash of CONTENT_DIR or of the embedded content.
func contentVersion(env *environment) int {
	cfg, err := config.LoadContentOnly(config.Environ(env.getenv))
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot version : %v\n", err)
		return 1
	}
	if cfg.ContentGitURL == "" {
		fsys, err := knowledge.Open(cfg.ContentDir)
		if err != nil {
			fmt.Fprintf(env.stderr, "rolebot version : %v\n", err)
			return 1
		}
		where := "contenu intégré"
		if cfg.ContentDir != "" {
			where = cfg.ContentDir
		}
		fmt.Fprintf(env.stdout, "contenu %s (%s)\n", knowledge.FolderVersion(fsys), where)
		return 0
	}
	c, err := gitsync.Peek(gitsync.DirFor(cfg.DataDir))
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot version : %s : %v (serve la crée à sa première récupération)\n", gitsync.DirFor(cfg.DataDir), err)
		return 1
	}
	fmt.Fprintf(env.stdout, "contenu %s (commit %s, branche %s, %s)\n", c.Short(), c.Commit, c.Branch, cfg.ContentGitURL)
	return 0
}

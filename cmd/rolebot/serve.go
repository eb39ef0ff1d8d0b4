package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/slackbot"
	teamstore "github.com/rolebot/rolebot/internal/store"
)

// The database's upkeep while serve runs: a ping for /readyz, and the purge of expired claims.
const (
	dbPingInterval     = 5 * time.Second
	dbPingTimeout      = 2 * time.Second
	claimPurgeInterval = 10 * time.Minute
	// queueStopGrace bounds, after the bot's own grace period (SHUTDOWN_TIMEOUT), how long
	// River's workers may finish the jobs they hold; what they do not finish stays in the
	// queue for the next process.
	queueStopGrace = 2 * time.Second
)

func runServe(ctx context.Context, env *environment, args []string) int {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, `Usage : rolebot serve
Répond dans Slack en mode socket : la commande slash (/role par défaut), les
mentions et les messages directs, les boutons des fiches et l'onglet Accueil.
Sert aussi /healthz, /readyz et /metrics sur HTTP_ADDR. S'arrête proprement sur
SIGTERM ou SIGINT, après avoir fini les réponses en cours (SHUTDOWN_TIMEOUT).
Se règle par des variables d'environnement :`)
		for _, v := range config.Vars() {
			def := ""
			if v.Default != "" {
				def = " (défaut : " + v.Default + ")"
			}
			fmt.Fprintf(env.stderr, "  %-22s %s%s\n", v.Name, v.Doc, def)
		}
	}
	if code, done := parseFlags(fl, args); done {
		return code
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(env.stderr, "rolebot serve : argument inattendu « %s »\n", fl.Arg(0))
		fl.Usage()
		return 2
	}

	cfg, err := config.Load(config.Environ(env.getenv), config.ReadSecretFile)
	if err != nil {
		fmt.Fprintf(env.stderr, "rolebot serve : %v\n", err)
		return 1
	}
	logger := cfg.Logger(env.stderr)
	logger.Info("démarrage de rolebot", "version", version, "commit", commit, "config", cfg)

	gc := knowledge.NewGC(env.getenv)
	// Answers read the store only: a reload swaps its snapshot. With a
	// content repository it starts empty (/readyz: 503) until the first
	// commit is served.
	store := knowledge.NewStore(nil)
	if cfg.ContentGitURL == "" {
		gc.Begin()
		snap, code := loadSnapshot(ctx, env, cfg.ContentDir)
		if snap == nil {
			return code
		}
		gc.End()
		store.Swap(snap)
		logger.Info("contenu indexé", "version", snap.Version, "dir", cfg.ContentDir)
	}
	defer func() {
		if s := store.Current(); s != nil && s.Index != nil {
			_ = s.Index.Close()
		}
	}()

	reg := httpapi.NewRegistry()
	reg.MustRegister(httpapi.ContentVersion(store))
	metrics, err := slackbot.NewMetrics(reg)
	if err != nil {
		logger.Error("rolebot serve : " + err.Error())
		return 1
	}
	// The HTTP server starts before the database and the bot, so that /readyz says what is
	// awaited (503 with the reason) while the database is retried.
	var bot atomic.Pointer[slackbot.Bot]
	dbHealth := &teamstore.Health{}
	var git *gitContent
	var webhook http.Handler
	if cfg.ContentGitURL != "" {
		if git, err = newGitContent(cfg, store, gc, logger, reg); err != nil {
			logger.Error("rolebot serve : " + err.Error())
			return 1
		}
		if cfg.ContentGitWebhookSecret != "" {
			webhook = git.webhook(cfg.ContentGitWebhookSecret.Reveal())
		}
	}
	srv, err := httpapi.Listen(cfg.HTTPAddr, httpapi.Handler(httpapi.Options{
		Gatherer:  reg,
		Content:   store,
		Connected: func() bool { b := bot.Load(); return b != nil && b.Connected() },
		SlackStatus: func() string {
			if b := bot.Load(); b != nil {
				return b.NotReadyReason()
			}
			return ""
		},
		Database: dbHealth.Err,
		Logger:   logger,
		Webhook:  webhook,
	}), logger)
	if err != nil {
		logger.Error("rolebot serve : " + err.Error())
		return 1
	}
	logger.Info("serveur HTTP à l'écoute", "addr", srv.Addr())
	stopHTTP := func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			logger.Warn(err.Error())
		}
	}

	if git != nil {
		logger.Info("dépôt de contenu suivi", "url", cfg.ContentGitURL, "branch", cfg.ContentGitBranch,
			"path", cfg.ContentGitPath, "interval", cfg.ContentGitInterval, "webhook", webhook != nil)
		if err := git.start(ctx); err != nil {
			// Stopped before any content came: nothing was answered.
			stopHTTP()
			logger.Info("rolebot arrêté avant le premier contenu")
			return 0
		}
	}

	// A replica without its database would answer deliveries that another replica may answer
	// too (claims live there): it connects to Slack only once the database answers.
	teams, err := teamstore.Connect(ctx, cfg.DatabaseURL.Reveal(), cfg.DataDir, logger, dbHealth)
	if err != nil {
		stopHTTP()
		if ctx.Err() != nil {
			logger.Info("rolebot arrêté avant d'avoir joint la base de données")
			return 0
		}
		logger.Error("rolebot serve : " + err.Error())
		return 1
	}
	defer teams.Close()
	go teams.Watch(ctx, dbHealth, dbPingInterval, dbPingTimeout)
	go teams.PurgeEvery(ctx, claimPurgeInterval)

	// The durable queue of answers, in the same database: every question becomes a job there
	// as it is acknowledged, so that a stop or a crash loses none.
	jobMetrics, err := jobs.NewMetrics(reg)
	if err != nil {
		stopHTTP()
		logger.Error("rolebot serve : " + err.Error())
		return 1
	}
	answerer := &jobs.DeferredAnswerer{} // the bot, built below with the queue
	api := slackbot.NewClient(cfg.BotToken, cfg.AppToken, cfg.APIURL)
	// The periodic work (purge, weekly report) runs on the same River client as the answers:
	// River's leader, one replica of all, inserts it.
	queue, err := jobs.Open(ctx, cfg.DatabaseURL.Reveal(), cfg.DataDir, jobs.Config{
		Answerer: answerer, Workers: cfg.Workers, Metrics: jobMetrics, Log: logger,
		Periodic: periodicWork(cfg, teams, store, api, logger),
	})
	if err != nil {
		stopHTTP()
		logger.Error("rolebot serve : " + err.Error())
		return 1
	}
	defer queue.Close()
	reg.MustRegister(queue.Collector())

	b := slackbot.New(slackbot.Options{
		API:             api,
		Store:           store,
		Logger:          logger,
		Metrics:         metrics,
		Command:         cfg.Command,
		BaseURL:         cfg.ContentBaseURL,
		Workers:         cfg.Workers,
		ShutdownTimeout: cfg.ShutdownTimeout,
		Teams:           teams,
		Queue:           queue,
		Admins:          cfg.AdminUserIDs,
		Feedback:        teams, // every answer shown and its feedback, for the report
	})
	bot.Store(b)
	answerer.Set(b)
	// River's workers take the jobs the fast path could not finish, this process's or a
	// stopped one's. They stop after the bot, below, not with ctx.
	if err := queue.Start(context.WithoutCancel(ctx)); err != nil {
		stopHTTP()
		logger.Error("rolebot serve : " + err.Error())
		return 1
	}
	go queue.WatchAge(ctx, min(jobs.DefaultAgeCheck, cfg.QueueAgeWarning), cfg.QueueAgeWarning)

	if cfg.ContentDir != "" {
		// Live content: rebuild aside on every change or SIGHUP; a broken
		// change is refused and the last good index keeps serving.
		reloads := prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rolebot_content_reloads_total",
			Help: "Content reloads, by result (ok, refused).",
		}, []string{"result"})
		reg.MustRegister(reloads)
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		rel := knowledge.NewReloader(cfg.ContentDir, store, gc, logger, func(ok bool, v string) {
			if ok {
				reloads.WithLabelValues("ok").Inc()
				logger.Info("contenu rechargé", "version", v)
			} else {
				reloads.WithLabelValues("refused").Inc()
			}
		})
		go func() {
			if err := rel.Watch(ctx, hup); err != nil {
				logger.Warn("surveillance du contenu impossible", "err", err)
			}
		}()
	}

	runErr := b.Run(ctx)
	stopQueue(ctx, queue, logger)
	stopHTTP()
	if runErr != nil {
		var auth *slackbot.AuthError
		if errors.As(runErr, &auth) {
			logger.Error("rolebot serve : arrêt, " + auth.Error())
		} else {
			logger.Error("rolebot serve : arrêt sur erreur : " + runErr.Error())
		}
		return 1
	}
	logger.Info("rolebot arrêté proprement")
	return 0
}

// stopQueue stops River's workers within queueStopGrace, then logs what the queue still
// holds (every replica's jobs): the next process, or another replica, answers them.
func stopQueue(ctx context.Context, q *jobs.Queue, logger *slog.Logger) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), queueStopGrace)
	defer cancel()
	if err := q.Stop(sctx); err != nil {
		logger.Warn("arrêt de la file des réponses", "err", err)
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), queueStopGrace)
	defer cancel()
	waiting, err := q.Waiting(wctx)
	if err != nil {
		logger.Warn("arrêt : tâches restantes non comptées", "err", err)
		return
	}
	n := 0
	for _, c := range waiting {
		n += c
	}
	logger.Info("arrêt : réponses restant dans la file, pour le prochain processus", "count", n, "by_state", waiting)
}

// runHealthcheck asks a local rolebot for /healthz: the container image has
// no shell or curl, so the binary checks itself.
func runHealthcheck(ctx context.Context, env *environment, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(env.stdout, "Usage : rolebot healthcheck\nInterroge http://127.0.0.1:PORT/healthz (PORT de HTTP_ADDR) ; code 0 si rolebot répond.")
		return 0
	}
	cfg, err := config.LoadContentOnly(config.Environ(env.getenv))
	if err != nil {
		fmt.Fprintf(env.stderr, "healthcheck : %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.HealthURL(), nil)
	if err != nil {
		fmt.Fprintf(env.stderr, "healthcheck : %v\n", err)
		return 1
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.stderr, "healthcheck : %v\n", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(env.stderr, "healthcheck : %s\n", res.Status)
		return 1
	}
	return 0
}

// Command loadtest measures rolebot under load against the fake Slack of
// internal/slacktest, over loopback.
//
//	go run ./cmd/loadtest -n 500 -users 50 -think 1s   # people asking
//	go run ./cmd/loadtest -n 500 -users 50             # a burst, all at once
//
// It starts the fake in this process and the real bot (slackbot.Bot, the
// embedded content, the real slack-go socket-mode client) in a child
// process, as Slack and a bot never share a process. On a machine with two
// CPUs or more, the bot gets CPU 0 to itself and this process the others
// (-pin, with taskset). It sends n slash commands and mentions (half each)
// from the given number of concurrent users, waits for every answer, and
// reports: how many were acknowledged within Slack's 3 s, answered exactly
// once (lost, duplicated), and the ack and answer latencies (p50, p99, max;
// answers from the envelope's write to the answer recorded by the fake).
// Then it sends the same load to a minimal socket-mode client that only
// acknowledges, the floor no bot can beat, and prints rolebot's ack p99 as
// a multiple of the floor's.
//
// By default every user fires all its questions at once. With -wait, each
// user waits for the answer to a question before asking the next: with no
// pause, that keeps the bot's CPU saturated for the whole run. -think adds
// the pause a person takes to read an answer before the next question
// (exponentially distributed around the given mean; it implies -wait),
// which is how people in a workspace actually ask. The floor bot, which
// sends no answers, waits for each ack instead, with the same pauses.
//
// With -database (sqlite, or a URL), every channel the questions go to gets
// a team first, and the bot opens the store as serve does: answers name
// people and events are claimed in the database. -channels spreads the
// questions over that many channels; -replicas starts several bots sharing
// the database on the same fake Slack, which routes each envelope to one of
// their connections.
//
// The exit code is 1 when a question is lost, answered twice, or acknowledged
// late; 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	dbstore "github.com/rolebot/rolebot/internal/store"
)

func main() {
	if isChild() {
		os.Exit(runChild(os.Stdout, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Questions asked in turn: the kinds people ask, from roles to tasks, lists,
// help and things the content does not know.
var questions = []string{
	"designer",
	"qui porte la vision du produit ?",
	"who owns the vision?",
	"qui définit les objectifs ?",
	"qui est responsable de la conception ?",
	"qui priorise le backlog ?",
	"who owns GDPR compliance?",
	"liste des rôles",
	"qui fait quoi ?",
	"chef de projet",
	"product owner",
	"qui s'occupe de l'accessibilité ?",
	"qui fait les tests ?",
	"développeur",
	"qui gère le budget ?",
	"qui anime les rituels agiles ?",
	"responsable produit",
	"coach agile",
	"qui déploie en production ?",
	"aide",
	"qui fait la recherche utilisateur ?",
	"ornithorynque",
	"qui valide les maquettes ?",
	"qui rédige les user stories ?",
	"intrapreneur",
	"qui parle aux utilisateurs ?",
	"sécurité",
	"qui mesure l'impact ?",
	"who writes the code?",
	"qui est le sponsor ?",
}

// options are the command's flags.
type options struct {
	n, users, workers int
	wait              bool
	think             time.Duration
	timeout           time.Duration
	verbose           bool
	cpuProfile        string
	childCPUs         string
	// database is -database: "" for no store, "sqlite" for a temporary
	// SQLite file, or a URL; databaseURL is what the bots open.
	database, databaseURL string
	channels, replicas    int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	fl.IntVar(&o.n, "n", 500, "nombre de questions (moitié commandes slash, moitié mentions)")
	fl.IntVar(&o.users, "users", 50, "nombre d'utilisateurs simultanés")
	fl.IntVar(&o.workers, "workers", slackbot.DefaultWorkers, "WORKERS du bot")
	fl.BoolVar(&o.wait, "wait", false, "chaque utilisateur attend la réponse avant sa question suivante")
	fl.DurationVar(&o.think, "think", 0, "pause moyenne d'un utilisateur entre une réponse et sa question suivante (implique -wait)")
	fl.DurationVar(&o.timeout, "timeout", 60*time.Second, "attente maximale des réponses")
	fl.BoolVar(&o.verbose, "v", false, "journaux du bot (niveau info) sur la sortie d'erreur")
	pin := fl.Bool("pin", true, "avec 2 processeurs ou plus et taskset : le bot sur le processeur 0, le faux Slack et les utilisateurs sur les autres")
	fl.StringVar(&o.cpuProfile, "cpuprofile", "", "écrit le profil CPU du processus de rolebot dans ce fichier")
	fl.StringVar(&o.database, "database", "", "base des équipes : vide pour aucune, « sqlite » pour un fichier temporaire, ou une URL postgres://… ; chaque canal y reçoit une équipe")
	fl.IntVar(&o.channels, "channels", 0, "nombre de canaux où poser les questions, à tour de rôle (0 : un par utilisateur)")
	fl.IntVar(&o.replicas, "replicas", 1, "nombre d'instances de rolebot sur le même faux Slack (plus d'une : -database requis)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.n < 1 || o.users < 1 || o.workers < 1 || o.think < 0 || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "loadtest : -n, -users et -workers doivent être positifs, -think ne peut être négatif, sans autre argument")
		return 2
	}
	if o.channels < 0 || o.replicas < 1 || (o.replicas > 1 && o.database == "") {
		fmt.Fprintln(stderr, "loadtest : -channels ne peut être négatif, -replicas doit être positif, et plusieurs instances partagent une base (-database)")
		return 2
	}
	if o.think > 0 {
		o.wait = true
	}
	if *pin {
		if code, done := pinned(ctx, args, stdout, stderr, &o); done {
			return code
		}
	}
	mode := ", tout à la fois"
	switch {
	case o.think > 0:
		mode = fmt.Sprintf(", chacun attend sa réponse puis %s en moyenne", o.think)
	case o.wait:
		mode = ", chacun attend sa réponse"
	}
	if o.childCPUs != "" {
		mode += ", bot seul sur le processeur " + o.childCPUs
	}
	mode += o.describeDatabase()
	cleanup, err := prepareDatabase(ctx, &o)
	defer cleanup()
	if err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "rolebot : %d questions (%d /role, %d mentions) de %d utilisateurs, %d workers%s\n",
		o.n, (o.n+1)/2, o.n/2, o.users, o.workers, mode)
	bot, in, err := measure(ctx, o, "rolebot", true)
	if err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1
	}
	bot.print(stdout)
	if in.InBotOK {
		fmt.Fprintf(stdout, "  dont dans le bot     p50 %s   p99 %s (lecture de la requête → ack confié à slack-go, histogramme)\n", in.InBotP50, in.InBotP99)
	}
	if in.CPU > 0 && bot.answered > 0 {
		fmt.Fprintf(stdout, "  CPU du bot           %s en tout, démarrage et mise en route compris (%s par question répondue)\n",
			ms(in.CPU), ms(in.CPU/time.Duration(bot.answered)))
	}

	fmt.Fprintf(stdout, "\nplancher (client socket-mode qui ne fait qu'accuser réception), même rafale :\n")
	floor, _, err := measure(ctx, o, "floor", false)
	if err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1
	}
	floor.print(stdout)
	if floor.ack.p99 > 0 {
		fmt.Fprintf(stdout, "\nack p99 de rolebot = %.2f × celui du plancher (%s contre %s)\n",
			float64(bot.ack.p99)/float64(floor.ack.p99), ms(bot.ack.p99), ms(floor.ack.p99))
	}
	if !bot.ok() {
		fmt.Fprintln(stdout, "ÉCHEC : des questions sont perdues, en double, ou accusées après 3 s")
		return 1
	}
	return 0
}

func loadContent(ctx context.Context) (*knowledge.Store, error) {
	fsys, err := knowledge.Open("")
	if err != nil {
		return nil, err
	}
	snap, err := knowledge.Load(ctx, fsys)
	if err != nil {
		return nil, fmt.Errorf("contenu intégré : %w", err)
	}
	return knowledge.NewStore(snap), nil
}

// startRolebot runs the real bot against srv; stop cancels it and returns
// what Run returned.
// With teams (nil for none), answers name people and deliveries are
// claimed in the database, as serve does.
func startRolebot(srv childServer, store *knowledge.Store, teams *dbstore.Store, workers int, logger *slog.Logger, reg prometheus.Registerer) (func() error, error) {
	metrics, err := slackbot.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	o := slackbot.Options{
		API:             slackbot.NewClient(config.Secret(srv.bot), config.Secret(srv.app), srv.apiURL),
		Store:           store,
		Logger:          logger,
		Metrics:         metrics,
		Workers:         workers,
		ShutdownTimeout: 10 * time.Second,
	}
	if teams != nil { // never a nil *Store in a non-nil interface
		o.Teams = teams
	}
	bot := slackbot.New(o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bot.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}, nil
}

// bucketBound is where a quantile of a histogram lies: at most Max, or,
// when Over is set, beyond Max, its last bucket.
type bucketBound struct {
	Max  time.Duration `json:"max"`
	Over bool          `json:"over"`
}

func (b bucketBound) String() string {
	if b.Over {
		return "> " + ms(b.Max)
	}
	return "≤ " + ms(b.Max)
}

// inBot reads the bot's own ack latency histogram: the bucket bounds under
// which half and 99 % of its acks were handed to slack-go.
func inBot(reg *prometheus.Registry) (p50, p99 bucketBound, ok bool) {
	if reg == nil {
		return p50, p99, false
	}
	mfs, err := reg.Gather()
	if err != nil {
		return p50, p99, false
	}
	counts := map[float64]uint64{}
	var total uint64
	for _, mf := range mfs {
		if mf.GetName() != slackbot.MetricAckLatency {
			continue
		}
		for _, m := range mf.GetMetric() {
			h := m.GetHistogram()
			total += h.GetSampleCount()
			for _, b := range h.GetBucket() {
				counts[b.GetUpperBound()] += b.GetCumulativeCount()
			}
		}
	}
	if total == 0 || len(counts) == 0 {
		return p50, p99, false
	}
	bounds := slices.Sorted(maps.Keys(counts))
	at := func(q float64) bucketBound {
		for _, ub := range bounds {
			if float64(counts[ub]) >= q*float64(total) {
				return bucketBound{Max: time.Duration(ub * float64(time.Second))}
			}
		}
		return bucketBound{Max: time.Duration(bounds[len(bounds)-1] * float64(time.Second)), Over: true}
	}
	return at(0.5), at(0.99), true
}

// startFloor runs the least a socket-mode app can do: read each request off
// slack-go's Events channel and acknowledge it, nothing more.
func startFloor(srv childServer) (func() error, error) {
	api := slack.New(srv.bot, slack.OptionAppLevelToken(srv.app), slack.OptionAPIURL(srv.apiURL))
	sm := socketmode.New(api)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = sm.Ack(*evt.Request)
				}
			}
		}
	})
	return func() error {
		cancel()
		wg.Wait()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}, nil
}

// request is one question sent.
type request struct {
	envelope string
	event    string // event_id of a mention
	key      string // the response_url (slash) or channel/ts (mention)
	slash    bool
}

// stats are latency figures.
type stats struct {
	n             int
	p50, p99, max time.Duration
}

func summarize(ds []time.Duration) stats {
	if len(ds) == 0 {
		return stats{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		i := int(math.Ceil(q*float64(len(ds)))) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return stats{n: len(ds), p50: at(0.50), p99: at(0.99), max: ds[len(ds)-1]}
}

// report is the result of one run.
type report struct {
	sent, acked, ackedLate     int
	answered, lost, duplicated int
	busy                       int // told the bot is too busy, by design when its queue is full
	named                      int // answers that mention someone: a channel's team at work
	redelivered                int // events the bot left for Slack to send again, then acked
	ack, answer                stats
	expectAnswers              bool
	elapsed                    time.Duration
	slackErrors                int
	timedOut                   time.Duration // -timeout, when the run did not finish within it
}

func (r report) ok() bool {
	return r.acked == r.sent && r.ackedLate == 0 && (!r.expectAnswers || (r.lost == 0 && r.duplicated == 0))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "  envoyées            %d (mesure complète en %s)\n", r.sent, ms(r.elapsed))
	if r.timedOut > 0 {
		fmt.Fprintf(w, "  DÉLAI DÉPASSÉ       la mesure n'a pas fini en %s (-timeout) : la suite est incomplète\n", r.timedOut)
	}
	fmt.Fprintf(w, "  accusées en ≤ 3 s   %d/%d (en retard : %d)\n", r.acked-r.ackedLate, r.sent, r.ackedLate)
	fmt.Fprintf(w, "  ack                 p50 %s   p99 %s   max %s\n", ms(r.ack.p50), ms(r.ack.p99), ms(r.ack.max))
	if !r.expectAnswers {
		return
	}
	fmt.Fprintf(w, "  répondues une fois  %d/%d (perdues : %d, en double : %d)\n", r.answered-r.duplicated, r.sent, r.lost, r.duplicated)
	if r.redelivered > 0 {
		fmt.Fprintf(w, "  laissées à Slack pour un nouvel envoi (tout plein), puis acceptées : %d\n", r.redelivered)
	}
	if r.named > 0 {
		fmt.Fprintf(w, "  nommant des personnes %d/%d\n", r.named, r.answered)
	}
	if r.busy > 0 {
		fmt.Fprintf(w, "  renvoyées à plus tard (file pleine, « %s ») : %d\n", slackbot.BusyText, r.busy)
	}
	fmt.Fprintf(w, "  réponse             p50 %s   p99 %s   max %s\n", ms(r.answer.p50), ms(r.answer.p99), ms(r.answer.max))
	if r.slackErrors > 0 {
		fmt.Fprintf(w, "  appels Slack en erreur : %d\n", r.slackErrors)
	}
}

// measure starts a fake Slack and a bot of the given kind ("rolebot" or
// "floor") on it in a child process, sends the burst and collects the
// figures.
func measure(ctx context.Context, o options, kind string, expectAnswers bool) (report, childReport, error) {
	var in childReport
	// As Slack does, an event left unacknowledged is delivered again.
	srv, err := slacktest.New(slacktest.Config{Redeliver: true})
	if err != nil {
		return report{}, in, err
	}
	defer srv.Close()
	replicas := 1
	if kind == "rolebot" {
		replicas = max(1, o.replicas)
	}
	var stops []func() (childReport, error)
	stopped := false
	defer func() {
		if !stopped {
			for _, stop := range stops {
				_, _ = stop()
			}
		}
	}()
	for range replicas {
		stop, err := startChild(srv, kind, o)
		if err != nil {
			return report{}, in, err
		}
		stops = append(stops, stop)
	}
	stop := func() (childReport, error) { return stopAll(stops) }
	wctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := srv.WaitConnections(wctx, replicas); err != nil {
		return report{}, in, fmt.Errorf("le bot ne s'est pas connecté : %w", err)
	}
	for len(srv.ConnectionIDs()) < replicas {
		// Every replica routable before the burst, so that each gets its share.
		select {
		case <-wctx.Done():
			return report{}, in, fmt.Errorf("les %d instances ne se sont pas connectées : %w", replicas, wctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	// One question of each kind first, so that the burst measures steady
	// work, not the first connection to the fake or cold caches.
	if expectAnswers {
		warm := o
		warm.n, warm.users, warm.wait, warm.think = 2, 1, true, 0
		if _, err := burst(wctx, srv, warm, true); err != nil {
			return report{}, in, fmt.Errorf("mise en route : %w", err)
		}
		srv.ResetRecords()
	}
	r, err := burst(wctx, srv, o, expectAnswers)
	if err != nil {
		return r, in, err
	}
	stopped = true
	if in, err = stop(); err != nil {
		return r, in, fmt.Errorf("arrêt du bot : %w", err)
	}
	return r, in, nil
}

// burst sends o.n questions from o.users goroutines and waits for their acks
// and, if expectAnswers, their answers.
func burst(ctx context.Context, srv *slacktest.Server, o options, expectAnswers bool) (report, error) {
	botUser := srv.Config().BotUserID
	reqs := make([]request, o.n)
	var (
		mu      sync.Mutex
		byKey   = make(map[string]int, o.n)
		sendErr error
	)
	answered := make([]chan struct{}, o.n)
	for i := range answered {
		answered[i] = make(chan struct{})
	}
	first := make([]bool, o.n)

	// The watcher matches recorded answers to questions as they come. It
	// polls: waiting on every change of the fake would take the fake's lock
	// at each ack and message, and slow down what is measured.
	watchCtx, stopWatch := context.WithCancel(ctx)
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		seen := 0
		for {
			select {
			case <-watchCtx.Done():
				return
			case <-tick.C:
			}
			msgs, next := srv.MessagesSince(seen, slacktest.Posted())
			seen = next
			if len(msgs) == 0 {
				continue
			}
			mu.Lock()
			for _, m := range msgs {
				key := m.ResponseURL
				if m.Method == "chat.postMessage" {
					key = m.Channel + "/" + m.ThreadTS
				}
				if i, ok := byKey[key]; ok && m.OK() && !first[i] {
					first[i] = true
					close(answered[i])
				}
			}
			mu.Unlock()
		}
	}()
	defer func() { stopWatch(); <-watchDone }()

	start := time.Now()
	var wg sync.WaitGroup
	for u := range o.users {
		wg.Go(func() {
			user := fmt.Sprintf("U%08d", u+1)
			// Seeded per user: two runs make the same pauses.
			rng := rand.New(rand.NewPCG(uint64(u), 1))
			for i := u; i < o.n; i += o.users {
				if o.think > 0 {
					// Before the first question too, so users do not all
					// start in the same millisecond.
					select {
					case <-time.After(time.Duration(rng.ExpFloat64() * float64(o.think))):
					case <-ctx.Done():
						return
					}
				}
				q := questions[i%len(questions)]
				channel := o.channelOf(u, i)
				var env, key, event string
				var err error
				if i%2 == 0 {
					key = srv.ResponseURL()
					mu.Lock()
					byKey[key] = i
					mu.Unlock()
					env, err = srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: q, UserID: user, ChannelID: channel, ResponseURL: key})
				} else {
					ts := srv.NewTS()
					key = channel + "/" + ts
					mu.Lock()
					byKey[key] = i
					mu.Unlock()
					event = fmt.Sprintf("EvLOAD%d_%08d", start.UnixNano(), i) // unique across bursts
					env, err = srv.SendEvent(ctx, slacktest.EventsAPI{EventID: event, Event: slacktest.AppMentionEvent{User: user, Text: "<@" + botUser + "> " + q, Channel: channel, TS: ts}})
				}
				mu.Lock()
				reqs[i] = request{envelope: env, event: event, key: key, slash: i%2 == 0}
				if err != nil && sendErr == nil {
					sendErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
				if o.wait {
					if expectAnswers {
						select {
						case <-answered[i]:
						case <-ctx.Done():
							return
						}
					} else if _, err := waitAck(ctx, srv, env, event); err != nil {
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if sendErr != nil {
		return report{}, fmt.Errorf("envoi : %w", sendErr)
	}
	// Wait for every ack, and every answer.
	for _, r := range reqs {
		if _, err := waitAck(ctx, srv, r.envelope, r.event); err != nil {
			break // counted as not acked below
		}
	}
	if expectAnswers {
	answers:
		for i := range answered {
			if reqs[i].slash {
				// A command turned away is answered in its ack.
				if a, err := srv.WaitAck(ctx, reqs[i].envelope); err == nil && strings.Contains(string(a.Payload), slackbot.BusyText) {
					continue
				}
			}
			select {
			case <-answered[i]:
			case <-ctx.Done():
				break answers
			}
		}
	}
	// Decided before the wait below, which may itself outlast ctx.
	cut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	if expectAnswers {
		// Give a duplicate the time to show up.
		time.Sleep(300 * time.Millisecond)
	}
	elapsed := time.Since(start)
	r := tally(srv, reqs, expectAnswers, elapsed)
	if cut {
		// What was not sent or answered in time is counted as lost: say why.
		r.timedOut = o.timeout
	}
	return r, nil
}

// waitAck waits for the ack of a request: of its envelope, or, for an event,
// of any of its deliveries (a bot may leave one for Slack to send again).
func waitAck(ctx context.Context, srv *slacktest.Server, envelope, event string) (slacktest.Ack, error) {
	if event != "" {
		return srv.WaitEventAck(ctx, event)
	}
	return srv.WaitAck(ctx, envelope)
}

// tally computes the report from what the fake recorded.
func tally(srv *slacktest.Server, reqs []request, expectAnswers bool, elapsed time.Duration) report {
	r := report{sent: len(reqs), expectAnswers: expectAnswers, elapsed: elapsed}
	sent := map[string]time.Time{}
	for _, d := range srv.Deliveries() {
		if _, ok := sent[d.EnvelopeID]; !ok {
			sent[d.EnvelopeID] = d.Sent
		}
	}
	acks := map[string]slacktest.Ack{}
	for _, a := range srv.Acks() {
		if _, ok := acks[a.EnvelopeID]; !ok && !a.Unknown {
			acks[a.EnvelopeID] = a
		}
	}
	answers := map[string][]slacktest.Message{}
	for _, m := range srv.Messages(slacktest.Posted()) {
		if !m.OK() {
			r.slackErrors++
			continue
		}
		key := m.ResponseURL
		if m.Method == "chat.postMessage" {
			key = m.Channel + "/" + m.ThreadTS
		}
		answers[key] = append(answers[key], m)
	}
	retried := map[string]bool{} // events acked on a redelivery
	for _, d := range srv.Deliveries() {
		if d.RetryAttempt > 0 && d.Acked {
			retried[d.EventID] = true
		}
	}
	var ackLat, ansLat []time.Duration
	for _, q := range reqs {
		if a, ok := acks[q.envelope]; ok {
			r.acked++
			if a.Late || a.Latency > slacktest.DefaultAckTimeout {
				r.ackedLate++
			}
			ackLat = append(ackLat, a.Latency)
		} else if retried[q.event] {
			r.acked++
			r.redelivered++
		}
		if !expectAnswers {
			continue
		}
		got := answers[q.key]
		if len(got) > 0 && got[0].Text == slackbot.BusyText ||
			len(got) == 0 && q.slash && strings.Contains(string(acks[q.envelope].Payload), slackbot.BusyText) {
			r.busy++
			continue
		}
		switch {
		case len(got) == 0:
			r.lost++
			continue
		case len(got) > 1:
			r.duplicated++
		}
		r.answered++
		if mentionsSomeone(got[0]) {
			r.named++
		}
		if t, ok := sent[q.envelope]; ok {
			ansLat = append(ansLat, got[0].Received.Sub(t))
		}
	}
	r.ack, r.answer = summarize(ackLat), summarize(ansLat)
	return r
}

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
// people. -channels spreads the questions over that many channels.
//
// -path chooses how answers go: "memory" (the default) computes them in
// memory only; "queue" makes every question a job of the durable queue first
// (internal/jobs), in the -database, or a new SQLite file without one, as
// serve does; "both" measures one then the other on the same machine and
// prints their ratio of answer and ack p99. -replicas starts several bots
// sharing the database and its queue (-path queue) on the same fake Slack,
// which routes each envelope to one of their connections.
//
// -record chooses the feedback on answers: "off" (the default) shows no feedback buttons and
// records nothing; "buttons" shows them as serve does but discards every record; "on" shows
// them and records each answer shown for the content-gap report, as serve does (in the
// -database, or a new SQLite file without one). "both" measures buttons then on on the same
// machine and prints their ratio of answer p50 and p99 and the bot's CPU per answer added: what
// recording costs; "all" measures off, buttons and on, and also prints what the buttons cost.
// -rounds repeats these runs, every other round in reverse order, and prints each mode's and
// each ratio's median and range over the rounds; with -cpuprofile, each run writes a profile
// of its own.
//
// -fault (with -path queue) is a rolling update or a crash mid-burst: the
// fake answers chat.postMessage with 429 (Retry-After 3 s) until every
// question is acknowledged, then the first bot gets SIGTERM ("term") or
// SIGKILL ("kill"), Slack lets answers through, and the next bot (started on
// the same database, or the other replica) answers the rest: the report's
// lost and duplicated counts say whether each was answered once. "killpost"
// kills the first bot instead while the fake holds the answers of the
// chat.postMessage calls it has taken (no 429): the gap between Slack's 200
// and the job's completion, which the next bot must not post twice.
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
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rolebot/rolebot/internal/slackbot"
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
	// path is -path; queued says whether this run goes through the durable
	// queue, on queueURL.
	path     string
	queued   bool
	queueURL string
	// fault is -fault: "", faultTerm or faultKill.
	fault string
	// record is -record, rounds -rounds; recording is this run's mode
	// (recordOff, recordButtons, recordOn; empty for off), which records
	// the answers shown in recordURL.
	record    string
	rounds    int
	recording string
	recordURL string
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
	fl.IntVar(&o.replicas, "replicas", 1, "nombre d'instances de rolebot sur le même faux Slack (plus d'une : -database et -path queue requis)")
	fl.StringVar(&o.fault, "fault", "", "« term » ou « kill » : la première instance reçoit SIGTERM ou SIGKILL une fois toutes les questions accusées, pendant que chat.postMessage répond 429 ; « killpost » : SIGKILL pendant que Slack retient les réponses de chat.postMessage déjà prises ; la suivante (ou l'autre instance) répond au reste (-path queue requis)")
	fl.StringVar(&o.record, "record", recordOff, "avis sur les réponses : « off » (ni boutons ni enregistrement), « buttons » (boutons d'avis, enregistrements jetés), « on » (boutons et enregistrement, comme serve, dans -database ou un fichier SQLite neuf), « both » (buttons puis on, comparés) ou « all » (off, buttons et on)")
	fl.IntVar(&o.rounds, "rounds", 1, "nombre de tours des mesures de -record, un tour sur deux dans l'ordre inverse")
	fl.StringVar(&o.path, "path", pathMemory, "chemin des réponses : « memory » (en mémoire), « queue » (file durable, comme serve) ou « both » (les deux, comparés)")
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
	if o.channels < 0 || o.replicas < 1 || (o.replicas > 1 && (o.database == "" || o.path != pathQueue)) {
		fmt.Fprintln(stderr, "loadtest : -channels ne peut être négatif, -replicas doit être positif, et plusieurs instances partagent une base et sa file (-database, -path queue)")
		return 2
	}
	if o.fault != "" && (o.path != pathQueue || (o.fault != faultTerm && o.fault != faultKill && o.fault != faultKillPost)) {
		fmt.Fprintln(stderr, "loadtest : -fault vaut « term », « kill » ou « killpost », avec -path queue")
		return 2
	}
	if o.path != pathMemory && o.path != pathQueue && o.path != pathBoth {
		fmt.Fprintf(stderr, "loadtest : -path %q inconnu : memory, queue ou both\n", o.path)
		return 2
	}
	if !validRecord(o.record) || o.rounds < 1 {
		fmt.Fprintf(stderr, "loadtest : -record %q inconnu (off, buttons, on, both ou all), ou -rounds %d non positif\n", o.record, o.rounds)
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
	mode += o.describeDatabase() + o.describeFault()
	cleanup, err := prepareDatabase(ctx, &o)
	defer cleanup()
	if err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "rolebot : %d questions (%d /role, %d mentions) de %d utilisateurs, %d workers%s\n",
		o.n, (o.n+1)/2, o.n/2, o.users, o.workers, mode)
	var runs, pathRuns []report
	for _, queued := range o.paths() {
		recRuns, err := o.measureRecords(ctx, queued, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest : %v\n", err)
			return 1
		}
		for _, r := range recRuns {
			runs = append(runs, r.bot)
		}
		pathRuns = append(pathRuns, recRuns[0].bot)
	}
	if len(pathRuns) == 2 {
		printPathRatios(stdout, pathRuns[0], pathRuns[1])
	}
	bot := runs[len(runs)-1]

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
	for _, r := range runs {
		if !r.ok() {
			fmt.Fprintln(stdout, "ÉCHEC : des questions sont perdues, en double, ou accusées après 3 s")
			return 1
		}
	}
	return 0
}

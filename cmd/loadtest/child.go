package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/logtail"
	"github.com/rolebot/rolebot/internal/slacktest"
)

// The bots run in a child process, this same binary started again with
// childEnv set: Slack is not in the bot's process either. In one process,
// the fake's goroutines that read acks wait for the bot's answer work to
// leave the Go scheduler a moment to poll the network, and the figures
// measured that, not the bot.
const (
	childEnv     = "LOADTEST_CHILD" // "rolebot" or "floor"
	childWorkers = "LOADTEST_WORKERS"
	childProfile = "LOADTEST_CPUPROFILE"
	childAPIURL  = "LOADTEST_API_URL"
	childBot     = "LOADTEST_BOT_TOKEN"
	childApp     = "LOADTEST_APP_TOKEN"
	pinnedEnv    = "LOADTEST_PINNED" // the CPU list the bots run on
)

// pinned gives the bots a CPU of their own: this process (the fake Slack and
// the users) starts itself again on the other CPUs, and starts the bots on
// CPU 0. On a shared machine, the fake's work for each answer (decoding
// blocks, recording) competes with the bot for the same cores, which Slack's
// servers never do. It returns done when the run happened in the restarted
// process, with its exit code; when it cannot pin (one CPU, no taskset) it
// says so and the run goes on unpinned.
func pinned(ctx context.Context, args []string, stdout, stderr io.Writer, o *options) (code int, done bool) {
	if cpus := os.Getenv(pinnedEnv); cpus != "" {
		o.childCPUs = cpus
		return 0, false
	}
	cpus, err := allowedCPUs()
	taskset, lookErr := exec.LookPath("taskset")
	if err != nil || len(cpus) < 2 || lookErr != nil {
		fmt.Fprintln(stderr, "loadtest : pas de processeur réservé au bot (un seul processeur, ou pas de taskset)")
		return 0, false
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1, true
	}
	// The bots get the first CPU this process may use, this process the
	// others: in a container, they need not be 0 to N-1.
	rest := make([]string, 0, len(cpus)-1)
	for _, c := range cpus[1:] {
		rest = append(rest, strconv.Itoa(c))
	}
	cmd := exec.Command(taskset, append([]string{"--cpu-list", strings.Join(rest, ","), exe}, args...)...)
	cmd.Env = append(os.Environ(), pinnedEnv+"="+strconv.Itoa(cpus[0]))
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1, true
	}
	// On Ctrl-C or SIGTERM, the restarted process is told to stop, as this
	// one was, so that it stops its bots: a SIGKILL would leave them running.
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-waited:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGTERM)
		werr = <-waited
	}
	if werr != nil {
		var exit *exec.ExitError
		if errors.As(werr, &exit) && exit.ExitCode() > 0 {
			return exit.ExitCode(), true
		}
		return 1, true // killed by a signal, or never ran
	}
	return 0, true
}

// allowedCPUs lists the CPUs this process may run on, from Linux's
// /proc/self/status.
func allowedCPUs() ([]int, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, err
	}
	for line := range strings.Lines(string(b)) {
		list, ok := strings.CutPrefix(line, "Cpus_allowed_list:")
		if !ok {
			continue
		}
		return parseCPUList(strings.TrimSpace(list))
	}
	return nil, errors.New("liste des processeurs permis (Cpus_allowed_list) absente de /proc/self/status")
}

// parseCPUList reads a Linux CPU list such as "0-3,8,10-11".
func parseCPUList(list string) ([]int, error) {
	var cpus []int
	for part := range strings.SplitSeq(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("liste de processeurs illisible %q", list)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("liste de processeurs illisible %q", list)
			}
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// childReport is what a child prints on stdout when it stops.
type childReport struct {
	// InBotP50 and InBotP99 bound the bot's own share of ack latency, from
	// its histogram (rolebot only).
	InBotP50 bucketBound `json:"in_bot_p50"`
	InBotP99 bucketBound `json:"in_bot_p99"`
	InBotOK  bool        `json:"in_bot_ok"`
	// AckAnswers counts the bot's slash commands by how their ack went (its
	// rolebot_slash_ack_answers_total, by outcome): how many were answered in
	// their ack in one round, in two, or through their response_url.
	AckAnswers map[string]int `json:"ack_answers,omitempty"`
	// CPU is the CPU time (user and system) the process used in all;
	// SetupCPU what it had used once its bot was built, before it
	// connected: loading the content, opening the databases.
	CPU      time.Duration `json:"cpu"`
	SetupCPU time.Duration `json:"setup_cpu"`
}

// measuredCPU is the CPU the child used from its connection to its stop: the warm-up, the
// burst and what follows it (records written, the stop's flush), not its setup, which differs
// with the databases it opens.
func (r childReport) measuredCPU() time.Duration { return r.CPU - r.SetupCPU }

// cpuUsed is the CPU time (user and system) this process has used, 0 if unknown.
func cpuUsed() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// isChild reports whether this process was started as a bot by startChild.
func isChild() bool { return os.Getenv(childEnv) != "" }

// runChild runs the bot named in the environment until SIGTERM, then prints
// its childReport. It returns the exit code.
func runChild(stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := childServer{apiURL: os.Getenv(childAPIURL), bot: os.Getenv(childBot), app: os.Getenv(childApp)}
	var (
		stopBot func() error
		reg     *prometheus.Registry
		err     error
	)
	if path := os.Getenv(childProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest : %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "loadtest : %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	switch os.Getenv(childEnv) {
	case "rolebot":
		// As serve does: its logs (one JSON line a question) and its
		// garbage collector settings are part of what an answer costs.
		logger := config.Config{LogLevel: "info", LogFormat: "json"}.Logger(stderr)
		workers := 0
		fmt.Sscan(os.Getenv(childWorkers), &workers)
		gc := knowledge.NewGC(os.Getenv)
		gc.Begin()
		store, lerr := loadContent(ctx)
		if lerr != nil {
			fmt.Fprintf(stderr, "loadtest : %v\n", lerr)
			return 1
		}
		gc.End()
		teams, terr := openChildStore(ctx)
		if terr != nil {
			fmt.Fprintf(stderr, "loadtest : base de données : %v\n", terr)
			return 1
		}
		if teams != nil {
			defer teams.Close()
		}
		q, fwd, stopQueue, qerr := openChildQueue(ctx, workers, logger)
		if qerr != nil {
			fmt.Fprintf(stderr, "loadtest : %v\n", qerr)
			return 1
		}
		defer stopQueue() // after the bot: its workers take what the bot left
		record, closeRecord, rerr := openChildRecord(ctx, teams)
		if rerr != nil {
			fmt.Fprintf(stderr, "loadtest : %v\n", rerr)
			return 1
		}
		defer closeRecord()
		reg = prometheus.NewRegistry()
		stopBot, err = startRolebot(srv, store, teams, q, fwd, record, workers, logger, reg)
	case "floor":
		stopBot, err = startFloor(srv)
	default:
		fmt.Fprintf(stderr, "loadtest : %s inconnu : %q\n", childEnv, os.Getenv(childEnv))
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest : %v\n", err)
		return 1
	}
	setup := cpuUsed()
	<-ctx.Done()
	if err := stopBot(); err != nil {
		fmt.Fprintf(stderr, "loadtest : arrêt du bot : %v\n", err)
		return 1
	}
	var rep childReport
	rep.InBotP50, rep.InBotP99, rep.InBotOK = inBot(reg)
	rep.AckAnswers = ackAnswers(reg)
	if rep.CPU = cpuUsed(); rep.CPU > 0 {
		rep.SetupCPU = setup
	}
	if err := json.NewEncoder(stdout).Encode(rep); err != nil {
		return 1
	}
	return 0
}

// childServer is the fake Slack as a child sees it: its address and tokens.
type childServer struct{ apiURL, bot, app string }

// stopFunc stops a child with a signal and returns its report: SIGTERM for a
// clean stop; after SIGKILL there is no report, and no error for it.
type stopFunc func(sig syscall.Signal) (childReport, error)

// startChild starts kind ("rolebot" or "floor") in a child process
// connected to srv; stop signals it and returns its report. Only its first
// call signals: later ones return the same.
func startChild(srv *slacktest.Server, kind string, o options) (stop stopFunc, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cfg := srv.Config()
	cmd := exec.Command(exe)
	if o.childCPUs != "" {
		cmd = exec.Command("taskset", "--cpu-list", o.childCPUs, exe)
	}
	cmd.Env = append(os.Environ(),
		childEnv+"="+kind,
		childAPIURL+"="+srv.APIURL(),
		childBot+"="+cfg.BotToken,
		childApp+"="+cfg.AppToken,
		fmt.Sprintf("%s=%d", childWorkers, o.workers),
	)
	if kind == "rolebot" && o.cpuProfile != "" {
		cmd.Env = append(cmd.Env, childProfile+"="+o.cpuProfile)
	}
	if kind == "rolebot" && o.databaseURL != "" {
		cmd.Env = append(cmd.Env, childDatabase+"="+o.databaseURL)
	}
	if kind == "rolebot" && o.queued {
		cmd.Env = append(cmd.Env, childQueue+"="+o.queueURL)
	}
	if url := o.childRecordURL(); kind == "rolebot" && url != "" {
		cmd.Env = append(cmd.Env, childRecord+"="+url)
	}
	stopWithParent(cmd)
	var out bytes.Buffer
	errs := logtail.New(8 << 10)
	cmd.Stdout, cmd.Stderr = &out, errs
	if o.verbose {
		cmd.Stderr = io.MultiWriter(errs, os.Stderr)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("démarrage du bot (%s) : %w", kind, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var (
		once sync.Once
		rep  childReport
		rerr error
	)
	return func(sig syscall.Signal) (childReport, error) {
		once.Do(func() { rep, rerr = stopChild(cmd, done, &out, errs, kind, sig) })
		return rep, rerr
	}, nil
}

// stopChild signals a child, waits for it and reads its report.
func stopChild(cmd *exec.Cmd, done <-chan error, out *bytes.Buffer, errs *logtail.Buffer, kind string, sig syscall.Signal) (childReport, error) {
	var rep childReport
	_ = cmd.Process.Signal(sig)
	select {
	case err := <-done:
		if sig == syscall.SIGKILL {
			return rep, nil // killed: nothing to report
		}
		if err != nil {
			return rep, fmt.Errorf("bot (%s) : %w : %s", kind, err, strings.TrimSpace(errs.String()))
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return rep, errors.New("bot (" + kind + ") : pas arrêté 30 s après " + sig.String())
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return rep, fmt.Errorf("bot (%s) : rapport illisible %q : %w", kind, out.String(), err)
	}
	return rep, nil
}

// stopAll stops every child and merges their reports: the first child's ack
// histogram, the CPU time of all.
func stopAll(stops []stopFunc) (childReport, error) {
	var all childReport
	var firstErr error
	for i, stop := range stops {
		rep, err := stop(syscall.SIGTERM)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if i == 0 {
			all = rep
			continue
		}
		all.CPU += rep.CPU
		all.SetupCPU += rep.SetupCPU
	}
	return all, firstErr
}

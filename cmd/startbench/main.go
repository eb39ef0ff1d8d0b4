// Command startbench measures how fast the real rolebot binary starts and how
// much memory it holds, to check the start-up target (process start to the
// first 200 from /readyz under 300 ms) and to size Kubernetes memory requests
// and limits.
//
//	go run ./cmd/startbench [-bin PATH] [-runs 20] [-content DIR] [-questions 200] [-v]
//
// Without -bin it builds rolebot into a temporary folder with
// scripts/build.sh, the Dockerfile's build line, so it must then run inside
// the repository. It starts the fake Slack of internal/slacktest in its own
// process, then starts `rolebot serve` -runs times, one after the other, each
// time as a new child process with the fake's tokens and API URL, HTTP_ADDR on
// a free port of 127.0.0.1, LOG_LEVEL=warn and, with -content, CONTENT_DIR.
// The child inherits the rest of the environment except rolebot's own
// variables, so GOMAXPROCS, GOGC or GOMEMLIMIT can be set to try their effect.
//
// Each run measures the time from just before the process starts to the first
// 200 from GET /readyz (polled every millisecond), reads VmRSS, RssAnon and
// VmHWM (the peak) from /proc/PID/status, then sends SIGTERM and measures the
// time to exit, which must be 0. In the last run only, before SIGTERM, it asks
// -questions questions through the fake (slash commands and mentions in turn,
// from a few users who each wait for their answer) and reads the memory again,
// so that the reading includes serving.
//
// It prints, in French, the start-up p50, p90 and max, the memory after start
// and after the questions, the peak, the shutdown p50 and max, and the CPU
// time a start and stop cost (user + system, from the runs without
// questions); -v adds one line per run. The exit code is 1 when a run is not ready within 10 s, exits
// early or with a code other than 0, or a question goes unanswered; 2 on a
// usage error. Linux only: the memory comes from /proc.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// startupTarget is the start-up time the issue asks for.
const startupTarget = 300 * time.Millisecond

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	bin       string
	runs      int
	content   string
	questions int
	verbose   bool
}

// runResult is what one start of the binary measured.
type runResult struct {
	startup  time.Duration // cmd.Start → first 200 from /readyz
	started  memory        // read right after that 200
	asked    int           // questions answered before the second reading
	served   memory        // read after the questions, when asked > 0
	shutdown time.Duration // SIGTERM → exit
	cpu      time.Duration // user + system CPU time of the whole process
}

// results are the figures of every run.
type results struct {
	bin, version string
	content      string // empty for the embedded content
	runs         []runResult
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	code, _ := runWith(ctx, args, stdout, stderr)
	return code
}

// runWith is run, also returning the figures (nil when it fails early), for
// tests.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer) (int, *results) {
	o, ok := parseFlags(args, stderr)
	if !ok {
		return 2, nil
	}
	if o.runs == 0 {
		return 0, nil // -h
	}
	res, err := bench(ctx, o, stdout, stderr)
	if err != nil {
		if ctx.Err() != nil {
			err = errors.New("interrompu")
		}
		fmt.Fprintf(stderr, "startbench : %v\n", err)
		return 1, res
	}
	res.print(stdout)
	return 0, res
}

// parseFlags reads the flags; runs is 0 after -h.
func parseFlags(args []string, stderr io.Writer) (options, bool) {
	fl := flag.NewFlagSet("startbench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	fl.StringVar(&o.bin, "bin", "", "binaire rolebot à mesurer (par défaut : construit par scripts/build.sh dans un dossier temporaire)")
	fl.IntVar(&o.runs, "runs", 20, "nombre de démarrages")
	fl.StringVar(&o.content, "content", "", "dossier de contenu (CONTENT_DIR) ; par défaut : le contenu intégré au binaire")
	fl.IntVar(&o.questions, "questions", 200, "questions posées au dernier démarrage avant la mesure de mémoire")
	fl.BoolVar(&o.verbose, "v", false, "une ligne par démarrage")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage : go run ./cmd/startbench [-bin CHEMIN] [-runs 20] [-content DOSSIER] [-questions 200] [-v]")
		fmt.Fprintln(stderr, "Mesure le démarrage (lancement → /readyz 200), la mémoire et l'arrêt du vrai binaire rolebot.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return options{}, true
		}
		return o, false
	}
	if o.runs < 1 || o.questions < 0 || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "startbench : -runs doit être positif et -questions positif ou nul, sans autre argument")
		return o, false
	}
	if o.content != "" {
		abs, err := filepath.Abs(o.content)
		if err == nil {
			var st os.FileInfo
			if st, err = os.Stat(abs); err == nil && !st.IsDir() {
				err = errors.New("ce n'est pas un dossier")
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "startbench : -content %s : %v\n", o.content, err)
			return o, false
		}
		o.content = abs
	}
	return o, true
}

// bench builds the binary if needed, starts the fake Slack and measures every
// run. On failure it returns the runs done so far.
func bench(ctx context.Context, o options, stdout, stderr io.Writer) (*results, error) {
	if o.bin == "" {
		dir, err := os.MkdirTemp("", "startbench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		if o.bin, err = build(ctx, dir, stderr); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(o.bin)
	if err != nil {
		return nil, err
	}
	o.bin = abs
	res := &results{bin: o.bin, version: binaryVersion(ctx, o.bin), content: o.content}

	srv, err := slacktest.New(slacktest.Config{})
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	for i := range o.runs {
		ask := 0
		if i == o.runs-1 {
			ask = o.questions
		}
		r, err := runOnce(ctx, srv, o, ask)
		if err != nil {
			return res, fmt.Errorf("démarrage n° %d : %w", i+1, err)
		}
		res.runs = append(res.runs, r)
		if o.verbose {
			fmt.Fprintf(stdout, "  n° %-3d démarrage %s   VmRSS %s   VmHWM %s   arrêt %s\n",
				i+1, ms(r.startup), mib(r.started.rss), mib(r.started.hwm), ms(r.shutdown))
		}
	}
	return res, nil
}

// summary is the nearest-rank p50, p90 and the max of some figures.
type summary[T int64 | time.Duration] struct{ p50, p90, max T }

func summarize[T int64 | time.Duration](xs []T) summary[T] {
	if len(xs) == 0 {
		return summary[T]{}
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	at := func(q float64) T {
		i := int(math.Ceil(q*float64(len(xs)))) - 1
		return xs[max(0, min(i, len(xs)-1))]
	}
	return summary[T]{p50: at(0.5), p90: at(0.9), max: xs[len(xs)-1]}
}

func collect[T any](runs []runResult, f func(runResult) T) []T {
	out := make([]T, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f Mio", float64(b)/(1<<20)) }

func (r *results) print(w io.Writer) {
	content := "contenu intégré au binaire"
	if r.content != "" {
		content = "contenu " + r.content
	}
	fmt.Fprintf(w, "%s, %s, %d démarrages\n  binaire %s\n", r.version, content, len(r.runs), r.bin)
	if len(r.runs) == 0 {
		return
	}
	start := summarize(collect(r.runs, func(x runResult) time.Duration { return x.startup }))
	over := 0
	for _, x := range r.runs {
		if x.startup >= startupTarget {
			over++
		}
	}
	verdict := "tenu par tous les démarrages"
	if over > 0 {
		verdict = fmt.Sprintf("DÉPASSÉ par %d démarrage(s) sur %d", over, len(r.runs))
	}
	fmt.Fprintf(w, "  démarrage (lancement → /readyz 200)  p50 %s   p90 %s   max %s\n", ms(start.p50), ms(start.p90), ms(start.max))
	fmt.Fprintf(w, "    objectif < %d ms : %s\n", startupTarget.Milliseconds(), verdict)

	rss := summarize(collect(r.runs, func(x runResult) int64 { return x.started.rss }))
	anon := summarize(collect(r.runs, func(x runResult) int64 { return x.started.anon }))
	hwm := summarize(collect(r.runs, func(x runResult) int64 { return x.started.hwm }))
	fmt.Fprintf(w, "  mémoire après démarrage  VmRSS   p50 %s   max %s\n", mib(rss.p50), mib(rss.max))
	fmt.Fprintf(w, "                           RssAnon p50 %s   max %s (hors pages du binaire)\n", mib(anon.p50), mib(anon.max))
	fmt.Fprintf(w, "                           VmHWM   p50 %s   max %s (pic, indexation comprise)\n", mib(hwm.p50), mib(hwm.max))
	if last := r.runs[len(r.runs)-1]; last.asked > 0 {
		fmt.Fprintf(w, "  après %d questions (dernier démarrage)  VmRSS %s   RssAnon %s   VmHWM %s (pic du processus)\n",
			last.asked, mib(last.served.rss), mib(last.served.anon), mib(last.served.hwm))
	}
	stop := summarize(collect(r.runs, func(x runResult) time.Duration { return x.shutdown }))
	fmt.Fprintf(w, "  arrêt (SIGTERM → sortie 0)  p50 %s   max %s\n", ms(stop.p50), ms(stop.max))
	var idle []time.Duration
	for _, x := range r.runs {
		if x.asked == 0 {
			idle = append(idle, x.cpu)
		}
	}
	if len(idle) > 0 {
		cpu := summarize(idle)
		fmt.Fprintf(w, "  temps CPU d'un démarrage suivi d'un arrêt, sans question  p50 %s   max %s\n", ms(cpu.p50), ms(cpu.max))
	}
}

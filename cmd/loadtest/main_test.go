package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rolebot/rolebot/internal/slackbot"
	dbstore "github.com/rolebot/rolebot/internal/store"
)

// TestMain lets the test binary be the bots' child process too, as the
// command's own binary is.
func TestMain(m *testing.M) {
	if isChild() {
		os.Exit(runChild(os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestBurst sends smaller bursts to the real bot, on each path: every question
// is acknowledged within Slack's 3 s and answered exactly once, and each case
// checks what its path adds. It asserts no latency beyond Slack's rule:
// figures come from the command on a quiet machine, not from a test run under
// the race detector.
func TestBurst(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    options
		// check asserts what the case adds to every question answered once.
		check func(t *testing.T, o options, r report, in childReport)
	}{
		{
			name: "exactly once",
			o:    options{n: 100, users: 20, workers: 8, timeout: 30 * time.Second},
			check: func(t *testing.T, _ options, _ report, in childReport) {
				if !in.InBotOK || in.InBotP99.Max <= 0 {
					t.Errorf("the bot's process reported no ack histogram: %+v", in)
				}
			},
		},
		{
			// Two bots on one SQLite file with a team in every channel and
			// the durable queue: the answers name people.
			name: "teams on two replicas",
			o:    options{n: 60, users: 6, workers: 8, timeout: 30 * time.Second, database: "sqlite", channels: 30, replicas: 2, path: pathQueue, queued: true},
			check: func(t *testing.T, _ options, r report, _ childReport) {
				if r.named == 0 {
					t.Error("no answer named the channel's people")
				}
			},
		},
		{
			// Half /role, half mentions, each with its own figures, which make up the whole.
			name: "through the queue",
			o:    options{n: 100, users: 20, workers: 8, timeout: 30 * time.Second, path: pathQueue, queued: true},
			check: func(t *testing.T, _ options, r report, _ childReport) {
				slash, mention := r.bySurface[surfaceSlash], r.bySurface[surfaceMention]
				if slash.answer.n != 50 || mention.answer.n != 50 || slash.ack.n != 50 || mention.ack.n != 50 {
					t.Errorf("split by surface: /role %d answers %d acks, mentions %d answers %d acks; want 50 each",
						slash.answer.n, slash.ack.n, mention.answer.n, mention.ack.n)
				}
				if m := max(slash.answer.max, mention.answer.max); m != r.answer.max {
					t.Errorf("answer max %s, surfaces' %s", r.answer.max, m)
				}
				var out strings.Builder
				r.print(&out)
				if !strings.Contains(out.String(), "mentions") || !strings.Contains(out.String(), "/role") {
					t.Errorf("report without its split by surface:\n%s", out.String())
				}
			},
		},
		{
			// Users who pause between questions.
			name: "thinking users",
			o:    options{n: 40, users: 10, workers: 8, think: 20 * time.Millisecond, wait: true, timeout: 30 * time.Second},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			prepareBurst(t, &o)
			r, in, err := measure(context.Background(), o, "rolebot", true)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			r.print(&out)
			t.Logf("rolebot, %s:\n%s", tc.name, out.String())
			if r.sent != o.n || r.acked != o.n || r.ackedLate != 0 {
				t.Errorf("acked %d of %d, %d late; want all within 3 s", r.acked, r.sent, r.ackedLate)
			}
			if r.answered != o.n || r.lost != 0 || r.duplicated != 0 {
				t.Errorf("answered %d of %d, lost %d, duplicated %d; want each exactly once", r.answered, o.n, r.lost, r.duplicated)
			}
			if !r.ok() {
				t.Error("report not ok")
			}
			if tc.check != nil {
				tc.check(t, o, r, in)
			}
		})
	}
}

// prepareBurst prepares what o's run needs, as the command does: the teams'
// database, the queue, the recording; removed when t ends.
func prepareBurst(t *testing.T, o *options) {
	t.Helper()
	prepare := []func(*options) (func(), error){func(o *options) (func(), error) { return prepareDatabase(context.Background(), o) }}
	if o.queued {
		prepare = append(prepare, prepareQueue)
	}
	if o.recording != "" && o.recording != recordOff {
		prepare = append(prepare, prepareRecord)
	}
	for _, p := range prepare {
		cleanup, err := p(o)
		t.Cleanup(cleanup)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestBurstFeedback sends a burst to a bot in each mode of -record: every question answered
// exactly once; the answers carry the feedback buttons with buttons and on, not with off; with
// on, every answer is recorded once (with the two of the warm-up) by the time the bot stopped.
func TestBurstFeedback(t *testing.T) {
	for _, tt := range []struct {
		mode    string
		buttons bool
	}{{recordOff, false}, {recordButtons, true}, {recordOn, true}} {
		t.Run(tt.mode, func(t *testing.T) {
			o := options{n: 100, users: 20, workers: 8, timeout: 30 * time.Second, record: tt.mode, recording: tt.mode}
			cleanup, err := prepareRecord(&o)
			defer cleanup()
			if err != nil {
				t.Fatal(err)
			}
			r, in := measureRolebot(t, o)
			checkAnsweredOnce(t, r, 100)
			if want := map[bool]int{true: r.answered}[tt.buttons]; r.withFeedback != want {
				t.Errorf("%d answers with feedback buttons, want %d", r.withFeedback, want)
			}
			if in.SetupCPU <= 0 || in.measuredCPU() <= 0 {
				t.Errorf("CPU: setup %v, measured %v; want both positive", in.SetupCPU, in.measuredCPU())
			}
			st, err := dbstore.Open(context.Background(), o.recordURL, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			shown, err := st.AnswersSince(context.Background(), time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 102}[tt.mode == recordOn]; len(shown) != want {
				t.Errorf("%d answers recorded, want %d", len(shown), want)
			}
		})
	}
}

// TestRecordRounds runs -record both twice: the second round runs the modes in reverse order,
// each run writes a CPU profile of its own, and the comparisons are printed for each round
// and over both.
func TestRecordRounds(t *testing.T) {
	dir := t.TempDir()
	o := options{n: 20, users: 5, workers: 8, timeout: 30 * time.Second, record: recordBoth, rounds: 2,
		cpuProfile: filepath.Join(dir, "cpu.out")}
	var out strings.Builder
	runs, err := o.measureRecords(context.Background(), false, &out)
	if err != nil {
		t.Fatal(err)
	}
	var modes []string
	for _, r := range runs {
		modes = append(modes, r.mode)
		checkAnsweredOnce(t, r.bot, 20)
	}
	if want := []string{recordButtons, recordOn, recordOn, recordButtons}; !slices.Equal(modes, want) {
		t.Errorf("modes ran %v, want %v", modes, want)
	}
	for _, name := range []string{"cpu-buttons-1.out", "cpu-on-1.out", "cpu-on-2.out", "cpu-buttons-2.out"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("profile %s: %v", name, err)
		}
	}
	text := out.String()
	if n := strings.Count(text, "enregistrement / boutons sans écriture : réponse p50"); n != 2 {
		t.Errorf("%d comparisons of a round, want 2:\n%s", n, text)
	}
	if !strings.Contains(text, "enregistrement / boutons sans écriture sur 2 tours : réponse p50 médiane") {
		t.Errorf("no comparison over the rounds:\n%s", text)
	}
	if strings.Contains(text, "boutons d'avis / sans avis") {
		t.Errorf("a comparison with a mode not run:\n%s", text)
	}
}

// TestRecordSummary reads the figures over rounds off known runs: each mode's median and range,
// and those of each ratio and of the CPU per answer added, with its sign.
func TestRecordSummary(t *testing.T) {
	run := func(mode string, p50, p99, cpu time.Duration) recordRun {
		return recordRun{mode: mode, bot: report{answered: 10, answer: stats{p50: p50, p99: p99}}, in: childReport{CPU: cpu}}
	}
	ms := time.Millisecond
	runs := []recordRun{
		run(recordOff, 10*ms, 20*ms, 10*ms), run(recordButtons, 11*ms, 20*ms, 20*ms), run(recordOn, 11*ms, 30*ms, 30*ms),
		run(recordOn, 12*ms, 20*ms, 10*ms), run(recordButtons, 12*ms, 40*ms, 20*ms), run(recordOff, 10*ms, 40*ms, 10*ms),
		run(recordOff, 10*ms, 20*ms, 10*ms), run(recordButtons, 10*ms, 20*ms, 10*ms), run(recordOn, 20*ms, 20*ms, 20*ms),
	}
	var out strings.Builder
	printRecordSummary(&out, runs, 3)
	for _, want := range []string{
		"sans avis sur 3 tours : réponse p50 médiane 10.0 ms (10.0 ms à 10.0 ms), p99 médiane 20.0 ms (20.0 ms à 40.0 ms) ; CPU du bot par question médiane 1.00 ms (1.00 ms à 1.00 ms)",
		"boutons et enregistrement sur 3 tours : réponse p50 médiane 12.0 ms (11.0 ms à 20.0 ms), p99 médiane 20.0 ms (20.0 ms à 30.0 ms) ; CPU du bot par question médiane 2.00 ms (1.00 ms à 3.00 ms)",
		"enregistrement / boutons sans écriture sur 3 tours : réponse p50 médiane 1.00 × (1.00 × à 2.00 ×), p99 médiane 1.00 × (0.50 × à 1.50 ×) ; CPU du bot par question médiane +1.00 ms (−1.00 ms à +1.00 ms)",
		"boutons d'avis / sans avis sur 3 tours : réponse p50 médiane 1.10 × (1.00 × à 1.20 ×), p99 médiane 1.00 × (1.00 × à 1.00 ×) ; CPU du bot par question médiane +1.00 ms (+0.00 ms à +1.00 ms)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// measureRolebot runs o against the real bot, and stops the test if the run could not be made.
func measureRolebot(t *testing.T, o options) (report, childReport) {
	t.Helper()
	r, in, err := measure(context.Background(), o, "rolebot", true)
	if err != nil {
		t.Fatal(err)
	}
	return r, in
}

// checkAnsweredOnce fails unless each of the n questions was acknowledged within 3 s and
// answered exactly once.
func checkAnsweredOnce(t *testing.T, r report, n int) {
	t.Helper()
	if !r.ok() || r.answered != n {
		t.Errorf("answered %d of %d (lost %d, duplicated %d, late acks %d)", r.answered, n, r.lost, r.duplicated, r.ackedLate)
	}
}

// TestFloorAcksEverything checks the floor, a bot that only acknowledges:
// every question acknowledged within 3 s.
func TestFloorAcksEverything(t *testing.T) {
	r, _, err := measure(context.Background(), options{n: 50, users: 10, timeout: 30 * time.Second}, "floor", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.acked != 50 || r.ackedLate != 0 {
		t.Errorf("floor acked %d of 50, %d late", r.acked, r.ackedLate)
	}
}

// TestUsage checks the exit codes: 2 for a bad flag value, 0 for -h.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"-n", "0"}, 2},
		{[]string{"-think", "-1s"}, 2},
		{[]string{"-h"}, 0},
	} {
		var out, errs strings.Builder
		if code := run(context.Background(), tc.args, &out, &errs); code != tc.want {
			t.Errorf("%v exited %d, want %d", tc.args, code, tc.want)
		}
	}
}

// TestPinnedChildKeepsItsCPU checks that a run restarted on its own CPUs does
// not restart again, and starts the bots on the CPU it was given.
func TestPinnedChildKeepsItsCPU(t *testing.T) {
	t.Setenv(pinnedEnv, "0")
	var o options
	var out, errs strings.Builder
	if code, done := pinned(context.Background(), nil, &out, &errs, &o); done || code != 0 {
		t.Fatalf("pinned() = %d, %v in the restarted run; want to go on", code, done)
	}
	if o.childCPUs != "0" {
		t.Errorf("bots on CPUs %q, want 0", o.childCPUs)
	}
}

func TestParseCPUList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  bool
	}{
		{"0", []int{0}, false},
		{"0-1", []int{0, 1}, false},
		{"2-3,8,10-11", []int{2, 3, 8, 10, 11}, false},
		{"", nil, true},
		{"3-1", nil, true},
		{"a-b", nil, true},
	} {
		got, err := parseCPUList(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestReportSaysTimeout: questions cut off by -timeout are counted as lost,
// and the report says why.
func TestReportSaysTimeout(t *testing.T) {
	for _, tt := range []struct {
		timedOut time.Duration
		want     bool
	}{{0, false}, {3 * time.Second, true}} {
		var out strings.Builder
		report{sent: 10, acked: 4, timedOut: tt.timedOut}.print(&out)
		if got := strings.Contains(out.String(), "DÉLAI DÉPASSÉ"); got != tt.want {
			t.Errorf("timedOut %v: says it %v, want %v:\n%s", tt.timedOut, got, tt.want, out.String())
		}
	}
}

// TestInBot reads quantiles off the bot's ack histogram, and says "beyond"
// when they lie past its last bucket rather than claim they are under it.
func TestInBot(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := slackbot.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := inBot(reg); ok {
		t.Error("an empty histogram gave quantiles")
	}
	for range 98 {
		m.AckLatency.WithLabelValues("events_api").Observe(0.00004)
	}
	for range 2 {
		m.AckLatency.WithLabelValues("slash_commands").Observe(3600) // past every bucket
	}
	p50, p99, ok := inBot(reg)
	if !ok || p50.Over || p50.Max <= 0 || p50.Max > time.Millisecond {
		t.Errorf("p50 = %+v (ok %v), want a small bucket bound", p50, ok)
	}
	if !p99.Over || !strings.HasPrefix(p99.String(), "> ") {
		t.Errorf("p99 = %+v (%s), want beyond the last bucket", p99, p99)
	}
	if !strings.HasPrefix(p50.String(), "≤ ") {
		t.Errorf("p50 reads %q", p50)
	}
}

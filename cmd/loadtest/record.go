package main

// Recording the answers shown (-record): the bot as serve runs it shows the feedback buttons
// under every answer and hands every answer posted to its recorder, which writes them to the
// database in batches, off the answer's path. Three kinds of runs, on the same machine, tell
// what recording costs an answer apart from what the buttons cost: without feedback at all,
// with the buttons but every record discarded, and with both.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/store"
)

// childRecord passes the database a rolebot child records its answers in: empty for none,
// recordDiscardURL for the buttons without writes.
const childRecord = "LOADTEST_RECORD_URL"

// recordDiscardURL, as childRecord, gives the bot a Feedback that keeps nothing (discard).
const recordDiscardURL = "discard:"

// warmRecordSettle is how long a run of -record waits after its warm-up, in every mode: more
// than the recorder's pause (slackbot's recordQuiet, 50 ms), for the warm-up's records to be
// written before the burst.
const warmRecordSettle = 200 * time.Millisecond

// Modes of -record; the first three are also the modes of a run.
const (
	recordOff     = "off"     // no feedback (slackbot.Options.Feedback nil): answers carry no buttons
	recordButtons = "buttons" // the buttons as serve shows them, every record discarded
	recordOn      = "on"      // the buttons, and every answer shown recorded, as serve does
	recordBoth    = "both"    // buttons then on, compared: what recording costs
	recordAll     = "all"     // off, buttons, on: also what the buttons cost
)

// recordPairs are the comparisons printed when a round measured both modes: what recording
// adds to the buttons, what the buttons add to no feedback at all.
var recordPairs = []struct{ with, without, name string }{
	{recordOn, recordButtons, "enregistrement / boutons sans écriture"},
	{recordButtons, recordOff, "boutons d'avis / sans avis"},
}

// recordModeNames name the modes of a run in the summary over rounds.
var recordModeNames = map[string]string{
	recordOff:     "sans avis",
	recordButtons: "boutons sans écriture",
	recordOn:      "boutons et enregistrement",
}

// validRecord tells a -record value.
func validRecord(mode string) bool {
	return slices.Contains([]string{recordOff, recordButtons, recordOn, recordBoth, recordAll}, mode)
}

// recordModes lists the runs of one round of -record, in order.
func (o options) recordModes() []string {
	switch o.record {
	case recordBoth:
		return []string{recordButtons, recordOn}
	case recordAll:
		return []string{recordOff, recordButtons, recordOn}
	case recordButtons, recordOn:
		return []string{o.record}
	}
	return []string{recordOff}
}

// recordRun is one run of the bot with a recording mode.
type recordRun struct {
	mode string
	bot  report
	in   childReport
}

// measureRecords runs the bot in every mode of -record, -rounds times, on the path queued, and
// prints each run and the comparisons. Every other round runs the modes in reverse order, so
// that a machine's drift over the rounds (other jobs starting, caches, heat) weighs on both
// sides of a comparison alike.
func (o options) measureRecords(ctx context.Context, queued bool, stdout io.Writer) ([]recordRun, error) {
	modes := o.recordModes()
	rounds := max(1, o.rounds)
	var all []recordRun
	for round := range rounds {
		order := slices.Clone(modes)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		if rounds > 1 {
			fmt.Fprintf(stdout, "tour %d/%d :\n", round+1, rounds)
		}
		for _, mode := range order {
			run, err := o.measureRecord(ctx, queued, mode, round, stdout)
			if err != nil {
				return all, err
			}
			all = append(all, run)
		}
		printRecordPairs(stdout, all[len(all)-len(order):])
	}
	if rounds > 1 {
		printRecordSummary(stdout, all, rounds)
	}
	return all, nil
}

// measureRecord runs the bot once in mode, with a queue and a record database of its own.
func (o options) measureRecord(ctx context.Context, queued bool, mode string, round int, stdout io.Writer) (recordRun, error) {
	ro := o
	ro.queued, ro.recording = queued, mode
	if queued {
		cleanup, err := prepareQueue(&ro)
		defer cleanup()
		if err != nil {
			return recordRun{}, err
		}
	}
	if mode == recordOn {
		cleanup, err := prepareRecord(&ro)
		defer cleanup()
		if err != nil {
			return recordRun{}, err
		}
	}
	ro.cpuProfile = o.profileOf(mode, round)
	fmt.Fprintf(stdout, "%s%s :\n", ro.describeQueue(queued), ro.describeRecord())
	bot, in, err := measure(ctx, ro, "rolebot", true)
	if err != nil {
		return recordRun{}, err
	}
	printRun(stdout, bot, in)
	return recordRun{mode: mode, bot: bot, in: in}, nil
}

// profileOf is where the run of mode in round writes its CPU profile: -cpuprofile itself when
// -record has one mode and one round, else a file of its own beside it ("cpu.out" gives
// "cpu-on-2.out"), so that pprof -diff_base can compare the modes.
func (o options) profileOf(mode string, round int) string {
	if o.cpuProfile == "" || (len(o.recordModes()) == 1 && o.rounds <= 1 && o.path != pathBoth) {
		return o.cpuProfile
	}
	ext := filepath.Ext(o.cpuProfile)
	base := o.cpuProfile[:len(o.cpuProfile)-len(ext)]
	if o.path == pathBoth {
		base += "-" + map[bool]string{false: pathMemory, true: pathQueue}[o.queued]
	}
	return fmt.Sprintf("%s-%s-%d%s", base, mode, round+1, ext)
}

// printRun prints a run's report and the bot's own figures.
func printRun(w io.Writer, bot report, in childReport) {
	bot.print(w)
	if in.InBotOK {
		fmt.Fprintf(w, "  dont dans le bot     p50 %s   p99 %s (lecture de la requête → ack confié à slack-go, histogramme)\n", in.InBotP50, in.InBotP99)
	}
	if a := in.AckAnswers; len(a) > 0 {
		fmt.Fprintf(w, "  /role dans l'ack     %d (dont %d en un tour, %d en deux) ; par response_url : %d après un ack vide, %d trop grands, %d après la fin du bail, %d trop tard ; sans ack (issue inconnue) : %d\n",
			a["answered"], a["one_round"], a["answered"]-a["one_round"], a["fallback"], a["too_large"], a["lease_ended"], a["past_deadline"], a["unknown"])
	}
	if in.CPU > 0 && bot.answered > 0 {
		fmt.Fprintf(w, "  CPU du bot           %s en tout, démarrage et mise en route compris ; %s pendant la mesure (%s par question répondue)\n",
			ms(in.CPU), ms(in.measuredCPU()), fineMS(in.measuredCPU()/time.Duration(bot.answered)))
	}
}

// cpuPerAnswer is the bot's CPU per question answered during the measure, 0 if unknown.
func (r recordRun) cpuPerAnswer() time.Duration {
	if r.bot.answered == 0 {
		return 0
	}
	return r.in.measuredCPU() / time.Duration(r.bot.answered)
}

// recordRatio compares a run with another: its answer p50 and p99 as multiples of the
// other's, and the bot's CPU per answer added.
type recordRatio struct {
	p50, p99 float64
	cpu      time.Duration
}

// ratioOf compares with to without; false when without has no figures.
func ratioOf(with, without recordRun) (recordRatio, bool) {
	if without.bot.answer.p50 <= 0 || without.bot.answer.p99 <= 0 {
		return recordRatio{}, false
	}
	return recordRatio{
		p50: float64(with.bot.answer.p50) / float64(without.bot.answer.p50),
		p99: float64(with.bot.answer.p99) / float64(without.bot.answer.p99),
		cpu: with.cpuPerAnswer() - without.cpuPerAnswer(),
	}, true
}

// printRecordPairs prints the comparisons of one round's runs.
func printRecordPairs(w io.Writer, round []recordRun) {
	find := func(mode string) (recordRun, bool) {
		i := slices.IndexFunc(round, func(r recordRun) bool { return r.mode == mode })
		if i < 0 {
			return recordRun{}, false
		}
		return round[i], true
	}
	printed := false
	for _, p := range recordPairs {
		with, ok1 := find(p.with)
		without, ok2 := find(p.without)
		if !ok1 || !ok2 {
			continue
		}
		r, ok := ratioOf(with, without)
		if !ok {
			continue
		}
		if !printed {
			fmt.Fprintln(w)
			printed = true
		}
		fmt.Fprintf(w, "%s : réponse p50 %.2f × (%s contre %s), p99 %.2f × (%s contre %s), CPU du bot %s par question (%s contre %s)\n",
			p.name, r.p50, ms(with.bot.answer.p50), ms(without.bot.answer.p50),
			r.p99, ms(with.bot.answer.p99), ms(without.bot.answer.p99),
			signedMS(r.cpu), fineMS(with.cpuPerAnswer()), fineMS(without.cpuPerAnswer()))
	}
	if printed {
		fmt.Fprintln(w)
	}
}

// printRecordSummary prints each mode's figures over the rounds, then, for each comparison,
// its ratios over the rounds: medians and ranges, which say how far apart the runs of one
// mode fall.
func printRecordSummary(w io.Writer, runs []recordRun, rounds int) {
	fmt.Fprintln(w)
	for _, mode := range []string{recordOff, recordButtons, recordOn} {
		var p50, p99, cpu []time.Duration
		for _, r := range runs {
			if r.mode == mode {
				p50, p99, cpu = append(p50, r.bot.answer.p50), append(p99, r.bot.answer.p99), append(cpu, r.cpuPerAnswer())
			}
		}
		if len(p50) > 0 {
			fmt.Fprintf(w, "%s sur %d tours : réponse p50 %s, p99 %s ; CPU du bot par question %s\n",
				recordModeNames[mode], len(p50), spread(p50, ms), spread(p99, ms), spread(cpu, fineMS))
		}
	}
	perRound := len(runs) / rounds
	for _, p := range recordPairs {
		var p50, p99 []float64
		var cpu []time.Duration
		for i := 0; i+perRound <= len(runs); i += perRound {
			round := runs[i : i+perRound]
			wi := slices.IndexFunc(round, func(r recordRun) bool { return r.mode == p.with })
			wo := slices.IndexFunc(round, func(r recordRun) bool { return r.mode == p.without })
			if wi < 0 || wo < 0 {
				continue
			}
			if r, ok := ratioOf(round[wi], round[wo]); ok {
				p50, p99, cpu = append(p50, r.p50), append(p99, r.p99), append(cpu, r.cpu)
			}
		}
		if len(p50) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s sur %d tours : réponse p50 %s, p99 %s ; CPU du bot par question %s\n",
			p.name, len(p50), spread(p50, func(v float64) string { return fmt.Sprintf("%.2f ×", v) }),
			spread(p99, func(v float64) string { return fmt.Sprintf("%.2f ×", v) }), spread(cpu, signedMS))
	}
}

// spread is the median of vs and their range, as "médiane 1.02 × (0.95 × à 1.10 ×)".
func spread[T int64 | float64 | time.Duration](vs []T, f func(T) string) string {
	s := slices.Clone(vs)
	slices.Sort(s)
	return fmt.Sprintf("médiane %s (%s à %s)", f(median(s)), f(s[0]), f(s[len(s)-1]))
}

// median is the middle of sorted s (the mean of the two middle ones for an even length).
func median[T int64 | float64 | time.Duration](s []T) T {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// fineMS is d in milliseconds to the hundredth: a bot's CPU per answer is a few tenths.
func fineMS(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// signedMS is d in milliseconds with its sign, as a difference: "+0.05 ms", "−0.02 ms".
func signedMS(d time.Duration) string {
	v := float64(d.Microseconds()) / 1000
	if v < 0 {
		return fmt.Sprintf("−%.2f ms", -v)
	}
	return fmt.Sprintf("+%.2f ms", v)
}

// prepareRecord sets o.recordURL for a run that records: the teams' database when there is one,
// else a new SQLite file (removed by cleanup), so that no run sees another's records.
func prepareRecord(o *options) (cleanup func(), err error) {
	cleanup = func() {}
	if o.databaseURL != "" {
		o.recordURL = o.databaseURL
		return cleanup, nil
	}
	dir, err := os.MkdirTemp("", "loadtest-record-")
	if err != nil {
		return cleanup, err
	}
	o.recordURL = "sqlite://" + filepath.Join(dir, "rolebot.db")
	return func() { _ = os.RemoveAll(dir) }, nil
}

// childRecordURL is what a run passes its child in childRecord: empty for no feedback.
func (o options) childRecordURL() string {
	switch o.recording {
	case recordButtons:
		return recordDiscardURL
	case recordOn:
		return o.recordURL
	}
	return ""
}

// describeRecord names a run's recording, for the report.
func (o options) describeRecord() string {
	if o.record == recordOff {
		return ""
	}
	switch o.recording {
	case recordButtons:
		return ", boutons d'avis sous chaque réponse, rien d'enregistré (écritures jetées)"
	case recordOn:
		return ", boutons d'avis et chaque réponse enregistrée pour le rapport (hors du chemin de la réponse)"
	}
	return ", sans avis (ni boutons ni enregistrement)"
}

// openChildRecord opens what the environment names for the answers shown: nil for none, a
// discard for recordDiscardURL, else the database, which is the teams' own when both name
// the same.
func openChildRecord(ctx context.Context, teams *store.Store) (slackbot.Feedback, func(), error) {
	url := os.Getenv(childRecord)
	switch {
	case url == "":
		return nil, func() {}, nil
	case url == recordDiscardURL:
		return discard{}, func() {}, nil
	case url == os.Getenv(childDatabase) && teams != nil:
		return teams, func() {}, nil
	}
	st, err := store.Open(ctx, url, "", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("base des réponses enregistrées : %w", err)
	}
	return st, func() { _ = st.Close() }, nil
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// burstQuestions is how many mentions the durable-queue tests send while chat.postMessage is
// rate limited, and burstRetryAfter the Retry-After of its 429s (the scenario).
const (
	burstQuestions  = 300
	burstRetryAfter = 3 * time.Second
)

// buildRolebot builds the real binary once for a test.
func buildRolebot(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	bin := filepath.Join(t.TempDir(), "rolebot")
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/rolebot/rolebot/cmd/rolebot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProc is a real `rolebot serve` child process.
type serveProc struct {
	name string
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan error
	err  error
	over bool
}

// startServe starts bin serve with env; the test's end stops it if it still runs.
func startServe(t *testing.T, name, bin string, env map[string]string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "HOME="+os.Getenv("HOME"), "PATH="+os.Getenv("PATH"))
	p := &serveProc{name: name, cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if !p.over {
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s logs:\n%s", p.name, p.logs.String())
		}
	})
	return p
}

// signal sends sig and waits, bounded, for the process to end.
func (p *serveProc) signal(t *testing.T, sig syscall.Signal, within time.Duration) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case p.err = <-p.done:
		p.over = true
		return p.err
	case <-time.After(within):
		t.Fatalf("%s did not end within %s of %s", p.name, within, sig)
		return nil
	}
}

// durableScenario is the issue's: questions acknowledged while Slack rate-limits every answer,
// then the process that took them stops (sig) before it could answer them. The next process
// (restarted on the same store, or the other replica) answers every one exactly once.
func durableScenario(t *testing.T, sig syscall.Signal, dbURL string, replicas int) {
	bin := buildRolebot(t)
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["LOG_LEVEL"] = "info"
	env["SHUTDOWN_TIMEOUT"] = "2s"
	if dbURL != "" {
		env["DATABASE_URL"] = dbURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var procs []*serveProc
	for i := range replicas {
		procs = append(procs, startServe(t, fmt.Sprintf("process %d", i+1), bin, env))
	}
	if err := srv.WaitConnections(ctx, replicas); err != nil {
		t.Fatal(err)
	}
	var conns []int
	for len(conns) < replicas {
		if ctx.Err() != nil {
			t.Fatalf("%d connections never open at once: %v", replicas, srv.ConnectionIDs())
		}
		conns = srv.ConnectionIDs()
		time.Sleep(10 * time.Millisecond)
	}
	srv.RateLimit("chat.postMessage", -1, burstRetryAfter)
	threads := map[string]bool{}
	var ids []string
	for i := range burstQuestions {
		ts := srv.NewTS()
		threads[ts] = true
		id := fmt.Sprintf("EvBurst%04d", i)
		ids = append(ids, id)
		ev := slacktest.AppMentionEvent{User: "U0ASKER", Text: "<@" + slacktest.DefaultBotUserID + "> qui priorise le backlog ?",
			Channel: fmt.Sprintf("C0BURST%d", i%3), TS: ts}
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: id, Conn: conns[i%len(conns)], Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		if _, err := srv.WaitEventAck(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())); n != 0 {
		t.Fatalf("%d answers went through the rate limit", n)
	}
	// Acknowledged, not answered: stop the first process (with two, half the questions
	// are its own).
	stopped := procs[0]
	err := stopped.signal(t, sig, 30*time.Second)
	switch sig {
	case syscall.SIGTERM:
		if err != nil {
			t.Fatalf("%s after SIGTERM: %v, want exit 0", stopped.name, err)
		}
		if !strings.Contains(stopped.logs.String(), "arrêt : réponses restant dans la file") {
			t.Errorf("%s logged no count of what it left", stopped.name)
		}
	case syscall.SIGKILL:
		if err == nil {
			t.Fatalf("%s survived SIGKILL", stopped.name)
		}
	}
	srv.ClearFaults()
	if replicas == 1 {
		startServe(t, "the next process", bin, env) // on the same store
	}
	if _, err := srv.WaitMessages(ctx, burstQuestions, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // whatever would come twice comes within this
	per, lost, twice := answeredOnce(srv, threads)
	t.Logf("%s with %d process(es): %d questions acknowledged, %d answered, %d lost, %d duplicated",
		sig, replicas, burstQuestions, len(per), lost, twice)
	if lost != 0 || twice != 0 {
		t.Errorf("%d lost, %d duplicated; want none", lost, twice)
	}
}

func TestSIGTERMMidBurstNextProcessAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes through a rate limit")
	}
	t.Parallel()
	durableScenario(t, syscall.SIGTERM, "", 1)
}

func TestSIGKILLMidBurstNextProcessAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes, waits for River's rescue of a killed process's jobs")
	}
	t.Parallel()
	durableScenario(t, syscall.SIGKILL, "", 1)
}

func TestReplicaStoppedMidBurstOtherAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two real processes through a rate limit")
	}
	dbURL := storetest.PostgresURL(t) // skips, saying so, without PostgreSQL
	t.Parallel()
	durableScenario(t, syscall.SIGTERM, dbURL, 2)
}

// killAfterPostQuestions is how many mentions the kill-after-post tests send.
const killAfterPostQuestions = 40

// killAfterPostScenario is the gap a kill -9 used to leave: Slack has taken answers (its 200
// is on the way) when the process dies, before it records their jobs as completed. The fake
// holds chat.postMessage's answers, the process is killed while they are held, and the next
// one, once River has rescued the jobs left running, finds those answers in their threads
// (their metadata names the job's delivery) instead of posting them again.
func killAfterPostScenario(t *testing.T, dbURL string) {
	bin := buildRolebot(t)
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["LOG_LEVEL"] = "info"
	if dbURL != "" {
		env["DATABASE_URL"] = dbURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	first := startServe(t, "process 1", bin, env)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	release := srv.Hold("chat.postMessage")
	defer release()
	threads := map[string]bool{}
	for i := range killAfterPostQuestions {
		ts := srv.NewTS()
		threads[ts] = true
		ev := slacktest.AppMentionEvent{User: "U0ASKER", Text: "<@" + slacktest.DefaultBotUserID + "> qui priorise le backlog ?",
			Channel: fmt.Sprintf("C0KILL%d", i%4), TS: ts}
		id := fmt.Sprintf("EvKill%04d", i)
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: id, Event: ev}); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitEventAck(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	// Slack has taken some answers, the process has not heard back: kill it there.
	if _, err := srv.WaitMessages(ctx, 1, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	if err := first.signal(t, syscall.SIGKILL, 30*time.Second); err == nil {
		t.Fatalf("%s survived SIGKILL", first.name)
	}
	release()
	taken := len(srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded()))
	if taken == 0 || taken == killAfterPostQuestions {
		t.Fatalf("%d answers taken by Slack at the kill, want some, not all", taken)
	}

	next := startServe(t, "the next process", bin, env)
	if _, err := srv.WaitMessages(ctx, killAfterPostQuestions, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatal(err)
	}
	// Done when the queue is: every job rescued from the killed process has been looked at.
	q, err := jobs.Open(ctx, env["DATABASE_URL"], env["DATA_DIR"], jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for {
		waiting, err := q.Waiting(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(waiting) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("jobs still waiting: %v", waiting)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, lost, twice := answeredOnce(srv, threads)
	found := strings.Count(next.logs.String(), "réponse déjà publiée par un essai précédent")
	reads := len(srv.Messages(slacktest.Method("conversations.replies"), slacktest.Succeeded()))
	t.Logf("kill -9 with %d answers taken by Slack and unrecorded: %d questions, %d lost, %d duplicated; the next process found %d answers already posted in %d reads",
		taken, killAfterPostQuestions, lost, twice, found, reads)
	if lost != 0 || twice != 0 {
		t.Errorf("%d lost, %d duplicated; want none", lost, twice)
	}
	if found < 1 {
		t.Errorf("the next process found no answer already posted; want the %d Slack had taken (at most one per worker)", taken)
	}
}

func TestSIGKILLAfterSlackTookAnswersNoDuplicate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes, waits for River's rescue of a killed process's jobs")
	}
	t.Parallel()
	killAfterPostScenario(t, "")
}

func TestSIGKILLAfterSlackTookAnswersNoDuplicatePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes, waits for River's rescue of a killed process's jobs")
	}
	dbURL := storetest.PostgresURL(t) // skips, saying so, without PostgreSQL
	t.Parallel()
	killAfterPostScenario(t, dbURL)
}

// answeredOnce counts the chat.postMessage answers Slack took per thread of threads, and the
// questions left unanswered (lost) and the answers beyond the first (twice).
func answeredOnce(srv *slacktest.Server, threads map[string]bool) (per map[string]int, lost, twice int) {
	per = map[string]int{}
	for _, m := range srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded()) {
		per[m.ThreadTS]++
	}
	for ts := range threads {
		switch n := per[ts]; {
		case n == 0:
			lost++
		case n > 1:
			twice += n - 1
		}
	}
	return per, lost, twice
}

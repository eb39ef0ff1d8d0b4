package main

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// oneRoundCommands is how many /role commands each phase of the kill-before-insert test sends.
const oneRoundCommands = 10

// killBeforeInsertScenario kills a real `rolebot serve` between the answers of its slash
// commands and their jobs' insert: the job table is held (another transaction), so the
// answers are computed and their answered inserts wait; kill -9 there, then the next process
// on the same store. A command is answered in its ack, once, or, if the kill took it before
// its insert, neither acknowledged nor answered (Slack shows its timeout): never acknowledged
// and unanswered, never answered twice, and nothing stored for it that a later process would
// answer.
func killBeforeInsertScenario(t *testing.T, dbURL string) {
	bin := buildRolebot(t)
	srv := slacktest.NewTB(t, slacktest.Config{})
	env := serveEnv(t, srv)
	env["LOG_LEVEL"] = "info"
	if dbURL == "" {
		dbURL = "sqlite://" + filepath.Join(env["DATA_DIR"], "rolebot.db")
	}
	env["DATABASE_URL"] = dbURL
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	type command struct{ env, url string }
	send := func(phase string) []command {
		var cmds []command
		for i := range oneRoundCommands {
			u := srv.ResponseURL()
			e, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "qui priorise le backlog ?",
				UserID: "U0ASKER", ChannelID: fmt.Sprintf("C0%s%d", phase, i%3), ResponseURL: u})
			if err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, command{e, u})
		}
		return cmds
	}
	answeredInAck := func(phase string, cmds []command) {
		t.Helper()
		for _, c := range cmds {
			if ack, err := srv.WaitAck(ctx, c.env); err != nil || ack.Late || len(ack.Payload) == 0 {
				t.Fatalf("%s: ack of %s: %+v, %v; want its answer in time", phase, c.env, ack, err)
			}
		}
	}

	first := startServe(t, "process 1", bin, env)
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	before := send("BEFORE")
	answeredInAck("before the kill", before)

	release := storetest.HoldWrites(t, dbURL, "river_job")
	held := send("HELD")
	if _, err := srv.WaitDeliveries(ctx, 2*oneRoundCommands); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // computed, their inserts waiting for the table
	if err := first.signal(t, syscall.SIGKILL, 30*time.Second); err == nil {
		t.Fatalf("%s survived SIGKILL", first.name)
	}
	release()

	startServe(t, "the next process", bin, env)
	after := send("AFTER")
	answeredInAck("after the kill", after)

	// Nothing stored for the commands killed before their insert: the queue is empty, and
	// stays so past a lease (a job leased to the killed process would be answered then).
	q, err := jobs.Open(ctx, dbURL, env["DATA_DIR"], jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	time.Sleep(11 * time.Second)
	if waiting, err := q.Waiting(ctx); err != nil || len(waiting) != 0 {
		t.Errorf("jobs waiting after the kill: %v, %v; want none", waiting, err)
	}

	acked := map[string]bool{}
	for _, a := range srv.Acks() {
		acked[a.EnvelopeID] = true
	}
	lost, twice, killed := 0, 0, 0
	for _, c := range append(append(before, held...), after...) {
		n := len(srv.Messages(slacktest.Method(slacktest.MethodAck, slacktest.MethodResponseURL), slacktest.Succeeded(),
			func(m slacktest.Message) bool { return m.ResponseURL == c.url }))
		switch {
		case n > 1:
			twice += n - 1
		case n == 0 && acked[c.env]:
			lost++
		case n == 0:
			killed++
		}
	}
	t.Logf("kill -9 before the answered inserts: %d commands, %d left unacknowledged by the kill, %d lost, %d duplicated",
		3*oneRoundCommands, killed, lost, twice)
	if lost != 0 || twice != 0 {
		t.Errorf("%d acknowledged and never answered, %d answered twice; want none", lost, twice)
	}
	if killed == 0 {
		t.Errorf("no command was caught by the kill before its insert; the test did not reach its case")
	}
}

func TestSIGKILLBeforeAnsweredInsert(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	killBeforeInsertScenario(t, "")
}

func TestSIGKILLBeforeAnsweredInsertPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	dbURL := storetest.PostgresURL(t) // skips, saying so, without PostgreSQL
	t.Parallel()
	killBeforeInsertScenario(t, dbURL)
}

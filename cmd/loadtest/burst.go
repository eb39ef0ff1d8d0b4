package main

// One run: a fake Slack, the bots in a child process, and the users asking.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

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
	var stops []stopFunc
	stopped := false
	defer func() {
		if !stopped {
			for _, stop := range stops {
				_, _ = stop(syscall.SIGTERM)
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
		if _, err := burst(wctx, srv, warm, true, nil); err != nil {
			return report{}, in, fmt.Errorf("mise en route : %w", err)
		}
		srv.ResetRecords()
		if o.record != "" && o.record != recordOff {
			// The recorder writes the warm-up's answers once it sees a pause
			// (50 ms): a burst sent at once would share the bot's CPU with
			// that write, which no answer of a real burst waits for.
			time.Sleep(warmRecordSettle)
		}
	}
	var afterAcks func()
	if kind == "rolebot" && o.fault != "" {
		afterAcks = stopMidBurst(srv, o, &stops)
	}
	r, err := burst(wctx, srv, o, expectAnswers, afterAcks)
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
// and, if expectAnswers, their answers; afterAcks, if set, runs in between.
func burst(ctx context.Context, srv *slacktest.Server, o options, expectAnswers bool, afterAcks func()) (report, error) {
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
	if afterAcks != nil {
		afterAcks()
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
	if expectAnswers && o.fault != "" {
		// A job rescued from the killed bot may post again after every question has its
		// answer: the count waits until the queue is empty.
		if err := waitQueueDrained(ctx, o.queueURL); err != nil {
			fmt.Fprintf(os.Stderr, "loadtest : attente de la file vide : %v\n", err)
		}
	}
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

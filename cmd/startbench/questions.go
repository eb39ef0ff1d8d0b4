package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rolebot/rolebot/internal/slacktest"
)

// askers is how many users ask at the same time, each waiting for its answer
// before its next question.
const askers = 8

// questions are asked in turn: roles, tasks, lists, help, English, and
// things the content does not know.
var questions = []string{
	"designer",
	"qui porte la vision du produit ?",
	"who owns the vision?",
	"qui priorise le backlog ?",
	"who owns GDPR compliance?",
	"liste des rôles",
	"qui fait quoi ?",
	"product owner",
	"qui s'occupe de l'accessibilité ?",
	"qui fait les tests ?",
	"développeur",
	"qui déploie en production ?",
	"aide",
	"qui fait la recherche utilisateur ?",
	"ornithorynque",
	"qui rédige les user stories ?",
	"qui mesure l'impact ?",
	"who writes the code?",
}

// askQuestions sends n questions through srv, slash commands and mentions in
// turn, and waits for each one's answer.
func askQuestions(ctx context.Context, srv *slacktest.Server, n int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	users := min(n, askers)
	for u := range users {
		wg.Go(func() {
			for i := u; i < n; i += users {
				if err := askOne(ctx, srv, i, u); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// askOne sends question i as user u and waits for its answer: a post to the
// command's response_url, or a reply in the mention's thread.
func askOne(ctx context.Context, srv *slacktest.Server, i, u int) error {
	q := questions[i%len(questions)]
	user := fmt.Sprintf("U%08d", u+1)
	channel := fmt.Sprintf("C%08d", u+1)
	var answer slacktest.Filter
	var err error
	if i%2 == 0 {
		url := srv.ResponseURL()
		answer = func(m slacktest.Message) bool {
			return (m.Method == slacktest.MethodResponseURL || m.Method == slacktest.MethodAck) && m.ResponseURL == url
		}
		_, err = srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: q, UserID: user, ChannelID: channel, ResponseURL: url})
	} else {
		ts := srv.NewTS()
		answer = func(m slacktest.Message) bool {
			return m.Method == "chat.postMessage" && m.Channel == channel && m.ThreadTS == ts
		}
		mention := slacktest.AppMentionEvent{User: user, Text: "<@" + srv.Config().BotUserID + "> " + q, Channel: channel, TS: ts}
		_, err = srv.SendEvent(ctx, slacktest.EventsAPI{Event: mention})
	}
	if err != nil {
		return fmt.Errorf("question n° %d (« %s ») : envoi : %w", i+1, q, err)
	}
	if _, err := srv.WaitMessage(ctx, answer, slacktest.Succeeded()); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("question n° %d (« %s ») sans réponse : %w", i+1, q, err)
	}
	return nil
}

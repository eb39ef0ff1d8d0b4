package main

// The bots a run measures: rolebot as serve runs it, and the floor.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/slackbot"
	dbstore "github.com/rolebot/rolebot/internal/store"
)

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
// With teams (nil for none), answers name people; with q (nil for none),
// every question is a job in the database, as serve does, and q's workers
// start once the bot is built (fwd hands them to it). With record (nil for
// none), every answer shown is recorded there, as serve does.
func startRolebot(srv childServer, store *knowledge.Store, teams *dbstore.Store, q *jobs.Queue, fwd *jobs.DeferredAnswerer,
	record slackbot.Feedback, workers int, logger *slog.Logger, reg prometheus.Registerer) (func() error, error) {
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
	if q != nil {
		o.Queue = q
	}
	o.Feedback = record
	bot := slackbot.New(o)
	if q != nil {
		fwd.Set(bot)
		if err := q.Start(context.Background()); err != nil {
			return nil, err
		}
	}
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

// ackAnswers reads the bot's count of slash commands by how their ack went (nil when none).
func ackAnswers(reg *prometheus.Registry) map[string]int {
	if reg == nil {
		return nil
	}
	mfs, err := reg.Gather()
	if err != nil {
		return nil
	}
	var out map[string]int
	for _, mf := range mfs {
		if mf.GetName() != slackbot.MetricAckAnswers {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "outcome" {
					if out == nil {
						out = map[string]int{}
					}
					out[lp.GetValue()] += int(m.GetCounter().GetValue())
				}
			}
		}
	}
	return out
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

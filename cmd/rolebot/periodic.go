package main

import (
	"log/slog"
	"time"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reportpost"
	teamstore "github.com/rolebot/rolebot/internal/store"
)

// periodicWork is what serve runs on a timer, on River's leader: the purge of questions and
// opinions past FEEDBACK_RETENTION, and the weekly report when REPORT_CHANNEL is set.
func periodicWork(cfg config.Config, teams *teamstore.Store, content *knowledge.Store, slack reportpost.SlackAPI, logger *slog.Logger) *jobs.Periodic {
	p := &jobs.Periodic{Store: teams, Retention: cfg.FeedbackRetention.Duration()}
	if cfg.ReportChannel == "" {
		logger.Info("tâches périodiques : purge des questions et avis, pas de rapport hebdomadaire (REPORT_CHANNEL vide)",
			"retention", p.Retention.String(), "purge_every", jobs.DefaultPurgeEvery.String())
		return p
	}
	p.Report = &reportpost.Poster{Slack: slack, Channel: cfg.ReportChannel, Store: teams, Content: content,
		BaseURL: cfg.ContentBaseURL, Location: cfg.ReportSchedule.Loc, Log: logger}
	p.ReportSchedule = cfg.ReportSchedule
	logger.Info("tâches périodiques : purge des questions et avis, rapport hebdomadaire",
		"retention", p.Retention.String(), "purge_every", jobs.DefaultPurgeEvery.String(),
		"report_channel", cfg.ReportChannel, "report_schedule", cfg.ReportSchedule.String(),
		"next_report", cfg.ReportSchedule.Next(time.Now()).Format(time.RFC3339))
	return p
}

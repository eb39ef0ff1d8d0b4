package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFeedbackSettings(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name      string
		env       []string
		retention time.Duration
		channel   string
		errVar    string // the variable the error names; empty: no error
	}{
		{"defaults", nil, 90 * day, "", ""},
		{"days", []string{"FEEDBACK_RETENTION=30d"}, 30 * day, "", ""},
		{"go duration", []string{"FEEDBACK_RETENTION=36h"}, 36 * time.Hour, "", ""},
		{"spaces", []string{"FEEDBACK_RETENTION= 7d ", "REPORT_CHANNEL= C012AB3CD "}, 7 * day, "C012AB3CD", ""},
		{"private channel", []string{"REPORT_CHANNEL=G0PRIV"}, 90 * day, "G0PRIV", ""},
		{"zero", []string{"FEEDBACK_RETENTION=0d"}, 0, "", "FEEDBACK_RETENTION"},
		{"negative", []string{"FEEDBACK_RETENTION=-1h"}, 0, "", "FEEDBACK_RETENTION"},
		{"words", []string{"FEEDBACK_RETENTION=trois mois"}, 0, "", "FEEDBACK_RETENTION"},
		{"weeks", []string{"FEEDBACK_RETENTION=12w"}, 0, "", "FEEDBACK_RETENTION"},
		{"channel name", []string{"REPORT_CHANNEL=#produit"}, 0, "", "REPORT_CHANNEL"},
		{"direct message", []string{"REPORT_CHANNEL=D0DM"}, 0, "", "REPORT_CHANNEL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(withTokens(tc.env...), noFiles(t))
			if tc.errVar != "" {
				var ve *VarError
				if !errors.As(err, &ve) || ve.Var != tc.errVar || !strings.HasPrefix(err.Error(), tc.errVar+" invalide") {
					t.Fatalf("err = %v, want one naming %s", err, tc.errVar)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.FeedbackRetention.Duration() != tc.retention || c.ReportChannel != tc.channel {
				t.Fatalf("retention %s, channel %q; want %s, %q", c.FeedbackRetention.Duration(), c.ReportChannel, tc.retention, tc.channel)
			}
		})
	}
}

func TestParseLongDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "0d": 0, "90m": 90 * time.Minute, " 1h ": time.Hour} {
		if got, err := ParseLongDuration(in); err != nil || got != want {
			t.Errorf("ParseLongDuration(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "7j", "1.5d", "-3d", "999999999d", "sept jours"} {
		if _, err := ParseLongDuration(in); err == nil {
			t.Errorf("ParseLongDuration(%q) accepted", in)
		}
	}
}

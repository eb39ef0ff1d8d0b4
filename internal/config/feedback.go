package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// LongDuration is a duration that may also be written in days, as retentions are: "90d", or
// anything time.ParseDuration reads ("2160h", "36h30m").
type LongDuration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler, for caarlos0/env.
func (d *LongDuration) UnmarshalText(b []byte) error {
	v, err := ParseLongDuration(string(b))
	if err != nil {
		return err
	}
	*d = LongDuration(v)
	return nil
}

// Duration returns d as a time.Duration.
func (d LongDuration) Duration() time.Duration { return time.Duration(d) }

// maxDays keeps a count of days within a time.Duration (about 292 years).
const maxDays = 100000

// ParseLongDuration reads "Nd" (N whole days) or a Go duration ("36h", "90m"). It is what
// FEEDBACK_RETENTION and the command line's --since accept.
func ParseLongDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > maxDays {
			return 0, fmt.Errorf("durée %q illisible (exemples : 7d, 90d, 36h)", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("durée %q illisible (exemples : 7d, 90d, 36h)", s)
	}
	return d, nil
}

// reportChannelPattern is the shape of a channel rolebot can post in: a public (C…) or private
// (G…) channel id. A channel's name would break when it is renamed.
var reportChannelPattern = regexp.MustCompile(`^[CG][A-Z0-9]{1,31}$`)

// checkFeedback checks FEEDBACK_RETENTION and REPORT_CHANNEL.
func checkFeedback(c *Config, failed map[string]bool) []error {
	var errs []error
	if !failed["FEEDBACK_RETENTION"] && c.FeedbackRetention <= 0 {
		errs = append(errs, &VarError{Var: "FEEDBACK_RETENTION", Msg: fmt.Sprintf("invalide : %s (durée positive attendue, exemples : 90d, 720h)", c.FeedbackRetention.Duration())})
	}
	if !failed["REPORT_CHANNEL"] {
		c.ReportChannel = strings.TrimSpace(c.ReportChannel)
		if c.ReportChannel != "" && !reportChannelPattern.MatchString(c.ReportChannel) {
			errs = append(errs, &VarError{Var: "REPORT_CHANNEL", Msg: fmt.Sprintf("invalide : %q (identifiant de canal Slack attendu, C… ou G…, exemple : C012AB3CD ; pas son nom)", c.ReportChannel)})
		}
	}
	return errs
}

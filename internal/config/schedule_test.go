package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func mustSchedule(t *testing.T, s string) Schedule {
	t.Helper()
	sc, err := ParseSchedule(s)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestParseSchedule(t *testing.T) {
	for _, tc := range []struct {
		in        string
		day       time.Weekday
		hour, min int
		zone      string
	}{
		{"lundi 9h", time.Monday, 9, 0, "Europe/Paris"},
		{"Lundi 9h30", time.Monday, 9, 30, "Europe/Paris"},
		{"lun. 09:05", time.Monday, 9, 5, "Europe/Paris"},
		{"chaque vendredi à 16h30", time.Friday, 16, 30, "Europe/Paris"},
		{"tous les mercredis 8 h", time.Wednesday, 8, 0, "Europe/Paris"},
		{"monday 9am", time.Monday, 9, 0, "Europe/Paris"},
		{"every Friday at 5:30pm", time.Friday, 17, 30, "Europe/Paris"},
		{"sun 12am", time.Sunday, 0, 0, "Europe/Paris"},
		{"dimanche 0h", time.Sunday, 0, 0, "Europe/Paris"},
		{"jeudi 23h59 America/Montreal", time.Thursday, 23, 59, "America/Montreal"},
		{"mardi, 10h UTC", time.Tuesday, 10, 0, "UTC"},
		{"samedi 7", time.Saturday, 7, 0, "Europe/Paris"},
	} {
		s, err := ParseSchedule(tc.in)
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tc.in, err)
			continue
		}
		if s.Day != tc.day || s.Hour != tc.hour || s.Minute != tc.min || s.Loc.String() != tc.zone {
			t.Errorf("ParseSchedule(%q) = %s, want %s %d:%02d %s", tc.in, s, tc.day, tc.hour, tc.min, tc.zone)
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for in, why := range map[string]string{
		"":                     "vide",
		"  ":                   "vide",
		"lundy 9h":             "jour « lundy » inconnu",
		"9h":                   "jour « 9h » inconnu",
		"lundi":                "heure manquante",
		"lundi matin":          "heure « matin » illisible",
		"lundi 25h":            "impossible",
		"lundi 9h75":           "impossible",
		"lundi 13pm":           "impossible",
		"lundi 9h Europe/Pari": "fuseau horaire « Europe/Pari » inconnu",
		"lundi 9h mardi":       "illisible",
		"weekly":               "inconnu",
	} {
		_, err := ParseSchedule(in)
		if err == nil {
			t.Errorf("ParseSchedule(%q) accepted", in)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, why) || !strings.Contains(msg, "exemples : lundi 9h") {
			t.Errorf("ParseSchedule(%q) = %q, want it to say %q and give examples", in, msg, why)
		}
		if in != "" && !strings.Contains(msg, `"`+in+`"`) {
			t.Errorf("ParseSchedule(%q) = %q, does not echo the value", in, msg)
		}
	}
}

// TestReportScheduleVar checks REPORT_SCHEDULE through Load: the default, a value, and a bad
// value that is a clear error naming the variable and echoing the value.
func TestReportScheduleVar(t *testing.T) {
	c, err := Load(withTokens(), noFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ReportSchedule.String(); got != "lundi 9h00 (Europe/Paris)" {
		t.Errorf("default REPORT_SCHEDULE = %s", got)
	}
	c, err = Load(withTokens("REPORT_SCHEDULE=friday 4:30pm"), noFiles(t))
	if err != nil || c.ReportSchedule.String() != "vendredi 16h30 (Europe/Paris)" {
		t.Fatalf("REPORT_SCHEDULE=friday 4:30pm: %s, %v", c.ReportSchedule, err)
	}
	_, err = Load(withTokens("REPORT_SCHEDULE=le lundi vers 9h"), noFiles(t))
	var ve *VarError
	if !errors.As(err, &ve) || ve.Var != "REPORT_SCHEDULE" {
		t.Fatalf("bad REPORT_SCHEDULE: err = %v, want one naming it", err)
	}
	want := `REPORT_SCHEDULE invalide : "le lundi vers 9h" : heure « vers 9h » illisible (exemples : lundi 9h`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("bad REPORT_SCHEDULE: %q\nwant it to start with %q", err, want)
	}
}

func TestScheduleNextPrev(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	s := mustSchedule(t, "lundi 9h")
	for _, tc := range []struct {
		name       string
		at         time.Time
		next, prev time.Time
	}{
		{"wednesday", time.Date(2026, 3, 11, 12, 0, 0, 0, paris),
			time.Date(2026, 3, 16, 9, 0, 0, 0, paris), time.Date(2026, 3, 9, 9, 0, 0, 0, paris)},
		{"monday before", time.Date(2026, 3, 16, 8, 59, 0, 0, paris),
			time.Date(2026, 3, 16, 9, 0, 0, 0, paris), time.Date(2026, 3, 9, 9, 0, 0, 0, paris)},
		{"monday on time", time.Date(2026, 3, 16, 9, 0, 0, 0, paris),
			time.Date(2026, 3, 23, 9, 0, 0, 0, paris), time.Date(2026, 3, 16, 9, 0, 0, 0, paris)},
		// Summer time starts on Sunday 29 March 2026: 9h stays 9h in Paris (7h UTC, no longer 8h).
		{"over the clock change", time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC), time.Date(2026, 3, 23, 8, 0, 0, 0, time.UTC)},
	} {
		if got := s.Next(tc.at); !got.Equal(tc.next) {
			t.Errorf("%s: Next = %s, want %s", tc.name, got, tc.next)
		}
		if got := s.Prev(tc.at); !got.Equal(tc.prev) {
			t.Errorf("%s: Prev = %s, want %s", tc.name, got, tc.prev)
		}
	}
}

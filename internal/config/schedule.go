package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the static binary has no zoneinfo: Europe/Paris must be known all the same

	"github.com/rolebot/rolebot/internal/team"
)

// DefaultScheduleZone is the time zone of a REPORT_SCHEDULE that names none.
const DefaultScheduleZone = "Europe/Paris"

// scheduleExamples ends every REPORT_SCHEDULE error: forms that parse.
const scheduleExamples = "exemples : lundi 9h, vendredi 16h30, lun 09:00, monday 9am, lundi 9h Europe/Paris"

// Schedule is a time in the week, in a time zone: when the weekly report is posted
// (REPORT_SCHEDULE). Its zero value is Sunday midnight UTC; ParseSchedule makes one.
type Schedule struct {
	Day    time.Weekday
	Hour   int
	Minute int
	// Loc is the time zone; nil means UTC.
	Loc *time.Location
}

// scheduleDays maps the weekday names and abbreviations accepted, French and English, folded
// (lower case, no accents), to their day.
var scheduleDays = map[string]time.Weekday{
	"lundi": time.Monday, "lun": time.Monday, "monday": time.Monday, "mon": time.Monday,
	"mardi": time.Tuesday, "mar": time.Tuesday, "tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"mercredi": time.Wednesday, "mer": time.Wednesday, "wednesday": time.Wednesday, "wed": time.Wednesday,
	"jeudi": time.Thursday, "jeu": time.Thursday, "thursday": time.Thursday, "thu": time.Thursday, "thurs": time.Thursday,
	"vendredi": time.Friday, "ven": time.Friday, "friday": time.Friday, "fri": time.Friday,
	"samedi": time.Saturday, "sam": time.Saturday, "saturday": time.Saturday, "sat": time.Saturday,
	"dimanche": time.Sunday, "dim": time.Sunday, "sunday": time.Sunday, "sun": time.Sunday,
}

// frenchDays names the weekdays in messages and logs.
var frenchDays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// scheduleFillers are the words a schedule may hold around its day and hour, dropped:
// "chaque lundi à 9h", "tous les lundis 9h", "every monday at 9am".
var scheduleFillers = map[string]bool{
	"a": true, "at": true, "le": true, "les": true, "tous": true, "chaque": true, "every": true, "on": true,
}

// scheduleTime is an hour of the day: 9, 9h, 9h30, 09:30, 9 h 30, 9am, 9:30pm.
var scheduleTime = regexp.MustCompile(`^(\d{1,2})(?:\s*(?:h|:)\s*(\d{2})?)?\s*(am|pm)?$`)

// ParseSchedule reads a REPORT_SCHEDULE: a weekday, French or English, full or abbreviated,
// then an hour (9h, 9h30, 09:30, 9am), then optionally an IANA time zone (Europe/Paris when
// none). Its error says, in French, what is wrong and echoes the value.
func ParseSchedule(raw string) (Schedule, error) {
	fail := func(why string) (Schedule, error) {
		return Schedule{}, fmt.Errorf("%q : %s (%s)", raw, why, scheduleExamples)
	}
	var words []string
	for _, w := range strings.Fields(strings.ReplaceAll(raw, ",", " ")) {
		if !scheduleFillers[foldWord(w)] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return fail("vide, un jour et une heure attendus")
	}
	s := Schedule{}
	day := strings.TrimSuffix(foldWord(words[0]), ".")
	d, ok := scheduleDays[day]
	if !ok {
		d, ok = scheduleDays[strings.TrimSuffix(day, "s")] // "lundis", "mondays"
	}
	if !ok {
		return fail(fmt.Sprintf("jour « %s » inconnu", words[0]))
	}
	s.Day = d
	rest := words[1:]
	zone := DefaultScheduleZone
	if n := len(rest); n > 0 && (strings.Contains(rest[n-1], "/") || strings.EqualFold(rest[n-1], "UTC")) {
		zone, rest = rest[n-1], rest[:n-1]
	}
	if len(rest) == 0 {
		return fail("heure manquante après le jour")
	}
	hour := strings.ToLower(strings.Join(rest, " "))
	m := scheduleTime.FindStringSubmatch(hour)
	if m == nil {
		return fail(fmt.Sprintf("heure « %s » illisible", strings.Join(rest, " ")))
	}
	s.Hour, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		s.Minute, _ = strconv.Atoi(m[2])
	}
	switch m[3] {
	case "am", "pm":
		if s.Hour < 1 || s.Hour > 12 {
			return fail(fmt.Sprintf("heure « %s » impossible (de 1am à 12pm)", hour))
		}
		s.Hour %= 12
		if m[3] == "pm" {
			s.Hour += 12
		}
	}
	if s.Hour > 23 || s.Minute > 59 {
		return fail(fmt.Sprintf("heure « %s » impossible (de 0h00 à 23h59)", hour))
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" || strings.EqualFold(zone, "local") {
		return fail(fmt.Sprintf("fuseau horaire « %s » inconnu (nom IANA attendu, exemple : Europe/Paris)", zone))
	}
	s.Loc = loc
	return s, nil
}

// foldWord lower-cases w and drops its accents: "à" is "a", "Lundi" is "lundi".
func foldWord(w string) string { return strings.ToLower(team.Fold(w)) }

// UnmarshalText implements encoding.TextUnmarshaler, for caarlos0/env.
func (s *Schedule) UnmarshalText(b []byte) error {
	v, err := ParseSchedule(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// String says the schedule in French: "lundi 9h00 (Europe/Paris)".
func (s Schedule) String() string {
	return fmt.Sprintf("%s %dh%02d (%s)", frenchDays[s.Day%7], s.Hour, s.Minute, s.location())
}

func (s Schedule) location() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

// at returns the schedule's time on the day of t shifted by days, in the schedule's zone. On a
// day whose clock skips that hour (summer time), time.Date moves it by the skip.
func (s Schedule) at(t time.Time, days int) time.Time {
	y, m, d := t.In(s.location()).Date()
	return time.Date(y, m, d+days, s.Hour, s.Minute, 0, 0, s.location())
}

// Next returns the first time of the schedule strictly after t. It makes Schedule a River
// periodic schedule.
func (s Schedule) Next(t time.Time) time.Time {
	for days := 0; days <= 8; days++ {
		if c := s.at(t, days); c.Weekday() == s.Day && c.After(t) {
			return c
		}
	}
	return s.at(t, 7) // unreachable: one of eight days in a row is the schedule's day
}

// Prev returns the last time of the schedule at or before t.
func (s Schedule) Prev(t time.Time) time.Time {
	for days := 0; days <= 8; days++ {
		if c := s.at(t, -days); c.Weekday() == s.Day && !c.After(t) {
			return c
		}
	}
	return s.at(t, -7) // unreachable, as in Next
}

package main

// Recording the answers shown (-record): the bot as serve runs it hands every answer posted to
// its recorder, which writes them to the database in batches, off the answer's path. Runs with
// and without recording, on the same machine, tell what recording costs an answer.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rolebot/rolebot/internal/store"
)

// childRecord passes the database a rolebot child records its answers in: empty for none.
const childRecord = "LOADTEST_RECORD_URL"

// Modes of -record.
const (
	recordOff  = "off"  // answers not recorded (slackbot.Options.Feedback nil)
	recordOn   = "on"   // every answer shown recorded, as serve does
	recordBoth = "both" // one run without, one with, compared
)

// records lists the runs of -record: false without recording, true with.
func (o options) records() []bool {
	switch o.record {
	case recordOn:
		return []bool{true}
	case recordBoth:
		return []bool{false, true}
	}
	return []bool{false}
}

// prepareRecord sets o.recordURL for a run that records: the teams' database when there is one,
// else a new SQLite file (removed by cleanup), so that no run sees another's records.
func prepareRecord(o *options) (cleanup func(), err error) {
	cleanup = func() {}
	if o.databaseURL != "" {
		o.recordURL = o.databaseURL
		return cleanup, nil
	}
	dir, err := os.MkdirTemp("", "loadtest-record-")
	if err != nil {
		return cleanup, err
	}
	o.recordURL = "sqlite://" + filepath.Join(dir, "rolebot.db")
	return func() { _ = os.RemoveAll(dir) }, nil
}

// describeRecord names a run's recording, for the report.
func (o options) describeRecord(recording bool) string {
	if o.record == recordOff {
		return ""
	}
	if !recording {
		return ", sans enregistrement des réponses"
	}
	return ", chaque réponse enregistrée pour le rapport (hors du chemin de la réponse)"
}

// openChildRecord opens the database named in the environment for the answers shown, nil for
// none; it is the teams' own when both name the same.
func openChildRecord(ctx context.Context, teams *store.Store) (*store.Store, func(), error) {
	url := os.Getenv(childRecord)
	switch {
	case url == "":
		return nil, func() {}, nil
	case url == os.Getenv(childDatabase) && teams != nil:
		return teams, func() {}, nil
	}
	st, err := store.Open(ctx, url, "", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("base des réponses enregistrées : %w", err)
	}
	return st, func() { _ = st.Close() }, nil
}

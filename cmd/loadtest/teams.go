package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store"
)

// childDatabase passes the database of the teams to a rolebot child.
const childDatabase = "LOADTEST_DATABASE_URL"

// teamRoles are the roles every channel's team holds in a run with a
// database: the owners of most questions' tasks, and roles asked by name.
var teamRoles = []string{"responsable-produit", "responsable-metier", "designer"}

// channelOf is the channel of question i from user u: the user's own, or,
// with -channels, one of that many in turn.
func (o options) channelOf(u, i int) string {
	if o.channels > 0 {
		return fmt.Sprintf("C%08d", i%o.channels+1)
	}
	return fmt.Sprintf("C%08d", u+1)
}

// channelCount is how many channels the questions go to.
func (o options) channelCount() int {
	if o.channels > 0 {
		return o.channels
	}
	return o.users
}

// prepareDatabase resolves -database ("sqlite" is a file in a temporary
// folder, removed by the returned cleanup) and gives every channel of the
// run a team, in one import.
func prepareDatabase(ctx context.Context, o *options) (cleanup func(), err error) {
	cleanup = func() {}
	if o.database == "" {
		return cleanup, nil
	}
	o.databaseURL = o.database
	if o.database == "sqlite" {
		dir, err := os.MkdirTemp("", "loadtest-db-")
		if err != nil {
			return cleanup, err
		}
		cleanup = func() { _ = os.RemoveAll(dir) }
		o.databaseURL = "sqlite://" + filepath.Join(dir, "rolebot.db")
	}
	st, err := store.Open(ctx, o.databaseURL, "", nil)
	if err != nil {
		return cleanup, fmt.Errorf("base de données : %w", err)
	}
	defer st.Close()
	var rows []store.Row
	for c := range o.channelCount() {
		channel := fmt.Sprintf("C%08d", c+1)
		for k, role := range teamRoles {
			// Two people a role: a team's usual size, and lists of names.
			for p := range 2 {
				rows = append(rows, store.Row{Channel: channel, Role: role, User: fmt.Sprintf("U%07dP%d", c*len(teamRoles)+k, p)})
			}
		}
	}
	if _, err := st.Import(ctx, "loadtest", rows); err != nil {
		return cleanup, fmt.Errorf("équipes des canaux : %w", err)
	}
	return cleanup, nil
}

// describeDatabase says what the run's teams are, for the report's header.
func (o options) describeDatabase() string {
	if o.database == "" {
		return ""
	}
	kind := "PostgreSQL"
	if o.database == "sqlite" || isSQLite(o.database) {
		kind = "SQLite"
	}
	s := fmt.Sprintf(", une équipe dans chacun des %d canaux (%s)", o.channelCount(), kind)
	if o.replicas > 1 {
		s += fmt.Sprintf(", %d instances de rolebot", o.replicas)
	}
	return s
}

// mentionsSomeone reports whether an answer mentions a user: the people of
// a channel's team (lists name them without mentions).
func mentionsSomeone(m slacktest.Message) bool {
	for _, raw := range [][]byte{m.BlocksJSON, m.Body} {
		if strings.Contains(string(raw), "<@U") || strings.Contains(string(raw), `\u003c@U`) {
			return true
		}
	}
	return false
}

// openChildStore opens the database a rolebot child was given, if any.
func openChildStore(ctx context.Context) (*store.Store, error) {
	url := os.Getenv(childDatabase)
	if url == "" {
		return nil, nil
	}
	return store.Open(ctx, url, "", nil)
}

package slackbot

import (
	"context"

	"github.com/rolebot/rolebot/internal/store"
)

// Team, Change and Membership are the store's.
type (
	Team       = store.Team
	Change     = store.Change
	Membership = store.Membership
)

// Teams is the part of the store the bot reads and edits teams with;
// *store.Store is one.
type Teams interface {
	Team(ctx context.Context, channel string) (Team, error)
	SetTeam(ctx context.Context, channel, actor string, t Team) ([]Change, error)
	TeamsOf(ctx context.Context, user string) ([]Membership, error)
	Channels(ctx context.Context) ([]string, error)
}

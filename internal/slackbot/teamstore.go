package slackbot

import (
	"context"
	"time"

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

// Claims is the part of the store that de-duplicates Slack's deliveries
// across replicas: Claim reports true for the first claim of key within
// ttl, whichever replica made it. *store.Store is one; serve purges the
// expired claims.
type Claims interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

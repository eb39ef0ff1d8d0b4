package slackbot

import (
	"context"
	"time"
)

// TEMPORARY until internal/store lands: the store's types, as its author
// proposed them. Replaced by aliases of store's types at the merge.

// Team maps a role id to the Slack user ids who hold it in a channel.
type Team map[string][]string

// Change is one person named to, or removed from, a role of a channel.
type Change struct {
	Channel, Role, User, Actor string
	Added                      bool
	At                         time.Time
}

// Membership is one role a user holds in one channel.
type Membership struct {
	Channel, Role string
}

// Teams is the part of the store the bot reads and edits teams with.
type Teams interface {
	Team(ctx context.Context, channel string) (Team, error)
	SetTeam(ctx context.Context, channel, actor string, t Team) ([]Change, error)
	TeamsOf(ctx context.Context, user string) ([]Membership, error)
	Channels(ctx context.Context) ([]string, error)
}

// Claims is the part of the store that de-duplicates Slack's deliveries
// across replicas: Claim reports true for the first claim of key within
// ttl, whichever replica made it.
// PurgeClaims deletes the expired claims; Run calls it every
// ClaimPurgeInterval.
type Claims interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	PurgeClaims(ctx context.Context) (int64, error)
}

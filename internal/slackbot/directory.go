package slackbot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/slack-go/slack"
)

// Bounds of the caches of Slack's directory. users.info and
// conversations.members are rate limited (Tier 4 and Tier 4): a person's
// flags and a channel's members are asked once per TTL.
const (
	// DefaultUserCacheTTL bounds how long a guest's promotion, or a new
	// display name, takes to be seen.
	DefaultUserCacheTTL = 10 * time.Minute
	// DefaultMembersCacheTTL bounds how long someone who joined a channel
	// waits to edit its team.
	DefaultMembersCacheTTL = 2 * time.Minute
	userCacheSize          = 10000
	membersCacheSize       = 1000
	// membersPage and maxMembersPages bound one channel's listing: 50,000
	// members at most.
	membersPage     = 1000
	maxMembersPages = 50
	// slackLookupTimeout bounds one lookup, so that a slow Slack cannot
	// hold an answer.
	slackLookupTimeout = 2 * time.Second
)

// person is what rolebot needs to know of a Slack user.
type person struct {
	exists  bool // false: users.info said user_not_found
	guest   bool // is_restricted or is_ultra_restricted
	bot     bool
	deleted bool
	name    string // display name, else real name, else user name
}

// directory caches users.info and conversations.members.
type directory struct {
	b        *Bot
	users    *expirable.LRU[string, person]
	members  *expirable.LRU[string, channelMembers]
	channels *expirable.LRU[string, []string] // a user's channels, sorted
}

func newDirectory(b *Bot, userTTL, membersTTL time.Duration) *directory {
	if userTTL <= 0 {
		userTTL = DefaultUserCacheTTL
	}
	if membersTTL <= 0 {
		membersTTL = DefaultMembersCacheTTL
	}
	return &directory{
		b:        b,
		users:    expirable.NewLRU[string, person](userCacheSize, nil, userTTL),
		members:  expirable.NewLRU[string, channelMembers](membersCacheSize, nil, membersTTL),
		channels: expirable.NewLRU[string, []string](userCacheSize, nil, membersTTL),
	}
}

// userChannels lists the channels user is a member of that rolebot can see
// (users.conversations), sorted.
func (d *directory) userChannels(ctx context.Context, user string) ([]string, error) {
	if cs, ok := d.channels.Get(user); ok {
		return cs, nil
	}
	ctx, cancel := context.WithTimeout(ctx, slackLookupTimeout)
	defer cancel()
	var all []string
	cursor := ""
	for range maxMembersPages {
		var page []slack.Channel
		next := ""
		err := d.b.call(ctx, "users.conversations", func(ctx context.Context) error {
			var err error
			page, next, err = d.b.api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{
				UserID: user, Cursor: cursor, Limit: membersPage, ExcludeArchived: true,
				Types: []string{"public_channel", "private_channel"},
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			all = append(all, c.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	slices.Sort(all)
	d.channels.Add(user, all)
	return all, nil
}

// person looks a user up. An unknown id is a person that does not exist,
// cached like the others; an error is Slack failing, not cached.
func (d *directory) person(ctx context.Context, id string) (person, error) {
	if p, ok := d.users.Get(id); ok {
		return p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, slackLookupTimeout)
	defer cancel()
	var u *slack.User
	err := d.b.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = d.b.api.GetUserInfoContext(ctx, id)
		return err
	})
	var ae *APIError
	if errors.As(err, &ae) && (ae.Code == "user_not_found" || ae.Code == "user_not_visible") {
		p := person{}
		d.users.Add(id, p)
		return p, nil
	}
	if err != nil {
		return person{}, err
	}
	p := person{
		exists:  true,
		guest:   u.IsRestricted || u.IsUltraRestricted,
		bot:     u.IsBot,
		deleted: u.Deleted,
		name:    firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Profile.RealName, u.Name),
	}
	d.users.Add(id, p)
	return p, nil
}

// cachedPerson returns a user from the cache only.
func (d *directory) cachedPerson(id string) (person, bool) { return d.users.Peek(id) }

// names returns display names of ids, for lists. It is best effort: a
// user Slack cannot say is left out, and shown by id.
func (d *directory) names(ctx context.Context, ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		p, err := d.person(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if p.name != "" {
			out[id] = p.name
		}
	}
	return out
}

// isMember reports whether user is a member of channel, from
// conversations.members. An error means rolebot cannot see the channel's
// members (it is not in a private channel) or Slack failed.
func (d *directory) isMember(ctx context.Context, channel, user string) (bool, error) {
	ms, err := d.channelMembers(ctx, channel)
	if err != nil {
		return false, err
	}
	_, found := slices.BinarySearch(ms, user)
	return found, nil
}

// cachedMember is isMember from the cache only; known is false when the
// channel's members are not cached.
func (d *directory) cachedMember(channel, user string) (member, known bool) {
	ms, ok := d.members.Peek(channel)
	if !ok || ms.hidden {
		return false, false
	}
	_, found := slices.BinarySearch(ms.ids, user)
	return found, true
}

// channelMembers is a channel's members as cached: sorted user ids, or
// hidden when Slack would not list them (rolebot is not in a private
// channel), which is cached too, as the answer would not change.
type channelMembers struct {
	ids    []string
	hidden bool
}

// hiddenCode tells Slack's answers for a channel whose members rolebot
// cannot list.
func hiddenCode(code string) bool { return code == "channel_not_found" || code == "not_in_channel" }

func (d *directory) channelMembers(ctx context.Context, channel string) ([]string, error) {
	if ms, ok := d.members.Get(channel); ok {
		if ms.hidden {
			return nil, &APIError{Method: "conversations.members", Code: "channel_not_found", Err: errors.New("membres du canal invisibles")}
		}
		return ms.ids, nil
	}
	ctx, cancel := context.WithTimeout(ctx, slackLookupTimeout)
	defer cancel()
	var all []string
	cursor := ""
	for range maxMembersPages {
		var page []string
		next := ""
		err := d.b.call(ctx, "conversations.members", func(ctx context.Context) error {
			var err error
			page, next, err = d.b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{
				ChannelID: channel, Cursor: cursor, Limit: membersPage,
			})
			return err
		})
		var ae *APIError
		if errors.As(err, &ae) && hiddenCode(ae.Code) {
			d.members.Add(channel, channelMembers{hidden: true})
		}
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	slices.Sort(all)
	d.members.Add(channel, channelMembers{ids: all})
	return all, nil
}

// Refusals: why someone may not edit a channel's team.
const (
	refuseGuest     = "Les invités de l'espace de travail ne peuvent pas modifier l'équipe d'un canal. Demandez à un membre du canal."
	refuseNotMember = "Seuls les membres de ce canal peuvent modifier son équipe. Rejoignez le canal, ou demandez à l'un de ses membres."
	refuseHidden    = "Je ne vois pas les membres de ce canal : invitez-moi dans le canal (/invite @rolebot) pour en gérer l'équipe."
	refuseUnknown   = "Je n'ai pas pu vérifier que vous pouvez modifier cette équipe (Slack ne répond pas). Réessayez dans un instant."
	refuseNoChannel = "L'équipe se règle dans un canal : tapez la commande dans le canal de l'équipe."
)

// mayEdit says whether user may edit channel's team: anyone in
// ADMIN_USER_IDS, and the members of the channel who are not guests. When
// not, refusal says why, in French.
func (b *Bot) mayEdit(ctx context.Context, user, channel string) (ok bool, refusal string) {
	if b.admins[user] {
		return true, ""
	}
	if !isChannel(channel) {
		return false, refuseNoChannel
	}
	p, err := b.dir.person(ctx, user)
	if err != nil {
		b.log.Warn("droits d'édition non vérifiés : users.info a échoué", "user", user, "error", err.Error())
		return false, refuseUnknown
	}
	if !p.exists || p.guest || p.bot || p.deleted {
		return false, refuseGuest
	}
	member, err := b.dir.isMember(ctx, channel, user)
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) && hiddenCode(ae.Code) {
			return false, refuseHidden
		}
		b.log.Warn("droits d'édition non vérifiés : conversations.members a échoué", "channel", channel, "error", err.Error())
		return false, refuseUnknown
	}
	if !member {
		return false, refuseNotMember
	}
	return true, ""
}

// cachedMayEdit is mayEdit from the caches only; known is false when they
// cannot tell.
func (b *Bot) cachedMayEdit(user, channel string) (ok bool, refusal string, known bool) {
	if b.admins[user] {
		return true, "", true
	}
	if !isChannel(channel) {
		return false, refuseNoChannel, true
	}
	p, pk := b.dir.cachedPerson(user)
	if pk && (!p.exists || p.guest || p.bot || p.deleted) {
		return false, refuseGuest, true
	}
	member, mk := b.dir.cachedMember(channel, user)
	switch {
	case !pk || !mk:
		return false, "", false
	case !member:
		return false, refuseNotMember, true
	}
	return true, "", true
}

// isChannel says whether id is a channel rather than a direct message: only
// channels have a team.
func isChannel(id string) bool {
	return len(id) > 1 && (id[0] == 'C' || id[0] == 'G') && strings.ToUpper(id) == id
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

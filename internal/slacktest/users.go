package slacktest

import (
	"slices"
	"strconv"
)

// User is a member of the fake workspace, as users.info describes it.
type User struct {
	ID string
	// Name is the legacy user name ("claire.martin").
	Name string
	// RealName and DisplayName are the profile's names; Slack shows the
	// display name when it is set, else the real name.
	RealName    string
	DisplayName string
	// Restricted marks a multi-channel guest, UltraRestricted a
	// single-channel guest.
	Restricted      bool
	UltraRestricted bool
	// Bot marks a bot user, Deleted a deactivated account.
	Bot     bool
	Deleted bool
}

// AddUser adds or replaces users of the fake workspace: users.info answers
// them, and user_not_found for any other id.
func (s *Server) AddUser(users ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		s.users[u.ID] = u
	}
}

// SetMembers sets the members of a channel, as conversations.members lists
// them. A channel never set answers channel_not_found.
func (s *Server) SetMembers(channel string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[channel] = slices.Clone(users)
}

func (u User) toJSON(team string) map[string]any {
	return map[string]any{
		"id":                  u.ID,
		"team_id":             team,
		"name":                u.Name,
		"deleted":             u.Deleted,
		"real_name":           u.RealName,
		"is_bot":              u.Bot,
		"is_restricted":       u.Restricted,
		"is_ultra_restricted": u.UltraRestricted,
		"profile": map[string]any{
			"real_name":    u.RealName,
			"display_name": u.DisplayName,
		},
	}
}

// usersInfoLocked answers users.info.
func (s *Server) usersInfoLocked(req *request) apiResponse {
	id := req.str("user")
	u, ok := s.users[id]
	if !ok {
		return errResponse("user_not_found")
	}
	return okResponse(map[string]any{"user": u.toJSON(s.cfg.TeamID)})
}

// defaultMembersPage is conversations.members' default page size.
const defaultMembersPage = 100

// conversationsMembersLocked answers conversations.members, a page at a
// time: the cursor is the offset of the next page.
func (s *Server) conversationsMembersLocked(req *request) apiResponse {
	members, ok := s.members[req.str("channel")]
	if !ok {
		return errResponse("channel_not_found")
	}
	limit, err := strconv.Atoi(req.str("limit"))
	if err != nil || limit <= 0 {
		limit = defaultMembersPage
	}
	from := 0
	if c := req.str("cursor"); c != "" {
		if from, err = strconv.Atoi(c); err != nil || from < 0 || from > len(members) {
			return errResponse("invalid_cursor")
		}
	}
	to := min(from+limit, len(members))
	next := ""
	if to < len(members) {
		next = strconv.Itoa(to)
	}
	return okResponse(map[string]any{
		"members":           slices.Clone(members[from:to]),
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

// usersConversationsLocked answers users.conversations: the channels whose
// members (SetMembers) include the user, a page at a time.
func (s *Server) usersConversationsLocked(req *request) apiResponse {
	user := req.str("user")
	var ids []string
	for ch, ms := range s.members {
		if slices.Contains(ms, user) {
			ids = append(ids, ch)
		}
	}
	slices.Sort(ids)
	limit, err := strconv.Atoi(req.str("limit"))
	if err != nil || limit <= 0 {
		limit = defaultMembersPage
	}
	from := 0
	if c := req.str("cursor"); c != "" {
		if from, err = strconv.Atoi(c); err != nil || from < 0 || from > len(ids) {
			return errResponse("invalid_cursor")
		}
	}
	to := min(from+limit, len(ids))
	next := ""
	if to < len(ids) {
		next = strconv.Itoa(to)
	}
	channels := make([]map[string]any, 0, to-from)
	for _, id := range ids[from:to] {
		channels = append(channels, fakeChannel(id))
	}
	return okResponse(map[string]any{
		"channels":          channels,
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

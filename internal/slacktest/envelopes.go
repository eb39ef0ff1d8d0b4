package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// verificationToken is the legacy token Slack still puts in payloads; socket
// mode does not check it.
const verificationToken = "slacktest-verification-token"

// SlashCommand is a slash command invocation. Empty fields get plausible
// values: TeamID and TeamDomain from the Config, a fresh TriggerID, and a
// ResponseURL minted on the fake for ChannelID and UserID.
type SlashCommand struct {
	Command     string // "/role"
	Text        string
	UserID      string
	UserName    string
	ChannelID   string
	ChannelName string
	TeamID      string
	TeamDomain  string
	TriggerID   string
	ResponseURL string
	// Conn, when set, is the connection id (ConnectionIDs) to deliver on, as for events.
	Conn int
}

// SendSlashCommand delivers cmd in a slash_commands envelope (with
// accepts_response_payload true, as Slack does) and returns its envelope_id.
// It waits, bounded by ctx, for a socket-mode connection.
func (s *Server) SendSlashCommand(ctx context.Context, cmd SlashCommand) (string, error) {
	s.mu.Lock()
	def(&cmd.TeamID, s.cfg.TeamID)
	def(&cmd.TeamDomain, s.cfg.TeamDomain)
	if cmd.TriggerID == "" {
		cmd.TriggerID = s.mintTriggerLocked(cmd.UserID)
	}
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = s.mintResponseURLLocked(cmd.ChannelID, cmd.UserID)
	}
	s.mu.Unlock()
	payload := map[string]any{
		"token":                 verificationToken,
		"team_id":               cmd.TeamID,
		"team_domain":           cmd.TeamDomain,
		"channel_id":            cmd.ChannelID,
		"channel_name":          cmd.ChannelName,
		"user_id":               cmd.UserID,
		"user_name":             cmd.UserName,
		"command":               cmd.Command,
		"text":                  cmd.Text,
		"api_app_id":            s.cfg.AppID,
		"is_enterprise_install": false,
		"response_url":          cmd.ResponseURL,
		"trigger_id":            cmd.TriggerID,
	}
	return s.send(ctx, "slash_commands", payload, true, nil, "", cmd.Conn)
}

// EventsAPI is an Events API event_callback to deliver in an events_api
// envelope.
type EventsAPI struct {
	// EventID defaults to a fresh "Ev…" ID. Reuse one to model the same event
	// delivered twice.
	EventID string
	// EventTime defaults to now.
	EventTime time.Time
	// RetryAttempt and RetryReason go on the envelope, to model Slack's
	// retries by hand (see Config.Redeliver for automatic ones).
	RetryAttempt int
	RetryReason  string
	// Conn, when set, delivers the envelope on that connection (see
	// ConnectionIDs) instead of the next one round-robin, to model a retry
	// that reaches another replica.
	Conn int
	// Event is the inner event: an AppMentionEvent, MessageEvent or
	// AppHomeOpenedEvent, or any value that encodes to a JSON object with a
	// "type" (a map, a json.RawMessage, a slackevents struct).
	Event any
}

// innerEvent is implemented by the helper event types, which fill their
// defaults from the server.
type innerEvent interface {
	toJSON(s *Server) map[string]any
}

// AppMentionEvent is an app_mention: a user mentioned the bot in a channel.
// TS defaults to a fresh timestamp; set ThreadTS for a mention in a thread.
type AppMentionEvent struct {
	User     string
	Text     string // e.g. "<@U0000000BOT> designer"
	Channel  string
	TS       string
	ThreadTS string
	BotID    string // set when a bot mentioned the app
}

func (e AppMentionEvent) toJSON(s *Server) map[string]any {
	def(&e.TS, s.NewTS())
	m := map[string]any{
		"type":     "app_mention",
		"user":     e.User,
		"text":     e.Text,
		"channel":  e.Channel,
		"ts":       e.TS,
		"event_ts": e.TS,
		"team":     s.cfg.TeamID,
	}
	setIf(m, "thread_ts", e.ThreadTS)
	setIf(m, "bot_id", e.BotID)
	return m
}

// MessageEvent is a message event, by default in a direct message with the
// bot (channel_type "im"). For a bot's message set BotID and SubType
// "bot_message"; TS defaults to a fresh timestamp.
type MessageEvent struct {
	User        string
	Text        string
	Channel     string // "D…" for a direct message
	ChannelType string // defaults to "im"
	TS          string
	ThreadTS    string
	BotID       string
	SubType     string
}

func (e MessageEvent) toJSON(s *Server) map[string]any {
	def(&e.TS, s.NewTS())
	def(&e.ChannelType, "im")
	m := map[string]any{
		"type":         "message",
		"text":         e.Text,
		"channel":      e.Channel,
		"channel_type": e.ChannelType,
		"ts":           e.TS,
		"event_ts":     e.TS,
		"team":         s.cfg.TeamID,
	}
	setIf(m, "user", e.User)
	setIf(m, "thread_ts", e.ThreadTS)
	setIf(m, "bot_id", e.BotID)
	setIf(m, "subtype", e.SubType)
	if e.BotID == "" && e.SubType == "" {
		// Slack gives user messages a client-side UUID; derive one from ts.
		digits := strings.ReplaceAll(e.TS, ".", "")
		m["client_msg_id"] = "00000000-0000-4000-8000-" + fmt.Sprintf("%012s", digits[max(0, len(digits)-12):])
	}
	return m
}

// AppHomeOpenedEvent is an app_home_opened: a user opened the bot's App Home.
// Tab defaults to "home".
type AppHomeOpenedEvent struct {
	User    string
	Channel string // the user's DM channel with the bot, "D…"
	Tab     string
}

func (e AppHomeOpenedEvent) toJSON(s *Server) map[string]any {
	def(&e.Tab, "home")
	return map[string]any{
		"type":     "app_home_opened",
		"user":     e.User,
		"channel":  e.Channel,
		"tab":      e.Tab,
		"event_ts": s.NewTS(),
	}
}

// SendEvent delivers ev in an events_api envelope and returns its envelope_id.
// It waits, bounded by ctx, for a socket-mode connection. With
// Config.Redeliver, the event is sent again while it goes unacked; those
// retries have their own envelope_ids (see Deliveries).
func (s *Server) SendEvent(ctx context.Context, ev EventsAPI) (string, error) {
	var inner any = ev.Event
	if ie, ok := ev.Event.(innerEvent); ok {
		inner = ie.toJSON(s)
	}
	innerJSON, err := json.Marshal(inner)
	if err != nil {
		return "", fmt.Errorf("slacktest: encoding the inner event: %w", err)
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(innerJSON, &head); err != nil || head.Type == "" {
		return "", fmt.Errorf("slacktest: the inner event must be a JSON object with a type, got %s", innerJSON)
	}
	s.mu.Lock()
	s.storeEventMessageLocked(innerJSON)
	if ev.EventID == "" {
		s.eventSeq++
		ev.EventID = fmt.Sprintf("Ev%s%08d", s.eventPrefix, s.eventSeq)
	}
	s.mu.Unlock()
	if ev.EventTime.IsZero() {
		ev.EventTime = time.Now()
	}
	payload := map[string]any{
		"token":      verificationToken,
		"team_id":    s.cfg.TeamID,
		"api_app_id": s.cfg.AppID,
		"event":      json.RawMessage(innerJSON),
		"type":       "event_callback",
		"event_id":   ev.EventID,
		"event_time": ev.EventTime.Unix(),
		"authorizations": []map[string]any{{
			"enterprise_id":         nil,
			"team_id":               s.cfg.TeamID,
			"user_id":               s.cfg.BotUserID,
			"is_bot":                true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + head.Type + "-" + s.cfg.TeamID,
	}
	return s.send(ctx, "events_api", payload, false, &ev, ev.EventID, ev.Conn)
}

// BlockActions is a block_actions interaction: a user clicked a button (or
// used another block element) in a message or, with ViewID, in a view such
// as the App Home.
type BlockActions struct {
	UserID   string
	UserName string
	// ChannelID and ChannelName locate the message; empty for a view.
	ChannelID   string
	ChannelName string
	// MessageTS is the ts of the message holding the element; ThreadTS its
	// thread. A non-ephemeral message also counts as posted by the bot, so the
	// bot may chat.update or chat.delete it.
	MessageTS string
	ThreadTS  string
	// Ephemeral marks an ephemeral message: Slack then sends no message body,
	// and only the response_url can change it.
	Ephemeral bool
	// MessageText and MessageBlocks make up the message body Slack sends
	// back for a non-ephemeral message.
	MessageText   string
	MessageBlocks json.RawMessage
	// ViewID places the action in a view (container type "view") instead of
	// a message; Slack then sends no response_url.
	ViewID string
	// ResponseURL defaults, for a message, to one minted on the fake.
	ResponseURL string
	TriggerID   string
	Actions     []Action
}

// Action is one element action of a BlockActions. slack-go needs BlockID to
// tell a block action from a legacy attachment action.
type Action struct {
	ActionID string
	BlockID  string
	Value    string
	// Type defaults to "button"; Text is the button's label.
	Type string
	Text string
}

// SendInteraction delivers ia in an interactive envelope of type
// block_actions and returns its envelope_id. It waits, bounded by ctx, for a
// socket-mode connection.
func (s *Server) SendInteraction(ctx context.Context, ia BlockActions) (string, error) {
	s.mu.Lock()
	if ia.TriggerID == "" {
		ia.TriggerID = s.mintTriggerLocked(ia.UserID)
	}
	if ia.ViewID == "" {
		if ia.ResponseURL == "" {
			ia.ResponseURL = s.mintResponseURLLocked(ia.ChannelID, ia.UserID)
		}
		if ia.MessageTS != "" && !ia.Ephemeral {
			s.posted[ia.ChannelID+"/"+ia.MessageTS] = true
		}
	}
	actionTS := s.newTSLocked()
	s.mu.Unlock()

	actions := make([]map[string]any, 0, len(ia.Actions))
	for _, a := range ia.Actions {
		def(&a.Type, "button")
		act := map[string]any{
			"action_id": a.ActionID,
			"block_id":  a.BlockID,
			"type":      a.Type,
			"action_ts": actionTS,
		}
		setIf(act, "value", a.Value)
		if a.Text != "" {
			act["text"] = map[string]any{"type": "plain_text", "text": a.Text, "emoji": true}
		}
		actions = append(actions, act)
	}
	payload := map[string]any{
		"type": "block_actions",
		"user": map[string]any{
			"id": ia.UserID, "username": ia.UserName, "name": ia.UserName, "team_id": s.cfg.TeamID,
		},
		"api_app_id":            s.cfg.AppID,
		"token":                 verificationToken,
		"trigger_id":            ia.TriggerID,
		"team":                  map[string]any{"id": s.cfg.TeamID, "domain": s.cfg.TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"state":                 map[string]any{"values": map[string]any{}},
		"actions":               actions,
	}
	if ia.ViewID != "" {
		payload["container"] = map[string]any{"type": "view", "view_id": ia.ViewID}
		payload["view"] = map[string]any{"id": ia.ViewID, "type": "home", "team_id": s.cfg.TeamID, "app_id": s.cfg.AppID, "bot_id": s.cfg.BotID}
	} else {
		container := map[string]any{
			"type":         "message",
			"message_ts":   ia.MessageTS,
			"channel_id":   ia.ChannelID,
			"is_ephemeral": ia.Ephemeral,
		}
		setIf(container, "thread_ts", ia.ThreadTS)
		payload["container"] = container
		payload["channel"] = map[string]any{"id": ia.ChannelID, "name": ia.ChannelName}
		payload["response_url"] = ia.ResponseURL
		if !ia.Ephemeral && ia.MessageTS != "" {
			msg := map[string]any{
				"type": "message", "subtype": "bot_message", "text": ia.MessageText, "ts": ia.MessageTS,
				"user": s.cfg.BotUserID, "bot_id": s.cfg.BotID,
			}
			setIf(msg, "thread_ts", ia.ThreadTS)
			if len(ia.MessageBlocks) > 0 {
				msg["blocks"] = ia.MessageBlocks
			}
			payload["message"] = msg
		}
	}
	return s.send(ctx, "interactive", payload, false, nil, "", 0)
}

func (s *Server) newTriggerIDLocked() string {
	s.triggerSeq++
	return fmt.Sprintf("%d.%d.%032x", time.Now().Unix(), s.triggerSeq, s.triggerSeq)
}

// def sets *p to v when it is empty.
func def(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

// setIf sets m[k] to v unless v is empty, as Slack omits absent fields.
func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

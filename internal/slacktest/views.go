package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// DefaultTriggerTTL is Slack's: a trigger_id opens a view within 3 s of the
// interaction that minted it.
const DefaultTriggerTTL = 3 * time.Second

// Slack's limits on a modal that the fake checks in views.open and
// views.update.
const (
	maxModalBlocks     = 100
	maxModalTitle      = 24
	maxPrivateMetadata = 3000
)

// trigger is a trigger_id minted with a slash command or an interaction.
type trigger struct {
	user   string
	minted time.Time
	used   bool
}

// view is a modal opened with views.open, as last updated.
type view struct {
	id   string
	user string
	raw  map[string]any
}

// mintTriggerLocked mints a trigger_id for user.
func (s *Server) mintTriggerLocked(user string) string {
	id := s.newTriggerIDLocked()
	s.triggers[id] = &trigger{user: user, minted: time.Now()}
	return id
}

// viewsOpenLocked answers views.open: the trigger_id must be one the fake
// minted, unused and younger than TriggerTTL.
func (s *Server) viewsOpenLocked(req *request, msg *Message) apiResponse {
	t, ok := s.triggers[req.str("trigger_id")]
	switch {
	case !ok || t.used:
		return errResponse("invalid_trigger_id")
	case time.Since(t.minted) > s.cfg.TriggerTTL:
		return errResponse("expired_trigger_id")
	}
	v, code := checkModal(msg.ViewJSON)
	if code != "" {
		return errResponse(code)
	}
	t.used = true
	s.viewSeq++
	id := fmt.Sprintf("V%010d", s.viewSeq)
	s.fillViewLocked(v, id)
	s.views[id] = &view{id: id, user: t.user, raw: v}
	msg.User, msg.ViewID = t.user, id
	return okResponse(map[string]any{"view": v})
}

// viewsUpdateLocked answers views.update of a view opened before.
func (s *Server) viewsUpdateLocked(req *request, msg *Message) apiResponse {
	old, ok := s.views[req.str("view_id")]
	if !ok {
		return errResponse("not_found")
	}
	v, code := checkModal(msg.ViewJSON)
	if code != "" {
		return errResponse(code)
	}
	s.fillViewLocked(v, old.id)
	old.raw = v
	msg.User, msg.ViewID = old.user, old.id
	return okResponse(map[string]any{"view": v})
}

func (s *Server) fillViewLocked(v map[string]any, id string) {
	v["id"] = id
	v["team_id"] = s.cfg.TeamID
	v["app_id"] = s.cfg.AppID
	v["bot_id"] = s.cfg.BotID
	v["hash"] = fmt.Sprintf("%d.%s", time.Now().Unix(), id)
}

// checkModal decodes a modal and checks what Slack would refuse; it returns
// the error code Slack would answer, or "".
func checkModal(raw json.RawMessage) (map[string]any, string) {
	if raw == nil {
		return nil, "invalid_arguments"
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, "invalid_arguments"
	}
	var shape struct {
		Type  string `json:"type"`
		Title struct {
			Text string `json:"text"`
		} `json:"title"`
		Submit *struct {
			Text string `json:"text"`
		} `json:"submit"`
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		} `json:"blocks"`
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil || shape.Type != "modal" {
		return nil, "invalid_arguments"
	}
	if shape.Title.Text == "" || len([]rune(shape.Title.Text)) > maxModalTitle ||
		len(shape.Blocks) > maxModalBlocks || len(shape.PrivateMetadata) > maxPrivateMetadata {
		return nil, "invalid_arguments"
	}
	seen := map[string]bool{}
	for _, b := range shape.Blocks {
		if b.Type == "input" && shape.Submit == nil {
			return nil, "invalid_arguments" // Slack wants a submit button with inputs
		}
		if b.BlockID != "" {
			if seen[b.BlockID] {
				return nil, "invalid_arguments" // duplicate block_id
			}
			seen[b.BlockID] = true
		}
	}
	return v, ""
}

// ViewValue is the state of one input element in a view_submission.
type ViewValue struct {
	// Type is the element type, such as "multi_users_select".
	Type string `json:"type"`
	// SelectedUsers is a users select's choice.
	SelectedUsers []string `json:"selected_users,omitempty"`
	// Value is a plain text input's text.
	Value string `json:"value,omitempty"`
}

// ViewState returns the state a submission of the view would carry if the
// user changed nothing: each multi_users_select with its initial_users. A
// test edits it and passes it to SendViewSubmission.
func (s *Server) ViewState(viewID string) (map[string]map[string]ViewValue, error) {
	s.mu.Lock()
	v, ok := s.views[viewID]
	var raw []byte
	if ok {
		raw, _ = json.Marshal(v.raw)
	}
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("slacktest: no view %s", viewID)
	}
	var shape struct {
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
			Element struct {
				Type         string   `json:"type"`
				ActionID     string   `json:"action_id"`
				InitialUsers []string `json:"initial_users"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		return nil, fmt.Errorf("slacktest: decoding view %s: %w", viewID, err)
	}
	state := map[string]map[string]ViewValue{}
	for _, b := range shape.Blocks {
		if b.Type != "input" || b.Element.Type != "multi_users_select" {
			continue
		}
		users := b.Element.InitialUsers
		if users == nil {
			users = []string{}
		}
		state[b.BlockID] = map[string]ViewValue{b.Element.ActionID: {Type: b.Element.Type, SelectedUsers: users}}
	}
	return state, nil
}

// ViewSubmission is a view_submission interaction: a user submitted a modal
// opened with views.open.
type ViewSubmission struct {
	UserID   string
	UserName string
	// ViewID is the id views.open returned.
	ViewID string
	// Values are the input blocks' state, block_id → action_id → value; see
	// ViewState.
	Values map[string]map[string]ViewValue
	// PrivateMetadata, when set, replaces the view's own, as a forged
	// payload would.
	PrivateMetadata string
}

// SendViewSubmission delivers a view_submission in an interactive envelope
// (accepts_response_payload true: the ack's payload is the response_action)
// and returns its envelope_id.
func (s *Server) SendViewSubmission(ctx context.Context, vs ViewSubmission) (string, error) {
	s.mu.Lock()
	v, ok := s.views[vs.ViewID]
	var body map[string]any
	if ok {
		raw, _ := json.Marshal(v.raw)
		_ = json.Unmarshal(raw, &body)
	}
	trigger := s.mintTriggerLocked(vs.UserID)
	s.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("slacktest: no view %s", vs.ViewID)
	}
	if vs.PrivateMetadata != "" {
		body["private_metadata"] = vs.PrivateMetadata
	}
	values := vs.Values
	if values == nil {
		values = map[string]map[string]ViewValue{}
	}
	body["state"] = map[string]any{"values": values}
	payload := map[string]any{
		"type": "view_submission",
		"user": map[string]any{
			"id": vs.UserID, "username": vs.UserName, "name": vs.UserName, "team_id": s.cfg.TeamID,
		},
		"api_app_id":            s.cfg.AppID,
		"token":                 verificationToken,
		"trigger_id":            trigger,
		"team":                  map[string]any{"id": s.cfg.TeamID, "domain": s.cfg.TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"view":                  body,
		"response_urls":         []any{},
	}
	return s.send(ctx, "interactive", payload, true, nil, "", 0)
}

// ConnectionIDs lists the numbers of the open connections that envelopes
// are routed to, for EventsAPI.Conn.
func (s *Server) ConnectionIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for _, c := range s.activeLocked(true) {
		out = append(out, c.id)
	}
	return out
}

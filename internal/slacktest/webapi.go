package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// fault is one queued answer that replaces a method's normal one.
type fault struct {
	remaining  int // < 0: forever
	retryAfter time.Duration
	rateLimit  bool
	code       string
	status     int // an HTTP error status to answer instead, body and all
}

// RateLimit makes the next n calls to method (a Web API method or
// MethodResponseURL) answer HTTP 429 with a Retry-After header, which slack-go
// turns into *slack.RateLimitedError. Retry-After is whole seconds, as on
// Slack, rounded up. n < 0 rate-limits until ClearFaults. Faults queue up in
// the order they were added.
func (s *Server) RateLimit(method string, n int, retryAfter time.Duration) {
	s.addFault(method, &fault{remaining: n, rateLimit: true, retryAfter: retryAfter})
}

// Fail makes the next n calls to method answer {"ok":false,"error":code}
// (HTTP 200, as Slack does). n < 0 fails until ClearFaults.
func (s *Server) Fail(method string, n int, code string) {
	s.addFault(method, &fault{remaining: n, code: code})
}

// FailStatus makes the next n calls to method answer HTTP status (a 5xx, as
// Slack does during an incident) with a plain-text body, which slack-go turns
// into slack.StatusCodeError. n < 0 fails until ClearFaults.
func (s *Server) FailStatus(method string, n int, status int) {
	s.addFault(method, &fault{remaining: n, status: status})
}

// ClearFaults removes every queued RateLimit, Fail and FailStatus.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

func (s *Server) addFault(method string, f *fault) {
	if f.remaining == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// takeFaultLocked consumes the next fault queued for method, if any.
func (s *Server) takeFaultLocked(method string) *fault {
	q := s.faults[method]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	if f.remaining > 0 {
		f.remaining--
		if f.remaining == 0 {
			s.faults[method] = q[1:]
		}
	}
	return f
}

// Revoke revokes both tokens, as uninstalling the app does: every Web API call
// and apps.connections.open then answers token_revoked, and the open
// socket-mode connections are dropped, so slack-go's reconnection fails and
// RunContext returns.
func (s *Server) Revoke() { s.RevokeWith("token_revoked") }

// RevokeWith is Revoke answering code instead, e.g. "invalid_auth" or
// "account_inactive".
func (s *Server) RevokeWith(code string) {
	s.mu.Lock()
	s.revoked = code
	s.mu.Unlock()
	s.DropConnections()
}

// request is a parsed Web API call, form-encoded or JSON.
type request struct {
	token string
	form  url.Values
	json  map[string]json.RawMessage
	body  []byte
}

func parseRequest(r *http.Request) (*request, error) {
	req := &request{}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		req.token = strings.TrimPrefix(h, "Bearer ")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype == "application/json" {
		req.body = body
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &req.json); err != nil {
				return nil, fmt.Errorf("decoding JSON body: %w", err)
			}
		}
		req.form = r.URL.Query()
	} else {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("decoding form body: %w", err)
		}
		for k, v := range r.URL.Query() {
			form[k] = append(form[k], v...)
		}
		req.form = form
	}
	if req.token == "" {
		req.token = req.form.Get("token")
	}
	req.form.Del("token")
	if len(req.form) == 0 {
		req.form = nil
	}
	return req, nil
}

// str returns a string argument from the form or the JSON body.
func (r *request) str(name string) string {
	if v := r.form.Get(name); v != "" {
		return v
	}
	raw, ok := r.json[name]
	if !ok {
		return ""
	}
	var v string
	if json.Unmarshal(raw, &v) == nil {
		return v
	}
	return strings.Trim(string(raw), `"`)
}

// raw returns a JSON argument: a form value holding JSON text, or a JSON field.
func (r *request) raw(name string) json.RawMessage {
	if v := r.form.Get(name); v != "" {
		return json.RawMessage(v)
	}
	raw, ok := r.json[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	// A JSON client may also send blocks as a string holding JSON.
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return json.RawMessage(s)
	}
	return raw
}

// apiResponse is a Web API answer: an HTTP status, a JSON body and headers.
type apiResponse struct {
	status int
	body   map[string]any
	header map[string]string
}

func okResponse(fields map[string]any) apiResponse {
	body := map[string]any{"ok": true}
	for k, v := range fields {
		body[k] = v
	}
	return apiResponse{status: http.StatusOK, body: body}
}

func errResponse(code string) apiResponse {
	return apiResponse{status: http.StatusOK, body: map[string]any{"ok": false, "error": code}}
}

func writeJSON(w http.ResponseWriter, resp apiResponse) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.status)
	_ = json.NewEncoder(w).Encode(resp.body)
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	msg := Message{Method: method, Received: time.Now()}
	req, err := parseRequest(r)
	if err != nil {
		resp := errResponse("invalid_arguments")
		s.record(&msg, resp)
		writeJSON(w, resp)
		return
	}
	msg.Params = req.form
	if req.json != nil {
		msg.Body = json.RawMessage(req.body)
	}
	fillMessage(&msg, req)
	decodeMessage(&msg) // before the lock, which a load run contends for

	s.mu.Lock()
	resp := s.answerLocked(method, req, &msg)
	s.recordLocked(&msg, resp)
	hold := s.holds[method]
	s.mu.Unlock()
	if hold != nil && msg.OK() {
		s.waitHold(r, hold)
	}
	writeJSON(w, resp)
}

// answerLocked computes the answer to a Web API call, applying auth and faults.
func (s *Server) answerLocked(method string, req *request, msg *Message) apiResponse {
	if f := s.takeFaultLocked(method); f != nil {
		return faultResponse(f)
	}
	wantToken := s.cfg.BotToken
	if method == "apps.connections.open" {
		wantToken = s.cfg.AppToken
	}
	switch {
	case req.token == "":
		return errResponse("not_authed")
	case s.revoked != "" && (req.token == s.cfg.BotToken || req.token == s.cfg.AppToken):
		return errResponse(s.revoked)
	case method == "apps.connections.open" && req.token == s.cfg.BotToken,
		method != "apps.connections.open" && req.token == s.cfg.AppToken:
		return errResponse("not_allowed_token_type")
	case req.token != wantToken:
		return errResponse("invalid_auth")
	}

	switch method {
	case "apps.connections.open":
		s.ticketSeq++
		ticket := fmt.Sprintf("%08x-0000-4000-8000-%012x", s.ticketSeq, time.Now().UnixNano()&0xffffffffffff)
		s.tickets[ticket] = true
		u := strings.Replace(s.base, "http://", "ws://", 1) + "/link/?ticket=" + ticket + "&app_id=" + url.QueryEscape(s.cfg.AppID)
		return okResponse(map[string]any{"url": u})
	case "auth.test":
		return okResponse(map[string]any{
			"url":     "https://" + s.cfg.TeamDomain + ".slack.com/",
			"team":    s.cfg.TeamDomain,
			"user":    "bot",
			"team_id": s.cfg.TeamID,
			"user_id": s.cfg.BotUserID,
			"bot_id":  s.cfg.BotID,
		})
	case "chat.postMessage":
		if msg.Channel == "" {
			return errResponse("channel_not_found")
		}
		if msg.Text == "" && msg.BlocksJSON == nil && msg.AttachmentsJSON == nil {
			return errResponse("no_text")
		}
		msg.TS = s.newTSLocked()
		s.posted[msg.Channel+"/"+msg.TS] = true
		s.storeMessageLocked(msg.Channel, storedMessage{ts: msg.TS, threadTS: msg.ThreadTS, text: msg.Text,
			user: s.cfg.BotUserID, botID: s.cfg.BotID, blocks: msg.BlocksJSON, metadata: msg.Metadata})
		return okResponse(map[string]any{"channel": msg.Channel, "ts": msg.TS, "message": s.botMessage(msg)})
	case "chat.postEphemeral":
		if msg.Channel == "" {
			return errResponse("channel_not_found")
		}
		if msg.User == "" {
			return errResponse("user_not_in_channel")
		}
		if msg.Text == "" && msg.BlocksJSON == nil && msg.AttachmentsJSON == nil {
			return errResponse("no_text")
		}
		// Ephemeral messages are not stored: chat.update cannot touch them.
		msg.TS = s.newTSLocked()
		return okResponse(map[string]any{"message_ts": msg.TS})
	case "chat.update":
		if !s.posted[msg.Channel+"/"+msg.TS] {
			return errResponse("message_not_found")
		}
		if m := s.storedLocked(msg.Channel, msg.TS); m != nil {
			m.text, m.blocks = msg.Text, msg.BlocksJSON
		}
		return okResponse(map[string]any{"channel": msg.Channel, "ts": msg.TS, "text": msg.Text, "message": s.botMessage(msg)})
	case "chat.delete":
		if !s.posted[msg.Channel+"/"+msg.TS] {
			return errResponse("message_not_found")
		}
		delete(s.posted, msg.Channel+"/"+msg.TS)
		s.deleteStoredLocked(msg.Channel, msg.TS)
		return okResponse(map[string]any{"channel": msg.Channel, "ts": msg.TS})
	case "views.publish":
		if msg.User == "" {
			return errResponse("invalid_arguments")
		}
		if msg.ViewJSON == nil {
			return errResponse("invalid_arguments")
		}
		var view map[string]any
		if err := json.Unmarshal(msg.ViewJSON, &view); err != nil {
			return errResponse("invalid_arguments")
		}
		s.viewSeq++
		view["id"] = fmt.Sprintf("V%010d", s.viewSeq)
		view["team_id"] = s.cfg.TeamID
		view["app_id"] = s.cfg.AppID
		view["bot_id"] = s.cfg.BotID
		view["hash"] = fmt.Sprintf("%d.%d", time.Now().Unix(), s.viewSeq)
		return okResponse(map[string]any{"view": view})
	case "views.open":
		return s.viewsOpenLocked(req, msg)
	case "views.update":
		return s.viewsUpdateLocked(req, msg)
	case "users.info":
		return s.usersInfoLocked(req)
	case "conversations.members":
		return s.conversationsMembersLocked(req)
	case "users.conversations":
		return s.usersConversationsLocked(req)
	case "conversations.history":
		return s.conversationsHistoryLocked(req)
	case "conversations.replies":
		return s.conversationsRepliesLocked(req)
	case "conversations.info":
		if msg.Channel == "" {
			return errResponse("channel_not_found")
		}
		return okResponse(map[string]any{"channel": fakeChannel(msg.Channel)})
	default:
		return errResponse("unknown_method")
	}
}

func faultResponse(f *fault) apiResponse {
	if f.rateLimit {
		secs := int64(math.Ceil(f.retryAfter.Seconds()))
		resp := errResponse("ratelimited")
		resp.status = http.StatusTooManyRequests
		resp.header = map[string]string{"Retry-After": strconv.FormatInt(secs, 10)}
		return resp
	}
	if f.status != 0 {
		resp := errResponse(http.StatusText(f.status))
		resp.status = f.status
		return resp
	}
	return errResponse(f.code)
}

func (s *Server) botMessage(msg *Message) map[string]any {
	m := map[string]any{
		"type":    "message",
		"subtype": "bot_message",
		"text":    msg.Text,
		"user":    s.cfg.BotUserID,
		"bot_id":  s.cfg.BotID,
		"ts":      msg.TS,
	}
	if msg.BlocksJSON != nil {
		m["blocks"] = msg.BlocksJSON
	}
	if msg.ThreadTS != "" {
		m["thread_ts"] = msg.ThreadTS
	}
	return m
}

// fakeChannel answers conversations.info from the ID's prefix, as Slack's IDs
// carry the conversation kind: C public, G private, D direct message.
func fakeChannel(id string) map[string]any {
	ch := map[string]any{"id": id, "name": strings.ToLower(id), "is_member": true}
	switch {
	case strings.HasPrefix(id, "D"):
		ch["is_im"] = true
		delete(ch, "name")
	case strings.HasPrefix(id, "G"):
		ch["is_group"] = true
		ch["is_private"] = true
	default:
		ch["is_channel"] = true
	}
	return ch
}

// fillMessage copies the arguments a test asserts on into msg.
func fillMessage(msg *Message, req *request) {
	msg.Channel = req.str("channel")
	msg.User = req.str("user")
	if msg.User == "" {
		msg.User = req.str("user_id")
	}
	msg.TS = req.str("ts")
	msg.ThreadTS = req.str("thread_ts")
	msg.Text = req.str("text")
	msg.AttachmentsJSON = req.raw("attachments")
	msg.BlocksJSON = req.raw("blocks")
	msg.Metadata = req.raw("metadata")
	if view := req.raw("view"); view != nil {
		msg.ViewJSON = view
		var v struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		if json.Unmarshal(view, &v) == nil && msg.BlocksJSON == nil && len(v.Blocks) > 0 && string(v.Blocks) != "null" {
			msg.BlocksJSON = v.Blocks
		}
	}
}

// record stores msg with the answer it got.
func (s *Server) record(msg *Message, resp apiResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked(msg, resp)
}

func (s *Server) recordLocked(msg *Message, resp apiResponse) {
	msg.Status = resp.status
	if ok, _ := resp.body["ok"].(bool); !ok {
		msg.Error, _ = resp.body["error"].(string)
	}
	s.msgSeq++
	msg.Seq = s.msgSeq
	s.messages = append(s.messages, *msg)
	if msg.Error != "" {
		s.logf("slacktest: %s answered %d %s", msg.Method, msg.Status, msg.Error)
	}
	s.notifyLocked()
}

// decodeMessage decodes the blocks and view with slack-go, so tests see what
// the bot built; a payload slack-go cannot decode leaves them empty, the raw
// JSON still tells why.
func decodeMessage(msg *Message) {
	if msg.BlocksJSON != nil {
		_ = json.Unmarshal(msg.BlocksJSON, &msg.Blocks)
	}
	if msg.ViewJSON != nil {
		var v slack.View
		if json.Unmarshal(msg.ViewJSON, &v) == nil {
			msg.View = &v
		}
	}
}

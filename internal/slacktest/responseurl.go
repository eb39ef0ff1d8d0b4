package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// responseURL is one minted response_url and its use count.
type responseURL struct {
	channel, user string
	minted        time.Time
	uses          int
}

// ResponseURL mints a new response_url on the fake. Posts to it are recorded
// as messages with Method MethodResponseURL. Like Slack's, it accepts
// ResponseURLUses posts within ResponseURLTTL; later posts answer
// {"ok":false,"error":"used_url"} or "expired_url" (HTTP 200) and are recorded
// with that Error.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mintResponseURLLocked("", "")
}

func (s *Server) mintResponseURLLocked(channel, user string) string {
	s.urlSeq++
	u := fmt.Sprintf("%s/response/%d", s.base, s.urlSeq)
	s.responseURLs[u] = &responseURL{channel: channel, user: user, minted: time.Now()}
	return u
}

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	u := s.base + r.URL.Path
	msg := Message{Method: MethodResponseURL, ResponseURL: u, Received: time.Now()}
	// Parsing and decoding happen before taking the lock, which a load run
	// contends for.
	valid := parseResponsePost(r, &msg)
	decodeMessage(&msg)

	s.mu.Lock()
	resp := s.answerResponseURLLocked(u, valid, &msg)
	s.recordLocked(&msg, resp)
	s.mu.Unlock()
	writeJSON(w, resp)
}

// parseResponsePost fills msg from the JSON body slack-go posts to a
// response_url, and reports whether the body was valid.
func parseResponsePost(r *http.Request, msg *Message) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return false
	}
	msg.Body = json.RawMessage(body)
	var p struct {
		Text            string          `json:"text"`
		ThreadTS        string          `json:"thread_ts"`
		Blocks          json.RawMessage `json:"blocks"`
		Attachments     json.RawMessage `json:"attachments"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return false
	}
	msg.Text, msg.ThreadTS, msg.ResponseType = p.Text, p.ThreadTS, p.ResponseType
	msg.ReplaceOriginal, msg.DeleteOriginal = p.ReplaceOriginal, p.DeleteOriginal
	if len(p.Blocks) > 0 && string(p.Blocks) != "null" {
		msg.BlocksJSON = p.Blocks
	}
	if len(p.Attachments) > 0 && string(p.Attachments) != "null" {
		msg.AttachmentsJSON = p.Attachments
	}
	return true
}

func (s *Server) answerResponseURLLocked(u string, valid bool, msg *Message) apiResponse {
	ru := s.responseURLs[u]
	if ru == nil {
		// Slack answers an unknown hook with 404; it is recorded too, because
		// posting to a made-up URL is a bug worth seeing.
		return apiResponse{status: http.StatusNotFound, body: map[string]any{"ok": false, "error": "no_service"}}
	}
	msg.Channel, msg.User = ru.channel, ru.user
	if !valid {
		return errResponse("invalid_payload")
	}
	if f := s.takeFaultLocked(MethodResponseURL); f != nil {
		return faultResponse(f)
	}
	switch {
	case time.Since(ru.minted) > s.cfg.ResponseURLTTL:
		return errResponse("expired_url")
	case ru.uses >= s.cfg.ResponseURLUses:
		return errResponse("used_url")
	}
	ru.uses++
	if !msg.DeleteOriginal && msg.Text == "" && msg.BlocksJSON == nil && msg.AttachmentsJSON == nil {
		return errResponse("no_text")
	}
	return okResponse(nil)
}

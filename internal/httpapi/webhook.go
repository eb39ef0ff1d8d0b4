package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// WebhookPath is where the content repository's host sends its push events.
const WebhookPath = "/webhook/git"

// maxWebhookBody bounds what is read of a push event: GitHub caps payloads at
// 25 MB, but the signature is all rolebot needs, and a push of a few commits
// is a few kilobytes.
const maxWebhookBody = 1 << 20

// Webhook returns the handler of the push webhook. A request is accepted
// when it proves it knows secret, as GitHub and Gitea sign
// (X-Hub-Signature-256: "sha256=" + HMAC-SHA256 of the body) or as GitLab
// sends it (X-Gitlab-Token: the secret itself); then trigger is called,
// which must not block, and the answer is 202. Otherwise the answer is 401
// and nothing happens. The body is not read further: whatever was pushed,
// the fetch looks at the branch itself.
func Webhook(secret string, trigger func(), logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			http.Error(w, "corps de requête illisible ou trop gros", http.StatusBadRequest)
			return
		}
		if !signed(secret, body, r.Header) {
			logger.Warn("webhook du dépôt de contenu refusé : signature absente ou fausse", "remote", r.RemoteAddr)
			http.Error(w, "signature absente ou fausse", http.StatusUnauthorized)
			return
		}
		trigger()
		w.WriteHeader(http.StatusAccepted)
	})
}

// signed reports whether the request carries a valid signature or token.
// Comparisons take constant time, so that timing says nothing of secret.
func signed(secret string, body []byte, h http.Header) bool {
	if secret == "" {
		return false
	}
	if sig, ok := strings.CutPrefix(h.Get("X-Hub-Signature-256"), "sha256="); ok {
		got, err := hex.DecodeString(sig)
		if err != nil {
			return false
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		return hmac.Equal(got, mac.Sum(nil))
	}
	if tok := h.Get("X-Gitlab-Token"); tok != "" {
		return subtle.ConstantTimeCompare([]byte(tok), []byte(secret)) == 1
	}
	return false
}

package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWebhook(t *testing.T) {
	const secret = "s3cr3t-partagé"
	body := `{"ref":"refs/heads/main"}`
	sign := func(key, b string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(b))
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	tests := []struct {
		name    string
		headers map[string]string
		body    string
		want    int
	}{
		{"github signature", map[string]string{"X-Hub-Signature-256": sign(secret, body)}, body, http.StatusAccepted},
		{"gitlab token", map[string]string{"X-Gitlab-Token": secret}, body, http.StatusAccepted},
		{"signature of another body", map[string]string{"X-Hub-Signature-256": sign(secret, body)}, body + " ", http.StatusUnauthorized},
		{"signature with another key", map[string]string{"X-Hub-Signature-256": sign("autre", body)}, body, http.StatusUnauthorized},
		{"signature not hex", map[string]string{"X-Hub-Signature-256": "sha256=zz"}, body, http.StatusUnauthorized},
		{"wrong gitlab token", map[string]string{"X-Gitlab-Token": "autre"}, body, http.StatusUnauthorized},
		{"nothing", nil, body, http.StatusUnauthorized},
		{"too big", map[string]string{"X-Gitlab-Token": secret}, strings.Repeat("x", maxWebhookBody+1), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			triggered := 0
			h := Handler(Options{Webhook: Webhook(secret, func() { triggered++ }, nil)})
			req := httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(tt.body))
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if want := map[bool]int{true: 1, false: 0}[tt.want == http.StatusAccepted]; triggered != want {
				t.Fatalf("triggered %d times, want %d", triggered, want)
			}
		})
	}
	// An empty secret accepts nothing.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(body))
	req.Header.Set("X-Gitlab-Token", "")
	Webhook("", func() { t.Fatal("triggered without a secret") }, nil).ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("empty secret: status %d", rec.Code)
	}
	// Without a webhook configured, the path does not exist.
	rec = httptest.NewRecorder()
	Handler(Options{}).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(body)))
	if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("no webhook: status %d", rec.Code)
	}
}

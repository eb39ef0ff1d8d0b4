package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// askOut runs rolebot ask with args and returns what it printed.
func askOut(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"ask"}, args...), strings.NewReader(""), &stdout, &stderr, getenvOf(nil))
	if code != 0 {
		t.Fatalf("rolebot ask %q: exit %d\n%s", args, code, stderr.String())
	}
	return stdout.String()
}

// TestAskPrintsPlainText checks that the terminal shows what the user typed
// and what the pages say as written: Slack's escapes are Slack's business.
func TestAskPrintsPlainText(t *testing.T) {
	tests := []struct {
		q       string
		want    []string
		wantNot []string
	}{
		{"<!channel> cantine & co", []string{"« <!channel> cantine & co »"}, []string{"&lt;", "&gt;", "&amp;"}},
		{"quelle est la <b>cantine</b> ?", []string{"<b>cantine</b>"}, []string{"&lt;"}},
		{"cantine \x1b[31mrouge\x1b[0m", []string{"cantine  [31mrouge [0m"}, []string{"\x1b"}},
	}
	for _, tt := range tests {
		out := askOut(t, tt.q)
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: output lacks %q:\n%s", tt.q, w, out)
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(out, w) {
				t.Errorf("%q: output holds %q:\n%s", tt.q, w, out)
			}
		}
	}
}

// TestAskJSON checks the JSON output of one question.
func TestAskJSON(t *testing.T) {
	var a struct {
		Query  string `json:"query"`
		Intent string `json:"intent"`
	}
	out := askOut(t, "--json", "<!here> & cantine")
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if a.Query != "<!here> & cantine" {
		t.Errorf("query %q, want it as typed", a.Query)
	}
}

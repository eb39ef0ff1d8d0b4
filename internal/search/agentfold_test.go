package search

import (
	"testing"

	"github.com/rolebot/rolebot/internal/team"
)

func TestAgentFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"conservatrice", "conservateur"},
		{"conservatrices", "conservateur"},
		{"conservateur", "conservateur"},
		{"developpeuse", "developpeur"},
		{"developpeurs", "developpeur"},
		{"ingenieure", "ingenieur"},
		{"auditrice", "auditeur"},
		{"conservation", "conservation"},
		{"developpement", "developpement"},
		{"matrice", "matrice"},
		{"actrices", "actrice"},
	} {
		if got := agentFold(tt.in); got != tt.want {
			t.Errorf("agentFold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Two titles opening on the same agent noun in either gender name
// neither by it; a title opening on no agent noun has no head.
func TestAgentHeads(t *testing.T) {
	tm := &team.Team{Roles: []team.Role{
		{ID: "a", Title: "Directrice des admissions"},
		{ID: "b", Title: "Directeur technique"},
		{ID: "c", Title: "Conservatrice des collections"},
		{ID: "d", Title: "Product owner"},
		{ID: "e", Title: "Matrice"},
	}}
	got := agentHeads(tm)
	want := map[string]string{"c": "conservateur"}
	if len(got) != len(want) || got["c"] != want["c"] {
		t.Errorf("agentHeads = %v, want %v", got, want)
	}
}

package reply

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

func TestCardAlternativeButtonsAreUniqueAndBounded(t *testing.T) {
	a := answer.Answer{Intent: answer.IntentRole, Role: designer()}
	for i := 0; i < 40; i++ {
		a.Alternatives = append(a.Alternatives, answer.Ref{Intent: answer.IntentRole, ID: fmt.Sprintf("role-%d", i), Title: fmt.Sprintf("Rôle %d", i)})
	}
	// Duplicates, ids that could not come back and lists are handled too.
	a.Alternatives = append([]answer.Ref{
		{Intent: answer.IntentRole, ID: "role-0", Title: "Rôle 0"},
		{Intent: answer.IntentRole, ID: "Pas un slug", Title: "x"},
		{Intent: answer.IntentNone, Title: "rien"},
		{Intent: answer.IntentListTasks},
	}, a.Alternatives...)
	m := Card(a, CardOptions{Shareable: true})
	checkMessage(t, m)
	var opens []string
	for _, b := range buttons(t, m.Blocks) {
		if ActionName(b.action) == ActionOpen {
			opens = append(opens, b.value+"="+b.text)
		}
	}
	want := []string{"role:role-0=Rôle 0", "list_tasks:=Qui fait quoi"}
	for i := 1; i <= 8; i++ {
		want = append(want, fmt.Sprintf("role:role-%d=Rôle %d", i, i))
	}
	if fmt.Sprint(opens) != fmt.Sprint(want) {
		t.Errorf("open buttons:\n got %v\nwant %v", opens, want)
	}
}

func TestRefs(t *testing.T) {
	valid := []struct {
		r answer.Ref
		v string
	}{
		{answer.Ref{Intent: answer.IntentRole, ID: "designer"}, "role:designer"},
		{answer.Ref{Intent: answer.IntentTask, ID: "piloter-le-delivery"}, "task:piloter-le-delivery"},
		{answer.Ref{Intent: answer.IntentTask, ID: "tache-2"}, "task:tache-2"},
		{answer.Ref{Intent: answer.IntentListRoles}, "list_roles:"},
		{answer.Ref{Intent: answer.IntentListTasks}, "list_tasks:"},
		{answer.Ref{Intent: answer.IntentHelp}, "help:"},
		{answer.Ref{Intent: answer.IntentRole, ID: strings.Repeat("a", 195)}, "role:" + strings.Repeat("a", 195)},
	}
	for _, tt := range valid {
		if v := EncodeRef(tt.r); v != tt.v {
			t.Errorf("EncodeRef(%+v) = %q, want %q", tt.r, v, tt.v)
		}
		if got, ok := DecodeRef(EncodeRef(tt.r)); !ok || got != tt.r {
			t.Errorf("DecodeRef(EncodeRef(%+v)) = %+v, %v", tt.r, got, ok)
		}
	}
	// The title does not travel: the id is looked up again.
	withTitle := answer.Ref{Intent: answer.IntentRole, ID: "designer", Title: "Designer"}
	if got, ok := DecodeRef(EncodeRef(withTitle)); !ok || got != (answer.Ref{Intent: answer.IntentRole, ID: "designer"}) {
		t.Errorf("DecodeRef(EncodeRef(%+v)) = %+v, %v", withTitle, got, ok)
	}

	malformed := []string{
		"", ":", "designer", "role", "role:", "task:", "none:", "none:x", "unknown:designer", "ROLE:designer",
		"role:Designer", "role:dé", "role:a b", "role:-a", "role:a-", "role:a--b", "role:a_b", "role:a:b",
		"role:designer\n", " role:designer", "list_roles:x", "help:aide", "list_tasks: ",
		"role:<!channel>", "role:../../etc", "role:\xff", "role:" + strings.Repeat("a", 196),
		strings.Repeat("x", 10000),
	}
	for _, v := range malformed {
		if r, ok := DecodeRef(v); ok {
			t.Errorf("DecodeRef(%q) = %+v, want rejected", v, r)
		}
	}
}

func TestRefOf(t *testing.T) {
	tests := []struct {
		a    answer.Answer
		want answer.Ref
		ok   bool
	}{
		{answer.Answer{Intent: answer.IntentRole, Role: designer()}, answer.Ref{Intent: answer.IntentRole, ID: "designer", Title: "Designer"}, true},
		{answer.Answer{Intent: answer.IntentTask, Task: visionTask()}, answer.Ref{Intent: answer.IntentTask, ID: "incarner-la-vision", Title: "Incarner la vision"}, true},
		{answer.Answer{Intent: answer.IntentListRoles}, answer.Ref{Intent: answer.IntentListRoles, Title: "Les rôles de l'équipe"}, true},
		{answer.Answer{Intent: answer.IntentListTasks}, answer.Ref{Intent: answer.IntentListTasks, Title: "Qui fait quoi"}, true},
		{answer.Answer{Intent: answer.IntentHelp}, answer.Ref{Intent: answer.IntentHelp, Title: "Aide"}, true},
		{answer.Answer{Intent: answer.IntentNone, Query: "x"}, answer.Ref{}, false},
		{answer.Answer{Intent: answer.IntentRole}, answer.Ref{}, false},
		{answer.Answer{Intent: answer.IntentTask}, answer.Ref{}, false},
		{answer.Answer{Intent: answer.IntentRole, Role: &answer.Role{ID: "Pas un slug"}}, answer.Ref{}, false},
		{answer.Answer{Intent: "weird"}, answer.Ref{}, false},
	}
	for _, tt := range tests {
		got, ok := RefOf(tt.a)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RefOf(%s) = %+v, %v; want %+v, %v", tt.a.Intent, got, ok, tt.want, tt.ok)
		}
		if ok {
			if back, _ := DecodeRef(EncodeRef(got)); back.Intent != got.Intent || back.ID != got.ID {
				t.Errorf("RefOf(%s) does not come back through a button: %+v", tt.a.Intent, back)
			}
		}
	}
}

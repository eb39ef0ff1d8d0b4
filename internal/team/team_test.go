package team

import "testing"

func TestLookups(t *testing.T) {
	build := func() *Team {
		return &Team{
			Roles: []Role{{ID: "designer", Title: "Designer"}, {ID: "devops", Title: "DevOps"}, {ID: "designer", Title: "Doublon"}},
			Tasks: []Task{{ID: "budget", Title: "Suivi budgétaire"}},
		}
	}
	indexed := build()
	indexed.Reindex()
	for name, tm := range map[string]*Team{"scan": build(), "reindexed": indexed} {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				id, title string
				ok        bool
			}{
				{"designer", "Designer", true}, // the first of two with one id
				{"devops", "DevOps", true},
				{"absent", "", false},
				{"", "", false},
			} {
				r, ok := tm.Role(tc.id)
				if ok != tc.ok || (ok && r.Title != tc.title) {
					t.Errorf("Role(%q) = %v, %v; want %q, %v", tc.id, r, ok, tc.title, tc.ok)
				}
			}
			if k, ok := tm.Task("budget"); !ok || k.Title != "Suivi budgétaire" {
				t.Errorf("Task(budget) = %v, %v", k, ok)
			}
			if _, ok := tm.Task("absent"); ok {
				t.Error("Task(absent) found")
			}
			// A pointer into the team, not a copy.
			if r, _ := tm.Role("devops"); r != &tm.Roles[1] {
				t.Error("Role returned a copy")
			}
		})
	}
}

func TestCompactKeepsEveryText(t *testing.T) {
	tm := &Team{
		Title: "Équipe", Summary: "Résumé", Source: "README.md",
		Roles: []Role{{ID: "designer", Title: "Designer", Summary: "S", Intro: "I", Aliases: []string{"UX", "UI"}, Source: "designer.md",
			Sections: []Section{{Title: "Mission", Text: "Concevoir", Items: []string{"a", "", "b"}}}}},
		Tasks: []Task{{ID: "vision", Title: "Incarner la vision", Details: "d", Source: "README.md",
			Owners: []Assignment{{Role: "designer", Level: Responsable, Note: "porte la vision"}}}},
	}
	var before []string
	tm.eachString(func(s *string) { before = append(before, *s) })
	tm.Compact()
	tm.Reindex()
	var after []string
	tm.eachString(func(s *string) { after = append(after, *s) })
	if len(before) != len(after) {
		t.Fatalf("%d texts before, %d after", len(before), len(after))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("text %d: %q became %q", i, before[i], after[i])
		}
	}
	if r, ok := tm.Role("designer"); !ok || r.Sections[0].Items[2] != "b" || tm.Tasks[0].Owners[0].Note != "porte la vision" {
		t.Errorf("after Compact: %+v", tm)
	}
}

func TestStaleIndexIsNeverWrong(t *testing.T) {
	tm := &Team{Roles: []Role{{ID: "a"}, {ID: "b"}}, Tasks: []Task{{ID: "x"}, {ID: "y"}}}
	tm.Reindex()
	tm.Roles = []Role{{ID: "b"}, {ID: "c"}} // reordered, one removed, one added
	tm.Tasks = tm.Tasks[1:]
	for id, want := range map[string]bool{"a": false, "b": true, "c": true} {
		r, ok := tm.Role(id)
		if ok != want || (ok && r.ID != id) {
			t.Errorf("Role(%q) = %v, %v after a change; want found=%v", id, r, ok, want)
		}
	}
	if k, ok := tm.Task("y"); !ok || k.ID != "y" {
		t.Errorf("Task(y) = %v, %v", k, ok)
	}
	if _, ok := tm.Task("x"); ok {
		t.Error("Task(x) found after its removal")
	}
}

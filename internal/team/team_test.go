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

package answer

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestFillPeople(t *testing.T) {
	team := map[string][]string{"po": {"UCLAIRE"}, "designer": {"UALEX", "UZOE"}}
	people := func(role string) []string { return team[role] }
	a := Answer{
		Intent: IntentTask,
		Role:   &Role{ID: "po"},
		Task:   &Task{Owners: []Owner{{Role: "po"}, {Role: "coach"}}},
		Tasks:  []Task{{Owners: []Owner{{Role: "designer"}}}},
		Roles:  []Role{{ID: "designer"}, {ID: "coach"}},
	}
	a.FillPeople(people)
	if !reflect.DeepEqual(a.Role.People, []string{"UCLAIRE"}) {
		t.Errorf("Role.People = %v", a.Role.People)
	}
	if !reflect.DeepEqual(a.Task.Owners[0].People, []string{"UCLAIRE"}) || a.Task.Owners[1].People != nil {
		t.Errorf("Task owners = %+v", a.Task.Owners)
	}
	if !reflect.DeepEqual(a.Tasks[0].Owners[0].People, []string{"UALEX", "UZOE"}) {
		t.Errorf("Tasks owners = %+v", a.Tasks[0].Owners)
	}
	if !reflect.DeepEqual(a.Roles[0].People, []string{"UALEX", "UZOE"}) || a.Roles[1].People != nil {
		t.Errorf("Roles = %+v", a.Roles)
	}
	// Copies: changing the answer does not change the team.
	a.Role.People[0] = "UCHANGED"
	if team["po"][0] != "UCLAIRE" {
		t.Error("FillPeople aliased the team's slice")
	}

	b, err := json.Marshal(a.Task)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"people":["UCLAIRE"]`) || strings.Count(s, `"people"`) != 1 {
		t.Errorf("task JSON = %s: want people on the held role only", s)
	}
}

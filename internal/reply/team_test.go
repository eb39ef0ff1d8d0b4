package reply

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

// blocksJSON is what Slack receives of a message's blocks.
func blocksJSON(t *testing.T, m Message) string {
	t.Helper()
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	// Undo json.Marshal's HTML escaping, so that tests read mrkdwn.
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw))
}

func TestCardsNamePeople(t *testing.T) {
	channelTeam := &People{
		Holders: map[string][]Holder{
			"responsable-produit": {{User: "U0CLAIRE"}, {User: "U0PAUL"}},
			"designer":            {{User: "U0ZOE"}},
		},
		Names: map[string]string{"U0CLAIRE": "Claire", "U0PAUL": "<!channel> Paul", "U0ZOE": "Zoé"},
	}
	dm := &People{
		DM:      true,
		Holders: map[string][]Holder{"responsable-produit": {{User: "U0CLAIRE", Channel: "C0PRODA"}}},
	}
	editable := *channelTeam
	editable.EditChannel = "C0PRODA"
	vision := answer.Answer{Intent: answer.IntentTask, Task: visionTask()}
	tests := []struct {
		name    string
		a       answer.Answer
		people  *People
		want    []string
		notWant []string
	}{{
		name:   "task card: each owner with its level and its people",
		a:      vision,
		people: channelTeam,
		want: []string{
			"• *Responsable produit* (Co-responsable (porte le produit numérique), ne se délègue pas) : <@U0CLAIRE>, <@U0PAUL>",
			"• *Responsable métier* (Responsable (porte la politique publique), ne se délègue pas) : " + NobodyHere,
		},
	}, {
		name:    "task card without a team is unchanged",
		a:       vision,
		people:  &People{},
		want:    []string{"• *Responsable produit* : Co-responsable"},
		notWant: []string{NobodyHere, "<@"},
	}, {
		name:   "task card in a DM says the channel",
		a:      vision,
		people: dm,
		want:   []string{"<@U0CLAIRE> (<#C0PRODA>)", NobodyInYourChannels},
	}, {
		name:    "role card: who holds it here",
		a:       answer.Answer{Intent: answer.IntentRole, Role: designer()},
		people:  &editable,
		want:    []string{"*Dans ce canal* : <@U0ZOE>"},
		notWant: []string{ActionEditTeam},
	}, {
		name:   "role card: nobody, and the edit button for an editor",
		a:      answer.Answer{Intent: answer.IntentRole, Role: responsableMetier()},
		people: &editable,
		want:   []string{"*Dans ce canal* : " + NobodyHere + ".", `"action_id":"` + ActionEditTeam + `","value":"C0PRODA"`},
	}, {
		name:    "role card: nobody, no button for others",
		a:       answer.Answer{Intent: answer.IntentRole, Role: responsableMetier()},
		people:  channelTeam,
		want:    []string{NobodyHere},
		notWant: []string{ActionEditTeam},
	}, {
		name: "list of roles: names, never mentions, escaped",
		a: answer.Answer{Intent: answer.IntentListRoles, Roles: []answer.Role{
			{ID: "responsable-produit", Title: "Responsable produit", Core: true},
			{ID: "designer", Title: "Designer", Core: true},
		}},
		people:  channelTeam,
		want:    []string{"*Responsable produit* — Claire, &lt;!channel&gt; Paul", "*Designer* — Zoé"},
		notWant: []string{"<@", "<!channel>"},
	}, {
		name:    "matrix: names, never mentions",
		a:       answer.Answer{Intent: answer.IntentListTasks, Tasks: []answer.Task{deliveryTask()}},
		people:  channelTeam,
		want:    []string{"• Responsable produit : Responsable — Claire, &lt;!channel&gt; Paul"},
		notWant: []string{"<@"},
	}, {
		name:    "team unavailable: said in the footer, nobody named",
		a:       vision,
		people:  &People{Unavailable: true},
		want:    []string{TeamUnavailable, "• *Responsable produit* : Co-responsable"},
		notWant: []string{NobodyHere},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Card(tt.a, CardOptions{Command: "/role", People: tt.people})
			checkContains(t, blocksJSON(t, m), tt.want, tt.notWant)
			checkLimits(t, m)
		})
	}
}

// checkContains fails unless got holds every string of want and none of notWant.
func checkContains(t *testing.T, got string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	for _, w := range notWant {
		if strings.Contains(got, w) {
			t.Errorf("unexpected %q in\n%s", w, got)
		}
	}
}

// checkLimits fails when a message would be refused by Slack.
func checkLimits(t *testing.T, m Message) {
	t.Helper()
	if len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	raw, _ := json.Marshal(struct {
		Text   string        `json:"text"`
		Blocks []slack.Block `json:"blocks"`
	}{m.Text, m.Blocks})
	if len(raw) > maxMessageJSON {
		t.Errorf("%d bytes", len(raw))
	}
}

func TestTeamCard(t *testing.T) {
	roles := []TeamRole{
		{ID: "responsable-produit", Title: "Responsable produit", People: []string{"U0CLAIRE"}},
		{ID: "designer", Title: "Designer"},
	}
	tests := []struct {
		name    string
		v       TeamView
		want    []string
		notWant []string
	}{
		{"editor", TeamView{Channel: "C0PRODA", Roles: roles, CanEdit: true},
			[]string{"• *Responsable produit* : <@U0CLAIRE>", headUnheld + " : Designer", `"value":"C0PRODA"`}, nil},
		{"guest", TeamView{Channel: "C0PRODA", Roles: roles, Refusal: "Les invités ne peuvent pas modifier l'équipe."},
			[]string{"Les invités ne peuvent pas"}, []string{ActionEditTeam}},
		{"empty", TeamView{Channel: "C0PRODA", Roles: []TeamRole{{ID: "designer", Title: "Designer"}}, CanEdit: true},
			[]string{teamEmpty, ActionEditTeam}, nil},
		{"unavailable", TeamView{Channel: "C0PRODA", Roles: roles, CanEdit: true, Unavailable: true},
			[]string{teamUnavailable}, []string{ActionEditTeam}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := TeamCard(tt.v)
			checkContains(t, m.Text+blocksJSON(t, m), tt.want, tt.notWant)
		})
	}
}

func TestTeamModal(t *testing.T) {
	roles := []TeamRole{{ID: "responsable-produit", Title: "Responsable produit", People: []string{"U0CLAIRE"}}, {ID: "designer", Title: "Designer"}}
	v := TeamModal("C0PRODA", roles)
	if v.PrivateMetadata != "C0PRODA" || v.CallbackID != TeamCallbackID || v.Submit == nil {
		t.Fatalf("modal = %+v", v)
	}
	var inputs []*slack.InputBlock
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			inputs = append(inputs, in)
		}
	}
	if len(inputs) != 2 {
		t.Fatalf("%d inputs", len(inputs))
	}
	el := inputs[0].Element.(*slack.MultiSelectBlockElement)
	if role, ok := RoleOfBlock(inputs[0].BlockID); !ok || role != "responsable-produit" || el.Type != slack.MultiOptTypeUser ||
		len(el.InitialUsers) != 1 || el.InitialUsers[0] != "U0CLAIRE" || !inputs[0].Optional {
		t.Errorf("first input = %+v, element %+v", inputs[0], el)
	}

	// A content of 300 roles still fits a modal's 100 blocks.
	many := make([]TeamRole, 300)
	for i := range many {
		many[i] = TeamRole{ID: "r" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Title: "Rôle"}
	}
	if n := len(TeamModal("C0PRODA", many).Blocks.BlockSet); n > 100 {
		t.Errorf("%d blocks in the modal", n)
	}
}

func TestTeamChanges(t *testing.T) {
	tests := []struct {
		name    string
		changes []TeamChange
		want    string
	}{
		{"one", []TeamChange{{Role: "responsable-produit", Title: "Responsable produit", User: "U0CLAIRE", Added: true}},
			"<@U0MARC> a nommé <@U0CLAIRE> Responsable produit."},
		{"added and removed", []TeamChange{
			{Role: "responsable-produit", Title: "Responsable produit", User: "U0CLAIRE", Added: true},
			{Role: "designer", Title: "Designer & co", User: "U0PAUL"},
		}, "<@U0MARC> a nommé <@U0CLAIRE> Responsable produit, a retiré <@U0PAUL> du rôle Designer &amp; co."},
		{"none", nil, "<@U0MARC> a enregistré l'équipe du canal, sans changement."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TeamChanges("U0MARC", tt.changes).Text; got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestHomeWithTeams(t *testing.T) {
	mine := MyTeams{Channels: []ChannelRoles{{Channel: "C0PRODA", Titles: []string{"Responsable produit", "Designer"}}}}
	v := HomeWithTeams(nil, nil, mine, CardOptions{Command: "/role"})
	raw, _ := json.Marshal(v.Blocks)
	got := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(string(raw))
	if !strings.Contains(got, "*Mes équipes*") || !strings.Contains(got, "• <#C0PRODA> : Responsable produit, Designer") {
		t.Errorf("home = %s", got)
	}
	v = HomeWithTeams(nil, nil, MyTeams{}, CardOptions{Command: "/role"})
	raw, _ = json.Marshal(v.Blocks)
	if !strings.Contains(string(raw), "Vous ne tenez aucun rôle") {
		t.Errorf("home without teams = %s", raw)
	}
}

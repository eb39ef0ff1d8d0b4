package reply

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const baseURL = "https://doc.example.gouv.fr/equipe-produit"

// Answers as the search package gives them for the team's real pages.

func responsableMetier() *answer.Role {
	return &answer.Role{
		ID:      "responsable-metier",
		Title:   "Responsable métier",
		Summary: "Le responsable métier porte la politique publique que sert le produit. Il décide des objectifs avec le responsable produit.",
		Source:  "responsable-metier.md",
		Aliases: []string{"product owner", "sponsor"},
		Core:    true,
		Responsibilities: []string{
			"Porter la vision et les objectifs de politique publique.",
			"Arbitrer les priorités avec le responsable produit.",
		},
		ResponsibilitiesFrom: "Au quotidien",
		Tasks: []answer.RoleTask{
			{ID: "incarner-la-vision", Title: "Incarner la vision", Level: team.Responsable, Note: "porte la politique publique", Locked: true},
			{ID: "definir-les-objectifs-et-indicateurs-produit", Title: "Définir les objectifs et indicateurs produit", Level: team.Responsable},
			{ID: "piloter-le-delivery", Title: "Piloter le delivery", Level: team.Participe},
		},
	}
}

func designer() *answer.Role {
	return &answer.Role{
		ID:      "designer",
		Title:   "Designer",
		Summary: "Le designer conçoit avec l'équipe un service utile, utilisable, inclusif et simple. Il fait tester.",
		Source:  "designer.md",
		Aliases: []string{"UX designer", "UI designer", "designeuse"},
		Core:    true,
		Responsibilities: []string{
			"Analyser et synthétiser les besoins : entretiens, observation, personas.",
			"Réaliser maquettes et prototypes interactifs.",
		},
		ResponsibilitiesFrom: "Au quotidien",
		Tasks:                []answer.RoleTask{},
	}
}

func visionTask() *answer.Task {
	return &answer.Task{
		ID: "incarner-la-vision", Title: "Incarner la vision", Origin: team.FromMatrix, Source: "README.md",
		Owners: []answer.Owner{
			{Role: "responsable-metier", Title: "Responsable métier", Level: team.Responsable, Note: "porte la politique publique", Locked: true},
			{Role: "responsable-produit", Title: "Responsable produit", Level: team.CoResponsable, Note: "porte le produit numérique", Locked: true},
		},
	}
}

func deliveryTask() answer.Task {
	return answer.Task{
		ID: "piloter-le-delivery", Title: "Piloter le delivery", Details: "prioriser le backlog, initialiser les US, réaliser les tests, démos",
		Origin: team.FromMatrix, Source: "README.md",
		Owners: []answer.Owner{
			{Role: "responsable-metier", Title: "Responsable métier", Level: team.Participe},
			{Role: "responsable-produit", Title: "Responsable produit", Level: team.Responsable},
		},
	}
}

func budgetTask() *answer.Task {
	return &answer.Task{ID: "suivi-budgetaire", Title: "Suivi budgétaire", Origin: team.FromOther, Source: "README.md", Owners: []answer.Owner{}}
}

func teamRoles() []answer.Role {
	return []answer.Role{
		{ID: "responsable-metier", Title: "Responsable métier", Summary: "Le responsable métier porte la politique publique. Il décide.", Source: "responsable-metier.md", Core: true},
		{ID: "designer", Title: "Designer", Summary: "Le designer conçoit un service utile. Il fait tester.", Source: "designer.md", Core: true},
		{ID: "coach-produit", Title: "Coach produit", Summary: "Le coach accompagne l'équipe.", Source: "coach-produit.md", Core: true, Expert: true},
		{ID: "expert-accessibilite", Title: "Expert accessibilité", Summary: "L'expert audite le RGAA & conseille. Il forme.", Source: "expert-accessibilite.md", Expert: true},
	}
}

func teamTasks() []answer.Task {
	return []answer.Task{*visionTask(), deliveryTask(), *budgetTask()}
}

type cardCase struct {
	name string
	a    answer.Answer
	o    CardOptions
}

func cardCases() []cardCase {
	preview := CardOptions{BaseURL: baseURL, Command: "/role", Shareable: true}
	return []cardCase{
		{"role", answer.Answer{Query: "responsable métier", Intent: answer.IntentRole, Role: responsableMetier(),
			Alternatives: []answer.Ref{{Intent: answer.IntentTask, ID: "incarner-la-vision", Title: "Incarner la vision"}}}, preview},
		{"role_shared", answer.Answer{Query: "designer", Intent: answer.IntentRole, Role: designer()},
			CardOptions{BaseURL: baseURL, Command: "/role", SharedBy: "U024BE7LH"}},
		{"role_no_base_url", answer.Answer{Query: "designer", Intent: answer.IntentRole, Role: designer()}, CardOptions{Command: "/role"}},
		{"task", answer.Answer{Query: "qui porte la vision ?", Intent: answer.IntentTask, Task: visionTask()}, preview},
		{"task_no_owner", answer.Answer{Query: "suivi budgétaire", Intent: answer.IntentTask, Task: budgetTask()}, preview},
		{"list_roles", answer.Answer{Query: "liste des rôles", Intent: answer.IntentListRoles, Roles: teamRoles()}, preview},
		{"list_tasks", answer.Answer{Query: "qui fait quoi ?", Intent: answer.IntentListTasks, Tasks: teamTasks()}, preview},
		{"help", answer.Answer{Query: "aide", Intent: answer.IntentHelp}, preview},
		{"none", answer.Answer{Query: "cantine", Intent: answer.IntentNone, Suggestions: []answer.Ref{
			{Intent: answer.IntentRole, ID: "devops", Title: "Expert Ops"},
			{Intent: answer.IntentTask, ID: "suivi-budgetaire", Title: "Suivi budgétaire"},
		}}, preview},
	}
}

// marshal is the JSON slack-go sends.
func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// readable is JSON without "\u003c" escapes, to look for "<!" in it.
func readable(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	if err := e.Encode(v); err != nil {
		t.Fatalf("encode: %v", err)
	}
	return buf.String()
}

// limits are the bounds a surface puts on its blocks.
type limits struct {
	blocks int
	json   int // bytes of json.Marshal(blocks)
}

func messageLimits() limits { return limits{blocks: 50, json: 12000} }

// checkBlocks asserts Slack's limits on marshalled blocks, read back as
// plain JSON so that nothing the Go types hide escapes the check.
func checkBlocks(t *testing.T, blocks []slack.Block, lim limits) {
	t.Helper()
	raw := marshal(t, blocks)
	if len(raw) > lim.json {
		t.Errorf("blocks JSON is %d bytes, over %d", len(raw), lim.json)
	}
	var bs []map[string]any
	if err := json.Unmarshal(raw, &bs); err != nil {
		t.Fatalf("unmarshal blocks: %v", err)
	}
	if len(bs) == 0 || len(bs) > lim.blocks {
		t.Errorf("%d blocks, want 1 to %d", len(bs), lim.blocks)
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for i, b := range bs {
		id, _ := b["block_id"].(string)
		if id == "" || len(id) > 255 {
			t.Errorf("block %d (%v): block_id %q", i, b["type"], id)
		}
		if blockIDs[id] {
			t.Errorf("block %d: duplicate block_id %q", i, id)
		}
		blockIDs[id] = true
		switch b["type"] {
		case "header":
			checkText(t, b["text"], "plain_text", 150, id)
		case "section":
			checkText(t, b["text"], "mrkdwn", 3000, id)
			if acc, ok := b["accessory"].(map[string]any); ok {
				checkButton(t, acc, id, actionIDs)
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				t.Errorf("%s: %d context elements", id, len(els))
			}
			for _, e := range els {
				checkText(t, e, "mrkdwn", 3000, id)
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				t.Errorf("%s: %d action elements", id, len(els))
			}
			for _, e := range els {
				el, _ := e.(map[string]any)
				checkButton(t, el, id, actionIDs)
			}
		case "context_actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 5 {
				t.Errorf("%s: %d context actions elements", id, len(els))
			}
			for _, e := range els {
				el, _ := e.(map[string]any)
				checkFeedbackButtons(t, el, id, actionIDs)
			}
		case "divider":
		default:
			t.Errorf("%s: unexpected block type %v", id, b["type"])
		}
	}
}

func checkText(t *testing.T, v any, typ string, max int, where string) {
	t.Helper()
	o, _ := v.(map[string]any)
	if o == nil {
		t.Errorf("%s: missing text object", where)
		return
	}
	s, _ := o["text"].(string)
	if o["type"] != typ {
		t.Errorf("%s: text type %v, want %s", where, o["type"], typ)
	}
	if strings.TrimSpace(s) == "" {
		t.Errorf("%s: empty text", where)
	}
	if n := utf8.RuneCountInString(s); n > max {
		t.Errorf("%s: text of %d characters, over %d", where, n, max)
	}
	if typ == "mrkdwn" && o["verbatim"] != true {
		t.Errorf("%s: mrkdwn text is not verbatim", where)
	}
}

func checkButton(t *testing.T, el map[string]any, where string, actionIDs map[string]bool) {
	t.Helper()
	if el["type"] != "button" {
		t.Errorf("%s: element type %v", where, el["type"])
		return
	}
	checkText(t, el["text"], "plain_text", 75, where)
	aid, _ := el["action_id"].(string)
	if aid == "" || len(aid) > 255 || actionIDs[aid] {
		t.Errorf("%s: action_id %q empty, too long or repeated", where, aid)
	}
	actionIDs[aid] = true
	v, _ := el["value"].(string)
	u, _ := el["url"].(string)
	if len(v) > 2000 || len(u) > 3000 {
		t.Errorf("%s: value of %d or url of %d characters", where, len(v), len(u))
	}
	switch ActionName(aid) {
	case ActionShare, ActionOpen:
		if _, ok := DecodeRef(v); !ok {
			t.Errorf("%s: %s button with value %q that DecodeRef refuses", where, aid, v)
		}
	case ActionFeedback:
		if _, _, ok := DecodeFeedback(v); !ok {
			t.Errorf("%s: feedback button with value %q that DecodeFeedback refuses", where, v)
		}
	case ActionLink:
		if !strings.HasPrefix(u, "https://") || v != "" {
			t.Errorf("%s: link button url %q value %q", where, u, v)
		}
	default:
		t.Errorf("%s: unknown action id %q", where, aid)
	}
	if lbl, ok := el["accessibility_label"].(string); ok && utf8.RuneCountInString(lbl) > 75 {
		t.Errorf("%s: accessibility_label over 75 characters", where)
	}
}

// checkFeedbackButtons checks a feedback_buttons element: its action id, and two buttons whose
// values DecodeFeedback reads back, one useful, one not.
func checkFeedbackButtons(t *testing.T, el map[string]any, where string, actionIDs map[string]bool) {
	t.Helper()
	aid, _ := el["action_id"].(string)
	if el["type"] != "feedback_buttons" || ActionName(aid) != ActionFeedback || actionIDs[aid] {
		t.Errorf("%s: element %v with action_id %q", where, el["type"], aid)
	}
	actionIDs[aid] = true
	for name, useful := range map[string]bool{"positive_button": true, "negative_button": false} {
		btn, _ := el[name].(map[string]any)
		checkText(t, btn["text"], "plain_text", 75, where)
		v, _ := btn["value"].(string)
		if _, u, ok := DecodeFeedback(v); !ok || u != useful {
			t.Errorf("%s: %s value %q", where, name, v)
		}
	}
}

// checkMessage asserts the limits of a whole message.
func checkMessage(t *testing.T, m Message) {
	t.Helper()
	checkBlocks(t, m.Blocks, messageLimits())
	if strings.TrimSpace(m.Text) == "" {
		t.Error("empty Text")
	}
	if n := utf8.RuneCountInString(m.Text); n >= 4000 {
		t.Errorf("Text of %d characters", n)
	}
	whole := marshal(t, map[string]any{"text": m.Text, "blocks": m.Blocks})
	if len(whole) > 12000 {
		t.Errorf("message JSON is %d bytes, over 12000", len(whole))
	}
}

// checkRoundTrip asserts that blocks survive Slack's JSON and slack-go's
// parsing unchanged.
func checkRoundTrip(t *testing.T, blocks []slack.Block) {
	t.Helper()
	raw := marshal(t, blocks)
	var back slack.Blocks
	if err := back.UnmarshalJSON(raw); err != nil {
		t.Fatalf("slack.Blocks.UnmarshalJSON: %v", err)
	}
	if len(back.BlockSet) != len(blocks) {
		t.Fatalf("%d blocks back, want %d", len(back.BlockSet), len(blocks))
	}
	if again := marshal(t, back); !bytes.Equal(again, raw) {
		t.Errorf("round trip changed the blocks:\n got %s\nwant %s", again, raw)
	}
}

type button struct{ block, action, value, url, text string }

func buttons(t *testing.T, blocks []slack.Block) []button {
	t.Helper()
	var out []button
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if bt, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, button{b.BlockID, bt.ActionID, bt.Value, bt.URL, bt.Text.Text})
				}
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				bt := b.Accessory.ButtonElement
				out = append(out, button{b.BlockID, bt.ActionID, bt.Value, bt.URL, bt.Text.Text})
			}
		}
	}
	return out
}

// allText is every text of the blocks, in order, one per line.
func allText(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				texts = append(texts, s)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var bs []any
	if err := json.Unmarshal(marshal(t, blocks), &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		walk(b)
	}
	return strings.Join(texts, "\n")
}

func golden(t *testing.T, name string, got string) {
	t.Helper()
	file := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/reply -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run with -update if the change is meant):\n%s", name, file, got)
	}
}

func TestCardGolden(t *testing.T) {
	for _, tc := range cardCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := Card(tc.a, tc.o)
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			golden(t, "card_"+tc.name, readable(t, m))
		})
	}
}

func TestCardContent(t *testing.T) {
	byName := map[string]cardCase{}
	for _, tc := range cardCases() {
		byName[tc.name] = tc
	}
	tests := []struct {
		name     string
		text     string   // exact Message.Text
		has      []string // lines some block text holds
		hasNot   []string
		blockIDs []string // in this order, exactly
	}{
		{
			name: "role",
			text: "Responsable métier : Le responsable métier porte la politique publique que sert le produit. Il décide des objectifs avec le responsable produit.\nVoir aussi : Incarner la vision",
			has: []string{
				"Responsable métier",
				"Rôle de l'équipe",
				"*Au quotidien*\n• Porter la vision et les objectifs de politique publique.\n• Arbitrer les priorités avec le responsable produit.",
				"*Dans la matrice de responsabilités*\n• *Incarner la vision* : Responsable (porte la politique publique), ne se délègue pas\n" +
					"• *Définir les objectifs et indicateurs produit* : Responsable\n• *Piloter le delivery* : Participe",
				"Aussi appelé : product owner, sponsor",
				"Voir aussi :",
			},
			hasNot:   []string{"🔒", "Partagé par"},
			blockIDs: []string{"rolebot_header", "rolebot_kind", "rolebot_summary", "rolebot_daily", "rolebot_matrix", "rolebot_aliases", "rolebot_alternatives_label", "rolebot_alternatives", "rolebot_actions"},
		},
		{
			name:     "role_shared",
			has:      []string{"Partagé par <@U024BE7LH>", "Aussi appelé : UX designer, UI designer, designeuse"},
			hasNot:   []string{"Dans la matrice", "Partager dans le canal"},
			blockIDs: []string{"rolebot_header", "rolebot_kind", "rolebot_summary", "rolebot_daily", "rolebot_aliases", "rolebot_shared", "rolebot_actions"},
		},
		{
			name:     "role_no_base_url",
			blockIDs: []string{"rolebot_header", "rolebot_kind", "rolebot_summary", "rolebot_daily", "rolebot_aliases"},
		},
		{
			name: "task",
			text: "Incarner la vision : Responsable métier (responsable), Responsable produit (co-responsable)",
			has: []string{
				"• *Responsable métier* : Responsable (porte la politique publique), ne se délègue pas\n" +
					"• *Responsable produit* : Co-responsable (porte le produit numérique), ne se délègue pas",
				Legend,
			},
			hasNot:   []string{"🔒", noOwner},
			blockIDs: []string{"rolebot_header", "rolebot_owners", "rolebot_legend", "rolebot_actions"},
		},
		{
			name:     "task_no_owner",
			text:     "Suivi budgétaire : la page de l'équipe ne désigne personne pour cette tâche.",
			has:      []string{"La page de l'équipe ne désigne personne pour cette tâche."},
			hasNot:   []string{Legend, "Responsable ("},
			blockIDs: []string{"rolebot_header", "rolebot_owners", "rolebot_actions"},
		},
		{
			name: "list_roles",
			text: "Les rôles de l'équipe : Responsable métier, Designer, Coach produit, Expert accessibilité.",
			has: []string{
				"Les rôles de l'équipe",
				"*Rôles de l'équipe*\n• *Responsable métier* : Le responsable métier porte la politique publique.\n" +
					"• *Designer* : Le designer conçoit un service utile.\n• *Coach produit* (aussi soutien expert) : Le coach accompagne l'équipe.",
				"*Soutiens experts*\n• *Expert accessibilité* : L'expert audite le RGAA &amp; conseille.",
			},
			blockIDs: []string{"rolebot_header", "rolebot_core_roles", "rolebot_expert_roles", "rolebot_roles_label", "rolebot_roles", "rolebot_actions"},
		},
		{
			name: "list_tasks",
			text: "Qui fait quoi :\n• Incarner la vision : Responsable métier (responsable), Responsable produit (co-responsable)\n" +
				"• Piloter le delivery : Responsable métier (participe), Responsable produit (responsable)\n" +
				"• Suivi budgétaire : la page de l'équipe ne désigne personne pour cette tâche.",
			has: []string{
				"*Incarner la vision*\n• Responsable métier : Responsable (porte la politique publique), ne se délègue pas\n" +
					"• Responsable produit : Co-responsable (porte le produit numérique), ne se délègue pas\n\n" +
					"*Piloter le delivery*\n• Responsable métier : Participe\n• Responsable produit : Responsable",
				"*Sans responsable désigné sur la page de l'équipe*\n• Suivi budgétaire",
				Legend,
			},
			blockIDs: []string{"rolebot_header", "rolebot_tasks", "rolebot_unowned_tasks", "rolebot_legend", "rolebot_actions"},
		},
		{
			name: "help",
			has: []string{"Je réponds aux questions sur les rôles de l'équipe produit et sur qui fait quoi.\n*Exemples :*\n" +
				"• `/role designer`\n• `/role qui porte la vision ?`"},
			blockIDs: []string{"rolebot_header", "rolebot_help", "rolebot_actions"},
		},
		{
			name: "none",
			text: "Je n'ai rien trouvé sur « cantine » dans les pages de l'équipe. Vouliez-vous dire : Expert Ops, Suivi budgétaire ?",
			has: []string{
				"Je n'ai rien trouvé sur « cantine » dans les pages de l'équipe.",
				"Vouliez-vous dire :",
				hint,
			},
			hasNot:   []string{"Partager dans le canal"},
			blockIDs: []string{"rolebot_not_found", "rolebot_suggestions_label", "rolebot_suggestions", "rolebot_hint"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := byName[tt.name]
			m := Card(tc.a, tc.o)
			if tt.text != "" && m.Text != tt.text {
				t.Errorf("Text:\n got %q\nwant %q", m.Text, tt.text)
			}
			texts := allText(t, m.Blocks)
			for _, s := range tt.has {
				if !strings.Contains(texts, s) {
					t.Errorf("no block says %q in:\n%s", s, texts)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(texts, s) || strings.Contains(m.Text, s) {
					t.Errorf("the card says %q", s)
				}
			}
			var ids []string
			for _, b := range m.Blocks {
				ids = append(ids, b.ID())
			}
			if strings.Join(ids, " ") != strings.Join(tt.blockIDs, " ") {
				t.Errorf("block ids:\n got %v\nwant %v", ids, tt.blockIDs)
			}
		})
	}
}

func TestCardButtons(t *testing.T) {
	byName := map[string]cardCase{}
	for _, tc := range cardCases() {
		byName[tc.name] = tc
	}
	tests := []struct {
		name string
		want []button
	}{
		{"role", []button{
			{"rolebot_alternatives", ActionOpen, "task:incarner-la-vision", "", "Incarner la vision"},
			{"rolebot_actions", ActionLink, "", baseURL + "/responsable-metier", "Voir la page"},
			{"rolebot_actions", ActionShare, "role:responsable-metier", "", "Partager dans le canal"},
		}},
		{"role_shared", []button{
			{"rolebot_actions", ActionLink, "", baseURL + "/designer", "Voir la page"},
		}},
		{"role_no_base_url", nil},
		{"task", []button{
			{"rolebot_actions", ActionLink, "", baseURL, "Voir la page"},
			{"rolebot_actions", ActionShare, "task:incarner-la-vision", "", "Partager dans le canal"},
		}},
		{"list_roles", []button{
			{"rolebot_roles", ActionOpen, "role:responsable-metier", "", "Responsable métier"},
			{"rolebot_roles", ActionOpen + ":2", "role:designer", "", "Designer"},
			{"rolebot_roles", ActionOpen + ":3", "role:coach-produit", "", "Coach produit"},
			{"rolebot_roles", ActionOpen + ":4", "role:expert-accessibilite", "", "Expert accessibilité"},
			{"rolebot_actions", ActionLink, "", baseURL, "Voir la page"},
			{"rolebot_actions", ActionShare, "list_roles:", "", "Partager dans le canal"},
		}},
		{"list_tasks", []button{
			{"rolebot_actions", ActionLink, "", baseURL, "Voir la page"},
			{"rolebot_actions", ActionShare, "list_tasks:", "", "Partager dans le canal"},
		}},
		{"help", []button{
			{"rolebot_actions", ActionShare, "help:", "", "Partager dans le canal"},
		}},
		{"none", []button{
			{"rolebot_suggestions", ActionOpen, "role:devops", "", "Expert Ops"},
			{"rolebot_suggestions", ActionOpen + ":2", "task:suivi-budgetaire", "", "Suivi budgétaire"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := byName[tt.name]
			got := buttons(t, Card(tc.a, tc.o).Blocks)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("buttons:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

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

func TestActionName(t *testing.T) {
	for in, want := range map[string]string{
		"rolebot_open": ActionOpen, "rolebot_open:12": ActionOpen, "rolebot_share": ActionShare,
		"rolebot_link:3": ActionLink, "": "", "other": "other",
	} {
		if got := ActionName(in); got != want {
			t.Errorf("ActionName(%q) = %q, want %q", in, got, want)
		}
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

func TestPageURL(t *testing.T) {
	tests := []struct {
		base, source, want string
		ok                 bool
	}{
		{"https://doc.example.fr/equipe", "designer.md", "https://doc.example.fr/equipe/designer", true},
		{"https://doc.example.fr/equipe/", "designer.md", "https://doc.example.fr/equipe/designer", true},
		{"https://doc.example.fr/equipe", "README.md", "https://doc.example.fr/equipe", true},
		{"https://doc.example.fr/equipe/", "README.md", "https://doc.example.fr/equipe/", true},
		{"https://doc.example.fr", "roles/README.md", "https://doc.example.fr/roles", true},
		{"https://doc.example.fr", "roles/chef de projet.md", "https://doc.example.fr/roles/chef%20de%20projet", true},
		{"http://localhost:8080/x", "a.md", "http://localhost:8080/x/a", true},
		{"", "designer.md", "", false},
		{"doc.example.fr", "designer.md", "", false},
		{"javascript:alert(1)", "designer.md", "", false},
		{"https://user:pw@doc.example.fr", "designer.md", "", false},
		{"https://doc.example.fr", "", "", false},
		{"https://doc.example.fr", "../secret.md", "", false},
		{"https://doc.example.fr", "/etc/passwd", "", false},
		{"https://doc.example.fr", `a\b.md`, "", false},
	}
	for _, tt := range tests {
		got, ok := pageURL(tt.base, tt.source)
		if got != tt.want || ok != tt.ok {
			t.Errorf("pageURL(%q, %q) = %q, %v; want %q, %v", tt.base, tt.source, got, ok, tt.want, tt.ok)
		}
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"court", 10, "court"},
		{"exactement", 10, "exactement"},
		{"un peu trop long", 10, "un peu tr…"},
		{"éééééé", 4, "ééé…"},
		{"a &amp; b", 4, "a…"},           // never half an entity
		{"a &lt;b&gt; c", 9, "a &lt;b…"}, // entities before the cut stay whole
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := shorten(tt.s, tt.max); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
		if utf8.RuneCountInString(shorten(tt.s, tt.max)) > tt.max {
			t.Errorf("shorten(%q, %d) is too long", tt.s, tt.max)
		}
	}
}

func TestSharedBy(t *testing.T) {
	tests := []struct{ by, want string }{
		{"U024BE7LH", "Partagé par <@U024BE7LH>"},
		{"W123ABC", "Partagé par <@W123ABC>"},
		{"<!channel>", "Partagé par &lt;!channel&gt;"},
		{"U12> <!here", "Partagé par U12&gt; &lt;!here"},
		{"u024be7lh", "Partagé par u024be7lh"},
		{"C024BE7LH", "Partagé par C024BE7LH"},
	}
	for _, tt := range tests {
		m := Card(answer.Answer{Intent: answer.IntentRole, Role: designer()}, CardOptions{SharedBy: tt.by})
		var got string
		for _, b := range m.Blocks {
			if c, ok := b.(*slack.ContextBlock); ok && b.ID() == "rolebot_shared" {
				got = c.ContextElements.Elements[0].(*slack.TextBlockObject).Text
			}
		}
		if got != tt.want {
			t.Errorf("SharedBy %q: %q, want %q", tt.by, got, tt.want)
		}
	}
}

// hostile holds what a user or a page could write to ping people or hide a
// link: none of it may reach Slack as markup.
const hostile = "<!channel> <!here> <@U123> <https://evil|x> & <#C1>"

func hostileAnswers() []answer.Answer {
	role := &answer.Role{
		ID: "designer", Title: "Designer " + hostile, Summary: "Résumé " + hostile, Source: "designer.md",
		Aliases: []string{hostile, "alias"}, Core: true, Expert: true,
		Responsibilities: []string{"Faire " + hostile},
		Tasks:            []answer.RoleTask{{ID: "t", Title: "Tâche " + hostile, Level: team.Level(hostile), Note: "note " + hostile, Locked: true}},
	}
	task := &answer.Task{
		ID: "t", Title: "Tâche " + hostile, Details: "détails " + hostile, Source: "README.md",
		Owners: []answer.Owner{{Role: "designer", Title: "Designer " + hostile, Level: team.Responsable, Note: "note " + hostile}},
	}
	refs := []answer.Ref{{Intent: answer.IntentRole, ID: "designer", Title: hostile}, {Intent: answer.IntentTask, ID: "t", Title: "Tâche " + hostile}}
	return []answer.Answer{
		{Query: hostile, Intent: answer.IntentRole, Role: role, Alternatives: refs},
		{Query: hostile, Intent: answer.IntentTask, Task: task, Alternatives: refs},
		{Query: hostile, Intent: answer.IntentListRoles, Roles: []answer.Role{*role, {ID: "x", Title: hostile, Summary: hostile, Expert: true}}},
		{Query: hostile, Intent: answer.IntentListTasks, Tasks: []answer.Task{*task, {ID: "u", Title: hostile}}},
		{Query: hostile, Intent: answer.IntentHelp},
		{Query: hostile, Intent: answer.IntentNone, Suggestions: refs},
		{Query: hostile, Intent: hostile},
	}
}

// allStrings is every string value of v's JSON, decoded: slack-go's own
// marshalers write "<" as "\u003c", which a search in the raw JSON would miss.
func allStrings(t *testing.T, v any) string {
	t.Helper()
	var tree any
	if err := json.Unmarshal(marshal(t, v), &tree); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for k, x := range v {
				out = append(out, k)
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
	return strings.Join(out, "\n")
}

// assertNoMarkup fails when s holds Slack markup other than allowed.
func assertNoMarkup(t *testing.T, what, s string, allowed ...string) {
	t.Helper()
	for _, a := range allowed {
		s = strings.ReplaceAll(s, a, "")
	}
	for _, bad := range []string{"<!", "<@", "<http", "<#", "|x>"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s holds unescaped %q:\n%s", what, bad, s)
		}
	}
	// Every "&" must start one of the three entities: nothing raw.
	for i := strings.IndexByte(s, '&'); i >= 0; i = strings.IndexByte(s, '&') {
		rest := s[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			t.Errorf("%s holds a raw %q", what, rest[:min(len(rest), 12)])
			return
		}
		s = rest[1:]
	}
}

func TestCardEscapesEverything(t *testing.T) {
	const me = "U0ROLEBOT1"
	for _, a := range hostileAnswers() {
		for _, o := range []CardOptions{
			{BaseURL: baseURL, Command: "/role " + hostile, Shareable: true, SharedBy: me},
			{Command: hostile, SharedBy: hostile},
		} {
			m := Card(a, o)
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			assertNoMarkup(t, string(a.Intent)+" blocks", allStrings(t, m.Blocks), "<@"+me+">")
			assertNoMarkup(t, string(a.Intent)+" text", m.Text)
			if !strings.Contains(allStrings(t, m.Blocks)+m.Text, "&lt;!channel&gt;") && a.Intent != answer.IntentHelp {
				t.Errorf("%s: the hostile words vanished instead of being escaped", a.Intent)
			}
		}
	}
}

// huge is an answer no page should ever give, to show that every limit holds.
func huge() []answer.Answer {
	long := func(prefix string, n int) string {
		return prefix + " " + strings.Repeat("très long texte avec des accents é & <des chevrons> ", n/50)
	}
	var resp, aliases []string
	var rows []answer.RoleTask
	var owners []answer.Owner
	var refs []answer.Ref
	var roles []answer.Role
	var tasks []answer.Task
	for i := 0; i < 300; i++ {
		resp = append(resp, long(fmt.Sprintf("Responsabilité %d", i), 400))
		aliases = append(aliases, long(fmt.Sprintf("alias %d", i), 100))
		rows = append(rows, answer.RoleTask{ID: fmt.Sprintf("tache-%d", i), Title: long("Tâche", 300), Level: team.CoResponsable, Note: long("note", 200), Locked: true})
		owners = append(owners, answer.Owner{Role: fmt.Sprintf("role-%d", i), Title: long("Rôle", 200), Level: team.Participe, Note: long("note", 200)})
		refs = append(refs, answer.Ref{Intent: answer.IntentRole, ID: fmt.Sprintf("role-%d", i), Title: long("Rôle", 300)})
		roles = append(roles, answer.Role{ID: fmt.Sprintf("role-%d", i), Title: long("Rôle", 400), Summary: long("Résumé", 2000), Source: fmt.Sprintf("role-%d.md", i), Core: i%2 == 0, Expert: i%3 == 0})
		task := answer.Task{ID: fmt.Sprintf("tache-%d", i), Title: long("Tâche", 400), Details: long("détails", 500), Source: "README.md"}
		if i%4 != 0 {
			task.Owners = owners[max(0, i-20):i]
		}
		tasks = append(tasks, task)
	}
	role := &answer.Role{ID: "designer", Title: long("Designer", 1000), Summary: long("Résumé", 10000), Source: "designer.md",
		Aliases: aliases, Core: true, Expert: true, Responsibilities: resp, Tasks: rows}
	task := &answer.Task{ID: "piloter-le-delivery", Title: long("Piloter", 1000), Details: long("détails", 10000), Source: "README.md", Owners: owners}
	return []answer.Answer{
		{Query: long("question", 5000), Intent: answer.IntentRole, Role: role, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentTask, Task: task, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentTask, Task: &answer.Task{ID: "x", Title: long("Sans", 1000), Details: long("d", 10000)}, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentListRoles, Roles: roles, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentListTasks, Tasks: tasks, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentHelp, Alternatives: refs},
		{Query: long("question", 5000), Intent: answer.IntentNone, Suggestions: refs, Alternatives: refs},
	}
}

func TestCardHugeAnswerStaysWithinLimits(t *testing.T) {
	for _, a := range huge() {
		t.Run(string(a.Intent), func(t *testing.T) {
			m := Card(a, CardOptions{BaseURL: baseURL + "/" + strings.Repeat("x", 500), Command: "/role", Shareable: true, SharedBy: "U024BE7LH"})
			checkMessage(t, m)
			checkRoundTrip(t, m.Blocks)
			assertNoMarkup(t, "blocks", allStrings(t, m.Blocks), "<@U024BE7LH>")
			// What matters most survives: the title, the share button.
			ids := map[string]bool{}
			for _, b := range m.Blocks {
				ids[b.ID()] = true
			}
			if a.Intent != answer.IntentNone && (!ids["rolebot_header"] || !ids["rolebot_actions"]) {
				t.Errorf("header or actions dropped: %v", ids)
			}
			if len(a.Alternatives) > 0 && a.Intent != answer.IntentListRoles && a.Intent != answer.IntentListTasks && !ids["rolebot_alternatives"] {
				t.Errorf("the alternatives were crowded out: %v", ids)
			}
			if a.Intent == answer.IntentNone && !ids["rolebot_not_found"] {
				t.Errorf("the not-found line was dropped: %v", ids)
			}
			// Lists that were cut say so.
			if (a.Intent == answer.IntentListTasks || a.Intent == answer.IntentListRoles) && !strings.Contains(allText(t, m.Blocks), "… et ") {
				t.Error("a list was cut without saying how many items were left out")
			}
			t.Logf("%d blocks, %d bytes", len(m.Blocks), len(marshal(t, m.Blocks)))
		})
	}
}

func TestCardNeverEmpty(t *testing.T) {
	// Degenerate answers still give a valid message.
	for _, a := range []answer.Answer{
		{},
		{Intent: answer.IntentRole},
		{Intent: answer.IntentRole, Role: &answer.Role{}},
		{Intent: answer.IntentTask, Task: &answer.Task{}},
		{Intent: answer.IntentListRoles},
		{Intent: answer.IntentListTasks},
		{Intent: answer.IntentNone, Query: "   \n "},
		{Intent: answer.IntentRole, Role: &answer.Role{ID: "x", Title: " \n ", Responsibilities: []string{"", " "}, Aliases: []string{""}}},
	} {
		m := Card(a, CardOptions{Shareable: true, SharedBy: " "})
		checkMessage(t, m)
		checkRoundTrip(t, m.Blocks)
	}
}

// BenchmarkCard measures a card's assembly and the marshalling slack-go
// then does: both run for every answer the bot posts.
func BenchmarkCard(b *testing.B) {
	for _, tc := range cardCases() {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				m := Card(tc.a, tc.o)
				if _, err := json.Marshal(m.Blocks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestComposerAccountsExactly: the bytes the composer counts as used are
// the bytes the blocks marshal to, so that limits hold with nothing wasted,
// whether a part's size was marshalled or computed from its text.
func TestComposerAccountsExactly(t *testing.T) {
	opts := CardOptions{BaseURL: baseURL, Command: "/role", Shareable: true}
	var answers []answer.Answer
	for _, tc := range cardCases() {
		answers = append(answers, tc.a)
	}
	answers = append(answers, huge()...)
	for _, budget := range []int{maxMessageJSON, 3000, 800} {
		for _, a := range answers {
			c := newComposer(slotCount, maxBlocks, budget)
			fill(c, a, opts)
			blocks := c.result()
			if len(blocks) == 0 {
				continue
			}
			if got, used := len(marshal(t, blocks)), budget-c.bytes; got != used {
				t.Errorf("%s, budget %d: blocks marshal to %d bytes, the composer counted %d", a.Intent, budget, got, used)
			}
		}
	}
}

func TestCardContentVersion(t *testing.T) {
	a := answer.Answer{Intent: answer.IntentHelp}
	find := func(m Message) string {
		for _, b := range m.Blocks {
			if cb, ok := b.(*slack.ContextBlock); ok && cb.BlockID == blockVersion {
				for _, e := range cb.ContextElements.Elements {
					if txt, ok := e.(*slack.TextBlockObject); ok {
						return txt.Text
					}
				}
			}
		}
		return ""
	}
	if got := find(Card(a, CardOptions{Command: "/role", ContentVersion: "3f2a9c1b7d4e"})); got != "Contenu : version 3f2a9c1b7d4e" {
		t.Fatalf("footer %q", got)
	}
	if got := find(Card(a, CardOptions{Command: "/role"})); got != "" {
		t.Fatalf("footer without a version: %q", got)
	}
}

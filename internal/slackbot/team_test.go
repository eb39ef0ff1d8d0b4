package slackbot_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	dbstore "github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// The people of the tests' workspace.
const (
	marc    = "U0MARC"   // a member of the team's channel
	claire  = "U0CLAIRE" // a member, named in the tests
	paul    = "U0PAUL"   // a member
	guest   = "U0GUEST"  // a guest, member of the channel
	outside = "U0OUT"    // not a member of the channel
	admin   = "U0ADMIN"  // in ADMIN_USER_IDS, not a member
	nobody  = "U0NOBODY" // no such user
	prod    = "C0PROD"   // the team's channel
)

// newStore opens a real SQLite store in the test's temporary folder.
func newStore(t testing.TB) *dbstore.Store {
	t.Helper()
	st, err := dbstore.Open(context.Background(), storetest.SQLiteURL(t), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// startTeams runs a bot with st in a workspace of known people.
func startTeams(t *testing.T, st *dbstore.Store) *harness {
	t.Helper()
	h := start(t, setup{opts: func(o *slackbot.Options) {
		o.Teams, o.Admins = st, []string{admin}
	}})
	h.srv.AddUser(
		slacktest.User{ID: marc, Name: "marc", RealName: "Marc Petit", DisplayName: "Marc"},
		slacktest.User{ID: claire, Name: "claire", RealName: "Claire Martin", DisplayName: "Claire"},
		slacktest.User{ID: paul, Name: "paul", RealName: "Paul Durand"},
		slacktest.User{ID: guest, Name: "invite", RealName: "Invitée", Restricted: true},
		slacktest.User{ID: outside, Name: "out", RealName: "Hors canal"},
		slacktest.User{ID: admin, Name: "admin", RealName: "Admin"},
		slacktest.User{ID: "U0BOTTY", Name: "botty", Bot: true},
	)
	h.srv.SetMembers(prod, marc, claire, paul, guest, slacktest.DefaultBotUserID)
	return h
}

// openModal runs `/role équipe` as user in prod, clicks "Modifier
// l'équipe" and returns the opened view's id.
func (h *harness) openModal(ctx context.Context, user string) string {
	h.t.Helper()
	card := h.teamCard(ctx, user)
	btn, blockID, ok := button(card, reply.ActionEditTeam)
	if !ok {
		h.t.Fatalf("the team card has no edit button for %s: %v", user, allText(card))
	}
	from := len(h.srv.Messages())
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: user, ChannelID: prod, MessageTS: card.TS, Ephemeral: true,
		Actions: []slacktest.Action{{ActionID: btn.ActionID, BlockID: blockID, Value: btn.Value}},
	}); err != nil {
		h.t.Fatal(err)
	}
	m, err := h.srv.WaitMessage(ctx, slacktest.Method("views.open"), func(m slacktest.Message) bool { return m.Seq > from })
	if err != nil {
		h.t.Fatal(err)
	}
	if !m.OK() || m.View == nil || m.ViewID == "" {
		h.t.Fatalf("views.open = %+v", m)
	}
	return m.ViewID
}

func itoa(n int) string { return strconv.Itoa(n) }

// teamCard runs `/role équipe` as user in prod and returns the private card.
func (h *harness) teamCard(ctx context.Context, user string) slacktest.Message {
	h.t.Helper()
	return h.teamCardIn(ctx, user, prod)
}

// teamCardIn is teamCard in channel.
func (h *harness) teamCardIn(ctx context.Context, user, channel string) slacktest.Message {
	h.t.Helper()
	url := h.srv.ResponseURL()
	if _, err := h.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "équipe", UserID: user, ChannelID: channel, ResponseURL: url}); err != nil {
		h.t.Fatal(err)
	}
	m, err := h.srv.WaitMessage(ctx, slacktest.Method(slacktest.MethodResponseURL), func(m slacktest.Message) bool { return m.ResponseURL == url })
	if err != nil {
		h.t.Fatal(err)
	}
	if m.ResponseType != "ephemeral" {
		h.t.Errorf("the team card is %q, want ephemeral", m.ResponseType)
	}
	return m
}

// submit submits the view with role's users replaced, and returns the ack's
// payload.
func (h *harness) submit(ctx context.Context, user, view string, edit map[string][]string) json.RawMessage {
	h.t.Helper()
	state, err := h.srv.ViewState(view)
	if err != nil {
		h.t.Fatal(err)
	}
	for block, users := range edit {
		state[block] = map[string]slacktest.ViewValue{reply.TeamUsersAction: {Type: "multi_users_select", SelectedUsers: users}}
	}
	env, err := h.srv.SendViewSubmission(ctx, slacktest.ViewSubmission{UserID: user, ViewID: view, Values: state})
	if err != nil {
		h.t.Fatal(err)
	}
	ack, err := h.srv.WaitAck(ctx, env)
	if err != nil {
		h.t.Fatal(err)
	}
	if ack.Late {
		h.t.Errorf("the submission was acked after %v", ack.Latency)
	}
	return ack.Payload
}

// ask mentions the bot in prod and returns its answer in the thread.
func (h *harness) ask(ctx context.Context, channel, question string) slacktest.Message {
	h.t.Helper()
	ts := h.srv.NewTS()
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppMentionEvent{
		User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> " + question, Channel: channel, TS: ts,
	}}); err != nil {
		h.t.Fatal(err)
	}
	m, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), func(m slacktest.Message) bool { return m.ThreadTS == ts })
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

func TestTeamModalFlow(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	h := startTeams(t, st)
	ctx := ctxFor(t, 20*time.Second)

	// Before any team, answers are today's: no people.
	if m := h.ask(ctx, prod, "qui priorise le backlog ?"); contains(m, reply.NobodyHere) || contains(m, "<@") {
		t.Errorf("an answer names people before any team: %v", allText(m))
	}
	card := h.teamCard(ctx, marc)
	if !contains(card, "Personne n'est encore nommé dans ce canal.") {
		t.Errorf("empty team card = %v", allText(card))
	}

	view := h.openModal(ctx, marc)
	opened := h.srv.Messages(slacktest.Method("views.open"), slacktest.Succeeded())[0]
	if opened.View.PrivateMetadata != prod || opened.View.CallbackID != reply.TeamCallbackID {
		t.Errorf("modal metadata %q callback %q", opened.View.PrivateMetadata, opened.View.CallbackID)
	}
	roles := content(t).Current().Index.Team().Roles
	state, _ := h.srv.ViewState(view)
	if len(state) != len(roles) {
		t.Errorf("the modal has %d inputs, want one per role (%d)", len(state), len(roles))
	}

	if p := h.submit(ctx, marc, view, map[string][]string{
		reply.TeamRoleBlock("responsable-produit"): {claire},
		reply.TeamRoleBlock("designer"):            {paul, claire},
	}); p != nil {
		t.Fatalf("valid submission answered %s, want an empty ack (closes the modal)", p)
	}
	got, err := st.Team(ctx, prod)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got["responsable-produit"], []string{claire}) || len(got["designer"]) != 2 || len(got) != 2 {
		t.Errorf("saved team = %v", got)
	}
	announce, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Channel(prod), func(m slacktest.Message) bool { return m.ThreadTS == "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<@U0MARC> a nommé", "<@U0CLAIRE> Responsable produit", "<@U0PAUL> Designer"} {
		if !strings.Contains(announce.Text, want) {
			t.Errorf("announcement %q lacks %q", announce.Text, want)
		}
	}

	// The next answer names the people, with their level.
	m := h.ask(ctx, prod, "qui priorise le backlog ?")
	if !contains(m, "*Responsable produit* (Responsable) : <@U0CLAIRE>") {
		t.Errorf("task answer does not name Claire: %v", allText(m))
	}
	if !contains(m, "*Responsable métier* (Participe) : "+reply.NobodyHere) {
		t.Errorf("task answer does not say nobody holds Responsable métier: %v", allText(m))
	}
	m = h.ask(ctx, prod, "designer")
	if !contains(m, "*Dans ce canal* : <@U0CLAIRE>, <@U0PAUL>") {
		t.Errorf("role card does not say who holds it: %v", allText(m))
	}
	// A role nobody holds offers the edit button to an editor.
	m = h.ask(ctx, prod, "responsable métier")
	if !contains(m, reply.NobodyHere) {
		t.Errorf("role card of nobody: %v", allText(m))
	}
	if btn, _, ok := button(m, reply.ActionEditTeam); !ok || btn.Value != prod {
		t.Errorf("no edit button on the card of a role nobody holds")
	}
	// Lists use names, never mentions.
	m = h.ask(ctx, prod, "quels sont les rôles ?")
	if !contains(m, "— Claire") || contains(m, "<@U0CLAIRE>") {
		t.Errorf("the list of roles mentions people or lacks names: %v", allText(m))
	}
	// Another channel has no team: no people.
	if m := h.ask(ctx, "C0OTHER", "designer"); contains(m, "<@U0PAUL>") || contains(m, reply.NobodyHere) {
		t.Errorf("a channel without a team names people: %v", allText(m))
	}

	// In a DM, the teams of the asker's channels, saying which.
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: claire, Text: "designer", Channel: "D0CLAIRE"}}); err != nil {
		t.Fatal(err)
	}
	dm, err := h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Channel("D0CLAIRE"))
	if err != nil {
		t.Fatal(err)
	}
	if !contains(dm, "<@U0PAUL> (<#C0PROD>)") {
		t.Errorf("the DM answer does not name the channel's designers: %v", allText(dm))
	}

	// The App Home: "Mes équipes".
	if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: claire, Channel: "D0CLAIRE"}}); err != nil {
		t.Fatal(err)
	}
	home, err := h.srv.WaitMessage(ctx, slacktest.Method("views.publish"))
	if err != nil {
		t.Fatal(err)
	}
	if !contains(home, "• <#C0PROD> : ") || !contains(home, "Responsable produit") {
		t.Errorf("Home lacks Claire's team: %v", allText(home))
	}

	// A second edit removes someone: the announcement says so.
	view = h.openModal(ctx, marc)
	if s, _ := h.srv.ViewState(view); !slices.Equal(s[reply.TeamRoleBlock("responsable-produit")][reply.TeamUsersAction].SelectedUsers, []string{claire}) {
		t.Errorf("the modal is not prefilled: %v", s[reply.TeamRoleBlock("responsable-produit")])
	}
	from := len(h.srv.Messages())
	if p := h.submit(ctx, marc, view, map[string][]string{reply.TeamRoleBlock("designer"): {claire}}); p != nil {
		t.Fatalf("ack = %s", p)
	}
	announce, err = h.srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Channel(prod), func(m slacktest.Message) bool { return m.Seq > from && m.ThreadTS == "" })
	if err != nil {
		t.Fatal(err)
	}
	if announce.Text != "<@U0MARC> a retiré <@U0PAUL> du rôle Designer." {
		t.Errorf("announcement = %q", announce.Text)
	}
	// users.info and conversations.members are rate limited: Marc was
	// looked up once for all of the above, the channel's members listed once.
	if n := len(h.srv.Messages(slacktest.Method("users.info"), func(m slacktest.Message) bool { return m.User == marc })); n != 1 {
		t.Errorf("users.info asked %d times for Marc, want 1 (cached)", n)
	}
	if n := len(h.srv.Messages(slacktest.Method("conversations.members"), slacktest.Channel(prod))); n != 1 {
		t.Errorf("conversations.members asked %d times for %s, want 1 (cached)", n, prod)
	}
}

func TestTeamBadInputWritesNothing(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	h := startTeams(t, st)
	ctx := ctxFor(t, 20*time.Second)
	if _, err := st.SetTeam(ctx, prod, marc, dbstore.Team{"designer": {paul}}); err != nil {
		t.Fatal(err)
	}
	view := h.openModal(ctx, marc)
	designer := reply.TeamRoleBlock("designer")
	tests := []struct {
		name  string
		user  string
		edit  map[string][]string
		block string
		want  string
	}{
		{"unknown role", marc, map[string][]string{reply.TeamRoleBlock("astronaute"): {claire}}, reply.TeamRoleBlock("astronaute"), "n'existe plus"},
		{"not a user", marc, map[string][]string{designer: {paul, nobody}}, designer, "U0NOBODY n'est pas une personne de cet espace de travail."},
		{"a bot", marc, map[string][]string{designer: {"U0BOTTY"}}, designer, "est un bot"},
		{"a guest edits", guest, map[string][]string{designer: {claire}}, "", "invités"},
		{"not a member", outside, map[string][]string{designer: {claire}}, "", "Seuls les membres de ce canal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := len(h.srv.Messages())
			raw := h.submit(ctx, tt.user, view, tt.edit)
			var p struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(raw, &p); err != nil || p.Action != "errors" {
				t.Fatalf("ack = %s, want response_action errors", raw)
			}
			found := false
			for block, msg := range p.Errors {
				if (tt.block == "" || block == tt.block) && strings.Contains(msg, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("errors = %v, want %q under %q", p.Errors, tt.want, tt.block)
			}
			got, _ := st.Team(ctx, prod)
			if len(got) != 1 || !slices.Equal(got["designer"], []string{paul}) {
				t.Errorf("team after a refused submission = %v", got)
			}
			settle()
			if ms := h.srv.Messages(slacktest.Method("chat.postMessage"), func(m slacktest.Message) bool { return m.Seq > from }); len(ms) != 0 {
				t.Errorf("announced after a refused submission: %q", ms[0].Text)
			}
		})
	}

	// A guest sees the team without the button, and is told why.
	card := h.teamCard(ctx, guest)
	if _, _, ok := button(card, reply.ActionEditTeam); ok {
		t.Error("a guest gets the edit button")
	}
	if !contains(card, "invités") {
		t.Errorf("the guest's card does not say why: %v", allText(card))
	}
	// A guest clicking a button seen elsewhere: a refusal, no modal to edit.
	opens := len(h.srv.Messages(slacktest.Method("views.open")))
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: guest, ChannelID: prod, MessageTS: h.srv.NewTS(),
		Actions: []slacktest.Action{{ActionID: reply.ActionEditTeam, BlockID: "rolebot_team_edit", Value: prod}},
	}); err != nil {
		t.Fatal(err)
	}
	refusal, err := h.srv.WaitMessage(ctx, func(m slacktest.Message) bool {
		return (m.Method == slacktest.MethodResponseURL || m.Method == "views.update") && contains(m, "invités")
	})
	if err != nil {
		t.Fatal(err)
	}
	if refusal.Method == slacktest.MethodResponseURL && len(h.srv.Messages(slacktest.Method("views.open"))) != opens {
		t.Errorf("a guest got the edit modal and a refusal")
	}

	// An admin outside the channel may edit.
	adminView := h.openModal(ctx, admin)
	if p := h.submit(ctx, admin, adminView, map[string][]string{designer: {claire}}); p != nil {
		t.Errorf("admin's submission = %s", p)
	}
	if got, _ := st.Team(ctx, prod); !slices.Equal(got["designer"], []string{claire}) {
		t.Errorf("team after the admin's edit = %v", got)
	}
}

func TestStoreLostAnswersWithoutPeople(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	h := startTeams(t, st)
	ctx := ctxFor(t, 20*time.Second)
	// prod2's team is never read before the loss: the store's short
	// cache cannot answer for it.
	const prod2 = "C0PROD2"
	h.srv.SetMembers(prod2, marc, paul)
	for _, ch := range []string{prod, prod2} {
		if _, err := st.SetTeam(ctx, ch, marc, dbstore.Team{"designer": {paul}}); err != nil {
			t.Fatal(err)
		}
	}
	if m := h.ask(ctx, prod, "designer"); !contains(m, "<@U0PAUL>") {
		t.Fatalf("answer before the loss: %v", allText(m))
	}
	_ = st.Close() // the database is gone

	m := h.ask(ctx, prod2, "designer")
	if !contains(m, reply.TeamUnavailable) || contains(m, "<@U0PAUL>") {
		t.Errorf("answer without the database: %v", allText(m))
	}
	// Without a queue, the in-memory de-duplication drops the retry.
	ts := h.srv.NewTS()
	ev := slacktest.AppMentionEvent{User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: prod2, TS: ts}
	for attempt := range 2 {
		if _, err := h.srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "EvLost", RetryAttempt: attempt, Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.srv.WaitMessage(ctx, func(m slacktest.Message) bool { return m.ThreadTS == ts }); err != nil {
		t.Fatal(err)
	}
	settle()
	if n := len(h.srv.Messages(func(m slacktest.Message) bool { return m.ThreadTS == ts })); n != 1 {
		t.Errorf("%d answers to one event without the database, want 1", n)
	}
	// `/role équipe` says the team is unavailable, with no edit button.
	card := h.teamCardIn(ctx, marc, prod2)
	if _, _, ok := button(card, reply.ActionEditTeam); ok || !contains(card, "indisponible") {
		t.Errorf("team card without the database: %v", allText(card))
	}
}

// TestQueueSharesOneEventBetweenTwoBots runs two bots, each with a store
// handle and a durable queue of its own on one database, as two replicas:
// every event goes to both sockets, then is retried on the first; each is
// answered once, the job's unique delivery key being the claim.
func TestQueueSharesOneEventBetweenTwoBots(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, url string) {
		claimsOnTwoBots(t, url)
	})
}

func claimsOnTwoBots(t *testing.T, url string) {
	srv := slacktest.NewTB(t, slacktest.Config{})
	var handles []*dbstore.Store
	for range 2 {
		st, err := dbstore.Open(context.Background(), url, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		handles = append(handles, st)
	}
	one := newHarness(t, srv, setup{queueURL: url, opts: func(o *slackbot.Options) { o.Teams = handles[0] }})
	two := newHarness(t, srv, setup{queueURL: url, opts: func(o *slackbot.Options) { o.Teams = handles[1] }})
	one.run()
	two.run()
	one.waitConnected()
	two.waitConnected()
	// Only a guard against a hang: a loaded machine may leave a job to River's workers once
	// its lease ends, or an insert to be tried again (storeretry.go).
	ctx := ctxFor(t, 2*time.Minute)
	for len(srv.ConnectionIDs()) < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	conns := srv.ConnectionIDs()
	const events = 20
	for i := range events {
		ts := srv.NewTS()
		ev := slacktest.AppMentionEvent{User: marc, Text: "<@" + slacktest.DefaultBotUserID + "> designer", Channel: prod, TS: ts}
		id := "EvTwo" + itoa(i)
		// The same event on both sockets, then a retry on the first.
		for k, c := range []int{conns[i%2], conns[(i+1)%2], conns[i%2]} {
			if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: id, RetryAttempt: min(k, 1), Conn: c, Event: ev}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := srv.WaitMessages(ctx, events, slacktest.Method("chat.postMessage")); err != nil {
		t.Fatal(err)
	}
	settle()
	perThread := map[string]int{}
	for _, m := range srv.Messages(slacktest.Method("chat.postMessage")) {
		perThread[m.ThreadTS]++
	}
	if len(perThread) != events {
		t.Errorf("%d events answered, want %d", len(perThread), events)
	}
	for ts, n := range perThread {
		if n != 1 {
			t.Errorf("event of %s answered %d times", ts, n)
		}
	}
}

// TestModalOpensBeforeRightsAreChecked clicks "Modifier l'équipe" as someone
// rolebot knows nothing of yet: the modal opens first, within the trigger's
// life, and users.info comes after it.
func TestModalOpensBeforeRightsAreChecked(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	h := startTeams(t, st)
	ctx := ctxFor(t, 20*time.Second)
	const newcomer = "U0NEWCOMER"
	h.srv.AddUser(slacktest.User{ID: newcomer, Name: "new", RealName: "Nouvelle"})
	h.srv.SetMembers(prod, marc, newcomer)
	if _, err := h.srv.SendInteraction(ctx, slacktest.BlockActions{
		UserID: newcomer, ChannelID: prod, MessageTS: h.srv.NewTS(),
		Actions: []slacktest.Action{{ActionID: reply.ActionEditTeam, BlockID: "rolebot_team_edit", Value: prod}},
	}); err != nil {
		t.Fatal(err)
	}
	opened, err := h.srv.WaitMessage(ctx, slacktest.Method("views.open"))
	if err != nil {
		t.Fatal(err)
	}
	if !opened.OK() {
		t.Fatalf("views.open failed: %s", opened.Error)
	}
	info, err := h.srv.WaitMessage(ctx, slacktest.Method("users.info"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Seq < opened.Seq {
		t.Errorf("users.info (#%d) came before views.open (#%d)", info.Seq, opened.Seq)
	}
	// A member: the modal stays, it is not replaced by a refusal.
	settle()
	if ms := h.srv.Messages(slacktest.Method("views.update")); len(ms) != 0 {
		t.Errorf("a member's modal was replaced: %v", allText(ms[0]))
	}
	view := opened.ViewID
	if p := h.submit(ctx, newcomer, view, map[string][]string{reply.TeamRoleBlock("coach-produit"): {newcomer}}); p != nil {
		t.Errorf("ack = %s", p)
	}
	if got, _ := st.Team(ctx, prod); !slices.Equal(got["coach-produit"], []string{newcomer}) {
		t.Errorf("team = %v", got)
	}
}

// TestSlowDirectoryDoesNotHoldAnswers rate-limits users.info for 10 s: a
// list of six people nobody looked up yet still goes out well before (each
// lookup alone would wait 2 s), its people shown by id rather than by name.
func TestSlowDirectoryDoesNotHoldAnswers(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	h := startTeams(t, st)
	ctx := ctxFor(t, 30*time.Second)
	designers := []string{paul, "U0D1", "U0D2", "U0D3", "U0D4", "U0D5"}
	if _, err := st.SetTeam(ctx, prod, marc, dbstore.Team{"designer": designers}); err != nil {
		t.Fatal(err)
	}
	h.srv.RateLimit("users.info", -1, 10*time.Second)
	start := time.Now()
	m := h.ask(ctx, prod, "quels sont les rôles ?")
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("the list waited %v for users.info", took)
	}
	if !contains(m, "*Designer* — U0D1, U0D2") {
		t.Errorf("the list does not show Paul by id: %v", allText(m))
	}
}

// TestSlowDirectorySubmissionAckedInTime rate-limits users.info while a
// submission names four people never looked up: the modal is answered
// within Slack's 3 s, with an error, and nothing is written.
func TestSlowDirectorySubmissionAckedInTime(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	h := startTeams(t, st)
	ctx := ctxFor(t, 30*time.Second)
	view := h.openModal(ctx, marc)
	h.srv.RateLimit("users.info", -1, 10*time.Second)
	raw := h.submit(ctx, marc, view, map[string][]string{reply.TeamRoleBlock("designer"): {"U0D1", "U0D2", "U0D3", "U0D4"}})
	if !strings.Contains(string(raw), "pas pu vérifier") {
		t.Errorf("ack = %s, want an error saying the people could not be checked", raw)
	}
	if got, _ := st.Team(ctx, prod); len(got) != 0 {
		t.Errorf("team = %v, want nothing written", got)
	}
}

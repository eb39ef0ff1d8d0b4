package slacktest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/slacktest"
)

func TestUsersInfoAndMembers(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	srv.AddUser(
		slacktest.User{ID: "U1", Name: "claire", RealName: "Claire Martin", DisplayName: "Claire"},
		slacktest.User{ID: "U2", Name: "guest", RealName: "Invité", Restricted: true},
		slacktest.User{ID: "U3", Name: "guest1", UltraRestricted: true},
	)
	members := []string{"U1", "U2", "U3", "U4", "U5"}
	srv.SetMembers("C1", members...)
	api := srv.Client()
	ctx := timeout(t, 5*time.Second)

	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Profile.DisplayName != "Claire" || u.RealName != "Claire Martin" || u.IsRestricted {
		t.Fatalf("users.info U1 = %+v, %v", u, err)
	}
	if u, err := api.GetUserInfoContext(ctx, "U2"); err != nil || !u.IsRestricted || u.IsUltraRestricted {
		t.Errorf("users.info U2 = %+v, %v", u, err)
	}
	if u, err := api.GetUserInfoContext(ctx, "U3"); err != nil || !u.IsUltraRestricted {
		t.Errorf("users.info U3 = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("users.info of an unknown id: %v, want user_not_found", err)
	}

	// Two per page: three pages, each following the cursor.
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("conversations.members never ends")
		}
		page, next, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C1", Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, members) {
		t.Errorf("members = %v, want %v", got, members)
	}
	if _, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C404"}); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("members of an unknown channel: %v, want channel_not_found", err)
	}
}

func modal(title string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, title, false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, "Enregistrer", false, false),
		CallbackID:      "cb",
		PrivateMetadata: "C1",
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func usersInput(blockID string, initial ...string) slack.Block {
	el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "users")
	el.InitialUsers = initial
	return slack.NewInputBlock(blockID, slack.NewTextBlockObject(slack.PlainTextType, blockID, false, false), nil, el)
}

func TestViewsOpenAndSubmission(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{TriggerTTL: 500 * time.Millisecond})
	reqs := make(chan socketmode.Event, 10)
	b := startBot(t, srv, nil)
	b.ackAll(t, reqs)
	ctx := timeout(t, 10*time.Second)

	// A slash command mints the trigger_id the bot opens a modal with.
	if _, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "équipe", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	cmd, ok := (<-reqs).Data.(slack.SlashCommand)
	if !ok || cmd.TriggerID == "" {
		t.Fatalf("slash command = %+v", cmd)
	}
	if _, err := b.api.OpenViewContext(ctx, "not-a-trigger", modal("Équipe")); err == nil || err.Error() != "invalid_trigger_id" {
		t.Errorf("views.open with a made-up trigger: %v", err)
	}
	long := modal("Un titre bien trop long pour Slack")
	if _, err := b.api.OpenViewContext(ctx, cmd.TriggerID, long); err == nil || err.Error() != "invalid_arguments" {
		t.Errorf("views.open with a 34-character title: %v", err)
	}
	resp, err := b.api.OpenViewContext(ctx, cmd.TriggerID, modal("Équipe", usersInput("role_a", "U1", "U2"), usersInput("role_b")))
	if err != nil || resp.ID == "" {
		t.Fatalf("views.open = %+v, %v", resp, err)
	}
	if _, err := b.api.OpenViewContext(ctx, cmd.TriggerID, modal("Équipe")); err == nil || err.Error() != "invalid_trigger_id" {
		t.Errorf("views.open with a used trigger: %v", err)
	}
	opened := srv.Messages(slacktest.Method("views.open"), slacktest.Succeeded())
	if len(opened) != 1 || opened[0].User != "U1" || opened[0].View == nil || opened[0].View.PrivateMetadata != "C1" {
		t.Fatalf("recorded views.open = %+v", opened)
	}

	// An expired trigger.
	if _, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	cmd, _ = (<-reqs).Data.(slack.SlashCommand)
	time.Sleep(600 * time.Millisecond)
	if _, err := b.api.OpenViewContext(ctx, cmd.TriggerID, modal("Équipe")); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("views.open after the trigger's TTL: %v", err)
	}

	state, err := srv.ViewState(resp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := state["role_a"]["users"].SelectedUsers; !slices.Equal(got, []string{"U1", "U2"}) {
		t.Errorf("initial state of role_a = %v", got)
	}
	state["role_b"]["users"] = slacktest.ViewValue{Type: "multi_users_select", SelectedUsers: []string{"U3"}}
	env, err := srv.SendViewSubmission(ctx, slacktest.ViewSubmission{UserID: "U1", ViewID: resp.ID, Values: state})
	if err != nil {
		t.Fatal(err)
	}
	evt := <-reqs
	if evt.Request.Type != "interactive" || evt.Request.EnvelopeID != env || !evt.Request.AcceptsResponsePayload {
		t.Fatalf("request = %+v", evt.Request)
	}
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok {
		t.Fatalf("data = %T", evt.Data)
	}
	if cb.Type != slack.InteractionTypeViewSubmission || cb.User.ID != "U1" || cb.View.ID != resp.ID || cb.View.PrivateMetadata != "C1" {
		t.Errorf("submission = type %q user %q view %q metadata %q", cb.Type, cb.User.ID, cb.View.ID, cb.View.PrivateMetadata)
	}
	if got := cb.View.State.Values["role_b"]["users"].SelectedUsers; !slices.Equal(got, []string{"U3"}) {
		t.Errorf("submitted role_b = %v", got)
	}

	// views.update replaces the view; an unknown id is not_found.
	if _, err := b.api.UpdateViewContext(ctx, modal("Refusé"), "", "", resp.ID); err != nil {
		t.Errorf("views.update: %v", err)
	}
	if _, err := b.api.UpdateViewContext(ctx, modal("Refusé"), "", "", "V404"); err == nil || err.Error() != "not_found" {
		t.Errorf("views.update of an unknown view: %v", err)
	}
}

func TestEventToAChosenConnection(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	one, two := make(chan socketmode.Event, 10), make(chan socketmode.Event, 10)
	startBot(t, srv, nil).ackAll(t, one)
	startBot(t, srv, nil).ackAll(t, two)
	ctx := timeout(t, 10*time.Second)
	if err := srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for len(srv.ConnectionIDs()) < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	ids := srv.ConnectionIDs()
	ev := slacktest.AppMentionEvent{User: "U1", Text: "<@U0000000BOT> designer", Channel: "C1"}
	for range 3 {
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "Ev1", Conn: ids[1], Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	// Whichever client owns the connection acks each envelope on it.
	for _, d := range srv.Deliveries() {
		ack, err := srv.WaitAck(ctx, d.EnvelopeID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Conn != ids[1] || ack.Conn != ids[1] {
			t.Errorf("delivery on connection %d, acked on %d, want %d", d.Conn, ack.Conn, ids[1])
		}
	}
	// The clients forward an envelope just after acking it.
	for deadline := time.Now().Add(2 * time.Second); len(one)+len(two) < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if len(one)+len(two) != 3 || (len(one) != 0 && len(two) != 0) {
		t.Errorf("envelopes received: %d and %d, want 3 on one client", len(one), len(two))
	}
}

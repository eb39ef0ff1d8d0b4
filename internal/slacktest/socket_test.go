package slacktest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/rolebot/rolebot/internal/slacktest"
)

func TestHello(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b := startBot(t, srv, nil)
	ctx := timeout(t, 5*time.Second)

	evt := b.next(ctx, t, socketmode.EventTypeConnected)
	info := evt.Data.(*socketmode.ConnectedEvent).Info
	if !strings.HasPrefix(info.URL, "ws://127.0.0.1:") {
		t.Errorf("socket URL = %q, want ws://127.0.0.1:…", info.URL)
	}
	evt = b.next(ctx, t, socketmode.EventTypeHello)
	if evt.Request.NumConnections != 1 || evt.Request.ConnectionInfo.AppID != slacktest.DefaultAppID {
		t.Errorf("hello = %+v, want 1 connection for app %s", evt.Request, slacktest.DefaultAppID)
	}
	if evt.Request.DebugInfo.Host == "" {
		t.Error("hello has no debug_info.host")
	}
	// The fake writes hello before it registers the connection (it becomes
	// routable only after hello), so the bot may read hello first: wait.
	if err := srv.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("Connections() = %d, want 1", got)
	}
	if got := srv.ActiveConnections(); got != 1 {
		t.Errorf("ActiveConnections() = %d, want 1", got)
	}
}

func TestSlashCommand(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b := startBot(t, srv, nil)
	ctx := timeout(t, 5*time.Second)

	envID, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{
		Command: "/role", Text: "designer", UserID: "U1", UserName: "alice",
		ChannelID: "C1", ChannelName: "general",
	})
	if err != nil {
		t.Fatal(err)
	}
	evt := b.next(ctx, t, socketmode.EventTypeSlashCommand)
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		t.Fatalf("Data is %T, want slack.SlashCommand", evt.Data)
	}
	want := slack.SlashCommand{
		Command: "/role", Text: "designer", UserID: "U1", UserName: "alice",
		ChannelID: "C1", ChannelName: "general", TeamID: slacktest.DefaultTeamID,
		TeamDomain: slacktest.DefaultTeamDomain, APIAppID: slacktest.DefaultAppID,
	}
	if cmd.ResponseURL == "" || cmd.TriggerID == "" || cmd.Token == "" {
		t.Errorf("response_url, trigger_id or token missing: %+v", cmd)
	}
	cmd.ResponseURL, cmd.TriggerID, cmd.Token = "", "", ""
	if cmd != want {
		t.Errorf("slash command = %+v\nwant %+v", cmd, want)
	}
	if evt.Request.EnvelopeID != envID || !evt.Request.AcceptsResponsePayload {
		t.Errorf("request = %+v, want envelope %s accepting a response payload", evt.Request, envID)
	}

	if err := b.sm.Ack(*evt.Request, map[string]any{"text": "working on it"}); err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, envID)
	if err != nil {
		t.Fatal(err)
	}
	if string(ack.Payload) != `{"text":"working on it"}` {
		t.Errorf("ack payload = %s", ack.Payload)
	}
	if ack.Latency <= 0 || ack.Late || ack.Unknown || ack.Duplicate {
		t.Errorf("ack = %+v, want a timely first ack with a latency", ack)
	}
	d := srv.Deliveries()
	if len(d) != 1 || !d[0].Acked || d[0].Type != "slash_commands" {
		t.Errorf("deliveries = %+v", d)
	}
}

func TestEventsAPI(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b := startBot(t, srv, nil)
	tests := []struct {
		name  string
		ev    slacktest.EventsAPI
		check func(t *testing.T, inner any)
	}{{
		name: "app_mention in a thread, second retry",
		ev: slacktest.EventsAPI{
			EventID: "Ev42", RetryAttempt: 2, RetryReason: "timeout",
			Event: slacktest.AppMentionEvent{User: "U1", Text: "<@U0000000BOT> designer", Channel: "C1", TS: "1700000000.000200", ThreadTS: "1700000000.000100"},
		},
		check: func(t *testing.T, inner any) {
			ev, ok := inner.(*slackevents.AppMentionEvent)
			if !ok {
				t.Fatalf("inner event is %T", inner)
			}
			if ev.User != "U1" || ev.Channel != "C1" || ev.Text != "<@U0000000BOT> designer" ||
				ev.TimeStamp != "1700000000.000200" || ev.ThreadTimeStamp != "1700000000.000100" {
				t.Errorf("app_mention = %+v", ev)
			}
		},
	}, {
		name: "direct message",
		ev:   slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "chef de projet", Channel: "D1"}},
		check: func(t *testing.T, inner any) {
			ev, ok := inner.(*slackevents.MessageEvent)
			if !ok {
				t.Fatalf("inner event is %T", inner)
			}
			if ev.ChannelType != "im" || ev.User != "U1" || ev.Text != "chef de projet" || ev.TimeStamp == "" || ev.BotID != "" {
				t.Errorf("message = %+v", ev)
			}
		},
	}, {
		name: "bot message",
		ev:   slacktest.EventsAPI{Event: slacktest.MessageEvent{Text: "hello", Channel: "D1", BotID: "B9", SubType: "bot_message"}},
		check: func(t *testing.T, inner any) {
			ev := inner.(*slackevents.MessageEvent)
			if ev.BotID != "B9" || ev.SubType != "bot_message" {
				t.Errorf("message = %+v", ev)
			}
		},
	}, {
		name: "app_home_opened",
		ev:   slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1", Channel: "D1"}},
		check: func(t *testing.T, inner any) {
			ev := inner.(*slackevents.AppHomeOpenedEvent)
			if ev.User != "U1" || ev.Channel != "D1" || ev.Tab != "home" {
				t.Errorf("app_home_opened = %+v", ev)
			}
		},
	}, {
		name: "raw inner event",
		ev:   slacktest.EventsAPI{Event: json.RawMessage(`{"type":"app_uninstalled"}`)},
		check: func(t *testing.T, inner any) {
			if _, ok := inner.(*slackevents.AppUninstalledEvent); !ok {
				t.Errorf("inner event is %T", inner)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := timeout(t, 5*time.Second)
			envID, err := srv.SendEvent(ctx, tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			evt := b.next(ctx, t, socketmode.EventTypeEventsAPI)
			if evt.Request.EnvelopeID != envID {
				t.Fatalf("envelope %s, want %s", evt.Request.EnvelopeID, envID)
			}
			if evt.Request.RetryAttempt != tt.ev.RetryAttempt || evt.Request.RetryReason != tt.ev.RetryReason {
				t.Errorf("retry = %d %q, want %d %q", evt.Request.RetryAttempt, evt.Request.RetryReason, tt.ev.RetryAttempt, tt.ev.RetryReason)
			}
			outer := evt.Data.(slackevents.EventsAPIEvent)
			cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent)
			if outer.Type != slackevents.CallbackEvent || !ok || cb.EventID == "" || cb.EventTime == 0 {
				t.Fatalf("outer event = %+v", outer)
			}
			if tt.ev.EventID != "" && cb.EventID != tt.ev.EventID {
				t.Errorf("event_id = %s, want %s", cb.EventID, tt.ev.EventID)
			}
			tt.check(t, outer.InnerEvent.Data)
			if err := b.sm.Ack(*evt.Request); err != nil {
				t.Fatal(err)
			}
			ack, err := srv.WaitAck(ctx, envID)
			if err != nil {
				t.Fatal(err)
			}
			if ack.Payload != nil {
				t.Errorf("payload of a bare ack = %s, want none", ack.Payload)
			}
		})
	}
}

func TestInteraction(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b := startBot(t, srv, nil)
	tests := []struct {
		name string
		ia   slacktest.BlockActions
		want func(t *testing.T, cb slack.InteractionCallback)
	}{{
		name: "button in an ephemeral message",
		ia: slacktest.BlockActions{
			UserID: "U1", UserName: "alice", ChannelID: "C1", MessageTS: "1700000000.000100", Ephemeral: true,
			Actions: []slacktest.Action{{ActionID: "role_more", BlockID: "results", Value: "designer", Text: "More"}},
		},
		want: func(t *testing.T, cb slack.InteractionCallback) {
			if !strings.HasPrefix(cb.ResponseURL, "http://127.0.0.1:") {
				t.Errorf("response_url = %q", cb.ResponseURL)
			}
			if cb.Channel.ID != "C1" || cb.Container.ChannelID != "C1" || !cb.Container.IsEphemeral ||
				cb.Container.MessageTs != "1700000000.000100" || cb.Container.Type != "message" {
				t.Errorf("channel/container = %+v / %+v", cb.Channel, cb.Container)
			}
		},
	}, {
		name: "button in the App Home",
		ia: slacktest.BlockActions{
			UserID: "U1", ViewID: "V1",
			Actions: []slacktest.Action{{ActionID: "role_more", BlockID: "results", Value: "designer"}},
		},
		want: func(t *testing.T, cb slack.InteractionCallback) {
			if cb.ResponseURL != "" || cb.Container.Type != "view" || cb.View.ID != "V1" {
				t.Errorf("view interaction = %+v", cb)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := timeout(t, 5*time.Second)
			envID, err := srv.SendInteraction(ctx, tt.ia)
			if err != nil {
				t.Fatal(err)
			}
			evt := b.next(ctx, t, socketmode.EventTypeInteractive)
			cb, ok := evt.Data.(slack.InteractionCallback)
			if !ok {
				t.Fatalf("Data is %T", evt.Data)
			}
			if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "U1" || cb.TriggerID == "" {
				t.Errorf("callback = %+v", cb)
			}
			acts := cb.ActionCallback.BlockActions
			if len(acts) != 1 || acts[0].ActionID != "role_more" || acts[0].BlockID != "results" || acts[0].Value != "designer" {
				t.Errorf("block actions = %+v", acts)
			}
			tt.want(t, cb)
			if err := b.sm.Ack(*evt.Request); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.WaitAck(ctx, envID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestInjectionWaitsForAConnection(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})

	ctx := timeout(t, 100*time.Millisecond)
	if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}}); err == nil {
		t.Fatal("SendEvent with no connection succeeded")
	}

	sent := make(chan error, 1)
	go func() {
		_, err := srv.SendEvent(timeout(t, 5*time.Second), slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}})
		sent <- err
	}()
	b := startBot(t, srv, nil)
	b.next(timeout(t, 5*time.Second), t, socketmode.EventTypeEventsAPI)
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}

func TestReconnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault func(srv *slacktest.Server) int
	}{
		{"dropped connection", (*slacktest.Server).DropConnections},
		{"disconnect refresh_requested", func(srv *slacktest.Server) int { return srv.SendDisconnect("refresh_requested") }},
		{"disconnect warning", func(srv *slacktest.Server) int { return srv.SendDisconnect("warning") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := slacktest.NewTB(t, slacktest.Config{})
			b := startBot(t, srv, nil)
			ctx := timeout(t, 5*time.Second)
			if err := srv.WaitConnections(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if n := tt.fault(srv); n != 1 {
				t.Fatalf("fault hit %d connections, want 1", n)
			}
			if err := srv.WaitConnections(ctx, 2); err != nil {
				t.Fatal(err)
			}
			envID, err := srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.MessageEvent{User: "U1", Text: "still there?", Channel: "D1"}})
			if err != nil {
				t.Fatal(err)
			}
			evt := b.next(ctx, t, socketmode.EventTypeEventsAPI)
			if err := b.sm.Ack(*evt.Request); err != nil {
				t.Fatal(err)
			}
			ack, err := srv.WaitAck(ctx, envID)
			if err != nil {
				t.Fatal(err)
			}
			if ack.Conn != 2 {
				t.Errorf("ack came on connection %d, want the new one, 2", ack.Conn)
			}
		})
	}
}

func TestPingWatchdog(t *testing.T) {
	t.Parallel()
	t.Run("pings keep the connection", func(t *testing.T) {
		t.Parallel()
		srv := slacktest.NewTB(t, slacktest.Config{PingInterval: 50 * time.Millisecond})
		b := startBot(t, srv, nil, socketmode.OptionPingInterval(time.Second))
		b.drain(t)
		if err := srv.WaitConnections(timeout(t, 5*time.Second), 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond)
		if n := srv.Connections(); n != 1 {
			t.Errorf("%d connections, want 1: the client dropped a pinged connection", n)
		}
	})
	t.Run("no pings, client reconnects", func(t *testing.T) {
		t.Parallel()
		srv := slacktest.NewTB(t, slacktest.Config{PingInterval: -1})
		b := startBot(t, srv, nil, socketmode.OptionPingInterval(300*time.Millisecond))
		b.drain(t)
		if err := srv.WaitConnections(timeout(t, 5*time.Second), 2); err != nil {
			t.Fatalf("no reconnection without pings: %v", err)
		}
	})
}

// TestSlowConsumerTripsPingWatchdog documents a slack-go behaviour: the
// client reads pings on the goroutine that hands envelopes to Events, so a
// consumer that stops reading Events also stops the pings from being seen, the
// watchdog drops the connection, and the client does not even reconnect (it
// first blocks on sending a "connecting" event) until Events is read again.
func TestSlowConsumerTripsPingWatchdog(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{PingInterval: 50 * time.Millisecond})
	b := startBot(t, srv, nil, socketmode.OptionPingInterval(time.Second))
	ctx := timeout(t, 10*time.Second)
	// More than the 50 slots of Events; a send fails once the client is gone
	// for good, which is the point.
	for range 100 {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := srv.SendEvent(sctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}})
		cancel()
		if err != nil {
			break
		}
	}
	for srv.ActiveConnections() > 0 {
		select {
		case <-ctx.Done():
			t.Fatal("the stalled client kept its connection")
		case <-time.After(20 * time.Millisecond):
		}
	}
	stalled := srv.Connections()
	time.Sleep(300 * time.Millisecond)
	if n := srv.Connections(); n != stalled {
		t.Fatalf("the stalled client reconnected (%d connections, then %d)", stalled, n)
	}
	b.drain(t)
	if err := srv.WaitConnections(ctx, stalled+1); err != nil {
		t.Fatalf("no reconnection once the consumer reads again: %v", err)
	}
}

func TestRedelivery(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{Redeliver: true, AckTimeout: 150 * time.Millisecond, MaxRedeliveries: 2})
	b := startBot(t, srv, nil)
	ctx := timeout(t, 5*time.Second)

	first, err := srv.SendEvent(ctx, slacktest.EventsAPI{EventID: "EvRETRY", Event: slacktest.AppMentionEvent{User: "U1", Text: "hi", Channel: "C1"}})
	if err != nil {
		t.Fatal(err)
	}
	// Never ack: Slack retries twice, each with a new envelope.
	var attempts []int
	var envelopes []string
	seen := map[string]bool{}
	for range 3 {
		evt := b.next(ctx, t, socketmode.EventTypeEventsAPI)
		cb := evt.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
		if cb.EventID != "EvRETRY" {
			t.Errorf("event_id = %s", cb.EventID)
		}
		if seen[evt.Request.EnvelopeID] {
			t.Errorf("envelope %s delivered twice", evt.Request.EnvelopeID)
		}
		seen[evt.Request.EnvelopeID] = true
		envelopes = append(envelopes, evt.Request.EnvelopeID)
		attempts = append(attempts, evt.Request.RetryAttempt)
		if evt.Request.RetryAttempt > 0 && evt.Request.RetryReason != "timeout" {
			t.Errorf("retry_reason = %q", evt.Request.RetryReason)
		}
	}
	if attempts[0] != 0 || attempts[1] != 1 || attempts[2] != 2 || !seen[first] {
		t.Errorf("attempts = %v, first envelope seen: %v", attempts, seen[first])
	}
	time.Sleep(300 * time.Millisecond)
	if d := srv.Deliveries(); len(d) != 3 {
		t.Errorf("%d deliveries, want 3 (1 + MaxRedeliveries)", len(d))
	}

	// An ack of a redelivery is the event's ack.
	if err := b.sm.AckCtx(ctx, envelopes[1], nil); err != nil {
		t.Fatal(err)
	}
	if ack, err := srv.WaitEventAck(ctx, "EvRETRY"); err != nil || ack.EnvelopeID != envelopes[1] {
		t.Errorf("WaitEventAck = %+v, %v; want the ack of %s", ack, err, envelopes[1])
	}

	// A late ack is recorded as such.
	if err := b.sm.AckCtx(ctx, first, nil); err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if !ack.Late {
		t.Errorf("ack after %v not marked late", ack.Latency)
	}
}

func TestRedeliveryStopsOnAck(t *testing.T) {
	t.Parallel()
	const ackTimeout = 300 * time.Millisecond
	srv := slacktest.NewTB(t, slacktest.Config{Redeliver: true, AckTimeout: ackTimeout})
	b := startBot(t, srv, nil)
	evts := make(chan socketmode.Event, 10)
	b.ackAll(t, evts)
	ctx := timeout(t, 5*time.Second)
	envID, err := srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, envID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * ackTimeout)
	if ack.Late {
		t.Skipf("the ack took %v on this loaded machine; a redelivery is then right", ack.Latency)
	}
	if d := srv.Deliveries(); len(d) != 1 {
		t.Errorf("%d deliveries of an acked event, want 1", len(d))
	}
}

func TestRoundRobin(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b1, b2 := startBot(t, srv, nil), startBot(t, srv, nil)
	got1, got2 := make(chan socketmode.Event, 10), make(chan socketmode.Event, 10)
	b1.ackAll(t, got1)
	b2.ackAll(t, got2)
	ctx := timeout(t, 5*time.Second)
	if err := srv.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.WaitDeliveries(ctx, 4); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(3 * time.Second)
	n1, n2 := 0, 0
	for n1+n2 < 4 {
		select {
		case <-got1:
			n1++
		case <-got2:
			n2++
		case <-deadline:
			t.Fatalf("got %d+%d events, want 4", n1, n2)
		}
	}
	if n1 != 2 || n2 != 2 {
		t.Errorf("split %d/%d, want 2/2: each envelope goes to one connection, round-robin", n1, n2)
	}
	for _, d := range srv.Deliveries() {
		if _, err := srv.WaitAck(ctx, d.EnvelopeID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuthErrorsStopTheClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		appToken string
		revoke   func(srv *slacktest.Server)
		want     string
	}{
		{"wrong app token", "xapp-wrong", nil, "invalid_auth"},
		{"revoked after connecting", "", (*slacktest.Server).Revoke, "token_revoked"},
		{"account deactivated", "", func(srv *slacktest.Server) { srv.RevokeWith("account_inactive") }, "account_inactive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := slacktest.NewTB(t, slacktest.Config{})
			var opts []slack.Option
			if tt.appToken != "" {
				opts = append(opts, slack.OptionAppLevelToken(tt.appToken))
			}
			b := startBot(t, srv, opts)
			b.drain(t)
			ctx := timeout(t, 5*time.Second)
			if tt.revoke != nil {
				if err := srv.WaitConnections(ctx, 1); err != nil {
					t.Fatal(err)
				}
				tt.revoke(srv)
			}
			var err error
			select {
			case err = <-b.done:
				b.done <- err // for the cleanup
			case <-ctx.Done():
				t.Fatal("RunContext did not return")
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("RunContext returned %v, want %s", err, tt.want)
			}
			var serr slack.SlackErrorResponse
			if !asSlackError(err, &serr) {
				t.Errorf("error is %T, want slack.SlackErrorResponse", err)
			}
		})
	}
}

// TestWrongTokenTypeRetriesForever documents a slack-go behaviour: only
// invalid_auth, not_authed, token_revoked and account_inactive stop
// RunContext. A bot token passed as the app-level token gets
// not_allowed_token_type, which slack-go retries with backoff (up to 5 min)
// forever, reporting each failure as EventTypeConnectionError.
func TestWrongTokenTypeRetriesForever(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	b := startBot(t, srv, []slack.Option{slack.OptionAppLevelToken(slacktest.DefaultBotToken)})
	ctx := timeout(t, 5*time.Second)
	evt := b.next(ctx, t, socketmode.EventTypeConnectionError)
	ce := evt.Data.(*slack.ConnectionErrorEvent)
	if ce.ErrorObj.Error() != "not_allowed_token_type" {
		t.Errorf("connection error = %v", ce.ErrorObj)
	}
	b.next(ctx, t, socketmode.EventTypeConnectionError)
	if srv.Connections() != 0 {
		t.Errorf("connected with a bot token as app token")
	}
}

// TestConnectRateLimited shows slack-go waiting for Retry-After when
// apps.connections.open is rate-limited, then connecting.
func TestConnectRateLimited(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	srv.RateLimit("apps.connections.open", 1, time.Second)
	start := time.Now()
	b := startBot(t, srv, nil)
	b.drain(t)
	if err := srv.WaitConnections(timeout(t, 5*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("connected after %v, before Retry-After", waited)
	}
}

// TestEventIDsUniqueAcrossServers checks that two fakes never mint the same
// event_id, as Slack never does: a bot that keeps its claims in a database
// between runs must not take a new run's first event for an old one.
func TestEventIDsUniqueAcrossServers(t *testing.T) {
	first := func() string {
		srv := slacktest.NewTB(t, slacktest.Config{})
		startBot(t, srv, nil)
		ctx := timeout(t, 5*time.Second)
		if _, err := srv.SendEvent(ctx, slacktest.EventsAPI{Event: slacktest.AppHomeOpenedEvent{User: "U1"}}); err != nil {
			t.Fatal(err)
		}
		ds, err := srv.WaitDeliveries(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		return ds[0].EventID
	}
	a, b := first(), first()
	if a == "" || a == b {
		t.Errorf("two servers' first event ids: %q and %q, want two different ids", a, b)
	}
}

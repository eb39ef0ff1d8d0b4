// Package slacktest runs a fake Slack on 127.0.0.1 for tests and load runs.
//
// A Server fakes the parts of Slack that a socket-mode bot talks to: the Web
// API methods it calls (apps.connections.open, auth.test, chat.*, views.publish,
// views.open and views.update with real trigger_ids, users.info from AddUser,
// conversations.info, conversations.members from SetMembers), the response_url endpoints of slash commands and
// interactions, and the socket-mode WebSocket. The real slack-go clients run
// against it unchanged:
//
//	srv, err := slacktest.New(slacktest.Config{})
//	...
//	defer srv.Close()
//	api := srv.Client() // slack.New(bot token, app token, OptionAPIURL(srv.APIURL()))
//	sm := socketmode.New(api)
//	go sm.RunContext(ctx)
//	envID, err := srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: "designer"})
//	ack, err := srv.WaitAck(ctx, envID)
//	msgs, err := srv.WaitMessages(ctx, 1, slacktest.Method(slacktest.MethodResponseURL))
//
// Everything the bot sends is recorded (Messages, Acks, Deliveries) and can be
// waited for. Faults are injected per method (RateLimit, Fail), per token
// (Revoke) and per connection (DropConnections, SendDisconnect, pings).
//
// Injection methods (SendSlashCommand, SendEvent, SendInteraction,
// SendViewSubmission) wait, bounded
// by their context, until a socket-mode connection is open: a test can inject
// right after starting the bot without racing its connection.
//
// The package does not import testing, so a load command can use it; NewTB is a
// convenience for tests.
package slacktest

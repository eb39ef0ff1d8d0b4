// Package slackbot is rolebot's Slack app in socket mode: it answers the
// slash command, mentions, direct messages, card buttons and the App Home.
//
// The read loop takes each request off slack-go's socket-mode Events channel,
// acknowledges it at once, drops duplicates (Slack's retries, the same
// message delivered as several events) and hands the work to a bounded pool
// of workers through a bounded queue; when the queue is full the user is told
// to try again rather than the read loop being blocked. Answers are always
// computed from the knowledge.Store's current snapshot, so content may be
// swapped while the bot runs.
//
// With a store (Options.Teams), each channel has a team: `/role équipe`
// shows it and, through a modal, edits it; answers in a channel with a team
// name its people, in a direct message those of the asker's channels. Before
// answering an event, a worker claims it in the store (Options.Claims), so
// that of several replicas receiving the same event, or Slack's retry of it,
// exactly one answers; when the store fails, answers go out without people
// and the in-memory de-duplication decides alone.
//
// Slack's rate limits (HTTP 429 with Retry-After) are waited out, bounded and
// cancellable, and every call to Slack is counted in the metrics. Tokens are
// only handed to slack-go: nothing the package logs or returns contains one,
// and slack-go's own logger is silenced.
package slackbot

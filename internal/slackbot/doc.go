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
// name its people, in a direct message those of the asker's channels; when
// the store fails, answers go out without people.
//
// With a durable queue (Options.Queue, a *jobs.Queue), every question and
// click becomes a job in the database before it is acknowledged (durable.go):
// batched inserts, then the acks of the batch, so that kill -9 loses nothing
// acknowledged; each job is leased to this process and answered at once by
// it, the job recording the outcome. An answer posted with chat.postMessage
// carries its job's delivery key in its message metadata, so that a job
// retried after a crash finds it in Slack instead of posting it twice
// (once.go). A 429 is not waited
// out in a worker: the job is snoozed until Retry-After, for its channel
// only, and answered later by River's workers, here or in another replica;
// the same for a Slack error that may pass, a SIGTERM past the grace period
// (the jobs left are released at once) or a crash (River's rescuer). The
// job's unique delivery key is also what makes each delivery answered once
// across replicas; the in-memory de-duplication is a cheap first filter.
// Without a queue (tests, the load command's comparison), answers are
// computed in memory and rate limits waited out, bounded and cancellable.
//
// Every call to Slack is counted in the metrics. Tokens are only handed to
// slack-go: nothing the package logs or returns contains one, and slack-go's
// own logger is silenced.
package slackbot

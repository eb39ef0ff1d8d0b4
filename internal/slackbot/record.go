package slackbot

// Recording the answers shown, off the answer's critical path: an answer posted is handed to a
// bounded buffer, which a goroutine flushes in batches (Feedback.RecordAnswers). A full buffer
// drops the record, counted and logged, rather than delay an answer; what is buffered when Run
// stops is flushed before it returns, and a click on an answer still buffered flushes it first
// (recordOpinion).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/store"
)

// Tuning of the recorder.
const (
	// DefaultRecordBuffer is how many records may wait for the recorder
	// (Options.RecordBuffer): a burst of several thousand answers, a few
	// hundred bytes each.
	DefaultRecordBuffer = 4096
	// maxRecordBatch bounds the answers written in one transaction: a
	// burst of 500 answers is written in one go once it is over.
	maxRecordBatch = 1024
	// recordQuiet is how long no answer must come before the recorder
	// writes what it gathered, and how often it looks (gather): the writes
	// wait for a pause, so that a burst's answers do not share the bot's
	// CPU with them (measured with cmd/loadtest -record both: gathering
	// 100 ms from the first record still cost a burst of 500 1.1–1.7× at
	// p50).
	recordQuiet = 50 * time.Millisecond
	// recordMaxLinger bounds how long records wait for that pause under a
	// steady load, which never pauses.
	recordMaxLinger = 2 * time.Second
	// recordTimeout bounds one batch's write. Its context is not the
	// workers': what was answered is recorded even during the shutdown.
	recordTimeout = 5 * time.Second
	// flushTimeout bounds the flush of what is buffered when Run stops.
	flushTimeout = 5 * time.Second
	// dropLogInterval spaces the log lines about dropped records: under an
	// overload each drop is counted, and one line says how many.
	dropLogInterval = 10 * time.Second
)

// Reasons a record is dropped, as the metric labels them.
const (
	dropFull  = "buffer_full"
	dropStore = "store_error"
)

// record is one write for the recorder: an answer shown, or a click on one of its
// alternatives (follow set, shown.Ref the alternative clicked). An answer's reference and
// candidates are derived from of by the recorder, when it writes (complete): the goroutine
// that posted the answer only copies what it has.
type record struct {
	shown  store.Shown
	of     shownOf
	follow bool
}

// shownOf is what an answer's reference and candidates are derived from (answerRef,
// candidates): the answer's intent, its card's role or task, the others it offered. They
// point into the content, which no one changes.
type shownOf struct {
	intent       answer.Intent
	role         *answer.Role
	task         *answer.Task
	alternatives []answer.Ref
	suggestions  []answer.Ref
}

// complete is the answer shown of rec, with its reference and candidates.
func (rec record) complete() store.Shown {
	sh := rec.shown
	an := answer.Answer{Intent: rec.of.intent, Role: rec.of.role, Task: rec.of.task,
		Alternatives: rec.of.alternatives, Suggestions: rec.of.suggestions}
	sh.Ref, sh.Intent, sh.Candidates = answerRef(an), string(an.Intent), candidates(an)
	return sh
}

// recorder writes records in the background. Its goroutine runs while Run does; outside of it
// (River's workers answer before the bot starts and until the queue stops, after Run), a record
// is written at once by the goroutine that brings it, the answer being posted already.
type recorder struct {
	b  *Bot
	ch chan record

	// mu guards running: add sends on ch only while running, and stop
	// takes the write lock, so nothing is sent once the loop drains.
	mu      sync.RWMutex
	running bool
	quit    chan struct{}
	done    chan struct{}
	// flushes asks the goroutine to write what is buffered now (flush);
	// it closes the channel sent once that is written.
	flushes chan chan struct{}

	dropped     atomic.Int64 // drops since the last log line
	lastDropLog atomic.Int64 // unix nanoseconds
}

func newRecorder(b *Bot, size int) *recorder {
	if size <= 0 {
		size = DefaultRecordBuffer
	}
	return &recorder{b: b, ch: make(chan record, size), flushes: make(chan chan struct{})}
}

// flush writes what is buffered now, and returns once it is written, the recorder stopped, or
// ctx done: a click on an answer's feedback buttons may come before its record, which waits
// for a pause (recordQuiet) or up to recordMaxLinger under a steady load.
func (r *recorder) flush(ctx context.Context) {
	r.mu.RLock()
	running, done := r.running, r.done
	r.mu.RUnlock()
	if !running {
		return // every record was written as it came
	}
	written := make(chan struct{})
	select {
	case r.flushes <- written:
	case <-done:
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-written:
	case <-done:
	case <-ctx.Done():
	}
}

// start runs the recorder's goroutine until stop.
func (r *recorder) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = true
	r.quit, r.done = make(chan struct{}), make(chan struct{})
	go r.loop(r.quit, r.done)
}

// stop makes the goroutine write what is buffered, within flushTimeout, and waits for it.
func (r *recorder) stop() {
	r.mu.Lock()
	if !r.running {
		r.mu.Unlock()
		return
	}
	r.running = false
	quit, done := r.quit, r.done
	r.mu.Unlock()
	close(quit)
	<-done
}

// add hands rec to the recorder without waiting: a full buffer drops it.
func (r *recorder) add(rec record) {
	r.mu.RLock()
	if !r.running {
		r.mu.RUnlock()
		ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
		defer cancel()
		r.write(ctx, []record{rec})
		return
	}
	select {
	case r.ch <- rec:
		r.mu.RUnlock()
		return
	default:
	}
	r.mu.RUnlock()
	r.drop(dropFull, 1, nil)
}

// loop writes the records as they come, in batches of what is waiting, until quit; then what
// is left, within flushTimeout.
func (r *recorder) loop(quit, done chan struct{}) {
	defer close(done)
	batch := make([]record, 0, maxRecordBatch)
	for {
		select {
		case first := <-r.ch:
			var flushed chan struct{}
			batch, flushed = r.gather(append(batch[:0], first), quit)
			ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
			r.write(ctx, batch)
			if flushed != nil {
				r.writeAll(ctx, batch[:0])
				close(flushed)
			}
			cancel()
		case flushed := <-r.flushes:
			ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
			r.writeAll(ctx, batch[:0])
			close(flushed)
			cancel()
		case <-quit:
			ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
			defer cancel()
			r.writeAll(ctx, batch[:0])
			if n := len(r.ch); n > 0 {
				r.drop(dropStore, n, ctx.Err())
			}
			return
		}
	}
}

// writeAll writes what is waiting, in batches (batch is their room), within ctx.
func (r *recorder) writeAll(ctx context.Context, batch []record) {
	for len(r.ch) > 0 && ctx.Err() == nil {
		r.write(ctx, r.fill(batch[:0]))
	}
}

// fill adds to batch what is waiting, up to maxRecordBatch.
func (r *recorder) fill(batch []record) []record {
	for len(batch) < maxRecordBatch {
		select {
		case rec := <-r.ch:
			batch = append(batch, rec)
		default:
			return batch
		}
	}
	return batch
}

// gather adds to batch what comes until a pause, a recordQuiet in which nothing came;
// recordMaxLinger after the first record; maxRecordBatch records; or quit. It looks at the
// buffer once every recordQuiet rather than take each record as it comes: an answer handed to
// a buffer nobody waits on wakes no goroutine, where taking each one woke this goroutine and
// reset its timer for every answer (paced, an answer every ~20 ms: cmd/loadtest -record all
// -think 1s did not tell the two apart, within ±0.05 ms of CPU an answer). A flush asked
// meanwhile ends it, and is returned, for the loop to write the rest and answer it.
func (r *recorder) gather(batch []record, quit <-chan struct{}) ([]record, chan struct{}) {
	tick := time.NewTicker(recordQuiet)
	defer tick.Stop()
	start := time.Now()
	waiting := len(r.ch)
	for len(batch)+waiting < maxRecordBatch && time.Since(start) < recordMaxLinger {
		select {
		case <-tick.C:
		case flushed := <-r.flushes:
			return r.fill(batch), flushed
		case <-quit:
			return r.fill(batch), nil
		}
		came := len(r.ch) - waiting // only this goroutine takes from ch
		if came == 0 {
			break
		}
		waiting += came
	}
	return r.fill(batch), nil
}

// write writes records in order: the answers shown in batches, each click on an alternative
// after the answers before it, so that it finds its answer.
func (r *recorder) write(ctx context.Context, recs []record) {
	shown := make([]store.Shown, 0, len(recs))
	for _, rec := range recs {
		if !rec.follow {
			shown = append(shown, rec.complete())
			continue
		}
		r.writeShown(ctx, shown)
		shown = shown[:0]
		if _, err := r.b.feedback.RecordFollow(ctx, rec.shown.Key, rec.shown.Ref); err != nil {
			if errors.Is(err, store.ErrUnknownAnswer) {
				// Its answer was not recorded (dropped, purged, or a forged block id).
				r.b.log.Debug("suggestion suivie d'une réponse inconnue", "key", rec.shown.Key)
				continue
			}
			r.b.storeFailed("record_follow", err)
		}
	}
	r.writeShown(ctx, shown)
}

// writeShown writes a batch of answers shown; when the store refuses the batch for one bad
// answer, the others are written one by one.
func (r *recorder) writeShown(ctx context.Context, batch []store.Shown) {
	if len(batch) == 0 {
		return
	}
	_, err := r.b.feedback.RecordAnswers(ctx, batch)
	if err == nil {
		return
	}
	if !errors.Is(err, store.ErrInvalid) || len(batch) == 1 {
		r.drop(dropStore, len(batch), err)
		return
	}
	for _, sh := range batch {
		if _, _, err := r.b.feedback.RecordAnswer(ctx, sh); err != nil {
			r.drop(dropStore, 1, err)
		}
	}
}

// drop counts n records lost, and logs it at most once per dropLogInterval.
func (r *recorder) drop(reason string, n int, err error) {
	r.b.metrics.RecordsDropped.WithLabelValues(reason).Add(float64(n))
	total := r.dropped.Add(int64(n))
	now := time.Now().UnixNano()
	last := r.lastDropLog.Load()
	if now-last < int64(dropLogInterval) || !r.lastDropLog.CompareAndSwap(last, now) {
		return
	}
	r.dropped.Add(-total)
	attrs := []slog.Attr{slog.String("reason", reason), slog.Int64("dropped", total)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	r.b.log.LogAttrs(context.Background(), slog.LevelWarn, "réponses non enregistrées pour le rapport", attrs...)
}

// answerKey is the key of the answer to a delivery, which its feedback buttons carry: derived
// from the delivery, so that a delivery answered twice (Slack's retry, another replica) is one
// answer. Empty when the bot records nothing, or the answer could not be recorded (no
// channel, as for a card opened from the App Home; a click on a card that named no answer,
// which would count as a question of its own): such an answer has no buttons.
func (b *Bot) answerKey(a jobs.AnswerArgs) string {
	if b.feedback == nil || a.DeliveryKey == "" || !store.ValidChannelID(a.Channel) || !store.ValidUserID(a.User) {
		return ""
	}
	if a.Surface == SurfaceButton && a.Follows == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(a.DeliveryKey))
	return "r" + hex.EncodeToString(sum[:12])
}

// sharedKey is the key of the answer a share click shares, for the card shared to carry its
// feedback buttons: an opinion there is one on that answer, once per person, and the report
// counts its question once. Empty when the bot records nothing or the preview had no key.
func (b *Bot) sharedKey(a jobs.AnswerArgs) string {
	if b.feedback == nil || !store.ValidChannelID(a.Channel) {
		return ""
	}
	return a.Follows
}

// recordShown hands the answer an, posted with key for the request a, to the recorder. A card
// opened by a click has no question of its own: it is recorded as following the answer
// clicked, whose question the store gives it. It runs on the answer's goroutine, so it only
// copies: what the store keeps of an is derived by the recorder (record.complete).
func (b *Bot) recordShown(a jobs.AnswerArgs, key string, an answer.Answer) {
	if key == "" {
		return
	}
	sh := store.Shown{Key: key, Channel: a.Channel, User: a.User, At: a.ReceivedAt}
	if a.Surface == SurfaceButton {
		sh.Follows = a.Follows
	} else {
		sh.Question = a.Text
	}
	if sh.At.IsZero() {
		sh.At = time.Now()
	}
	b.rec.add(record{shown: sh, of: shownOf{intent: an.Intent, role: an.Role, task: an.Task,
		alternatives: an.Alternatives, suggestions: an.Suggestions}})
}

// recordFollow notes a click on an alternative or a suggestion of the answer key.
func (b *Bot) recordFollow(key, value string) {
	ref, ok := reply.DecodeRef(value)
	if b.feedback == nil || !ok {
		return
	}
	b.rec.add(record{shown: store.Shown{Key: key, Ref: storeRef(ref)}, follow: true})
}

// answerRef is an answer's reference as the store keeps it: "role:designer", "list_roles",
// "none" for nothing found.
func answerRef(an answer.Answer) string {
	ref, ok := reply.RefOf(an)
	if !ok {
		return "none"
	}
	return storeRef(ref)
}

// storeRef is ref as the store writes it: "role:ID", "task:ID", or the intent alone.
func storeRef(ref answer.Ref) string {
	if ref.ID == "" {
		return string(ref.Intent)
	}
	return string(ref.Intent) + ":" + ref.ID
}

// maxRecordedCandidates is how many other answers offered are kept with an answer (the
// store keeps at most 10).
const maxRecordedCandidates = 10

// candidates are the alternatives and suggestions an answer offered, as references, each once.
func candidates(an answer.Answer) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range append(append([]answer.Ref(nil), an.Alternatives...), an.Suggestions...) {
		if len(out) == maxRecordedCandidates {
			break
		}
		if _, ok := reply.DecodeRef(reply.EncodeRef(r)); !ok || r.ID == "" {
			continue
		}
		s := storeRef(r)
		if !seen[s] && store.ValidAnswerRef(s) {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

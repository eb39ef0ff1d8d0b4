package jobs

// A job inserted already answered: one round for a slash command answered in its socket-mode
// acknowledgement. The ack used to wait for two rounds in series, the job's insert (leased to
// this process) and then its completion (CompleteLeased); when the answer is ready before the
// job is stored, the caller now inserts it completed, in the committer's rounds with every
// other insert, and acks with the answer once that insert has returned a new job.
//
// The insert is River's row (insert.go) with state completed, attempt 1, attempted_at and
// finalized_at at its creation, and, in its metadata, a mark of its own (markKey: this
// process's random prefix and a counter). A completed job is never worked again, and its
// unique key (unique_states covers every state) makes any later insert of the delivery, a
// Slack retry or another replica, a duplicate, as for a leased job.
//
// An insert whose outcome is unknown (an error, a timeout: it may have been committed) has no
// holder for its job, unlike a leased one: nobody would ever answer a completed job. So the
// caller tries the same insert again (InsertAnswered with the same AnsweredJob), and a retry
// that collides reads the mark of the job it collided with: its own mark says the first
// insert was committed, and the caller acks with the answer, which the job says was given;
// another mark, or none, is another delivery's job (a duplicate), answered by its holder. A
// caller that cannot learn the outcome in time sends no ack at all (slackbot's oneround.go):
// nothing acknowledged is then owed, whichever way the insert went.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// markKey is the key of an answered job's mark in its metadata.
const markKey = "rolebot_acked_by"

// answeredMetadata is the metadata of a job inserted answered with mark (a mark is made of
// hex digits, a dash and a number: nothing to escape).
func answeredMetadata(mark string) []byte {
	return []byte(`{"` + markKey + `":"` + mark + `"}`)
}

// marks makes the marks of one queue's answered jobs: unique across processes (a random
// prefix) and within one (a counter).
type marks struct {
	prefix string
	next   atomic.Uint64
}

// newMarks draws a queue's prefix.
func newMarks() (*marks, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("tirage du préfixe des marques : %w", err)
	}
	return &marks{prefix: hex.EncodeToString(b[:])}, nil
}

// make returns a new mark.
func (m *marks) make() string {
	return m.prefix + "-" + strconv.FormatUint(m.next.Add(1), 10)
}

// AnsweredJob is the job of a request whose answer is ready, to insert already answered
// (InsertAnswered): the same value for every attempt at its insert.
type AnsweredJob struct {
	job newJob
	// tried says an earlier attempt's outcome was unknown: a collision may be with itself.
	tried bool
}

// NewAnswered makes the answered job of a (see the top of this file).
func (q *Queue) NewAnswered(a AnswerArgs) (*AnsweredJob, error) {
	if a.DeliveryKey == "" {
		return nil, errors.New("file des réponses : clé de livraison vide")
	}
	now := time.Now()
	j, err := newLeasedJob(a, now, now)
	if err != nil {
		return nil, fmt.Errorf("file des réponses : %w", err)
	}
	j.mark = q.marks.make()
	return &AnsweredJob{job: j}, nil
}

// InsertAnswered inserts j completed, in the committer's next round, and reports whether the
// job of j's delivery is j's (the caller acks with the answer): false is a duplicate, the
// delivery had another job. An error leaves the outcome unknown: the caller may call it again
// with the same j, which then tells its own job, inserted by the attempt that failed, from
// another's (see the top of this file).
func (q *Queue) InsertAnswered(ctx context.Context, j *AnsweredJob) (bool, error) {
	ids, err := q.commits.insert(ctx, []newJob{j.job})
	if err != nil {
		j.tried = true
		return false, fmt.Errorf("file des réponses : insertion de la tâche répondue de %s : %w", j.job.args.DeliveryKey, err)
	}
	ours := ids[0] != 0
	if !ours && j.tried {
		mark, err := q.commits.db.markOf(ctx, j.job.key)
		if err != nil {
			return false, fmt.Errorf("file des réponses : lecture de la tâche de %s : %w", j.job.args.DeliveryKey, err)
		}
		ours = mark == j.job.mark
	}
	if ours && q.worker != nil {
		q.worker.count(j.job.args.Queue(), OutcomeAcked)
	}
	return ours, nil
}

// Reading the mark of a delivery's job, by its unique key (River's index on it); "" when the
// job has none (a leased job, or one River inserted) or there is no job.
const (
	markSQLite   = `SELECT coalesce(json_extract(metadata, '$.` + markKey + `'), '') FROM river_job WHERE unique_key = ?1`
	markPostgres = `SELECT coalesce(metadata->>'` + markKey + `', '') FROM river_job WHERE unique_key = $1`
)

func (d *sqliteDatabase) markOf(ctx context.Context, key []byte) (string, error) {
	var mark string
	err := d.db.QueryRowContext(ctx, markSQLite, key).Scan(&mark)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return mark, err
}

func (d *postgresDatabase) markOf(ctx context.Context, key []byte) (string, error) {
	var mark string
	err := d.pool.QueryRow(ctx, markPostgres, key).Scan(&mark)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return mark, err
}

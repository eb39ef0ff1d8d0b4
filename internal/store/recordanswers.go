package store

// Recording many answers shown at once: what rolebot's recorder writes after a burst. On
// PostgreSQL each statement is a round trip, so consecutive answers share one (500 answers:
// 5 ms instead of 45 ms, BenchmarkRecordAnswers); SQLite runs in the process, where one
// prepared statement executed for each answer costs least (a statement of 100 rows is parsed
// anew: 17 ms instead of 3 ms).

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// answersPerInsert bounds the rows of one multi-row INSERT on PostgreSQL: 9 parameters each,
// well within its 65,535; a batch of 500 answers takes 5 statements.
const answersPerInsert = 100

// RecordAnswers keeps many answers shown in one transaction, as RecordAnswer keeps one, and
// returns how many were new. A caller that records off the answer's critical path can buffer
// answers and flush them together; one bad answer refuses the whole batch. On PostgreSQL,
// consecutive answers are inserted answersPerInsert to a statement; a card opened from another
// answer has one of its own, which finds that answer's question even earlier in the batch.
func (s *Store) RecordAnswers(ctx context.Context, batch []Shown) (int, error) {
	now := s.now()
	for i := range batch {
		if batch[i].Key == "" {
			key, err := newAnswerKey()
			if err != nil {
				return 0, s.wrap("réponses", err)
			}
			batch[i].Key = key
		}
		if err := checkShown(batch[i]); err != nil {
			return 0, s.wrap("réponses", fmt.Errorf("réponse %d : %w", i+1, err))
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.wrap("réponses", err)
	}
	defer func() { _ = tx.Rollback() }()
	var one *sql.Stmt // insertAnswer, prepared on first use
	added := 0
	for rest := batch; len(rest) > 0; {
		n := 0
		for s.driver != DriverSQLite && n < len(rest) && n < answersPerInsert && rest[n].Follows == "" {
			n++
		}
		var res sql.Result
		if n > 1 {
			query, args := insertAnswers(rest[:n], now)
			res, err = tx.ExecContext(ctx, query, args...)
		} else {
			if one == nil {
				if one, err = tx.PrepareContext(ctx, insertAnswer); err != nil {
					return 0, s.wrap("réponses", err)
				}
				defer one.Close()
			}
			n = 1
			res, err = one.ExecContext(ctx, answerArgs(rest[0], shownAt(rest[0], now))...)
		}
		if err != nil {
			return 0, s.wrap("réponses", err)
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return 0, s.wrap("réponses", err)
		}
		added += int(rows)
		rest = rest[n:]
	}
	return added, s.wrap("réponses", tx.Commit())
}

// insertAnswers is the statement that keeps the answers shown in batch, none of which follows
// another (their question is their own), each unless its key is already there, and its
// arguments; now is the time of those that have none.
func insertAnswers(batch []Shown, now time.Time) (string, []any) {
	var q strings.Builder
	q.WriteString(`INSERT INTO answers_shown
	(answer_key, question, answer_ref, intent, candidates, channel, user_id, at_us, follows) VALUES `)
	args := make([]any, 0, 9*len(batch))
	for i, sh := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j := range 9 {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("$" + strconv.Itoa(9*i+j+1))
		}
		q.WriteByte(')')
		args = append(args, answerArgs(sh, shownAt(sh, now))...)
	}
	q.WriteString(" ON CONFLICT (answer_key) DO NOTHING")
	return q.String(), args
}

// shownAt is when sh was shown: its time, or now for none.
func shownAt(sh Shown, now time.Time) time.Time {
	if sh.At.IsZero() {
		return now
	}
	return sh.At
}

package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a recorded answer and its feedback may hold.
const (
	// MaxQuestionRunes is how much of a question is kept: what search reads of it (its
	// maxQuestionRunes), so the record shows what rolebot actually answered. Longer questions
	// are cut, not refused: the answer was shown all the same.
	MaxQuestionRunes = 500
	// MaxCommentRunes caps a "pas utile" comment. Slack's text input allows 3,000 characters;
	// 1,000 is a paragraph, enough to say what was missing, and a longer one is refused whole
	// rather than cut, so that nobody's words are silently lost.
	MaxCommentRunes = 1000
	// maxCandidates bounds the candidates kept with an answer (search offers at most 3
	// alternatives and 3 suggestions).
	maxCandidates = 10
	// maxAnswerKeyLen bounds an answer's key, which travels in a button's value.
	maxAnswerKeyLen = 100
)

// Errors of the feedback records, wrapped with context.
var (
	// ErrUnknownAnswer: feedback names an answer the store never recorded (a forged or purged
	// button value).
	ErrUnknownAnswer = errors.New("réponse inconnue")
	// ErrTooLong: a comment longer than MaxCommentRunes.
	ErrTooLong = errors.New("texte trop long")
)

// answerRefPattern is the shape of an answer's reference: "none", a list, help, or a role or task
// by its id (a slug, as team.Slug makes it, or an id of the content's pages).
var answerRefPattern = regexp.MustCompile(`^(none|help|list_roles|list_tasks|(role|task):[a-z0-9][a-z0-9._-]{0,199})$`)

// answerKeyPattern is the shape of an answer's key.
var answerKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

// ValidAnswerRef reports whether ref is shaped like an answer's reference: "none", "help",
// "list_roles", "list_tasks", "role:ID" or "task:ID".
func ValidAnswerRef(ref string) bool { return answerRefPattern.MatchString(ref) }

// ValidAnswerKey reports whether key is shaped like an answer's key (letters, digits and
// ". _ : -", at most 100 of them).
func ValidAnswerKey(key string) bool { return answerKeyPattern.MatchString(key) }

// Shown is one answer rolebot showed: to which question, what it answered, and where.
type Shown struct {
	// Key identifies this answer; feedback names it (the feedback buttons carry it). Give one
	// derived from the delivery (channel and message ts, event id) so that a delivery answered
	// twice is recorded once; empty: RecordAnswer makes a random one.
	Key      string
	Question string // cut at MaxQuestionRunes
	// Ref is the answer's reference: "none" (nothing found), "role:designer",
	// "task:piloter-le-delivery", "list_roles", "list_tasks" or "help".
	Ref    string
	Intent string // the intent rolebot chose (answer.Intent)
	// Candidates are the other answers offered (alternatives, suggestions), as references.
	Candidates []string
	Channel    string // Slack conversation id (C…, G…, D…)
	User       string // Slack user id of who asked
	At         time.Time
	// Followed is the candidate the asker then clicked ("" : none), set by RecordFollow: a
	// "pas trouvé" whose suggestion was followed was found after all.
	Followed string
	// Follows, when set, is the key of the answer whose card was clicked to open this one (an
	// alternative, a suggestion, a role of a list): no question of its own. It is recorded
	// with that answer's question (Question is ignored), when the store has it.
	Follows string
}

// Feedback is one person's opinion of one answer.
type Feedback struct {
	Key     string // the answer's key
	User    string // Slack user id of who gave it
	Useful  bool
	Comment string // optional, at most MaxCommentRunes
	At      time.Time
	// Question and Ref are the answer's, filled when read back (FeedbackSince).
	Question, Ref string
}

// RecordAnswer keeps an answer shown and returns its key. A key already recorded is kept as it
// was (recorded false): a delivery answered twice counts once.
func (s *Store) RecordAnswer(ctx context.Context, sh Shown) (key string, recorded bool, err error) {
	if sh.Key == "" {
		sh.Key, err = newAnswerKey()
		if err != nil {
			return "", false, s.wrap("réponse", err)
		}
	}
	if err := checkShown(sh); err != nil {
		return "", false, s.wrap("réponse", err)
	}
	res, err := s.db.ExecContext(ctx, insertAnswer, answerArgs(sh, shownAt(sh, s.now()))...)
	if err != nil {
		return "", false, s.wrap("réponse", err)
	}
	n, err := res.RowsAffected()
	return sh.Key, n == 1, s.wrap("réponse", err)
}

// insertAnswer keeps one answer shown, unless its key is already there. An answer that follows
// another ($9) takes that one's question; a key is never empty, so for the others the
// sub-select finds nothing and the question is $2.
const insertAnswer = `INSERT INTO answers_shown
	(answer_key, question, answer_ref, intent, candidates, channel, user_id, at_us, follows)
	VALUES ($1, COALESCE((SELECT f.question FROM answers_shown f WHERE f.answer_key = $9), $2),
	$3, $4, $5, $6, $7, $8, $9) ON CONFLICT (answer_key) DO NOTHING`

// answerArgs are insertAnswer's arguments for sh shown at at.
func answerArgs(sh Shown, at time.Time) []any {
	question := cleanText(sh.Question, MaxQuestionRunes)
	if sh.Follows != "" {
		question = "" // the followed answer's, or none
	}
	return []any{sh.Key, question, sh.Ref, sh.Intent, strings.Join(sh.Candidates, ","), sh.Channel, sh.User, micros(at), sh.Follows}
}

// checkShown returns an ErrInvalid error for an answer the store must not keep.
func checkShown(sh Shown) error {
	switch {
	case !ValidAnswerKey(sh.Key):
		return fmt.Errorf("clé de réponse %q : %w", shorten(sh.Key), ErrInvalid)
	case !ValidAnswerRef(sh.Ref):
		return fmt.Errorf("référence de réponse %q : %w", shorten(sh.Ref), ErrInvalid)
	case sh.Intent == "" || len(sh.Intent) > 40:
		return fmt.Errorf("intention %q : %w", shorten(sh.Intent), ErrInvalid)
	case len(sh.Candidates) > maxCandidates:
		return fmt.Errorf("%d candidats (au plus %d) : %w", len(sh.Candidates), maxCandidates, ErrInvalid)
	case !ValidChannelID(sh.Channel):
		return fmt.Errorf("canal %q : %w", shorten(sh.Channel), ErrInvalid)
	case !ValidUserID(sh.User):
		return fmt.Errorf("personne %q : %w", shorten(sh.User), ErrInvalid)
	case sh.Follows != "" && (!ValidAnswerKey(sh.Follows) || sh.Follows == sh.Key):
		return fmt.Errorf("réponse suivie %q : %w", shorten(sh.Follows), ErrInvalid)
	}
	for _, c := range sh.Candidates {
		if c == "none" || !ValidAnswerRef(c) {
			return fmt.Errorf("candidat %q : %w", shorten(c), ErrInvalid)
		}
	}
	return nil
}

// RecordFollow notes that the asker of the answer key clicked the candidate ref, the first time
// only (false afterwards). An answer the store does not know gives ErrUnknownAnswer.
func (s *Store) RecordFollow(ctx context.Context, key, ref string) (bool, error) {
	switch {
	case !ValidAnswerKey(key):
		return false, s.wrap("suggestion suivie", fmt.Errorf("clé de réponse %q : %w", shorten(key), ErrInvalid))
	case ref == "none" || !ValidAnswerRef(ref):
		return false, s.wrap("suggestion suivie", fmt.Errorf("référence de réponse %q : %w", shorten(ref), ErrInvalid))
	}
	res, err := s.db.ExecContext(ctx, `UPDATE answers_shown SET followed = $2 WHERE answer_key = $1 AND followed = ''`, key, ref)
	if err != nil {
		return false, s.wrap("suggestion suivie", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap("suggestion suivie", err)
	}
	if n == 1 {
		return true, nil
	}
	return false, s.wrap("suggestion suivie", s.answerExists(ctx, key))
}

// RecordFeedback keeps one person's opinion of an answer, once: a second opinion of the same
// person on the same answer (a second click, a retry, another replica) changes nothing and
// returns recorded false. An answer the store does not know gives ErrUnknownAnswer; a comment
// over MaxCommentRunes gives ErrTooLong; in both cases nothing is written.
func (s *Store) RecordFeedback(ctx context.Context, fb Feedback) (recorded bool, err error) {
	comment, err := checkFeedback(fb.Key, fb.User, fb.Comment)
	if err != nil {
		return false, s.wrap("avis", err)
	}
	at := fb.At
	if at.IsZero() {
		at = s.now()
	}
	// One statement: the answer must exist and the person may not have given an opinion yet,
	// whichever replica inserts first.
	res, err := s.db.ExecContext(ctx, `INSERT INTO answer_feedback (answer_key, user_id, useful, comment, at_us)
		SELECT answer_key, $2, $3, $4, $5 FROM answers_shown WHERE answer_key = $1
		ON CONFLICT (answer_key, user_id) DO NOTHING`, fb.Key, fb.User, fb.Useful, comment, micros(at))
	if err != nil {
		return false, s.wrap("avis", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap("avis", err)
	}
	if n == 1 {
		return true, nil
	}
	return false, s.wrap("avis", s.answerExists(ctx, fb.Key))
}

// AddComment adds a comment to a person's "pas utile" opinion that has none yet (the comment
// modal comes after the click). It returns false when there is nothing to complete: no such
// opinion, a "utile" one, or one already commented. An empty comment (once trimmed) adds nothing.
func (s *Store) AddComment(ctx context.Context, key, user, comment string) (bool, error) {
	comment, err := checkFeedback(key, user, comment)
	if err != nil {
		return false, s.wrap("commentaire", err)
	}
	if comment == "" {
		return false, nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE answer_feedback SET comment = $3
		WHERE answer_key = $1 AND user_id = $2 AND useful = $4 AND comment = ''`, key, user, comment, false)
	if err != nil {
		return false, s.wrap("commentaire", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap("commentaire", err)
	}
	if n == 1 {
		return true, nil
	}
	return false, s.wrap("commentaire", s.answerExists(ctx, key))
}

// AwaitsComment reports whether user's opinion of the answer key is a "pas utile" without a
// comment yet: one that AddComment would complete, for the comment modal to open again on a
// second "pas utile" click.
func (s *Store) AwaitsComment(ctx context.Context, key, user string) (bool, error) {
	if _, err := checkFeedback(key, user, ""); err != nil {
		return false, s.wrap("avis", err)
	}
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM answer_feedback
		WHERE answer_key = $1 AND user_id = $2 AND useful = $3 AND comment = ''`, key, user, false).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, s.wrap("avis", err)
}

// answerExists returns ErrUnknownAnswer (wrapped) when key names no recorded answer.
func (s *Store) answerExists(ctx context.Context, key string) error {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM answers_shown WHERE answer_key = $1`, key).Scan(&one)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("clé %q : %w", key, ErrUnknownAnswer)
		}
		return err
	}
	return nil
}

// checkFeedback checks an opinion's ids and returns its comment cleaned (trimmed, valid UTF-8, no
// NUL byte, which PostgreSQL refuses in text).
func checkFeedback(key, user, comment string) (string, error) {
	switch {
	case !ValidAnswerKey(key):
		return "", fmt.Errorf("clé de réponse %q : %w", shorten(key), ErrInvalid)
	case !ValidUserID(user):
		return "", fmt.Errorf("personne %q : %w", shorten(user), ErrInvalid)
	}
	comment = strings.TrimSpace(cleanText(comment, -1))
	if n := utf8.RuneCountInString(comment); n > MaxCommentRunes {
		return "", fmt.Errorf("commentaire de %d caractères (au plus %d) : %w", n, MaxCommentRunes, ErrTooLong)
	}
	return comment, nil
}

// PurgeFeedback deletes the answers and opinions recorded more than retention ago (retention <= 0:
// all of them) and returns how many of each it deleted. An answer's opinions go with it.
func (s *Store) PurgeFeedback(ctx context.Context, retention time.Duration) (answers, opinions int64, err error) {
	cutoff := int64(1<<63 - 1)
	if retention > 0 {
		cutoff = micros(s.now().Add(-retention))
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, s.wrap("purge des avis", err)
	}
	defer func() { _ = tx.Rollback() }()
	// Opinions first, counted: those on old answers, and old ones on recent answers.
	res, err := tx.ExecContext(ctx, `DELETE FROM answer_feedback WHERE at_us < $1
		OR answer_key IN (SELECT answer_key FROM answers_shown WHERE at_us < $1)`, cutoff)
	if err != nil {
		return 0, 0, s.wrap("purge des avis", err)
	}
	if opinions, err = res.RowsAffected(); err != nil {
		return 0, 0, s.wrap("purge des avis", err)
	}
	res, err = tx.ExecContext(ctx, `DELETE FROM answers_shown WHERE at_us < $1`, cutoff)
	if err != nil {
		return 0, 0, s.wrap("purge des réponses", err)
	}
	if answers, err = res.RowsAffected(); err != nil {
		return 0, 0, s.wrap("purge des réponses", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, s.wrap("purge des avis", err)
	}
	return answers, opinions, nil
}

// AnswersSince returns the answers recorded at or after since, oldest first.
func (s *Store) AnswersSince(ctx context.Context, since time.Time) ([]Shown, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT answer_key, question, answer_ref, intent, candidates,
		channel, user_id, at_us, followed, follows FROM answers_shown WHERE at_us >= $1 ORDER BY at_us, id`, micros(since))
	if err != nil {
		return nil, s.wrap("lecture des réponses", err)
	}
	defer rows.Close()
	var out []Shown
	for rows.Next() {
		var sh Shown
		var cands string
		var at int64
		if err := rows.Scan(&sh.Key, &sh.Question, &sh.Ref, &sh.Intent, &cands, &sh.Channel, &sh.User, &at, &sh.Followed, &sh.Follows); err != nil {
			return nil, s.wrap("lecture des réponses", err)
		}
		if cands != "" {
			sh.Candidates = strings.Split(cands, ",")
		}
		sh.At = fromMicros(at)
		out = append(out, sh)
	}
	return out, s.wrap("lecture des réponses", rows.Err())
}

// FeedbackSince returns the opinions given at or after since, with their answer's question and
// reference, oldest first.
func (s *Store) FeedbackSince(ctx context.Context, since time.Time) ([]Feedback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.answer_key, f.user_id, f.useful, f.comment, f.at_us,
		a.question, a.answer_ref FROM answer_feedback f JOIN answers_shown a ON a.answer_key = f.answer_key
		WHERE f.at_us >= $1 ORDER BY f.at_us, f.answer_key, f.user_id`, micros(since))
	if err != nil {
		return nil, s.wrap("lecture des avis", err)
	}
	defer rows.Close()
	var out []Feedback
	for rows.Next() {
		var fb Feedback
		var at int64
		if err := rows.Scan(&fb.Key, &fb.User, &fb.Useful, &fb.Comment, &at, &fb.Question, &fb.Ref); err != nil {
			return nil, s.wrap("lecture des avis", err)
		}
		fb.At = fromMicros(at)
		out = append(out, fb)
	}
	return out, s.wrap("lecture des avis", rows.Err())
}

// newAnswerKey returns a random key for an answer recorded without one.
func newAnswerKey() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "a" + hex.EncodeToString(b), nil
}

// cleanText makes s valid UTF-8 without NUL bytes (PostgreSQL refuses them in text) and, when
// maxRunes >= 0, cuts it at maxRunes runes.
func cleanText(s string, maxRunes int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if maxRunes >= 0 && utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes])
	}
	return s
}

// shorten keeps an invalid value short enough to quote in an error.
func shorten(s string) string {
	const maxQuoted = 40
	if utf8.RuneCountInString(s) <= maxQuoted {
		return s
	}
	return string([]rune(s)[:maxQuoted]) + "…"
}

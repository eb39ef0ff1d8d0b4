package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestRecordAnswersInStatements: a batch larger than one statement, with a key twice and a
// card opened from an answer of the same batch in its middle, keeps every answer once, each
// with its own question and the card with its answer's, at the time it was shown or the
// store's when it has none.
func TestRecordAnswersInStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return now }
		shownAt := now.Add(-time.Minute)
		var batch []Shown
		for i := range 2*answersPerInsert + 50 {
			sh := shown(fmt.Sprintf("k%d", i), fmt.Sprintf("question %d", i), "none")
			switch i {
			case answersPerInsert + 50: // a card opened from k10
				sh.Follows, sh.Ref, sh.Intent = "k10", "role:designer", "role"
			case 2 * answersPerInsert: // k5 again: not new
				sh.Key, sh.Question = "k5", "doublon"
			case 7:
				sh.At = shownAt
			}
			batch = append(batch, sh)
		}
		n, err := s.RecordAnswers(ctx, batch)
		if err != nil || n != len(batch)-1 {
			t.Fatalf("RecordAnswers = %d, %v; want %d", n, err, len(batch)-1)
		}
		got, err := s.AnswersSince(ctx, time.Time{})
		if err != nil || len(got) != len(batch)-1 {
			t.Fatalf("AnswersSince = %d answers, %v; want %d", len(got), err, len(batch)-1)
		}
		byKey := map[string]Shown{}
		for _, sh := range got {
			byKey[sh.Key] = sh
		}
		for key, want := range map[string]string{"k5": "question 5", "k10": "question 10", "k150": "question 10", "k249": "question 249"} {
			if byKey[key].Question != want {
				t.Errorf("%s: question %q, want %q", key, byKey[key].Question, want)
			}
		}
		if !byKey["k7"].At.Equal(shownAt) || !byKey["k8"].At.Equal(now) {
			t.Errorf("times: k7 %v (want %v), k8 %v (want %v)", byKey["k7"].At, shownAt, byKey["k8"].At, now)
		}
	})
}

// BenchmarkRecordAnswers is what the recorder's write of a burst of 500 answers costs, in one
// RecordAnswers (the bot's process pays it once the burst is over).
func BenchmarkRecordAnswers(b *testing.B) {
	eachStore(b, func(b *testing.B, s *Store) {
		ctx := context.Background()
		batch := make([]Shown, 500)
		round := 0
		for b.Loop() {
			for i := range batch {
				batch[i] = Shown{Key: fmt.Sprintf("r%d-%d", round, i), Question: "qui gère la facturation ?", Ref: "none", Intent: "none",
					Candidates: []string{"role:designer"}, Channel: "C1", User: "U1"}
			}
			if n, err := s.RecordAnswers(ctx, batch); err != nil || n != len(batch) {
				b.Fatalf("RecordAnswers = %d, %v", n, err)
			}
			round++
		}
	})
}

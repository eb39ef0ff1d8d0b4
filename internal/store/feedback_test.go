package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store/storetest"
)

func shown(key, q, ref string) Shown {
	return Shown{Key: key, Question: q, Ref: ref, Intent: strings.SplitN(ref, ":", 2)[0],
		Channel: "C1", User: "UASK"}
}

func TestRecordAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clk := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
		s.now = clk.now

		sh := shown("C1-1700000000.000100", "qui pilote le delivery ?", "task:piloter-le-delivery")
		sh.Candidates = []string{"role:responsable-produit", "task:deployer"}
		key, ok, err := s.RecordAnswer(ctx, sh)
		if err != nil || !ok || key != sh.Key {
			t.Fatalf("RecordAnswer = %q, %v, %v", key, ok, err)
		}
		// The same delivery again: kept once.
		sh2 := sh
		sh2.Question = "autre chose"
		if _, ok, err := s.RecordAnswer(ctx, sh2); err != nil || ok {
			t.Fatalf("second RecordAnswer = %v, %v; want false, nil", ok, err)
		}
		// No key: a random one.
		none := shown("", strings.Repeat("é", MaxQuestionRunes+20)+"\x00", "none")
		none.Intent = "none"
		k2, ok, err := s.RecordAnswer(ctx, none)
		if err != nil || !ok || !ValidAnswerKey(k2) || k2 == key {
			t.Fatalf("RecordAnswer without key = %q, %v, %v", k2, ok, err)
		}
		got, err := s.AnswersSince(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want := []Shown{
			{Key: sh.Key, Question: sh.Question, Ref: sh.Ref, Intent: "task", Candidates: sh.Candidates,
				Channel: "C1", User: "UASK", At: clk.now()},
			{Key: k2, Question: strings.Repeat("é", MaxQuestionRunes), Ref: "none", Intent: "none",
				Channel: "C1", User: "UASK", At: clk.now()},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("AnswersSince = %+v\nwant %+v", got, want)
		}
		if got, err := s.AnswersSince(ctx, clk.now().Add(time.Second)); err != nil || len(got) != 0 {
			t.Fatalf("AnswersSince(later) = %v, %v", got, err)
		}
	})
}

func TestRecordAnswerRefusesBadInput(t *testing.T) {
	s := open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	good := shown("k1", "q", "role:designer")
	for _, tc := range []struct {
		name string
		edit func(*Shown)
	}{
		{"unknown ref kind", func(sh *Shown) { sh.Ref = "page:designer" }},
		{"empty ref", func(sh *Shown) { sh.Ref = "" }},
		{"ref with markup", func(sh *Shown) { sh.Ref = "role:<!channel>" }},
		{"bad key", func(sh *Shown) { sh.Key = "a b" }},
		{"long key", func(sh *Shown) { sh.Key = strings.Repeat("k", maxAnswerKeyLen+1) }},
		{"bad channel", func(sh *Shown) { sh.Channel = "general" }},
		{"bad user", func(sh *Shown) { sh.User = "bob" }},
		{"no intent", func(sh *Shown) { sh.Intent = "" }},
		{"bad candidate", func(sh *Shown) { sh.Candidates = []string{"none"} }},
		{"too many candidates", func(sh *Shown) { sh.Candidates = make([]string, maxCandidates+1) }},
		{"follows a bad key", func(sh *Shown) { sh.Follows = "a b" }},
		{"follows itself", func(sh *Shown) { sh.Follows = sh.Key }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := good
			tc.edit(&sh)
			if _, _, err := s.RecordAnswer(ctx, sh); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if got, err := s.AnswersSince(ctx, time.Time{}); err != nil || len(got) != 0 {
		t.Fatalf("recorded %d answers from bad input (%v)", len(got), err)
	}
}

func TestRecordFeedback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clk := &clock{t: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
		s.now = clk.now
		if _, _, err := s.RecordAnswer(ctx, shown("k1", "qui fait la recette ?", "task:recette")); err != nil {
			t.Fatal(err)
		}
		record := func(fb Feedback) (bool, error) { t.Helper(); return s.RecordFeedback(ctx, fb) }

		if ok, err := record(Feedback{Key: "k1", User: "UANN", Useful: false}); err != nil || !ok {
			t.Fatalf("first click = %v, %v", ok, err)
		}
		// A second click, even the other button, changes nothing and says so.
		if ok, err := record(Feedback{Key: "k1", User: "UANN", Useful: true}); err != nil || ok {
			t.Fatalf("second click = %v, %v; want false, nil", ok, err)
		}
		if ok, err := record(Feedback{Key: "k1", User: "UBOB", Useful: true, Comment: "  parfait  "}); err != nil || !ok {
			t.Fatalf("other person = %v, %v", ok, err)
		}
		// Unknown answer: refused, nothing written.
		if _, err := record(Feedback{Key: "k-forged", User: "UANN"}); !errors.Is(err, ErrUnknownAnswer) {
			t.Fatalf("unknown answer: err = %v", err)
		}
		// A comment of 10,000 characters: refused whole.
		long := strings.Repeat("x", 10000)
		if _, err := record(Feedback{Key: "k1", User: "UCAT", Comment: long}); !errors.Is(err, ErrTooLong) {
			t.Fatalf("long comment: err = %v", err)
		}
		if _, err := record(Feedback{Key: "k1", User: "bob"}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("bad user: err = %v", err)
		}

		// The comment modal completes Ann's "pas utile", once.
		if _, err := s.AddComment(ctx, "k1", "UANN", long); !errors.Is(err, ErrTooLong) {
			t.Fatalf("long AddComment: err = %v", err)
		}
		if ok, err := s.AddComment(ctx, "k1", "UANN", "   "); err != nil || ok {
			t.Fatalf("empty AddComment = %v, %v", ok, err)
		}
		if ok, err := s.AddComment(ctx, "k1", "UANN", "Il manque la recette <métier> & technique"); err != nil || !ok {
			t.Fatalf("AddComment = %v, %v", ok, err)
		}
		if ok, err := s.AddComment(ctx, "k1", "UANN", "encore"); err != nil || ok {
			t.Fatalf("second AddComment = %v, %v; want false", ok, err)
		}
		if ok, err := s.AddComment(ctx, "k1", "UBOB", "utile: pas de commentaire"); err != nil || ok {
			t.Fatalf("AddComment on a useful opinion = %v, %v; want false", ok, err)
		}
		if _, err := s.AddComment(ctx, "k-forged", "UANN", "x"); !errors.Is(err, ErrUnknownAnswer) {
			t.Fatalf("AddComment on unknown answer: err = %v", err)
		}

		got, err := s.FeedbackSince(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		at := clk.now()
		want := []Feedback{
			{Key: "k1", User: "UANN", Useful: false, Comment: "Il manque la recette <métier> & technique", At: at,
				Question: "qui fait la recette ?", Ref: "task:recette"},
			{Key: "k1", User: "UBOB", Useful: true, Comment: "parfait", At: at,
				Question: "qui fait la recette ?", Ref: "task:recette"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("FeedbackSince = %+v\nwant %+v", got, want)
		}
	})
}

// TestRecordFeedbackConcurrent: two handles on one database record the same clicks at once, from
// many goroutines (two replicas, Slack retrying, a double click): each is kept once.
func TestRecordFeedbackConcurrent(t *testing.T) {
	const answers, goroutines = 50, 8
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		stores := []*Store{open(t, url), open(t, url)}
		for i := range answers {
			if _, _, err := stores[0].RecordAnswer(ctx, shown(fmt.Sprintf("k%02d", i), "q", "none")); err != nil {
				t.Fatal(err)
			}
		}
		grantedOnce(t, stores, goroutines, answers, "answer %d: feedback recorded %d times", func(s *Store, g, k int) (bool, error) {
			return s.RecordFeedback(ctx, Feedback{Key: fmt.Sprintf("k%02d", k), User: "UANN", Useful: g%3 == 0})
		})
		got, err := stores[1].FeedbackSince(ctx, time.Time{})
		if err != nil || len(got) != answers {
			t.Fatalf("FeedbackSince = %d rows, %v; want %d", len(got), err, answers)
		}
	})
}

func TestPurgeFeedback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clk := &clock{t: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)}
		s.now = clk.now
		const retention = 90 * 24 * time.Hour
		// k-old: asked 100 days ago, with an opinion given then and one given yesterday.
		if _, _, err := s.RecordAnswer(ctx, shown("k-old", "vieille question", "none")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordFeedback(ctx, Feedback{Key: "k-old", User: "UANN"}); err != nil {
			t.Fatal(err)
		}
		clk.add(99 * 24 * time.Hour)
		if _, err := s.RecordFeedback(ctx, Feedback{Key: "k-old", User: "UBOB"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.RecordAnswer(ctx, shown("k-new", "question récente", "role:designer")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordFeedback(ctx, Feedback{Key: "k-new", User: "UANN", Useful: true}); err != nil {
			t.Fatal(err)
		}
		clk.add(24 * time.Hour)

		a, f, err := s.PurgeFeedback(ctx, retention)
		if err != nil || a != 1 || f != 2 {
			t.Fatalf("PurgeFeedback = %d answers, %d opinions, %v; want 1, 2", a, f, err)
		}
		left, err := s.AnswersSince(ctx, time.Time{})
		if err != nil || len(left) != 1 || left[0].Key != "k-new" {
			t.Fatalf("answers left = %+v, %v", left, err)
		}
		// A click on a purged answer is refused.
		if _, err := s.RecordFeedback(ctx, Feedback{Key: "k-old", User: "UCAT"}); !errors.Is(err, ErrUnknownAnswer) {
			t.Fatalf("feedback on a purged answer: err = %v", err)
		}
		if a, f, err := s.PurgeFeedback(ctx, retention); err != nil || a != 0 || f != 0 {
			t.Fatalf("second PurgeFeedback = %d, %d, %v", a, f, err)
		}
		// Retention 0: everything.
		if a, f, err := s.PurgeFeedback(ctx, 0); err != nil || a != 1 || f != 1 {
			t.Fatalf("PurgeFeedback(0) = %d, %d, %v; want 1, 1", a, f, err)
		}
	})
}

func TestRecordAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		if _, _, err := s.RecordAnswer(ctx, shown("k1", "déjà là", "none")); err != nil {
			t.Fatal(err)
		}
		batch := []Shown{shown("k1", "doublon", "none"), shown("k2", "q2", "role:designer"), shown("", "q3", "help")}
		n, err := s.RecordAnswers(ctx, batch)
		if err != nil || n != 2 {
			t.Fatalf("RecordAnswers = %d, %v; want 2", n, err)
		}
		// One bad answer refuses the batch.
		bad := []Shown{shown("k4", "q4", "none"), shown("k5", "q5", "page:x")}
		if _, err := s.RecordAnswers(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Fatalf("bad batch: err = %v", err)
		}
		got, err := s.AnswersSince(ctx, time.Time{})
		if err != nil || len(got) != 3 || got[0].Question != "déjà là" {
			t.Fatalf("AnswersSince = %+v, %v", got, err)
		}
	})
}

func TestRecordFollow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		sh := shown("k1", "qui fait la cantine ?", "none")
		sh.Candidates = []string{"role:designer", "task:recette"}
		if _, _, err := s.RecordAnswer(ctx, sh); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.RecordFollow(ctx, "k1", "task:recette"); err != nil || !ok {
			t.Fatalf("RecordFollow = %v, %v", ok, err)
		}
		if ok, err := s.RecordFollow(ctx, "k1", "role:designer"); err != nil || ok {
			t.Fatalf("second RecordFollow = %v, %v; want false", ok, err)
		}
		if _, err := s.RecordFollow(ctx, "k-forged", "role:designer"); !errors.Is(err, ErrUnknownAnswer) {
			t.Fatalf("unknown answer: err = %v", err)
		}
		if _, err := s.RecordFollow(ctx, "k1", "none"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("ref none: err = %v", err)
		}
		got, err := s.AnswersSince(ctx, time.Time{})
		if err != nil || len(got) != 1 || got[0].Followed != "task:recette" {
			t.Fatalf("AnswersSince = %+v, %v", got, err)
		}
	})
}

// TestRecordAnswerFollows: a card opened from another answer is recorded with that answer's
// question, whatever question it brings, in one batch with it or later; following an answer
// the store lacks leaves its question empty. Its opinions read back with the question.
func TestRecordAnswerFollows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		follow := func(key, follows, ref string) Shown {
			sh := shown(key, "role:designer", ref)
			sh.Follows = follows
			return sh
		}
		// The question and a card opened from it in one batch, in order.
		batch := []Shown{shown("q1", "qui fait la cantine ?", "none"), follow("f1", "q1", "task:recette")}
		if n, err := s.RecordAnswers(ctx, batch); err != nil || n != 2 {
			t.Fatalf("RecordAnswers = %d, %v", n, err)
		}
		// Later, one by one: a card opened from the card opened, and one from an unknown answer.
		for _, sh := range []Shown{follow("f2", "f1", "role:designer"), follow("f3", "k-gone", "role:designer")} {
			if _, ok, err := s.RecordAnswer(ctx, sh); err != nil || !ok {
				t.Fatalf("RecordAnswer(%s) = %v, %v", sh.Key, ok, err)
			}
		}
		got, err := s.AnswersSince(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]string{ // key: question, follows
			"q1": {"qui fait la cantine ?", ""},
			"f1": {"qui fait la cantine ?", "q1"},
			"f2": {"qui fait la cantine ?", "f1"},
			"f3": {"", "k-gone"},
		}
		if len(got) != len(want) {
			t.Fatalf("AnswersSince = %+v, want %d answers", got, len(want))
		}
		for _, sh := range got {
			if w := want[sh.Key]; sh.Question != w[0] || sh.Follows != w[1] {
				t.Errorf("%s recorded with question %q following %q, want %q following %q", sh.Key, sh.Question, sh.Follows, w[0], w[1])
			}
		}
		if _, err := s.RecordFeedback(ctx, Feedback{Key: "f2", User: "UOTHER"}); err != nil {
			t.Fatal(err)
		}
		fbs, err := s.FeedbackSince(ctx, time.Time{})
		if err != nil || len(fbs) != 1 || fbs[0].Question != "qui fait la cantine ?" || fbs[0].Ref != "role:designer" {
			t.Fatalf("FeedbackSince = %+v, %v", fbs, err)
		}
	})
}

// TestAwaitsComment: only a "pas utile" without a comment awaits one.
func TestAwaitsComment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		if _, _, err := s.RecordAnswer(ctx, shown("k1", "q", "role:designer")); err != nil {
			t.Fatal(err)
		}
		for _, fb := range []Feedback{{Key: "k1", User: "UNOT"}, {Key: "k1", User: "UUSE", Useful: true}, {Key: "k1", User: "UDONE"}} {
			if _, err := s.RecordFeedback(ctx, fb); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddComment(ctx, "k1", "UDONE", "il manque la suite"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			key, user string
			want      bool
		}{
			{"k1", "UNOT", true},
			{"k1", "UUSE", false},
			{"k1", "UDONE", false},
			{"k1", "UNONE", false},
			{"k-unknown", "UNOT", false},
		} {
			if got, err := s.AwaitsComment(ctx, tc.key, tc.user); err != nil || got != tc.want {
				t.Errorf("AwaitsComment(%s, %s) = %v, %v; want %v", tc.key, tc.user, got, err, tc.want)
			}
		}
		if _, err := s.AwaitsComment(ctx, "a b", "UNOT"); !errors.Is(err, ErrInvalid) {
			t.Errorf("bad key: err = %v, want ErrInvalid", err)
		}
	})
}

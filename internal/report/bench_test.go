package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// benchQuestions is the figure: the report over 100,000 recorded questions, of which
// benchMissedShare found nothing, in under 2 s.
const (
	benchQuestions   = 100_000
	benchMissedShare = 0.3
	benchBatch       = 5_000
)

// benchSubjects and benchFrames make the missed questions: subjects the content lacks, asked in
// several frames, with a number that makes about a fifth of them distinct texts to analyse.
var (
	benchSubjects = []string{"la facturation", "le télétravail", "les notes de frais", "le wifi", "le parking", "les congés",
		"l'astreinte", "la machine à café", "les badges", "les ordinateurs", "les stagiaires", "la cantine", "le courrier",
		"les licences", "la sécurité incendie", "les déménagements", "le standard", "la mutuelle", "les formations", "la paie"}
	benchFrames = []string{"qui gère %s ?", "qui s'occupe de %s", "%s", "who handles %s?", "c'est qui pour %s", "%s, c'est qui ?"}
	benchFound  = []struct{ q, ref string }{
		{"qui porte la vision ?", "task:incarner-la-vision"}, {"designer", "role:designer"},
		{"qui suit le budget ?", "task:suivi-budgetaire"}, {"que fait le coach produit ?", "role:coach-produit"},
	}
)

// seedReport records benchQuestions answers and a "pas utile" on one missed answer in ten.
func seedReport(b *testing.B, s *store.Store, since time.Time) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(15, 15))
	var fb []store.Feedback
	batch := make([]store.Shown, 0, benchBatch)
	for i := range benchQuestions {
		sh := store.Shown{Key: fmt.Sprintf("k%07d", i), Channel: fmt.Sprintf("C%03d", rng.IntN(200)),
			User: fmt.Sprintf("U%04d", rng.IntN(2000)), At: since.Add(time.Duration(i) * time.Second)}
		if rng.Float64() < benchMissedShare {
			sh.Question = fmt.Sprintf(benchFrames[rng.IntN(len(benchFrames))], benchSubjects[rng.IntN(len(benchSubjects))])
			if rng.IntN(3) == 0 { // some are worded once: "… n°123"
				sh.Question += fmt.Sprintf(" n°%d", rng.IntN(10_000))
			}
			sh.Ref, sh.Intent, sh.Candidates = "none", "none", []string{"role:designer"}
			if i%10 == 0 {
				fb = append(fb, store.Feedback{Key: sh.Key, User: sh.User, Comment: "il manque cette tâche"})
			}
		} else {
			f := benchFound[rng.IntN(len(benchFound))]
			sh.Question, sh.Ref, sh.Intent = f.q, f.ref, "task"
		}
		batch = append(batch, sh)
		if len(batch) == benchBatch {
			if _, err := s.RecordAnswers(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	for _, f := range fb {
		f.At = since.Add(time.Hour)
		if _, err := s.RecordFeedback(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReport is `rolebot report` over 100,000 recorded questions: reading them and the
// feedback from the database, then grouping with the search index's analysis.
func BenchmarkReport(b *testing.B) {
	tm, ix := shipped(b)
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			s, err := store.Open(ctx, be.URL(b), "", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			seedReport(b, s, since)
			var r report.Report
			for b.Loop() {
				answers, err := s.AnswersSince(ctx, since)
				if err != nil {
					b.Fatal(err)
				}
				fb, err := s.FeedbackSince(ctx, since)
				if err != nil {
					b.Fatal(err)
				}
				r = report.Build(report.Input{Since: since, Until: since.Add(30 * 24 * time.Hour), Answers: answers, Feedback: fb, Team: tm}, ix.Normalize)
			}
			if r.Questions != benchQuestions || r.Missed == 0 || r.NotUseful == 0 {
				b.Fatalf("report totals = %+v", r.Totals)
			}
			b.ReportMetric(float64(r.GroupCount), "groups")
		})
	}
}

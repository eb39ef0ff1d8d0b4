package slackbot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// TestClickBeforeItsRecord: a click on an answer's feedback buttons while the answer still
// waits in the recorder's buffer (answers keep coming, so the recorder waits for a pause) is
// recorded, not refused as an answer rolebot does not know; every record is written by stop.
func TestClickBeforeItsRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		bot, st := recordingBot(t, url)
		an := bot.ask(ctx, "designer")
		shownArgs := func(i int) (jobs.AnswerArgs, string) {
			a := jobs.AnswerArgs{DeliveryKey: fmt.Sprint("message:C0PROD/", i), Surface: SurfaceMention, Channel: "C0PROD",
				User: "U0MARC", Text: "designer", ReceivedAt: time.Now()}
			return a, bot.answerKey(a)
		}
		bot.rec.start()
		// Others' answers every 10 ms: no pause of recordQuiet until the click is answered.
		stopFeed := make(chan struct{})
		var feed sync.WaitGroup
		n := 1
		feed.Go(func() {
			for ; ; n++ {
				select {
				case <-stopFeed:
					return
				case <-time.After(10 * time.Millisecond):
					a, key := shownArgs(n)
					bot.recordShown(a, key, an)
				}
			}
		})
		a, key := shownArgs(0)
		bot.recordShown(a, key, an)
		text, outcome := bot.recordOpinion(ctx, "U0PAUL", reply.FeedbackValue(key, true), time.Now())
		close(stopFeed)
		feed.Wait()
		bot.rec.stop()
		if text != reply.FeedbackThanks || outcome != feedbackUseful {
			t.Errorf("click = %q (%s), want %q", text, outcome, reply.FeedbackThanks)
		}
		shown, err := st.AnswersSince(ctx, time.Time{})
		if err != nil || len(shown) != n {
			t.Errorf("%d answers recorded (%v), want %d", len(shown), err, n)
		}
		fbs, err := st.FeedbackSince(ctx, time.Time{})
		if err != nil || len(fbs) != 1 || fbs[0].Key != key || !fbs[0].Useful {
			t.Errorf("opinions %+v (%v), want paul's useful one on %s", fbs, err, key)
		}
	})
}

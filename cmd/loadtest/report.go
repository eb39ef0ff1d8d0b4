package main

// What a run measured: latencies, losses and duplicates, and their print.

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
)

// request is one question sent.
type request struct {
	envelope string
	event    string // event_id of a mention
	key      string // the response_url (slash) or channel/ts (mention)
	slash    bool
}

// stats are latency figures.
type stats struct {
	n             int
	p50, p99, max time.Duration
}

// Surfaces of the split figures, in the report's order.
const (
	surfaceSlash = iota
	surfaceMention
	surfaces
)

// surfaceNames are the surfaces as the report names them.
var surfaceNames = [surfaces]string{"/role", "mentions"}

// surfaceStats are the ack and answer latencies of one surface.
type surfaceStats struct{ ack, answer stats }

func surfaceOf(q request) int {
	if q.slash {
		return surfaceSlash
	}
	return surfaceMention
}

func summarize(ds []time.Duration) stats {
	if len(ds) == 0 {
		return stats{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		i := int(math.Ceil(q*float64(len(ds)))) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return stats{n: len(ds), p50: at(0.50), p99: at(0.99), max: ds[len(ds)-1]}
}

// report is the result of one run.
type report struct {
	sent, acked, ackedLate     int
	answered, lost, duplicated int
	duplicatedSlash            int // of duplicated, the answers through a response_url (/role)
	busy                       int // told the bot is too busy, by design when its queue is full
	named                      int // answers that mention someone: a channel's team at work
	withFeedback               int // answers that carry the feedback buttons (-record)
	redelivered                int // events the bot left for Slack to send again, then acked
	ack, answer                stats
	// bySurface splits ack and answer by the way the question came: a mention's ack waits
	// for its job's insert only, a /role's ack carries its answer on the durable path.
	bySurface     [surfaces]surfaceStats
	expectAnswers bool
	elapsed       time.Duration
	slackErrors   int
	timedOut      time.Duration // -timeout, when the run did not finish within it
}

func (r report) ok() bool {
	return r.acked == r.sent && r.ackedLate == 0 && (!r.expectAnswers || (r.lost == 0 && r.duplicated == 0))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "  envoyées            %d (mesure complète en %s)\n", r.sent, ms(r.elapsed))
	if r.timedOut > 0 {
		fmt.Fprintf(w, "  DÉLAI DÉPASSÉ       la mesure n'a pas fini en %s (-timeout) : la suite est incomplète\n", r.timedOut)
	}
	fmt.Fprintf(w, "  accusées en ≤ 3 s   %d/%d (en retard : %d)\n", r.acked-r.ackedLate, r.sent, r.ackedLate)
	fmt.Fprintf(w, "  ack                 p50 %s   p99 %s   max %s\n", ms(r.ack.p50), ms(r.ack.p99), ms(r.ack.max))
	r.printSplit(w, func(s surfaceStats) stats { return s.ack })
	if !r.expectAnswers {
		return
	}
	fmt.Fprintf(w, "  répondues une fois  %d/%d (perdues : %d, en double : %d, dont %d par response_url)\n",
		r.answered-r.duplicated, r.sent, r.lost, r.duplicated, r.duplicatedSlash)
	if r.redelivered > 0 {
		fmt.Fprintf(w, "  laissées à Slack pour un nouvel envoi (tout plein), puis acceptées : %d\n", r.redelivered)
	}
	if r.named > 0 {
		fmt.Fprintf(w, "  nommant des personnes %d/%d\n", r.named, r.answered)
	}
	if r.withFeedback > 0 {
		fmt.Fprintf(w, "  avec boutons d'avis %d/%d\n", r.withFeedback, r.answered)
	}
	if r.busy > 0 {
		fmt.Fprintf(w, "  renvoyées à plus tard (file pleine, « %s ») : %d\n", slackbot.BusyText, r.busy)
	}
	fmt.Fprintf(w, "  réponse             p50 %s   p99 %s   max %s\n", ms(r.answer.p50), ms(r.answer.p99), ms(r.answer.max))
	r.printSplit(w, func(s surfaceStats) stats { return s.answer })
	if r.elapsed > 0 {
		fmt.Fprintf(w, "  débit               %.0f questions/s (répondues ÷ durée de la mesure)\n", float64(r.answered)/r.elapsed.Seconds())
	}
	if r.slackErrors > 0 {
		fmt.Fprintf(w, "  appels Slack en erreur : %d\n", r.slackErrors)
	}
}

// printSplit prints the figures of of for each surface that has some.
func (r report) printSplit(w io.Writer, of func(surfaceStats) stats) {
	for i, s := range r.bySurface {
		if st := of(s); st.n > 0 {
			fmt.Fprintf(w, "    %-17s p50 %s   p99 %s   max %s\n", surfaceNames[i], ms(st.p50), ms(st.p99), ms(st.max))
		}
	}
}

// tally computes the report from what the fake recorded.
func tally(srv *slacktest.Server, reqs []request, expectAnswers bool, elapsed time.Duration) report {
	r := report{sent: len(reqs), expectAnswers: expectAnswers, elapsed: elapsed}
	sent := map[string]time.Time{}
	for _, d := range srv.Deliveries() {
		if _, ok := sent[d.EnvelopeID]; !ok {
			sent[d.EnvelopeID] = d.Sent
		}
	}
	acks := map[string]slacktest.Ack{}
	for _, a := range srv.Acks() {
		if _, ok := acks[a.EnvelopeID]; !ok && !a.Unknown {
			acks[a.EnvelopeID] = a
		}
	}
	answers := map[string][]slacktest.Message{}
	for _, m := range srv.Messages(slacktest.Posted()) {
		if !m.OK() {
			r.slackErrors++
			continue
		}
		key := m.ResponseURL
		if m.Method == "chat.postMessage" {
			key = m.Channel + "/" + m.ThreadTS
		}
		answers[key] = append(answers[key], m)
	}
	retried := map[string]bool{} // events acked on a redelivery
	for _, d := range srv.Deliveries() {
		if d.RetryAttempt > 0 && d.Acked {
			retried[d.EventID] = true
		}
	}
	var ackLat, ansLat []time.Duration
	var ackBy, ansBy [surfaces][]time.Duration
	for _, q := range reqs {
		if a, ok := acks[q.envelope]; ok {
			r.acked++
			if a.Late || a.Latency > slacktest.DefaultAckTimeout {
				r.ackedLate++
			}
			ackLat = append(ackLat, a.Latency)
			ackBy[surfaceOf(q)] = append(ackBy[surfaceOf(q)], a.Latency)
		} else if retried[q.event] {
			r.acked++
			r.redelivered++
		}
		if !expectAnswers {
			continue
		}
		got := answers[q.key]
		if len(got) > 0 && got[0].Text == slackbot.BusyText ||
			len(got) == 0 && q.slash && strings.Contains(string(acks[q.envelope].Payload), slackbot.BusyText) {
			r.busy++
			continue
		}
		switch {
		case len(got) == 0:
			r.lost++
			continue
		case len(got) > 1:
			r.duplicated++
			if q.slash {
				r.duplicatedSlash++
			}
		}
		r.answered++
		if mentionsSomeone(got[0]) {
			r.named++
		}
		if hasFeedback(got[0]) {
			r.withFeedback++
		}
		if t, ok := sent[q.envelope]; ok {
			ansLat = append(ansLat, got[0].Received.Sub(t))
			ansBy[surfaceOf(q)] = append(ansBy[surfaceOf(q)], got[0].Received.Sub(t))
		}
	}
	r.ack, r.answer = summarize(ackLat), summarize(ansLat)
	for i := range r.bySurface {
		r.bySurface[i] = surfaceStats{ack: summarize(ackBy[i]), answer: summarize(ansBy[i])}
	}
	return r
}

// hasFeedback reports whether an answer carries the feedback buttons (their action id).
func hasFeedback(m slacktest.Message) bool {
	for _, raw := range [][]byte{m.BlocksJSON, m.Body} {
		if bytes.Contains(raw, []byte(`"`+reply.ActionFeedback+`"`)) {
			return true
		}
	}
	return false
}

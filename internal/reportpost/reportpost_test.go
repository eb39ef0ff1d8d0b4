package reportpost_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/config"
	"github.com/rolebot/rolebot/internal/jobs"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/reportpost"
	"github.com/rolebot/rolebot/internal/slackbot"
	"github.com/rolebot/rolebot/internal/slacktest"
	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

const (
	reportChannel = "C0REPORT"
	retention     = 90 * 24 * time.Hour
	// testSlot is the report's interval in the tests: a "week" of a few seconds.
	testSlot = jobs.Every(2 * time.Second)
	// waitLimit only stops a test that would otherwise hang; nothing asserts on time.
	waitLimit = 90 * time.Second
)

var (
	contentOnce  sync.Once
	contentStore *knowledge.Store
	contentErr   error
)

// content loads the embedded content once for the whole test binary.
func content(t testing.TB) *knowledge.Store {
	t.Helper()
	contentOnce.Do(func() {
		fsys, err := knowledge.Open("")
		if err != nil {
			contentErr = err
			return
		}
		snap, err := knowledge.Load(context.Background(), fsys)
		if err != nil {
			contentErr = err
			return
		}
		contentStore = knowledge.NewStore(snap)
	})
	if contentErr != nil {
		t.Fatalf("loading the embedded content: %v", contentErr)
	}
	return contentStore
}

func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// seed records questions asked in the last days: two that found nothing, one of them trying to
// ping the channel, and one answered, from whose buttons a card was opened.
func seed(t *testing.T, st *store.Store) {
	t.Helper()
	now := time.Now()
	batch := []store.Shown{
		{Key: "k1", Question: "qui gère la machine à café ?", Ref: "none", Intent: "none", Channel: "C1", User: "U1", At: now.Add(-48 * time.Hour)},
		{Key: "k2", Question: "<!channel> qui gère la machine à café", Ref: "none", Intent: "none", Channel: "C1", User: "U2", At: now.Add(-24 * time.Hour)},
		{Key: "k3", Question: "designer", Ref: "role:designer", Intent: "role", Channel: "C1", User: "U3", At: now.Add(-2 * time.Hour)},
		// A card opened from k3's buttons.
		{Key: "k4", Ref: "role:devops", Intent: "role", Follows: "k3", Channel: "C1", User: "U3", At: now.Add(-time.Hour)},
	}
	if _, err := st.RecordAnswers(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

func slackClient(srv *slacktest.Server) *slack.Client {
	return slackbot.NewClient(config.Secret(srv.Config().BotToken), config.Secret(srv.Config().AppToken), srv.APIURL())
}

func poster(srv *slacktest.Server, st *store.Store, t *testing.T) *reportpost.Poster {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return &reportpost.Poster{Slack: slackClient(srv), Channel: reportChannel, Store: st, Content: content(t),
		BaseURL: "https://equipe.gitbook.io/produit/", Location: paris}
}

// until returns the end of the period a recorded report covers, from its metadata.
func until(t *testing.T, m slacktest.Message) string {
	t.Helper()
	var md slack.SlackMetadata
	if err := json.Unmarshal([]byte(m.Params.Get("metadata")), &md); err != nil || md.EventType != reportpost.MetadataEventType {
		t.Fatalf("report message metadata %q: %v", m.Params.Get("metadata"), err)
	}
	s, _ := md.EventPayload["until"].(string)
	return s
}

// TestPostBlocksAndText posts a report through the real slack-go client: the fake Slack
// sees Block Kit and a text fallback, the period's dates, and the questions escaped.
func TestPostBlocksAndText(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	st := openStore(t, storetest.SQLiteURL(t))
	seed(t, st)
	p := poster(srv, st, t)
	end := time.Now()
	if err := p.PostReport(context.Background(), end.Add(-jobs.ReportPeriod), end); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Succeeded())
	if len(msgs) != 1 {
		t.Fatalf("%d messages posted, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Channel != reportChannel || m.Text == "" || len(m.Blocks.BlockSet) < 3 {
		t.Fatalf("report posted in %s, text %q, %d blocks; want %s, a text and Block Kit", m.Channel, m.Text, len(m.Blocks.BlockSet), reportChannel)
	}
	header, ok := m.Blocks.BlockSet[0].(*slack.HeaderBlock)
	paris, _ := time.LoadLocation("Europe/Paris")
	wantDates := end.Add(-jobs.ReportPeriod).In(paris).Format("02/01/2006") + " au " + end.In(paris).Format("02/01/2006")
	if !ok || !strings.Contains(header.Text.Text, wantDates) {
		t.Errorf("first block %T, want a header with the period %s", m.Blocks.BlockSet[0], wantDates)
	}
	if !strings.Contains(m.Text, "2 sans réponse") {
		t.Errorf("text %q does not count the 2 unanswered questions", m.Text)
	}
	if blocks := string(m.BlocksJSON); strings.Contains(blocks, "<!channel>") || !strings.Contains(blocks, "machine") {
		t.Errorf("blocks ping the channel or miss the question:\n%s", blocks)
	}
	if blocks := string(m.BlocksJSON); !strings.Contains(blocks, "*1 fiche ouverte* depuis les boutons") {
		t.Errorf("blocks do not count the card opened from an answer's buttons:\n%s", blocks)
	}
	if got := until(t, m); got != end.UTC().Format(time.RFC3339) {
		t.Errorf("metadata until = %s, want %s", got, end.UTC().Format(time.RFC3339))
	}

	// No content yet (a repository not fetched): an error the job retries, nothing posted.
	empty := &reportpost.Poster{Slack: slackClient(srv), Channel: reportChannel, Store: st, Content: knowledge.NewStore(nil)}
	if err := empty.PostReport(context.Background(), end.Add(-jobs.ReportPeriod), end); !errors.Is(err, reportpost.ErrNoContent) {
		t.Errorf("without content: err = %v, want ErrNoContent", err)
	}
	if n := len(srv.Messages(slacktest.Method("chat.postMessage"))); n != 1 {
		t.Errorf("%d posts in all, want 1", n)
	}
}

// countingStore counts the purges made through it, by any replica.
type countingStore struct {
	*store.Store
	purges *atomic.Int32
}

func (c countingStore) PurgeFeedback(ctx context.Context, retention time.Duration) (int64, int64, error) {
	c.purges.Add(1)
	return c.Store.PurgeFeedback(ctx, retention)
}

// replica opens a queue with the periodic work of one replica on url and starts it.
func replica(t *testing.T, url string, srv *slacktest.Server, purges *atomic.Int32, logs *strings.Builder, mu *sync.Mutex) *jobs.Queue {
	t.Helper()
	return replicaOn(t, url, srv, testSlot, purges, logs, mu)
}

// replicaOn is replica with the report's schedule sched.
func replicaOn(t *testing.T, url string, srv *slacktest.Server, sched jobs.Schedule, purges *atomic.Int32, logs *strings.Builder, mu *sync.Mutex) *jobs.Queue {
	t.Helper()
	st := openStore(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	log := slog.New(slog.NewTextHandler(lockedWriter{mu, logs}, nil))
	p := poster(srv, st, t)
	p.Log = log
	q, err := jobs.Open(ctx, url, "", jobs.Config{Log: log, Periodic: &jobs.Periodic{
		Store: countingStore{st, purges}, Retention: retention,
		Report: p, ReportSchedule: sched,
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return q
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func stop(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
}

// TestWeeklyPostOneReplicaOfTwo runs two replicas on one PostgreSQL database, the report due
// every two seconds: each report is posted once, by one of them, and the purge at start runs
// once, as only River's leader inserts periodic jobs.
func TestWeeklyPostOneReplicaOfTwo(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t) // skips, saying so, without PostgreSQL
	srv := slacktest.NewTB(t, slacktest.Config{})
	seed(t, openStore(t, url))
	var purges atomic.Int32
	var mu sync.Mutex
	var logs strings.Builder
	a := replica(t, url, srv, &purges, &logs, &mu)
	b := replica(t, url, srv, &purges, &logs, &mu)
	defer func() {
		if t.Failed() {
			mu.Lock()
			t.Logf("logs:\n%s", logs.String())
			mu.Unlock()
		}
	}()

	const posts = 3
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := srv.WaitMessages(ctx, posts, slacktest.Method("chat.postMessage"), slacktest.Channel(reportChannel)); err != nil {
		t.Fatalf("waiting for %d reports: %v", posts, err)
	}
	stop(t, a)
	stop(t, b)

	seen := map[string]int{}
	msgs := srv.Messages(slacktest.Method("chat.postMessage"), slacktest.Channel(reportChannel))
	for _, m := range msgs {
		if !m.OK() || len(m.Blocks.BlockSet) == 0 || m.Text == "" {
			t.Errorf("report %d: error %q, %d blocks, text %q", m.Seq, m.Error, len(m.Blocks.BlockSet), m.Text)
		}
		seen[until(t, m)]++
	}
	for slot, n := range seen {
		if n != 1 {
			t.Errorf("report of %s posted %d times, want once", slot, n)
		}
	}
	if n := purges.Load(); n != 1 {
		t.Errorf("purge at start ran %d times over two replicas, want 1", n)
	}
	jobsOf, err := a.PeriodicJobs(context.Background(), jobs.KindReport)
	if err != nil {
		t.Fatal(err)
	}
	completed := 0
	for _, j := range jobsOf {
		if j.State == rivertype.JobStateCompleted {
			completed++
		}
	}
	if completed < len(msgs) {
		t.Errorf("%d report jobs completed for %d posts", completed, len(msgs))
	}
}

// TestDefiniteSlackError checks a report Slack refuses for good (the bot was removed from the
// channel): the job is recorded as failed with Slack's error, tried once, and the next
// week's report is posted as usual.
func TestDefiniteSlackError(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewTB(t, slacktest.Config{})
	url := storetest.SQLiteURL(t)
	seed(t, openStore(t, url))
	srv.Fail("chat.postMessage", 1, "not_in_channel")
	var purges atomic.Int32
	var mu sync.Mutex
	var logs strings.Builder
	q := replica(t, url, srv, &purges, &logs, &mu)

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := srv.WaitMessage(ctx, slacktest.Method("chat.postMessage"), slacktest.Succeeded()); err != nil {
		t.Fatalf("waiting for the next report: %v", err)
	}
	stop(t, q)
	failedCalls := srv.Messages(slacktest.Method("chat.postMessage"), func(m slacktest.Message) bool { return m.Error == "not_in_channel" })
	if len(failedCalls) != 1 {
		t.Errorf("%d refused posts, want 1 (a definite error is not retried)", len(failedCalls))
	}
	reports, err := q.PeriodicJobs(context.Background(), jobs.KindReport)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for _, j := range reports {
		if j.State == rivertype.JobStateCancelled {
			cancelled++
			if len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, "not_in_channel") {
				t.Errorf("cancelled report's errors: %+v", j.Errors)
			}
		}
	}
	mu.Lock()
	logged := strings.Count(logs.String(), "rapport hebdomadaire impossible à publier")
	mu.Unlock()
	if cancelled != 1 || logged != 1 {
		t.Errorf("%d reports cancelled, failure logged %d times; want 1 and 1", cancelled, logged)
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/contentgen"
	"github.com/rolebot/rolebot/internal/gitsync/gitsynctest"
	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/slacktest"
)

const webhookSecret = "secret-du-webhook"

// gitServe is a running `rolebot serve` that follows a content repository,
// answering the fake Slack.
type gitServe struct {
	srv    *slacktest.Server
	remote *gitsynctest.Remote
	files  map[string]string
	base   string // http://addr of /readyz, /metrics, the webhook
	logs   *lockedBuffer
	asked  int // slash commands sent so far
}

func startGitServe(t testing.TB, interval string, files map[string]string) *gitServe {
	t.Helper()
	g := &gitServe{srv: slacktest.NewTB(t, slacktest.Config{}), remote: gitsynctest.New(t, "main"),
		files: files, logs: &lockedBuffer{}}
	g.remote.Commit("GitBook: first", g.files)
	env := serveEnv(t, g.srv)
	env["LOG_LEVEL"] = "info"
	env["CONTENT_GIT_URL"] = g.remote.URL
	env["CONTENT_GIT_INTERVAL"] = interval
	env["CONTENT_GIT_WEBHOOK_SECRET"] = webhookSecret
	env["DATA_DIR"] = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		var stdout lockedBuffer
		done <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, g.logs, getenvOf(env))
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	g.base = "http://" + httpAddr(t, g.logs)
	return g
}

// ask sends /role q and returns the answer's blocks as JSON.
func (g *gitServe) ask(t testing.TB, q string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := g.srv.SendSlashCommand(ctx, slacktest.SlashCommand{Command: "/role", Text: q, UserID: "U1", ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
	g.asked++
	msgs, err := g.srv.WaitMessages(ctx, g.asked, slacktest.Method(slacktest.MethodResponseURL, slacktest.MethodAck))
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, g.logs)
	}
	return string(msgs[g.asked-1].BlocksJSON)
}

// edit pushes a commit changing the designer's summary to say who.
func (g *gitServe) edit(who string) string {
	body := strings.Replace(g.files["designer.md"], "Le designer conçoit", who+" conçoit", 1)
	return g.remote.Commit("GitBook: "+who, map[string]string{"designer.md": body})
}

// hook posts a push event signed as GitLab does.
func (g *gitServe) hook(t testing.TB) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.base+httpapi.WebhookPath, strings.NewReader(`{"ref":"refs/heads/main"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Gitlab-Token", webhookSecret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("webhook: %s", res.Status)
	}
}

// waitReady polls /readyz until it answers 200, for at most limit.
func (g *gitServe) waitReady(t testing.TB, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		res, err := http.Get(g.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after %s\nlogs:\n%s", limit, g.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitVersion polls /readyz every 10 ms until it names version, for at
// most limit: cheaper than asking, so that the polling leaves the CPUs to
// the fetch and the index build it waits for.
func (g *gitServe) waitVersion(t testing.TB, version string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		res, err := http.Get(g.base + "/readyz")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(b), "version "+version) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("version %s not served after %s\nlogs:\n%s", version, limit, g.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitAnswer asks q until an answer holds want, for at most limit.
func (g *gitServe) waitAnswer(t testing.TB, q, want string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(g.ask(t, q), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no answer with %q after %s\nlogs:\n%s", want, limit, g.logs)
		}
	}
}

func TestServeGitWebhook(t *testing.T) {
	g := startGitServe(t, "1h", shipped(t, "")) // only the webhook fetches
	first := g.ask(t, "designer")
	if !strings.Contains(first, "Le designer conçoit") {
		t.Fatalf("first answer %s", first)
	}
	commit := g.edit("La designeuse")
	g.hook(t)
	g.waitAnswer(t, "designer", "La designeuse conçoit", 10*time.Second)
	// The card's footer names the commit.
	if got := g.ask(t, "designer"); !strings.Contains(got, "Contenu : version "+short(commit)) {
		t.Fatalf("no version footer in %s", got)
	}
	if code, body := getBody(t, g.base+"/readyz"); code != 200 || !strings.Contains(body, "version "+short(commit)) {
		t.Fatalf("/readyz %d %q", code, body)
	}
	if _, body := getBody(t, g.base+"/metrics"); !strings.Contains(body, `rolebot_content_version{version="`+short(commit)+`"} 1`) {
		t.Fatalf("metrics do not name the commit")
	}
}

// BenchmarkPushToAnswer measures the time from a pushed commit to the first
// answer built from it: with the webhook (the push's event is posted at
// once), the fetch, the build of the new index and the swap (seen on /readyz,
// polled every 10 ms), then one question answered from the new index. With only the
// interval, the same time is added to the wait for the next fetch: on
// average half of CONTENT_GIT_INTERVAL, at most all of it.
func BenchmarkPushToAnswer(b *testing.B) {
	b.Run("shipped", func(b *testing.B) {
		g := startGitServe(b, "1h", shipped(b, ""))
		g.ask(b, "designer")
		for i := 0; b.Loop(); i++ {
			who := fmt.Sprintf("La designeuse %d", i)
			b.StopTimer()
			commit := g.edit(who)
			b.StartTimer()
			g.hook(b)
			g.waitVersion(b, short(commit), time.Minute)
			g.waitAnswer(b, "designer", who+" conçoit", time.Minute)
		}
	})
	b.Run("pages=10000", func(b *testing.B) {
		folder := contentgen.Folder(contentgen.Size{Pages: 10000, Tasks: 40, Seed: 1})
		files := make(map[string]string, len(folder))
		for p, f := range folder {
			files[p] = string(f.Data)
		}
		page, title := "", ""
		for p, body := range files {
			if t, ok := strings.CutPrefix(body, "# "); ok && p != "README.md" {
				page, title = p, t[:strings.IndexByte(t, '\n')]
				break
			}
		}
		g := startGitServe(b, "1h", files)
		g.waitReady(b, 5*time.Minute) // the first clone and index
		g.waitAnswer(b, title, title, time.Minute)
		for i := 0; b.Loop(); i++ {
			mark := fmt.Sprintf("Marqueur %d.", i)
			b.StopTimer()
			body := strings.Replace(files[page], "# "+title+"\n\n", "# "+title+"\n\n"+mark+" ", 1)
			commit := g.remote.Commit("GitBook: "+mark, map[string]string{page: body})
			b.StartTimer()
			g.hook(b)
			g.waitVersion(b, short(commit), time.Minute)
			g.waitAnswer(b, title, mark, time.Minute)
		}
		if p := os.Getenv("ROLEBOT_BENCH_LOGS"); p != "" {
			_ = os.WriteFile(p, []byte(g.logs.String()), 0o644)
		}
	})
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

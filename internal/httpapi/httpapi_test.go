package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rolebot/rolebot/internal/httpapi"
	"github.com/rolebot/rolebot/internal/knowledge"
	"github.com/rolebot/rolebot/internal/search"
)

// snapshots is a settable content source.
type snapshots struct {
	cur atomic.Pointer[knowledge.Snapshot]
}

func (s *snapshots) Current() *knowledge.Snapshot { return s.cur.Load() }

func get(t *testing.T, url string) (int, string) {
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

func TestEndpoints(t *testing.T) {
	content := &snapshots{}
	var connected atomic.Bool
	reg := httpapi.NewRegistry()
	reg.MustRegister(httpapi.ContentVersion(content))
	hits := prometheus.NewCounter(prometheus.CounterOpts{Name: "test_hits_total", Help: "test"})
	reg.MustRegister(hits)
	hits.Add(3)

	srv, err := httpapi.Listen("127.0.0.1:0", httpapi.Handler(httpapi.Options{Gatherer: reg, Content: content, Connected: connected.Load}), nil)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr()

	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d, want 200", code)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "contenu : absent") {
		t.Errorf("/readyz = %d %q with nothing ready, want 503", code, body)
	}
	connected.Store(true)
	if code, _ := get(t, base+"/readyz"); code != 503 {
		t.Errorf("/readyz = %d without content, want 503", code)
	}
	content.cur.Store(&knowledge.Snapshot{Index: &search.Index{}, Version: "abc123"})
	if code, body := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d %q, want 200", code, body)
	}
	connected.Store(false)
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "slack : déconnecté") {
		t.Errorf("/readyz = %d %q disconnected, want 503", code, body)
	}
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{`rolebot_content_version{version="abc123"} 1`, "test_hits_total 3", "go_goroutines", "process_"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// A reload shows at the next scrape.
	content.cur.Store(&knowledge.Snapshot{Index: &search.Index{}, Version: "def456"})
	if _, body := get(t, base+"/metrics"); !strings.Contains(body, `rolebot_content_version{version="def456"} 1`) || strings.Contains(body, "abc123") {
		t.Errorf("/metrics after a reload:\n%s", body)
	}
	if code, _ := get(t, base+"/nope"); code != 404 {
		t.Errorf("/nope = %d, want 404", code)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still serving after Shutdown")
	}
}

func TestReadyzDatabase(t *testing.T) {
	content := &snapshots{}
	content.cur.Store(&knowledge.Snapshot{Index: &search.Index{}, Version: "v"})
	var dbErr atomic.Pointer[error]
	database := func() error {
		if p := dbErr.Load(); p != nil {
			return *p
		}
		return nil
	}
	srv, err := httpapi.Listen("127.0.0.1:0", httpapi.Handler(httpapi.Options{
		Content: content, Connected: func() bool { return true }, Database: database,
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	base := "http://" + srv.Addr()
	if code, body := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, "base de données : ok") {
		t.Errorf("/readyz = %d %q with the database up, want 200", code, body)
	}
	lost := errors.New("base de données postgres://bot:xxxxx@db/rolebot : ping : connection refused")
	dbErr.Store(&lost)
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "base de données : indisponible : "+lost.Error()) {
		t.Errorf("/readyz = %d %q with the database lost, want 503 and the reason", code, body)
	}
	dbErr.Store(nil)
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d once the database is back, want 200", code)
	}

	// Without a database (nil func), /readyz does not mention one.
	srv2, err := httpapi.Listen("127.0.0.1:0", httpapi.Handler(httpapi.Options{Content: content, Connected: func() bool { return true }}), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Shutdown(context.Background())
	if code, body := get(t, "http://"+srv2.Addr()+"/readyz"); code != 200 || strings.Contains(body, "base de données") {
		t.Errorf("/readyz without a database = %d %q", code, body)
	}
}

func TestListenError(t *testing.T) {
	if _, err := httpapi.Listen("256.0.0.1:99999", http.NotFoundHandler(), nil); err == nil {
		t.Error("Listen on an impossible address succeeded")
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	// Two registries side by side: nothing is global.
	a, b := httpapi.NewRegistry(), httpapi.NewRegistry()
	a.MustRegister(httpapi.ContentVersion(&snapshots{}))
	b.MustRegister(httpapi.ContentVersion(&snapshots{}))
}

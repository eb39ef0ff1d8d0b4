// Package httpapi serves rolebot's operational endpoints: /healthz (the
// process is alive), /readyz (content indexed, Slack connected, and the
// database answering when there is one) and /metrics (Prometheus, from a
// registry of its own).
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rolebot/rolebot/internal/knowledge"
)

// MetricContentVersion is the gauge that says which content is served: 1,
// with the content's version as its label.
const MetricContentVersion = "rolebot_content_version"

// Snapshots gives the content being served; *knowledge.Store is one.
type Snapshots interface {
	Current() *knowledge.Snapshot
}

// NewRegistry returns a registry of its own (never the global default one)
// with the Go runtime and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// contentCollector reports the version of the content served, read at each
// scrape, so a reload shows at once.
type contentCollector struct {
	store Snapshots
	desc  *prometheus.Desc
}

// ContentVersion returns a collector of MetricContentVersion that reads the
// served snapshot at each scrape.
func ContentVersion(store Snapshots) prometheus.Collector {
	return &contentCollector{
		store: store,
		desc: prometheus.NewDesc(MetricContentVersion,
			"Content served: 1, labelled with the content's version (a hash of its files).",
			[]string{"version"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *contentCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *contentCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.store.Current()
	if s == nil || s.Index == nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, 1, s.Version)
}

// Options configures the handler.
type Options struct {
	// Gatherer serves /metrics; nil serves an empty registry.
	Gatherer prometheus.Gatherer
	// Content tells whether content is indexed; nil means it is not.
	Content Snapshots
	// Connected tells whether the Slack socket is up; nil means it is not.
	Connected func() bool
	// SlackStatus, if not nil, says why the bot is not connected yet (""
	// when it has nothing to add); /readyz shows it after "déconnecté".
	SlackStatus func() string
	// Database tells why the database of the teams does not answer (nil: it
	// does); a nil func means rolebot runs without one, and /readyz does not
	// mention it. The error's text is shown: it must hold no password.
	Database func() error
	// Logger receives the server's errors; nil discards them.
	Logger *slog.Logger
	// Webhook, if not nil, serves POST /webhook/git: the content
	// repository's push webhook (see Webhook).
	Webhook http.Handler
}

// Handler returns the handler of /healthz, /readyz and /metrics.
func Handler(o Options) http.Handler {
	gatherer := o.Gatherer
	if gatherer == nil {
		gatherer = prometheus.NewRegistry()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		content, socket := "ok", "ok"
		if o.Content == nil {
			content = "absent"
		} else if s := o.Content.Current(); s == nil || s.Index == nil {
			content = "absent"
		} else if s.Version != "" {
			content = "ok (version " + s.Version + ")"
		}
		if o.Connected == nil || !o.Connected() {
			socket = "déconnecté"
			if o.SlackStatus != nil {
				if why := o.SlackStatus(); why != "" {
					socket += " : " + strings.ReplaceAll(why, "\n", " ")
				}
			}
		}
		database := "ok"
		if o.Database != nil {
			if err := o.Database(); err != nil {
				database = "indisponible : " + strings.ReplaceAll(err.Error(), "\n", " ")
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if content == "absent" || socket != "ok" || database != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintf(w, "contenu : %s\nslack : %s\n", content, socket)
		if o.Database != nil {
			fmt.Fprintf(w, "base de données : %s\n", database)
		}
	})
	if o.Webhook != nil {
		mux.Handle("POST "+WebhookPath, o.Webhook)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{
		ErrorLog:          slogPrinter{o.Logger},
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: false,
	}))
	return mux
}

// slogPrinter passes promhttp's errors to slog.
type slogPrinter struct{ log *slog.Logger }

// Println implements promhttp.Logger.
func (p slogPrinter) Println(v ...any) {
	if p.log != nil {
		p.log.Warn("métriques : " + fmt.Sprint(v...))
	}
}

// Server is the HTTP server of the operational endpoints.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// Listen listens on addr ("127.0.0.1:0" picks a free port) and serves h in
// the background until Shutdown.
func Listen(addr string, h http.Handler, logger *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("écoute HTTP sur %s : %w", addr, err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
		},
		ln:   ln,
		done: make(chan error, 1),
	}
	if logger != nil {
		s.srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Addr is the address the server listens on, with the port it got.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown stops the server, letting requests in flight finish until ctx
// ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; err == nil {
		err = serveErr
	}
	if err != nil {
		return fmt.Errorf("arrêt du serveur HTTP : %w", err)
	}
	return nil
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Benchmark base names (without the "Benchmark" prefix, as benchfmt reports
// them) written by internal/search/scale_test.go.
const (
	buildBench = "ScaleBuild"
	askBench   = "ScaleAsk"
)

// metric is one measurement the plot needs. It is an enumeration rather than
// a set of package variables so that no package-level state can be mutated.
type metric int

// The metrics read from the input, in the order they are checked.
const (
	metricLoad  metric = iota // load-ms, from ScaleBuild
	metricIndex               // index-ms, from ScaleBuild
	metricHeap                // heap-MB, from ScaleBuild
	metricP50                 // p50-µs, from ScaleAsk
	metricP99                 // p99-µs, from ScaleAsk
	numMetrics
)

// bench returns the base name of the benchmark that reports m.
func (m metric) bench() string {
	if m >= metricP50 {
		return askBench
	}
	return buildBench
}

// unit returns the unit m is reported in, as written in the benchmark output.
func (m metric) unit() string {
	return [...]string{"load-ms", "index-ms", "heap-MB", "p50-µs", "p99-µs"}[m]
}

// alias returns another accepted spelling of m's unit (ASCII "us" for "µs"),
// or "".
func (m metric) alias() string {
	return [...]string{"", "", "", "p50-us", "p99-us"}[m]
}

// point is one corpus size with the median of each metric over the runs
// found in the input (go test -count N writes N lines per size).
type point struct {
	pages int // number of role pages (pages=N in the sub-benchmark name)
	tasks int // number of tasks (tasks=N in the sub-benchmark name)

	loadMS  float64 // loading the content, milliseconds
	indexMS float64 // building the search index, milliseconds
	heapMB  float64 // heap in use after the build, megabytes
	p50US   float64 // median latency of one question, microseconds
	p99US   float64 // 99th percentile latency of one question, microseconds

	runs int // smallest number of runs behind any of the medians above
}

// buildSeconds is the whole build time, loading plus indexing, in seconds.
func (p point) buildSeconds() float64 { return (p.loadMS + p.indexMS) / 1000 }

// sizeSamples gathers, for one corpus size, every value read per metric.
type sizeSamples struct {
	tasks  int
	values [numMetrics][]float64
}

// parseScale reads go test -bench output (benchfmt format) from r and returns
// one point per corpus size, sorted by number of pages, each holding the
// medians of the ScaleBuild and ScaleAsk metrics. name is used in error
// messages. Every size in want must be present, and every size present must
// have all metrics from both benchmarks. Lines that are not benchmark results
// (goos:, pkg:, PASS, ok …) are ignored as benchfmt ignores them; results of
// other benchmarks are skipped. Errors are in French: they are shown to the
// user as they are.
func parseScale(r io.Reader, name string, want []int) ([]point, error) {
	br := benchfmt.NewReader(r, name)
	sizes := map[int]*sizeSamples{}
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, fmt.Errorf("%s:%d : ligne de benchmark illisible (%s)", rec.FileName, rec.Line, rec.Msg)
		case *benchfmt.Result:
			if err := addResult(sizes, rec); err != nil {
				return nil, err
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("lecture de %s : %w", name, err)
	}
	if len(sizes) == 0 {
		return nil, fmt.Errorf("%s : aucun résultat de Benchmark%s ni de Benchmark%s", name, buildBench, askBench)
	}
	var problems []string
	for _, pages := range want {
		if sizes[pages] == nil {
			problems = append(problems, fmt.Sprintf("aucune mesure pour pages=%d", pages))
		}
	}
	var points []point
	for _, pages := range slices.Sorted(maps.Keys(sizes)) {
		p, missing := summarize(pages, sizes[pages])
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("pages=%d : il manque %s", pages, strings.Join(missing, ", ")))
			continue
		}
		points = append(points, p)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s : résultats incomplets :\n  %s", name, strings.Join(problems, "\n  "))
	}
	return points, nil
}

// addResult records the values of one ScaleBuild or ScaleAsk result line;
// other benchmarks are ignored.
func addResult(sizes map[int]*sizeSamples, res *benchfmt.Result) error {
	base, parts := res.Name.Parts()
	bench := string(base)
	if bench != buildBench && bench != askBench {
		return nil
	}
	file, line := res.Pos()
	pages, tasks := -1, 0
	for _, part := range parts {
		key, val, ok := bytes.Cut(bytes.TrimPrefix(part, []byte("/")), []byte("="))
		if !ok || part[0] != '/' {
			continue
		}
		n, err := strconv.Atoi(string(val))
		switch string(key) {
		case "pages":
			if err != nil || n <= 0 {
				return fmt.Errorf("%s:%d : nombre de pages invalide dans %s", file, line, res.Name)
			}
			pages = n
		case "tasks":
			if err != nil || n < 0 {
				return fmt.Errorf("%s:%d : nombre de tâches invalide dans %s", file, line, res.Name)
			}
			tasks = n
		}
	}
	if pages < 0 {
		return fmt.Errorf("%s:%d : %s n'indique pas le nombre de pages (pages=N)", file, line, res.Name)
	}
	s := sizes[pages]
	if s == nil {
		s = &sizeSamples{tasks: tasks}
		sizes[pages] = s
	} else if s.tasks != tasks {
		return fmt.Errorf("%s:%d : pages=%d avec tasks=%d, mais tasks=%d ailleurs dans le fichier", file, line, pages, tasks, s.tasks)
	}
	for m := range numMetrics {
		if m.bench() != bench {
			continue
		}
		v, ok := value(res, m)
		if !ok {
			continue // reported by summarize as a missing metric
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("%s:%d : %s vaut %v, une valeur strictement positive est attendue", file, line, m.unit(), v)
		}
		s.values[m] = append(s.values[m], v)
	}
	return nil
}

// value returns the value of metric m in res, in the unit written in the
// benchmark output. benchfmt rescales some units (heap-MB becomes heap-B);
// OrigUnit and OrigValue keep what was written.
func value(res *benchfmt.Result, m metric) (float64, bool) {
	for _, v := range res.Values {
		unit, val := v.Unit, v.Value
		if v.OrigUnit != "" {
			unit, val = v.OrigUnit, v.OrigValue
		}
		if unit == m.unit() || (m.alias() != "" && unit == m.alias()) {
			return val, true
		}
	}
	return 0, false
}

// summarize turns the samples of one size into a point of medians. missing
// lists, in French, the metrics for which no value was read.
func summarize(pages int, s *sizeSamples) (p point, missing []string) {
	p = point{pages: pages, tasks: s.tasks}
	for m := range numMetrics {
		vs := s.values[m]
		if len(vs) == 0 {
			missing = append(missing, fmt.Sprintf("%s (Benchmark%s)", m.unit(), m.bench()))
			continue
		}
		if p.runs == 0 || len(vs) < p.runs {
			p.runs = len(vs)
		}
		med := median(vs)
		switch m {
		case metricLoad:
			p.loadMS = med
		case metricIndex:
			p.indexMS = med
		case metricHeap:
			p.heapMB = med
		case metricP50:
			p.p50US = med
		case metricP99:
			p.p99US = med
		}
	}
	return p, missing
}

// median returns the median of xs (the mean of the two middle values when
// len(xs) is even). xs must not be empty; it is not modified.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// parseSizes parses the -pages flag: a comma-separated list of page counts.
// An empty string means no size is required.
func parseSizes(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, errors.New("-pages attend une liste d'entiers positifs séparés par des virgules, par exemple 100,1000,10000")
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

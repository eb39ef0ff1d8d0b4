package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// defaultWant is the -pages default as parsed.
func defaultWant(t *testing.T) []int {
	t.Helper()
	want, err := parseSizes(defaultSizes)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// examplePoints are the figures of testdata/scale.txt (the example of issue 6).
func examplePoints() []point {
	return []point{
		{pages: 100, tasks: 10, loadMS: 60.5, indexMS: 30.2, heapMB: 40.1, p50US: 60, p99US: 300, runs: 1},
		{pages: 1000, tasks: 100, loadMS: 400, indexMS: 500, heapMB: 120, p50US: 100, p99US: 900, runs: 1},
		{pages: 10000, tasks: 1000, loadMS: 4000, indexMS: 5000, heapMB: 250, p50US: 300, p99US: 4000, runs: 1},
	}
}

// countThree is -count 3 style output: three runs of each size (in the order
// go test prints them), header and key: value lines as scripts/bench.sh
// writes them, other benchmarks and test chatter that must be ignored.
const countThree = `# comment lines are ignored by benchfmt
go-version: go version go1.26.8 linux/amd64
date: 2026-01-01T00:00:00Z
commit: abc1234
goos: linux
goarch: amd64
pkg: github.com/rolebot/rolebot/internal/search
cpu: Some CPU @ 2.10GHz
BenchmarkScaleBuild/pages=100/tasks=10-2     	1	 95000000 ns/op	 40.0 heap-MB	 30.0 index-ms	 60.0 load-ms
BenchmarkScaleBuild/pages=100/tasks=10-2     	1	 99000000 ns/op	 44.0 heap-MB	 90.0 index-ms	 62.0 load-ms
BenchmarkScaleBuild/pages=100/tasks=10-2     	1	 91000000 ns/op	 42.0 heap-MB	 31.0 index-ms	 10.0 load-ms
BenchmarkScaleBuild/pages=1000/tasks=100-2   	1	900000000 ns/op	120.0 heap-MB	500.0 index-ms	400.0 load-ms
BenchmarkScaleBuild/pages=1000/tasks=100-2   	1	900000000 ns/op	100.0 heap-MB	600.0 index-ms	300.0 load-ms
BenchmarkScaleBuild/pages=1000/tasks=100-2   	1	900000000 ns/op	110.0 heap-MB	550.0 index-ms	350.0 load-ms
BenchmarkScaleBuild/pages=10000/tasks=1000-2 	1	9000000000 ns/op	250.0 heap-MB	5000.0 index-ms	4000.0 load-ms
BenchmarkScaleBuild/pages=10000/tasks=1000-2 	1	9000000000 ns/op	260.0 heap-MB	5100.0 index-ms	4100.0 load-ms
BenchmarkScaleBuild/pages=10000/tasks=1000-2 	1	9000000000 ns/op	240.0 heap-MB	4900.0 index-ms	3900.0 load-ms
BenchmarkBuild-2                             	      20	  51234567 ns/op	 1234 B/op	 12 allocs/op
PASS
ok  	github.com/rolebot/rolebot/internal/search	40.1s
goos: linux
goarch: amd64
pkg: github.com/rolebot/rolebot/internal/search
BenchmarkScaleAsk/pages=100/tasks=10-2       	2000	  80000 ns/op	 60.0 p50-µs	 300.0 p99-µs
BenchmarkScaleAsk/pages=1000/tasks=100-2     	2000	 150000 ns/op	100.0 p50-µs	 900.0 p99-µs
BenchmarkScaleAsk/pages=10000/tasks=1000-2   	2000	 500000 ns/op	300.0 p50-µs	4000.0 p99-µs
BenchmarkScaleAsk/pages=100/tasks=10-2       	2000	  80000 ns/op	 70.0 p50-µs	 100.0 p99-µs
BenchmarkScaleAsk/pages=1000/tasks=100-2     	2000	 150000 ns/op	 90.0 p50-µs	 800.0 p99-µs
BenchmarkScaleAsk/pages=10000/tasks=1000-2   	2000	 500000 ns/op	310.0 p50-µs	5000.0 p99-µs
BenchmarkScaleAsk/pages=100/tasks=10-2       	2000	  80000 ns/op	 50.0 p50-µs	 200.0 p99-µs
BenchmarkScaleAsk/pages=1000/tasks=100-2     	2000	 150000 ns/op	 95.0 p50-µs	 700.0 p99-µs
BenchmarkScaleAsk/pages=10000/tasks=1000-2   	2000	 500000 ns/op	290.0 p50-µs	3000.0 p99-µs
PASS
ok  	github.com/rolebot/rolebot/internal/search	12.3s
`

func TestParseScale(t *testing.T) {
	example, err := os.ReadFile("testdata/scale.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Two runs: the median is the mean of the two values.
	twoRuns := string(example) + strings.NewReplacer(
		"60.5 load-ms", "80.5 load-ms",
		"300.0 p50-µs", "400.0 p50-µs",
	).Replace(string(example))
	withASCIIUnits := strings.ReplaceAll(string(example), "-µs", "-us")
	// A fourth size, not required, is plotted as well.
	extraSize := string(example) +
		"BenchmarkScaleBuild/pages=20000/tasks=2000-2 1 1 ns/op 300 heap-MB 9000 index-ms 8000 load-ms\n" +
		"BenchmarkScaleAsk/pages=20000/tasks=2000-2 2000 1 ns/op 400 p50-µs 6000 p99-µs\n"

	tests := []struct {
		name  string
		input string
		want  []point
	}{
		{"issue example", string(example), examplePoints()},
		{"count 3 medians", countThree, []point{
			{pages: 100, tasks: 10, loadMS: 60, indexMS: 31, heapMB: 42, p50US: 60, p99US: 200, runs: 3},
			{pages: 1000, tasks: 100, loadMS: 350, indexMS: 550, heapMB: 110, p50US: 95, p99US: 800, runs: 3},
			{pages: 10000, tasks: 1000, loadMS: 4000, indexMS: 5000, heapMB: 250, p50US: 300, p99US: 4000, runs: 3},
		}},
		{"two runs", twoRuns, func() []point {
			p := examplePoints()
			for i := range p {
				p[i].runs = 2
			}
			p[0].loadMS = 70.5
			p[2].p50US = 350
			return p
		}()},
		{"ASCII us", withASCIIUnits, examplePoints()},
		{"extra size", extraSize, append(examplePoints(),
			point{pages: 20000, tasks: 2000, loadMS: 8000, indexMS: 9000, heapMB: 300, p50US: 400, p99US: 6000, runs: 1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScale(strings.NewReader(tt.input), "scale.txt", defaultWant(t))
			if err != nil {
				t.Fatalf("parseScale: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("parseScale:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestParseScaleErrors checks that incomplete or bad input is refused with a
// message that says what is wrong.
func TestParseScaleErrors(t *testing.T) {
	example, err := os.ReadFile("testdata/scale.txt")
	if err != nil {
		t.Fatal(err)
	}
	// without drops the lines that contain any of subs.
	without := func(subs ...string) string {
		var b strings.Builder
		for line := range strings.Lines(string(example)) {
			keep := true
			for _, s := range subs {
				if strings.Contains(line, s) {
					keep = false
				}
			}
			if keep {
				b.WriteString(line)
			}
		}
		return b.String()
	}
	tests := []struct {
		name  string
		input string
		want  []string // substrings of the error
	}{
		{"empty", "", []string{"aucun résultat de BenchmarkScaleBuild ni de BenchmarkScaleAsk"}},
		{"only other benchmarks", "BenchmarkBuild-2 20 51234567 ns/op\n", []string{"aucun résultat"}},
		{"missing size", without("pages=10000/"), []string{"aucune mesure pour pages=10000"}},
		{"size missing from ScaleAsk", without("ScaleAsk/pages=1000/"), []string{
			"pages=1000 : il manque p50-µs (BenchmarkScaleAsk), p99-µs (BenchmarkScaleAsk)",
		}},
		{"missing benchmark", without("ScaleBuild"), []string{
			"pages=100 : il manque load-ms (BenchmarkScaleBuild), index-ms (BenchmarkScaleBuild), heap-MB (BenchmarkScaleBuild)",
			"pages=10000 : il manque",
		}},
		{"missing metric", strings.ReplaceAll(string(example), "p99-µs", "p95-µs"), []string{
			"pages=100 : il manque p99-µs (BenchmarkScaleAsk)",
			"pages=1000 : il manque p99-µs",
			"pages=10000 : il manque p99-µs",
		}},
		{"zero value", strings.Replace(string(example), "40.1 heap-MB", "0 heap-MB", 1), []string{
			"scale.txt:5 : heap-MB vaut 0, une valeur strictement positive est attendue",
		}},
		{"syntax error", string(example) + "BenchmarkScaleAsk/pages=100/tasks=10-2 2000 fast ns/op\n", []string{
			"scale.txt:13 : ligne de benchmark illisible",
		}},
		{"no pages", "BenchmarkScaleAsk/tasks=10-2 2000 1 ns/op 1 p50-µs 2 p99-µs\n", []string{
			"scale.txt:1 : ScaleAsk/tasks=10-2 n'indique pas le nombre de pages (pages=N)",
		}},
		{"bad pages", "BenchmarkScaleAsk/pages=many/tasks=10-2 2000 1 ns/op 1 p50-µs 2 p99-µs\n", []string{
			"nombre de pages invalide",
		}},
		{"inconsistent tasks", strings.Replace(string(example), "ScaleAsk/pages=100/tasks=10-", "ScaleAsk/pages=100/tasks=20-", 1), []string{
			"pages=100 avec tasks=20, mais tasks=10 ailleurs",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseScale(strings.NewReader(tt.input), "scale.txt", defaultWant(t))
			if err == nil {
				t.Fatalf("parseScale = %+v, want an error", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{5}, 5},
		{[]float64{3, 1}, 2},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.in...)
		if got := median(in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !reflect.DeepEqual(in, tt.in) {
			t.Errorf("median modified its input: %v", in)
		}
	}
}

func TestParseSizes(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"100,1000,10000", []int{100, 1000, 10000}, false},
		{" 100 , 1000 ", []int{100, 1000}, false},
		{"", nil, false},
		{"100,,1000", nil, true},
		{"100,-5", nil, true},
		{"cent", nil, true},
	}
	for _, tt := range tests {
		got, err := parseSizes(tt.in)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseSizes(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

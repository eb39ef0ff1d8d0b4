#!/usr/bin/env bash
# Runs the benchmarks of issue 6 on the machine at hand and draws the chart:
#
#   scripts/bench.sh                 (about as long as 3 full builds of 10 000 pages, and more)
#   COUNT=1 scripts/bench.sh         (a quick run: one run of each benchmark)
#
# Writes, from the repository root:
#   docs/bench/scale.txt     BenchmarkScaleBuild and BenchmarkScaleAsk (internal/search)
#   docs/bench/content.txt   the shipped-content benchmarks (LoadContent, Build, Ask)
#   docs/benchmarks.png      cmd/benchplot's chart of scale.txt
#
# Environment (all optional):
#   COUNT          runs of every benchmark; default 3 for scale, 5 for content
#   SCALE_COUNT    runs of the scale benchmarks (overrides COUNT)
#   CONTENT_COUNT  runs of the content benchmarks (overrides COUNT)
#   ASK_ITERS      questions per ScaleAsk run (default 2000)
#   CONTENT_BENCH  -bench pattern of the content benchmarks
#   SKIP_CONTENT=1 skip the content benchmarks
#   TIMEOUT        go test -timeout (default 60m: go test's 10m default is too
#                  short for three builds of the largest corpus)
#
# Not part of CI: it is slow and its figures depend on the machine. Both .txt
# files are in the benchfmt format, so benchstat can compare two of them.
set -euo pipefail

# Paths below are relative to the repository root, as go test's package
# arguments are.
cd "$(dirname "$0")/.."

scale_count=${SCALE_COUNT:-${COUNT:-3}}
content_count=${CONTENT_COUNT:-${COUNT:-5}}
ask_iters=${ASK_ITERS:-2000}
timeout=${TIMEOUT:-60m}
# Anchored so that the scale benchmarks (BenchmarkScaleBuild…) stay out: they
# have their own file. Sub-benchmarks (BenchmarkAsk/task…) still run.
content_bench=${CONTENT_BENCH:-'^Benchmark(LoadContent|Build|Ask)$'}

out_dir=docs/bench
scale=$out_dir/scale.txt
content=$out_dir/content.txt
png=docs/benchmarks.png
mkdir -p "$out_dir"

# header prints what the figures depend on as "key: value" lines: benchfmt
# (and so benchstat and cmd/benchplot) reads them as configuration and
# ignores them otherwise. Keys must be lower case without spaces.
header() {
	echo "go-version: $(go version)"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	if ! git diff --quiet HEAD 2>/dev/null; then
		# The figures are not those of the commit alone.
		echo "worktree: modified"
	fi
	echo "cpus: $(nproc 2>/dev/null || echo unknown)"
}

# Each file is written to a temporary file and moved into place only when
# every go test in it succeeded, so a failed or interrupted run leaves the
# previous results untouched rather than a truncated file.
tmp_scale=$(mktemp "$out_dir/.scale.XXXXXX")
tmp_content=$(mktemp "$out_dir/.content.XXXXXX")
trap 'rm -f "$tmp_scale" "$tmp_content"' EXIT
# mktemp creates its files readable by their owner only; results are for everyone.
chmod 644 "$tmp_scale" "$tmp_content"

echo "== scale benchmarks (count $scale_count) -> $scale"
header >"$tmp_scale"
# -run '^$' runs no test, only benchmarks. One build per run (-benchtime 1x):
# a build of the largest corpus takes seconds and is measured as a whole.
# tee shows progress; pipefail makes a failing go test stop the script.
go test -run '^$' -bench 'ScaleBuild' -benchtime 1x -count "$scale_count" -timeout "$timeout" ./internal/search | tee -a "$tmp_scale"
# A fixed number of questions per run so that p50/p99 rest on as many
# samples for every corpus size.
go test -run '^$' -bench 'ScaleAsk' -benchtime "${ask_iters}x" -count "$scale_count" -timeout "$timeout" ./internal/search | tee -a "$tmp_scale"
mv "$tmp_scale" "$scale"

if [ "${SKIP_CONTENT:-0}" != 1 ]; then
	echo "== shipped-content benchmarks (count $content_count) -> $content"
	header >"$tmp_content"
	go test -run '^$' -bench "$content_bench" -benchmem -count "$content_count" -timeout "$timeout" ./internal/gitbook ./internal/search | tee -a "$tmp_content"
	mv "$tmp_content" "$content"
fi

echo "== chart -> $png"
go run ./cmd/benchplot -in "$scale" -out "$png"

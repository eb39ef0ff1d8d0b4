package gitsync_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/contentgen"
	"github.com/rolebot/rolebot/internal/gitsync"
	"github.com/rolebot/rolebot/internal/gitsync/gitsynctest"
)

// BenchmarkFetch measures a first fetch (a clone into an empty data folder)
// and the fetch of a commit that changes one page, of a contentgen folder
// committed into a bare repository (file://). Besides time and allocations
// it reports the process's peak RSS during the fetches (VmHWM, reset before
// them through /proc/self/clear_refs) and the live heap after one.
func BenchmarkFetch(b *testing.B) {
	for _, pages := range []int{10, 10000} {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			remote := gitsynctest.New(b, "main")
			folder := contentgen.Folder(contentgen.Size{Pages: pages, Tasks: 40, Seed: 1})
			remote.CommitTree("contentgen", folder, "")
			page := ""
			for p := range folder {
				if p != "README.md" && p != "SUMMARY.md" {
					page = p
					break
				}
			}
			body := string(folder[page].Data)
			folder = nil
			ctx := context.Background()

			b.Run("clone", func(b *testing.B) {
				b.ReportAllocs()
				base := resetPeak(b)
				for b.Loop() {
					b.StopTimer()
					repo := newBenchRepo(b, remote.URL, "")
					b.StartTimer()
					if _, err := repo.Fetch(ctx); err != nil {
						b.Fatal(err)
					}
				}
				reportMemory(b, base)
			})
			// Over file:// go-git also plays the server, in this process;
			// over HTTP git http-backend does, as a real host's git would.
			httpURL := remote.ServeHTTP("jeton")
			for _, via := range []struct{ name, url string }{{"file", remote.URL}, {"http", httpURL}} {
				b.Run("one-page-changed/"+via.name, func(b *testing.B) {
					b.ReportAllocs()
					repo := newBenchRepo(b, via.url, "jeton")
					if _, err := repo.Fetch(ctx); err != nil {
						b.Fatal(err)
					}
					base := resetPeak(b)
					i := 0
					for b.Loop() {
						b.StopTimer()
						i++
						remote.Commit("edit", map[string]string{page: body + fmt.Sprintf("\nModifié %d fois.\n", i)})
						b.StartTimer()
						if _, err := repo.Fetch(ctx); err != nil {
							b.Fatal(err)
						}
					}
					reportMemory(b, base)
				})
			}
		})
	}
}

func newBenchRepo(b *testing.B, url, token string) *gitsync.Repo {
	r, err := gitsync.New(gitsync.Options{URL: url, Branch: "main", Dir: gitsync.DirFor(b.TempDir()), Token: token})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// resetPeak collects garbage, resets the peak RSS and returns the RSS then.
func resetPeak(b *testing.B) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("peak RSS not reset: %v", err)
	}
	return procStatus("VmRSS")
}

func reportMemory(b *testing.B, base int64) {
	b.StopTimer()
	peak := procStatus("VmHWM")
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(float64(base)/(1<<20), "base-RSS-MiB")
	}
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-after-MiB")
}

// procStatus reads a size in bytes from /proc/self/status; 0 if unknown.
func procStatus(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

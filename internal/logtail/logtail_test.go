package logtail

import (
	"strings"
	"sync"
	"testing"
)

func TestBuffer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		max    int
		writes []string
		want   string
	}{
		{"within", 8, []string{"ab", "cd"}, "abcd"},
		{"across writes", 4, []string{"ab", "cdef", "g"}, "defg"},
		{"one write longer", 3, []string{"abcdefgh"}, "fgh"},
		{"nothing", 4, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New(tc.max)
			for _, s := range tc.writes {
				if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			if got := b.String(); got != tc.want {
				t.Errorf("kept %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBufferConcurrent writes from several goroutines, as a child's stdout and stderr do: the
// buffer keeps max bytes of what was written (run with -race).
func TestBufferConcurrent(t *testing.T) {
	b := New(100)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				_, _ = b.Write([]byte("x"))
			}
		})
	}
	wg.Wait()
	if got := b.String(); got != strings.Repeat("x", 100) {
		t.Errorf("kept %d bytes, want 100", len(got))
	}
}

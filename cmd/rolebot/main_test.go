package main

import (
	"context"
	"strings"
	"testing"
)

// TestSubcommandFlags: every subcommand with flags exits 0 on -h, having written its usage,
// and 2 on a flag it does not know, having said which.
func TestSubcommandFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"serve"}, {"ask"}, {"check"}, {"roster", "export"}, {"report"}, {"feedback", "purge"}} {
		for _, tc := range []struct {
			flag, says string
			want       int
		}{
			{"-h", "Usage", 0},
			{"-pas-un-drapeau", "pas-un-drapeau", 2},
		} {
			var stdout, stderr lockedBuffer
			argv := append(append([]string{}, args...), tc.flag)
			if code := run(context.Background(), argv, strings.NewReader(""), &stdout, &stderr, getenvOf(nil)); code != tc.want {
				t.Errorf("rolebot %s exited %d, want %d", strings.Join(argv, " "), code, tc.want)
			}
			if !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("rolebot %s wrote %q, want %q in it", strings.Join(argv, " "), stderr.String(), tc.says)
			}
		}
	}
}

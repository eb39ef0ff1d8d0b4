package main

import (
	"bytes"
	"image/png"
	"testing"
)

// TestRender checks that render writes a PNG of the announced size, for the
// issue's example, for one size alone, and for figures beyond the targets.
func TestRender(t *testing.T) {
	overTargets := examplePoints()
	overTargets[2].heapMB = 900
	overTargets[2].p99US = 40000
	tests := []struct {
		name   string
		points []point
	}{
		{"issue example", examplePoints()},
		{"one size", examplePoints()[:1]},
		{"over the targets", overTargets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := render(&buf, tt.points); err != nil {
				t.Fatalf("render: %v", err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("not a valid PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != imageWidthPx || b.Dy() != imageHeightPx {
				t.Fatalf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), imageWidthPx, imageHeightPx)
			}
		})
	}
}

func TestRenderNoPoint(t *testing.T) {
	if err := render(&bytes.Buffer{}, nil); err == nil {
		t.Fatal("render(nil) succeeded, want an error")
	}
}

func TestGroupThousands(t *testing.T) {
	for n, want := range map[int]string{7: "7", 100: "100", 1000: "1 000", 10000: "10 000", 1234567: "1 234 567"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	var labels []string
	for _, tk := range (logTicks{}).Ticks(0.04, 12) {
		if tk.Value < 0.04 || tk.Value > 12 {
			t.Errorf("tick %v outside [0.04, 12]", tk.Value)
		}
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	want := []string{"0,05", "0,1", "0,2", "0,5", "1", "2", "5", "10"}
	if len(labels) != len(want) {
		t.Fatalf("labels %q, want %q", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("labels %q, want %q", labels, want)
		}
	}
}

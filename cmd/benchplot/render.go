package main

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Targets drawn as dashed horizontal lines (issue 6).
const (
	heapTargetMB    = 300 // heap in use after the build
	latencyTargetMS = 10  // latency of one question
)

// Size of the image, in pixels, at dpi dots per inch.
const (
	imageWidthPx  = 1500
	imageHeightPx = 500
	dpi           = 96
)

// render draws the three panels side by side (build time, heap, question
// latency against the number of role pages) and writes them to w as one PNG
// of imageWidthPx×imageHeightPx pixels. points must be sorted by pages and
// hold at least one point.
func render(w io.Writer, points []point) error {
	if len(points) == 0 {
		return errors.New("aucune mesure à dessiner")
	}
	build, err := buildPanel(points)
	if err != nil {
		return err
	}
	heap, err := heapPanel(points)
	if err != nil {
		return err
	}
	latency, err := latencyPanel(points)
	if err != nil {
		return err
	}

	px := func(n int) vg.Length { return vg.Length(n) * vg.Inch / dpi }
	img := vgimg.NewWith(vgimg.UseWH(px(imageWidthPx), px(imageHeightPx)), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	tiles := draw.Tiles{
		Rows: 1, Cols: 3,
		PadX:   vg.Millimeter * 12,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4,
	}
	plots := [][]*plot.Plot{{build, heap, latency}}
	canvases := plot.Align(plots, tiles, dc)
	for j, p := range plots[0] {
		p.Draw(canvases[0][j])
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("écriture du PNG : %w", err)
	}
	return nil
}

// buildPanel is panel (a): loading, indexing and their sum in seconds, on
// log-log axes, with a dotted line of linear growth through the smallest
// size's total so that a reader sees whether the build scales linearly (on
// log-log axes linear growth is a straight line of slope 1).
func buildPanel(points []point) (*plot.Plot, error) {
	p := newPanel("Construction de l'index", "temps (s)", points)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}

	first := points[0]
	total, load, index, linear := make(plotter.XYs, len(points)), make(plotter.XYs, len(points)), make(plotter.XYs, len(points)), make(plotter.XYs, len(points))
	for i, pt := range points {
		x := float64(pt.pages)
		total[i] = plotter.XY{X: x, Y: pt.buildSeconds()}
		load[i] = plotter.XY{X: x, Y: pt.loadMS / 1000}
		index[i] = plotter.XY{X: x, Y: pt.indexMS / 1000}
		linear[i] = plotter.XY{X: x, Y: first.buildSeconds() * x / float64(first.pages)}
	}
	ref, err := referenceLine(linear, dotted())
	if err != nil {
		return nil, err
	}
	p.Legend.Add("linéaire (réf.)", ref)
	for i, s := range []struct {
		xys   plotter.XYs
		label string
		width vg.Length
	}{
		{total, "total (chargement + indexation)", vg.Points(2.5)},
		{load, "chargement", vg.Points(1.5)},
		{index, "indexation", vg.Points(1.5)},
	} {
		if err := addSeries(p, i, s.xys, s.label, s.width); err != nil {
			return nil, err
		}
	}
	// Drawn last: where the build grows exactly linearly the dots stay
	// visible on top of the total.
	p.Add(ref)
	padLog(&p.Y, 1.5)
	return p, nil
}

// heapPanel is panel (b): heap in use after the build, in MB from zero, with
// the 300 MB target dashed.
func heapPanel(points []point) (*plot.Plot, error) {
	p := newPanel("Mémoire (tas) après construction", "tas en usage (Mo)", points)
	p.Y.Tick.Marker = frenchTicks{plot.DefaultTicks{}}
	heap := make(plotter.XYs, len(points))
	top := float64(heapTargetMB)
	for i, pt := range points {
		heap[i] = plotter.XY{X: float64(pt.pages), Y: pt.heapMB}
		top = math.Max(top, pt.heapMB)
	}
	p.Y.Min, p.Y.Max = 0, top*1.15
	target, err := referenceLine(horizontal(points, heapTargetMB), dashed())
	if err != nil {
		return nil, err
	}
	p.Add(target)
	p.Legend.Add(fmt.Sprintf("objectif %d Mo", heapTargetMB), target)
	if err := addSeries(p, 0, heap, "tas en usage", vg.Points(2)); err != nil {
		return nil, err
	}
	return p, nil
}

// latencyPanel is panel (c): p50 and p99 of one question in ms on a log
// scale, with the 10 ms target dashed.
func latencyPanel(points []point) (*plot.Plot, error) {
	p := newPanel("Latence d'une question", "latence (ms)", points)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
	p50, p99 := make(plotter.XYs, len(points)), make(plotter.XYs, len(points))
	for i, pt := range points {
		x := float64(pt.pages)
		p50[i] = plotter.XY{X: x, Y: pt.p50US / 1000}
		p99[i] = plotter.XY{X: x, Y: pt.p99US / 1000}
	}
	target, err := referenceLine(horizontal(points, latencyTargetMS), dashed())
	if err != nil {
		return nil, err
	}
	p.Add(target)
	p.Legend.Add(fmt.Sprintf("objectif %d ms", latencyTargetMS), target)
	if err := addSeries(p, 0, p50, "p50 (médiane)", vg.Points(2)); err != nil {
		return nil, err
	}
	if err := addSeries(p, 1, p99, "p99", vg.Points(2)); err != nil {
		return nil, err
	}
	// Leave room above the target line for the legend.
	padLog(&p.Y, 6)
	return p, nil
}

// newPanel returns a plot with a title, the y label, and the shared x axis:
// role pages on a log scale, one tick per measured size.
func newPanel(title, yLabel string, points []point) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "pages de rôles"
	p.Y.Label.Text = yLabel
	p.X.Scale = plot.LogScale{}
	ticks := make(plot.ConstantTicks, len(points))
	for i, pt := range points {
		ticks[i] = plot.Tick{Value: float64(pt.pages), Label: groupThousands(pt.pages)}
	}
	p.X.Tick.Marker = ticks
	// A little room on both sides of the extreme sizes on the log axis.
	p.X.Min = float64(points[0].pages) / 1.4
	p.X.Max = float64(points[len(points)-1].pages) * 1.4
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(6)
	p.Legend.YOffs = -vg.Points(4)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3)
	p.Legend.ThumbnailWidth = vg.Points(24)
	return p
}

// addSeries adds a measured series: a line with point markers, in the
// i-th color of plotutil's palette.
func addSeries(p *plot.Plot, i int, xys plotter.XYs, label string, width vg.Length) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("série %q : %w", label, err)
	}
	l.Color = plotutil.Color(i)
	l.Width = width
	s.Color = plotutil.Color(i)
	s.Shape = draw.CircleGlyph{}
	s.Radius = vg.Points(3)
	p.Add(l, s)
	p.Legend.Add(label, l, s)
	return nil
}

// referenceLine returns a grey dashed or dotted line (target or linear
// growth) through xys.
func referenceLine(xys plotter.XYs, dashes []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("ligne de référence : %w", err)
	}
	l.Color = color.Gray{Y: 0x50}
	l.Width = vg.Points(1.5)
	l.Dashes = dashes
	return l, nil
}

// padLog widens a log axis by factor above its data (room for the legend
// and the next labelled tick) and by 1.3 below.
func padLog(a *plot.Axis, factor float64) {
	a.Min /= 1.3
	a.Max *= factor
}

// horizontal returns a line at y spanning the x axis of newPanel.
func horizontal(points []point, y float64) plotter.XYs {
	return plotter.XYs{
		{X: float64(points[0].pages) / 1.4, Y: y},
		{X: float64(points[len(points)-1].pages) * 1.4, Y: y},
	}
}

// dashed is the dash pattern of target lines.
func dashed() []vg.Length { return []vg.Length{vg.Points(6), vg.Points(4)} }

// dotted is the dash pattern of the linear reference line.
func dotted() []vg.Length { return []vg.Length{vg.Points(1.5), vg.Points(3)} }

// groupThousands formats n with a space between groups of three digits, as
// French does: 10000 → "10 000".
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// frenchDecimal writes the decimal point of a tick label as a comma.
func frenchDecimal(label string) string { return strings.ReplaceAll(label, ".", ",") }

// frenchTicks wraps a Ticker and writes its labels with a decimal comma.
type frenchTicks struct{ plot.Ticker }

// Ticks returns the wrapped ticker's ticks with French labels.
func (t frenchTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := t.Ticker.Ticks(lo, hi)
	for i := range ticks {
		ticks[i].Label = frenchDecimal(ticks[i].Label)
	}
	return ticks
}

// logTicks marks a log axis at 1, 2 and 5 times each power of ten (labelled)
// and at the other integer multiples (unlabelled), with decimal commas.
// plot.LogTicks labels powers of ten only, too few when the range spans one or
// two decades.
type logTicks struct{}

// Ticks returns the ticks between lo and hi (both > 0).
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := int(math.Floor(math.Log10(lo))); e <= int(math.Ceil(math.Log10(hi))); e++ {
		for m := 1; m < 10; m++ {
			v := float64(m) * math.Pow10(e)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = frenchDecimal(strconv.FormatFloat(v, 'f', max(0, -e), 64))
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

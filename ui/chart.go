package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value float64
}

// BarChart draws labelled vertical bars with their values, in the theme's
// font so Chinese labels render.
type BarChart struct {
	widget.BaseWidget
	Bars  []Bar
	Color color.Color

	renderer *barRenderer // for labelOverlap
}

// NewBarChart returns a chart of bars.
func NewBarChart(bars []Bar) *BarChart {
	c := &BarChart{Bars: bars, Color: Brand}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer implements fyne.Widget.
func (c *BarChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{c: c}
	r.rebuild()
	c.renderer = r
	return r
}

type barRenderer struct {
	c       *BarChart
	objects []fyne.CanvasObject
	rects   []*canvas.Rectangle
	values  []*canvas.Text
	labels  [][labelLines]*canvas.Text // each label on up to two lines
	axis    *canvas.Line
}

// labelLines is how many lines a bar's label may take: "Professional
// knowledge" wraps under its bar instead of running into the next one.
const labelLines = 2

// minLabelSize is the smallest text a label shrinks to before it is cut
// short with "…".
const minLabelSize = 8

func (r *barRenderer) rebuild() {
	r.objects, r.rects, r.values, r.labels = nil, nil, nil, nil
	r.axis = canvas.NewLine(theme.Color(theme.ColorNameDisabled))
	r.objects = append(r.objects, r.axis)
	for _, b := range r.c.Bars {
		rect := canvas.NewRectangle(r.c.Color)
		val := canvas.NewText(numText(b.Value), theme.Color(theme.ColorNameForeground))
		val.TextSize = theme.CaptionTextSize()
		val.Alignment = fyne.TextAlignCenter
		r.rects = append(r.rects, rect)
		r.values = append(r.values, val)
		r.objects = append(r.objects, rect, val)
		var lines [labelLines]*canvas.Text
		for i := range lines {
			lines[i] = canvas.NewText("", theme.Color(theme.ColorNameForeground))
			lines[i].TextSize = theme.CaptionTextSize()
			lines[i].Alignment = fyne.TextAlignCenter
			r.objects = append(r.objects, lines[i])
		}
		r.labels = append(r.labels, lines)
	}
}

// fitLabel lays label out in at most labelLines lines no wider than width.
// A label with spaces ("Professional knowledge") wraps at them; one without
// ("非相关专业知识") stays on one line and shrinks; either shrinks down to
// minLabelSize, then breaks between characters, and what still does not fit
// ends in "…".
func fitLabel(label string, width float32) ([]string, float32) {
	spaced := strings.Contains(strings.TrimSpace(label), " ")
	for size := theme.CaptionTextSize(); size >= minLabelSize; size-- {
		measure := func(s string) float32 { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width }
		if measure(label) <= width {
			return []string{label}, size
		}
		if spaced {
			lines := wrapText(label, width, measure, false)
			fits := len(lines) <= labelLines
			for _, l := range lines {
				fits = fits && measure(l) <= width
			}
			if fits {
				return lines, size
			}
		}
	}
	size := float32(minLabelSize)
	measure := func(s string) float32 { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width }
	lines := wrapText(label, width, measure, true)
	if len(lines) > labelLines {
		lines = lines[:labelLines]
		last := []rune(lines[labelLines-1])
		for len(last) > 0 && measure(string(last)+"…") > width {
			last = last[:len(last)-1]
		}
		lines[labelLines-1] = string(last) + "…"
	}
	return lines, size
}

// wrapText breaks s into lines no wider than width at spaces; a word wider
// than width is cut between its characters when split is true, and left
// whole (too wide) otherwise.
func wrapText(s string, width float32, measure func(string) float32, split bool) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if measure(try) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		if !split {
			line = word
			continue
		}
		for _, r := range word { // too wide alone: break between characters
			if measure(line+string(r)) > width && line != "" {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

func (r *barRenderer) Layout(size fyne.Size) {
	n := len(r.c.Bars)
	if n == 0 {
		return
	}
	step := size.Width / float32(n)
	lineH := theme.CaptionTextSize() + 2
	fitted := make([][]string, n)
	sizes := make([]float32, n)
	rows := 1
	for i, b := range r.c.Bars {
		fitted[i], sizes[i] = fitLabel(b.Label, step-labelGap)
		rows = max(rows, len(fitted[i]))
	}
	labelH := float32(rows)*lineH + 4
	valueH := theme.CaptionTextSize() + 4
	plotH := size.Height - labelH - valueH
	top := 0.0
	for _, b := range r.c.Bars {
		top = max(top, b.Value)
	}
	if top == 0 {
		top = 1
	}
	bw := step * 0.5
	base := valueH + plotH
	r.axis.Position1 = fyne.NewPos(0, base)
	r.axis.Position2 = fyne.NewPos(size.Width, base)
	for i, b := range r.c.Bars {
		h := float32(b.Value/top) * plotH
		x := step*float32(i) + (step-bw)/2
		r.rects[i].Move(fyne.NewPos(x, base-h))
		r.rects[i].Resize(fyne.NewSize(bw, h))
		r.values[i].Move(fyne.NewPos(step*float32(i), base-h-valueH))
		r.values[i].Resize(fyne.NewSize(step, valueH))
		for j, line := range r.labels[i] {
			line.Text, line.TextSize = "", sizes[i]
			if j < len(fitted[i]) {
				line.Text = fitted[i][j]
			}
			line.Move(fyne.NewPos(step*float32(i), base+2+float32(j)*lineH))
			line.Resize(fyne.NewSize(step, lineH))
		}
	}
}

// labelGap keeps neighbouring labels apart.
const labelGap = 6

func (r *barRenderer) MinSize() fyne.Size {
	// Each bar needs room for the longest word of its label (the rest
	// wraps), and the chart room for two lines of labels.
	w := float32(0)
	for _, b := range r.c.Bars {
		longest := float32(0)
		for _, word := range strings.Fields(b.Label) {
			longest = max(longest, fyne.MeasureText(word, minLabelSize, fyne.TextStyle{}).Width)
		}
		w += min(longest, 90) + labelGap + 2
	}
	return fyne.NewSize(max(w, 160), 150+theme.CaptionTextSize()+2)
}

// labelOverlap names a laid-out label line that runs out of its bar's
// slot, and so into its neighbour's, or returns "" when none does.
func (c *BarChart) labelOverlap() string {
	r := c.renderer
	if r == nil || len(c.Bars) == 0 {
		return ""
	}
	step := c.Size().Width / float32(len(c.Bars))
	for i := range c.Bars {
		for _, t := range r.labels[i] {
			if t.Text == "" {
				continue
			}
			w := fyne.MeasureText(t.Text, t.TextSize, fyne.TextStyle{}).Width
			left := t.Position().X + (t.Size().Width-w)/2
			if left < step*float32(i) || left+w > step*float32(i+1) {
				return fmt.Sprintf("%q (%.0f wide) leaves its %.0f-wide slot", t.Text, w, step)
			}
		}
	}
	return ""
}

func (r *barRenderer) Refresh() {
	r.rebuild()
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *barRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *barRenderer) Destroy()                     {}

package ui

import (
	"image/color"

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
	return r
}

type barRenderer struct {
	c       *BarChart
	objects []fyne.CanvasObject
	rects   []*canvas.Rectangle
	values  []*canvas.Text
	labels  []*canvas.Text
	axis    *canvas.Line
}

func (r *barRenderer) rebuild() {
	r.objects, r.rects, r.values, r.labels = nil, nil, nil, nil
	r.axis = canvas.NewLine(theme.Color(theme.ColorNameDisabled))
	r.objects = append(r.objects, r.axis)
	for _, b := range r.c.Bars {
		rect := canvas.NewRectangle(r.c.Color)
		val := canvas.NewText(numText(b.Value), theme.Color(theme.ColorNameForeground))
		val.TextSize = theme.CaptionTextSize()
		val.Alignment = fyne.TextAlignCenter
		lab := canvas.NewText(b.Label, theme.Color(theme.ColorNameForeground))
		lab.TextSize = theme.CaptionTextSize()
		lab.Alignment = fyne.TextAlignCenter
		r.rects = append(r.rects, rect)
		r.values = append(r.values, val)
		r.labels = append(r.labels, lab)
		r.objects = append(r.objects, rect, val, lab)
	}
}

func (r *barRenderer) Layout(size fyne.Size) {
	n := len(r.c.Bars)
	if n == 0 {
		return
	}
	labelH := theme.CaptionTextSize() + 6
	valueH := theme.CaptionTextSize() + 4
	plotH := size.Height - labelH - valueH
	top := 0.0
	for _, b := range r.c.Bars {
		top = max(top, b.Value)
	}
	if top == 0 {
		top = 1
	}
	step := size.Width / float32(n)
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
		// A label wider than its slot gets smaller text rather than
		// running into its neighbour.
		size := theme.CaptionTextSize()
		if w := fyne.MeasureText(b.Label, size, fyne.TextStyle{}).Width; w > step-4 {
			size = max(7, size*(step-4)/w)
		}
		r.labels[i].TextSize = size
		r.labels[i].Move(fyne.NewPos(step*float32(i), base+2))
		r.labels[i].Resize(fyne.NewSize(step, labelH))
	}
}

func (r *barRenderer) MinSize() fyne.Size {
	w := float32(0)
	for _, l := range r.labels {
		w += l.MinSize().Width + 8
	}
	return fyne.NewSize(max(w, 160), 150)
}

func (r *barRenderer) Refresh() {
	r.rebuild()
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *barRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *barRenderer) Destroy()                     {}

package pdf

import "fmt"

// Charts are drawn with gofpdf's own lines and rectangles: sharp in print,
// with the document's CJK font for labels, and no image per page.

// Point is one labelled value of a chart.
type Point struct {
	Label string
	Value float64
}

// lineChart draws values as a line over labelled points in a box, with
// horizontal guide lines at the given marks (the grade boundaries).
func (d *doc) lineChart(x, y, w, h float64, pts []Point, lo, hi float64, marks []float64) {
	d.SetDrawColor(0xcc, 0xcc, 0xcc)
	d.SetLineWidth(0.2)
	d.Rect(x, y, w, h, "D")
	if len(pts) == 0 || hi <= lo {
		return
	}
	yOf := func(v float64) float64 { return y + h - (v-lo)/(hi-lo)*h }
	d.SetTextColor(0x88, 0x88, 0x88)
	d.SetDashPattern([]float64{1, 1}, 0)
	for _, m := range marks {
		d.Line(x, yOf(m), x+w, yOf(m))
		d.text(x-10, yOf(m)-1.6, 9, 7, "R", num(m))
	}
	d.SetDashPattern([]float64{}, 0)
	step := w / float64(len(pts))
	xOf := func(i int) float64 { return x + step*(float64(i)+0.5) }
	d.SetDrawColor(brandR, brandG, brandB)
	d.SetLineWidth(0.6)
	for i := 1; i < len(pts); i++ {
		d.Line(xOf(i-1), yOf(pts[i-1].Value), xOf(i), yOf(pts[i].Value))
	}
	d.SetFillColor(brandR, brandG, brandB)
	d.SetTextColor(0x22, 0x22, 0x22)
	for i, p := range pts {
		d.Circle(xOf(i), yOf(p.Value), 0.9, "F")
		d.text(xOf(i)-step/2, yOf(p.Value)-5.5, step, 7.5, "C", num(p.Value))
		d.text(xOf(i)-step/2, y+h+1.5, step, 7.5, "C", p.Label)
	}
	d.SetLineWidth(0.2)
	d.SetTextColor(0, 0, 0)
}

// barChart draws counts as vertical bars with their labels below.
func (d *doc) barChart(x, y, w, h float64, pts []Point) {
	d.SetDrawColor(0xcc, 0xcc, 0xcc)
	d.Line(x, y+h, x+w, y+h)
	top := 0.0
	total := 0.0
	for _, p := range pts {
		top = max(top, p.Value)
		total += p.Value
	}
	if top == 0 {
		top = 1
	}
	step := w / float64(len(pts))
	bw := step * 0.55
	d.SetFillColor(brandR, brandG, brandB)
	for i, p := range pts {
		bh := p.Value / top * (h - 8)
		bx := x + step*float64(i) + (step-bw)/2
		d.Rect(bx, y+h-bh, bw, bh, "F")
		share := ""
		if total > 0 {
			share = fmt.Sprintf(" (%.0f%%)", p.Value/total*100)
		}
		d.text(x+step*float64(i), y+h-bh-5, step, 8.5, "C", num(p.Value)+share)
		d.text(x+step*float64(i), y+h+1.5, step, 9, "C", p.Label)
	}
}

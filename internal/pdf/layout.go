package pdf

import (
	"fmt"
	"strings"
)

// Shared parts of the portrait documents: margins, title, page footer and
// tables whose rows never split across pages.

const (
	marginX    = 15.0
	marginTop  = 15.0
	marginBot  = 18.0
	pageW      = 210.0
	pageH      = 297.0
	contentW   = pageW - 2*marginX
	rowH       = 7.0
	brandR     = 0xb7
	brandG     = 0x1c
	brandB     = 0x1c
	footerSize = 8.0
)

var (
	pageOf = lbl("第 %d 页 / 共 {nb} 页", "Page %d of {nb}")
)

// portraitSetup sets margins and the "第 N 页 / 共 M 页" footer.
func (d *doc) portraitSetup(footer string) {
	d.SetMargins(marginX, marginTop, marginX)
	d.SetAutoPageBreak(false, marginBot)
	d.AliasNbPages("{nb}")
	d.SetFooterFunc(func() {
		d.SetTextColor(0x66, 0x66, 0x66)
		d.text(marginX, pageH-12, contentW/2, footerSize, "L", footer)
		d.text(marginX+contentW/2, pageH-12, contentW/2, footerSize, "R", fmt.Sprintf(d.t(pageOf), d.PageNo()))
		d.SetTextColor(0, 0, 0)
	})
	d.note(pageOf.Zh + pageOf.En + "0123456789")
}

// title writes a document title and subtitle at the top of the page.
func (d *doc) title(title, subtitle string) {
	d.SetTextColor(brandR, brandG, brandB)
	d.text(marginX, marginTop, contentW, 20, "C", title)
	d.SetTextColor(0x44, 0x44, 0x44)
	d.text(marginX, marginTop+12, contentW, 10, "C", subtitle)
	d.SetTextColor(0, 0, 0)
	d.SetDrawColor(brandR, brandG, brandB)
	d.SetLineWidth(0.6)
	d.Line(marginX, marginTop+19, pageW-marginX, marginTop+19)
	d.SetLineWidth(0.2)
	d.SetDrawColor(0x88, 0x88, 0x88)
	d.SetY(marginTop + 23)
}

// heading writes a section heading.
func (d *doc) heading(s string) {
	d.need(rowH * 2.5)
	d.SetFontSize(12)
	d.SetTextColor(brandR, brandG, brandB)
	d.SetX(marginX)
	d.CellFormat(contentW, 8, d.note(s), "", 2, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.SetFontSize(10)
}

// need starts a new page unless h millimetres fit on this one; it returns
// whether it did.
func (d *doc) need(h float64) bool {
	if d.GetY()+h <= pageH-marginBot {
		return false
	}
	d.AddPage()
	d.SetY(marginTop)
	return true
}

// column of a table; a width of 0 shares what the others leave.
type column struct {
	title string
	w     float64 // mm
	align string
}

// table draws a header row and rows; a row that does not fit goes whole to
// the next page, which repeats the header.
func (d *doc) table(cols []column, rows [][]string, fill func(row int) bool) {
	widths := make([]float64, len(cols))
	used, rest := 0.0, 0
	for i, c := range cols {
		widths[i] = c.w
		used += c.w
		if c.w == 0 {
			rest++
		}
	}
	for i := range widths {
		if widths[i] == 0 {
			widths[i] = (contentW - used) / float64(rest)
		}
	}
	header := func() {
		// Header titles wrap like cells, so a long one never runs into the next.
		d.SetFontSize(9.5)
		d.SetFillColor(0xf3, 0xe5, 0xe5)
		lines := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			lines[i] = d.lines(c.title, widths[i]-2)
			n = max(n, len(lines[i]))
		}
		h := max(rowH, float64(n)*5)
		y, x := d.GetY(), marginX
		for i := range cols {
			d.Rect(x, y, widths[i], h, "FD")
			top := y + (h-float64(len(lines[i]))*5)/2
			for k, l := range lines[i] {
				d.SetXY(x+1, top+float64(k)*5)
				d.CellFormat(widths[i]-2, 5, d.note(l), "", 0, "C", false, 0, "")
			}
			x += widths[i]
		}
		d.SetXY(marginX, y+h)
	}
	d.need(rowH * 2)
	header()
	d.SetFontSize(9.5)
	for r, row := range rows {
		// Cells wrap; the row is as tall as its tallest cell.
		lines := make([][]string, len(row))
		n := 1
		for i, s := range row {
			lines[i] = d.lines(s, widths[i]-2)
			n = max(n, len(lines[i]))
		}
		h := float64(n) * 5.5
		if h < rowH {
			h = rowH
		}
		if d.need(h) {
			header()
			d.SetFontSize(9.5)
		}
		y := d.GetY()
		x := marginX
		shade := fill != nil && fill(r)
		d.SetFillColor(0xfa, 0xf5, 0xf5)
		for i, c := range cols {
			style := "D"
			if shade {
				style = "FD"
			}
			d.Rect(x, y, widths[i], h, style)
			top := y + (h-float64(len(lines[i]))*5.5)/2
			for k, l := range lines[i] {
				d.SetXY(x+1, top+float64(k)*5.5)
				d.CellFormat(widths[i]-2, 5.5, d.note(l), "", 0, c.align, false, 0, "")
			}
			x += widths[i]
		}
		d.SetXY(marginX, y+h)
	}
	d.Ln(3)
}

// pairs draws label/value pairs two to a row.
func (d *doc) pairs(kv [][2]string) {
	d.SetFontSize(10)
	lw, vw := 24.0, contentW/2-24
	for i := 0; i < len(kv); i += 2 {
		d.need(rowH)
		d.SetX(marginX)
		for j := i; j < i+2 && j < len(kv); j++ {
			d.SetFillColor(0xf5, 0xf5, 0xf5)
			d.cell(lw, rowH, kv[j][0], "C", true)
			d.cell(vw, rowH, kv[j][1], "L", false)
		}
		d.Ln(-1)
	}
	d.Ln(3)
}

// signatures draws signature lines.
func (d *doc) signatures(labels ...string) {
	d.need(22)
	d.Ln(8)
	y := d.GetY()
	w := contentW / float64(len(labels))
	for i, l := range labels {
		x := marginX + float64(i)*w
		d.text(x, y, w, 10, "L", l)
		d.Line(x+2, y+12, x+w-6, y+12)
	}
	d.SetY(y + 16)
}

func pct(rate float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", rate*100)
}

func num(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.2f", v)
}

// thousands writes an integer with thousands separators: 1,260,000.
func thousands(v int64) string {
	s := fmt.Sprint(v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

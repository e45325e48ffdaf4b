package pdf

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// qr draws a QR code of content as vector squares in a size×size box at
// (x, y): crisp at any print resolution, and cheaper than a PNG per page.
func (d *doc) qr(content string, x, y, size float64) error {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := float64(len(bm))
	m := size / n
	d.SetFillColor(0, 0, 0)
	for r, row := range bm {
		// one rectangle per run of dark modules
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			d.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m, m, "F")
		}
	}
	return nil
}

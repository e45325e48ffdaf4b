package ui

import (
	"bytes"
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// waitShared waits for the painter's styles to share the regular face
// (the test driver empties the font cache on a goroutine after a theme is
// set, and faceParsed puts the shared faces back shortly after).
func waitShared(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !facesShared(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("bold/italic text has a parsed face of its own: the painter's font cache is not shared " +
				"(a Fyne upgrade may have changed internal/painter's fontCache; see ui/fontshare.go)")
		}
	}
}

// render draws a label of s in style on a window of its own.
func render(s string, style fyne.TextStyle) image.Image {
	w := test.NewWindow(container.NewVBox(widget.NewLabelWithStyle(s, fyne.TextAlignLeading, style)))
	defer w.Close()
	w.Resize(fyne.NewSize(320, 60))
	return w.Canvas().Capture()
}

func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				n++
			}
		}
	}
	return n
}

func pixels(img image.Image) []byte {
	var buf bytes.Buffer
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			buf.Write([]byte{byte(r >> 8), byte(g >> 8), byte(bl >> 8), byte(a >> 8)})
		}
	}
	return buf.Bytes()
}

// TestFontFacesShared: the window parses the bundled CJK font once for
// regular, bold and italic text (16.6 MB a parse), again after a change of
// settings empties Fyne's font cache, and bold Chinese still draws: the
// same glyphs as regular text (the font has one weight; Fyne synthesises no
// bold), not boxes.
func TestFontFacesShared(t *testing.T) {
	w, _, _ := demoWindow(t)
	openAll(w)
	waitShared(t)

	const s = "客户经理考核 堃喆玥 D001"
	regular, bold := render(s, fyne.TextStyle{}), render(s, fyne.TextStyle{Bold: true})
	waitShared(t) // the bold label asked for no face of its own
	if inked(regular) < 200 {
		t.Fatalf("the Chinese label drew %d dark pixels", inked(regular))
	}
	if !bytes.Equal(pixels(regular), pixels(bold)) {
		t.Error("bold text draws other glyphs than regular text")
	}
	boxes := render("口口口口口口 口口口 口口口口", fyne.TextStyle{})
	if bytes.Equal(pixels(boxes), pixels(regular)) {
		t.Error("the Chinese label draws like a row of boxes")
	}

	// A change of settings (here: the theme set again) empties the cache.
	w.p.App.Settings().SetTheme(NewTheme())
	time.Sleep(50 * time.Millisecond)
	render(s, fyne.TextStyle{})
	render(s, fyne.TextStyle{Bold: true, Italic: true})
	waitShared(t)
}

package pdf

import (
	"bytes"
	"testing"

	"kaohe/internal/kaohe"
)

func TestCutFontRendersAndFallsBack(t *testing.T) {
	f, err := CutFont("张喆王堃李玥等级证书")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.data) > len(FullFont().data)/20 {
		t.Errorf("cut font is %d bytes; want far below the full font", len(f.data))
	}
	draw := func(s string) func(d *doc) error {
		return func(d *doc) error {
			d.AddPage()
			d.text(20, 20, 100, 14, "L", s)
			return nil
		}
	}
	var b bytes.Buffer
	if err := render(&b, f, portrait, kaohe.LangZh, draw("张喆 王堃 2026年")); err != nil {
		t.Fatal(err)
	}
	if got := pdfText(t, b.Bytes()); !contains(got, "张喆 王堃 2026年") {
		t.Errorf("text = %q", got)
	}
	// A character outside the cut: drawn again with the full font, not lost.
	b.Reset()
	if err := render(&b, f, portrait, kaohe.LangZh, draw("欧阳翀")); err != nil {
		t.Fatal(err)
	}
	if got := pdfText(t, b.Bytes()); !contains(got, "欧阳翀") {
		t.Errorf("fallback text = %q", got)
	}
}

package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"kaohe/internal/kaohe"
)

// doc wraps a gofpdf document: every text goes through it, so it knows which
// characters the document draws.
type doc struct {
	*gofpdf.Fpdf
	lang kaohe.Lang
	used map[rune]bool
}

// Page setups.
const (
	portrait  = "P"
	landscape = "L"
)

func newDoc(font *Font, orientation string, lang kaohe.Lang) *doc {
	f := gofpdf.New(orientation, "mm", "A4", "")
	f.SetCompression(true)
	f.AddUTF8FontFromBytes(fontFamily, "", font.data)
	f.SetFont(fontFamily, "", 11)
	f.SetCreator("客户经理考核 Kaohe", true)
	f.SetAutoPageBreak(false, 15)
	if lang == "" {
		lang = kaohe.LangZh
	}
	return &doc{Fpdf: f, lang: lang, used: map[rune]bool{}}
}

// render draws a document with font and writes it to w; if it drew a
// character the font lacks, it is drawn again with the full font.
func render(w io.Writer, font *Font, orientation string, lang kaohe.Lang, draw func(d *doc) error) error {
	if font == nil {
		font = FullFont()
	}
	d := newDoc(font, orientation, lang)
	if err := draw(d); err != nil {
		return err
	}
	if !font.covers(d.used) {
		d = newDoc(FullFont(), orientation, lang)
		if err := draw(d); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func (d *doc) note(s string) string {
	for _, r := range s {
		if r >= 0x20 && r != utf8.RuneError {
			d.used[r] = true
		}
	}
	return s
}

// gap separates parts of a heading: an ideographic space in Chinese, two
// plain spaces in English.
func (d *doc) gap() string {
	if d.lang == kaohe.LangEn {
		return "  "
	}
	return "　"
}

// t picks the text of the document's language.
func (d *doc) t(t kaohe.Text) string { return t.In(d.lang) }

// date formats a day in the document's language.
func (d *doc) date(v kaohe.Date) string {
	if d.lang == kaohe.LangEn {
		return v.String()
	}
	return v.Chinese()
}

// text writes s at (x, y) in the given size, aligned in a box of width w
// ("L", "C" or "R").
func (d *doc) text(x, y, w float64, size float64, align, s string) {
	d.SetFontSize(size)
	d.SetXY(x, y)
	d.CellFormat(w, size*0.45, d.note(s), "", 0, align, false, 0, "")
}

// cell writes a table cell with a border. Text wider than the cell (an
// English level or template name) is set smaller, down to 60 %, rather than
// running over the border.
func (d *doc) cell(w, h float64, s, align string, fill bool) {
	s = d.note(s)
	room := w - 2*d.GetCellMargin()
	if sw := d.GetStringWidth(s); sw > room && room > 0 {
		size, _ := d.GetFontSize()
		d.SetFontSize(max(size*0.6, size*room/sw))
		defer d.SetFontSize(size)
	}
	d.CellFormat(w, h, s, "1", 0, align, fill, 0, "")
}

// lines splits s into the lines that fit width w at the current font size,
// breaking anywhere between Chinese characters and at spaces in Latin text,
// keeping paragraph breaks.
func (d *doc) lines(s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line := []rune{}
		lastSpace := -1
		for _, r := range para {
			line = append(line, r)
			if r == ' ' {
				lastSpace = len(line) - 1
			}
			if d.GetStringWidth(string(line)) <= w {
				continue
			}
			// Too wide: break at the last space if the overflow is a Latin
			// word, else before this character.
			cut := len(line) - 1
			if r < 0x2E80 && lastSpace > 0 {
				cut = lastSpace + 1
			}
			if isClosingPunct(r) && cut > 1 {
				cut-- // keep closing punctuation off the start of a line
			}
			out = append(out, strings.TrimRight(string(line[:cut]), " "))
			line = append([]rune{}, line[cut:]...)
			lastSpace = -1
		}
		out = append(out, string(line))
	}
	return out
}

func isClosingPunct(r rune) bool {
	return strings.ContainsRune("，。、；：？！”’）》】…,.;:?!)", r)
}

// paragraph writes s wrapped to width w from the current position, with line
// height h, breaking pages as needed; onNewPage draws a new page's header.
func (d *doc) paragraph(s string, w, h float64, onNewPage func()) {
	x := d.GetX()
	_, pageH := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	for _, line := range d.lines(s, w) {
		if d.GetY()+h > pageH-bottom {
			onNewPage()
			d.SetX(x)
		}
		d.CellFormat(w, h, d.note(line), "", 2, "L", false, 0, "")
		d.SetX(x)
	}
}

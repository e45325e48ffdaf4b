// Package pdf renders the printed documents (certificate, assessment report,
// showroom summary, application form) with gofpdf, which stays inside this
// package. Every document embeds a subset of the bundled CJK font.
package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

const fontFamily = "wqy"

// Font is the TrueType font documents are set in: the bundled font, or a
// cut of it holding only the characters of a batch. gofpdf parses the font
// when a document starts and subsets it when the document is written; with
// the 4.6 MB font that costs about 20 ms a file, with a batch cut well under
// one. A document that draws a character its font lacks is drawn again with
// the full font, so a cut can cost speed but never lose text.
type Font struct {
	data  []byte
	runes map[rune]bool // nil: every character of the full font
}

// FullFont is the bundled font.
func FullFont() *Font { return &Font{data: assets.Font} }

// baseRunes are always in a cut: printable ASCII and the common Chinese
// punctuation and digits, so numbers, codes and dates never depend on the
// texts handed in.
const baseRunes = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~" +
	"，。、；：？！“”‘’（）《》【】—…·％￥　年月日第页共一二三四五六七八九十零百千万元级"

// labels are every fixed text the documents print, registered by lbl.
var labels []string

// lbl declares a document label in both languages.
func lbl(zh, en string) kaohe.Text {
	labels = append(labels, zh, en)
	return kaohe.Text{Zh: zh, En: en}
}

// CutFontFor returns a font cut to what documents of the given data can
// print: every label, the base set, and every string in data (printed with
// fmt, which reaches the strings inside structs and slices).
func CutFontFor(data ...any) (*Font, error) {
	return CutFont(fmt.Sprint(data...))
}

// CutFont returns a font holding the characters of texts, every label and
// the base set, cut from the bundled font once, for a batch of documents.
func CutFont(texts ...string) (*Font, error) {
	set := map[rune]bool{}
	add := func(s string) {
		for _, r := range s {
			if r >= 0x20 && r != utf8.RuneError {
				set[r] = true
			}
		}
	}
	add(baseRunes)
	for _, t := range labels {
		add(t)
	}
	for _, t := range texts {
		add(t)
	}
	runes := make([]rune, 0, len(set))
	for r := range set {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	data, err := cut(runes)
	if err != nil {
		return nil, err
	}
	return &Font{data: data, runes: set}, nil
}

// cut asks gofpdf to subset the bundled font to runes (by writing a
// throwaway document that uses them all) and takes the TrueType program it
// embeds: gofpdf's subsetter writes a complete font with its own cmap, which
// gofpdf can load again.
func cut(runes []rune) ([]byte, error) {
	f := gofpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontFamily, "", assets.Font)
	f.AddPage()
	f.SetFont(fontFamily, "", 10)
	for i := 0; i < len(runes); i += 200 {
		f.Cell(0, 5, string(runes[i:min(i+200, len(runes))]))
		f.Ln(5)
	}
	var pdf bytes.Buffer
	if err := f.Output(&pdf); err != nil {
		return nil, fmt.Errorf("cut font: %w", err)
	}
	return embeddedFont(pdf.Bytes())
}

// embeddedFont finds the one FontFile2 stream gofpdf writes
// ("<</Length L\n/Filter /FlateDecode\n/Length1 N\n>>\nstream\n…") and inflates it.
func embeddedFont(pdf []byte) ([]byte, error) {
	i := bytes.Index(pdf, []byte("/Length1 "))
	if i < 0 {
		return nil, errors.New("cut font: no embedded font in the document")
	}
	start := bytes.LastIndex(pdf[:i], []byte("<</Length "))
	if start < 0 {
		return nil, errors.New("cut font: no stream length")
	}
	length, err := number(pdf[start+len("<</Length "):])
	if err != nil {
		return nil, err
	}
	length1, err := number(pdf[i+len("/Length1 "):])
	if err != nil {
		return nil, err
	}
	s := bytes.Index(pdf[i:], []byte("stream\n"))
	if s < 0 {
		return nil, errors.New("cut font: no stream")
	}
	s += i + len("stream\n")
	if s+length > len(pdf) {
		return nil, errors.New("cut font: stream runs past the end")
	}
	zr, err := zlib.NewReader(bytes.NewReader(pdf[s : s+length]))
	if err != nil {
		return nil, fmt.Errorf("cut font: %w", err)
	}
	font, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("cut font: %w", err)
	}
	if len(font) != length1 {
		return nil, fmt.Errorf("cut font: %d bytes, want %d", len(font), length1)
	}
	return font, nil
}

func number(b []byte) (int, error) {
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	return strconv.Atoi(string(b[:n]))
}

// covers reports whether the font has every rune of used.
func (f *Font) covers(used map[rune]bool) bool {
	if f.runes == nil {
		return true
	}
	for r := range used {
		if !f.runes[r] {
			return false
		}
	}
	return true
}

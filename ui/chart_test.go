package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

func TestFitLabel(t *testing.T) {
	for _, tc := range []struct {
		label string
		width float32
		lines int
		cut   bool
	}{
		{"Skills", 70, 1, false},
		{"Professional knowledge", 70, 2, false},
		{"非相关专业知识", 60, 1, false}, // shrinks rather than wrapping one character
		{"Non-related knowledge and other very long words", 40, 2, true},
		{"一二三四五六七八九十一二三四五六七八九十", 30, 2, true},
	} {
		lines, size := fitLabel(tc.label, tc.width)
		if len(lines) != tc.lines {
			t.Errorf("fitLabel(%q, %v) = %q; want %d lines", tc.label, tc.width, lines, tc.lines)
		}
		for _, l := range lines {
			if w := fyne.MeasureText(l, size, fyne.TextStyle{}).Width; w > tc.width {
				t.Errorf("fitLabel(%q, %v): line %q is %v wide at %v", tc.label, tc.width, l, w, size)
			}
		}
		if cut := strings.HasSuffix(lines[len(lines)-1], "…"); cut != tc.cut {
			t.Errorf("fitLabel(%q, %v) = %q; cut short %v, want %v", tc.label, tc.width, lines, cut, tc.cut)
		}
	}
}

package ui

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// picker is what every Select in the window offers, plain or typed.
type picker interface {
	fyne.Widget
	fyne.Tappable
	fyne.Focusable
	SelectedIndex() int
	Disabled() bool
}

// shownText is what a picker draws in its box, read from the renderer of
// the object that is in the window (the one a person sees).
func shownText(o fyne.CanvasObject) string {
	for _, x := range test.LaidOutObjects(o) {
		if r, ok := x.(*widget.RichText); ok {
			return r.String()
		}
	}
	return ""
}

// openMenu is the pop-up menu shown on c, if any.
func openMenu(c fyne.Canvas) *widget.PopUpMenu {
	top := c.Overlays().Top()
	if top == nil {
		return nil
	}
	for _, o := range test.LaidOutObjects(top) {
		if m, ok := o.(*widget.PopUpMenu); ok && m.Visible() {
			return m
		}
	}
	return nil
}

// menuItems are the tappable rows of an open menu with their texts.
func menuItems(m *widget.PopUpMenu) (items []fyne.Tappable, texts []string) {
	for _, o := range test.LaidOutObjects(m) {
		tp, ok := o.(fyne.Tappable)
		if !ok || o == fyne.CanvasObject(m) {
			continue
		}
		if _, isMenu := o.(*widget.Menu); isMenu {
			continue
		}
		for _, x := range test.LaidOutObjects(o) {
			if t, ok := x.(*canvas.Text); ok && t.Text != "" {
				items, texts = append(items, tp), append(texts, t.Text)
				break
			}
		}
	}
	return items, texts
}

// clickPicker taps p as a person does, checks its list opens under the box
// and lists its choices, taps choice i and checks the box shows it. It
// returns the chosen text ("" when the picker has no choice or is disabled).
func clickPicker(t *testing.T, c fyne.Canvas, p picker, i int) string {
	t.Helper()
	if p.Disabled() || !p.Visible() {
		return ""
	}
	test.Tap(p)
	m := openMenu(c)
	if m == nil {
		t.Errorf("tapping the picker showing %q opened no list", shownText(p))
		return ""
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p)
	if want := pos.Y + p.Size().Height; math.Abs(float64(m.Position().Y-want)) > 8 && m.Position().Y+m.Size().Height < c.Size().Height-1 {
		t.Errorf("the list of the picker showing %q opened at y=%v, not under its box (y=%v): Fyne cannot find the tapped widget", shownText(p), m.Position().Y, want)
	}
	items, texts := menuItems(m)
	if len(items) == 0 {
		m.Hide()
		return ""
	}
	i = i % len(items)
	test.Tap(items[i])
	if openMenu(c) != nil {
		t.Errorf("choosing %q left the list open", texts[i])
		c.Overlays().Top().Hide()
	}
	if got := shownText(p); got != texts[i] {
		t.Errorf("chose %q from the list; the box shows %q", texts[i], got)
	}
	return texts[i]
}

func TestSelectOfOpensAndShowsTheChoice(t *testing.T) {
	test.NewTempApp(t)
	s := newSelectOf([]int{1, 2, 3}, func(v int) string { return []string{"", "一", "二", "三"}[v] }, nil)
	w := test.NewTempWindow(t, container.NewVBox(widget.NewLabel("above"), widget.NewLabel("above"), s))
	w.Resize(fyne.NewSize(300, 400))

	if got := clickPicker(t, w.Canvas(), s, 1); got != "二" {
		t.Fatalf("chose %q; want 二", got)
	}
	if v, ok := s.Value(); !ok || v != 2 {
		t.Errorf("Value() = %v, %v; want 2", v, ok)
	}
	// Set from code and from the keyboard: the box follows.
	s.Set(3)
	if got := shownText(s); got != "三" {
		t.Errorf("after Set(3) the box shows %q; want 三", got)
	}
	w.Canvas().Focus(s)
	s.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if v, _ := s.Value(); v != 1 || shownText(s) != "一" {
		t.Errorf("after → the value is %v and the box shows %q; want 1 and 一", v, shownText(s))
	}
	s.refill([]int{2, 3}, func(v int) string { return []string{"", "一", "二", "三"}[v] }, true)
	if got := shownText(s); got != "二" {
		t.Errorf("after refill the box shows %q; want 二", got)
	}
}

func TestBreakLines(t *testing.T) {
	test.NewTempApp(t)
	for _, msg := range []string{
		"提交后，D003 姚洋「2026年下半年」的考核（总分 89，良好）即成定稿：各项得分、评语和考核人都不能再修改，结果计入绩效系数。确定提交？",
		"Once submitted, the assessment of D003 Yao Yang for 2026 H2 (total 89, Good) is final: scores, comment and assessor can no longer be changed. Submit?",
		"short",
		"a\nb",
	} {
		got := breakLines(msg, 300)
		for _, line := range strings.Split(got, "\n") {
			if w := fyne.MeasureText(line, theme.TextSize(), fyne.TextStyle{}).Width; w > 300 {
				t.Errorf("line %q is %.0f wide", line, w)
			}
		}
		squash := func(s string) string { return strings.NewReplacer("\n", "", " ", "").Replace(s) }
		if squash(got) != squash(msg) {
			t.Errorf("breakLines lost text:\n%s\n%s", got, msg)
		}
	}
	if got := breakLines("one two three", 1000); got != "one two three" {
		t.Errorf("a short line was broken: %q", got)
	}
}

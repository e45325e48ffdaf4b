package ui

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
)

// The clicking test: every tab, picker, button and check box of every
// screen is tapped as a person would, in both languages, at a showroom and
// in HQ mode. It fails when a tap panics, when a dialog it opened cannot be
// closed with its own buttons, when a picker does not open under its box or
// does not show what was chosen, and when the window outgrows the screen.

// clicker drives one window.
type clicker struct {
	t    *testing.T
	w    *Window
	name string // language and mode, for messages
	taps int
}

// textOf is the first text drawn inside o (a button's or a tab's label).
func textOf(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Button:
		return x.Text
	case *widget.Check:
		return x.Text
	}
	for _, x := range test.LaidOutObjects(o) {
		switch v := x.(type) {
		case *canvas.Text:
			if v.Text != "" {
				return v.Text
			}
		case *widget.RichText:
			if s := v.String(); s != "" {
				return s
			}
		}
	}
	return ""
}

// safely runs f and reports a panic as a failure naming what was tapped.
func (c *clicker) safely(what string, f func()) (ok bool) {
	c.t.Helper()
	defer func() {
		if r := recover(); r != nil {
			c.t.Errorf("%s: tapping %s panicked: %v\n%s", c.name, what, r, debug.Stack())
			ok = false
		}
	}()
	c.taps++
	f()
	c.w.Wait() // what the tap started in the background has reached the screen
	return true
}

// closeDialogs closes every overlay opened since there were `before`, with
// the dialog's own dismiss button, and fails when one cannot be closed.
func (c *clicker) closeDialogs(what string, before int) {
	c.t.Helper()
	cv := c.w.Canvas()
	dismiss := map[string]bool{}
	for _, k := range []string{"Cancel", "No", "OK", "Close", "Dismiss"} {
		dismiss[k], dismiss[T(k)] = true, true
	}
	for tries := 0; len(cv.Overlays().List()) > before; tries++ {
		top := cv.Overlays().Top()
		if m := openMenu(cv); m != nil {
			m.Hide()
			continue
		}
		var btn *widget.Button
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Visible() && !b.Disabled() && dismiss[b.Text] {
				btn = b // the last one: a dialog's own buttons come after its content's
			}
		}
		if btn == nil || tries > 5 {
			c.t.Errorf("%s: the dialog opened by %s cannot be closed (texts: %s)", c.name, what, strings.Join(texts(top), " | "))
			top.Hide()
			cv.Overlays().Remove(top)
			continue
		}
		c.safely(fmt.Sprintf("%q in the dialog opened by %s", btn.Text, what), func() { test.Tap(btn) })
	}
}

// texts lists the labels inside o, for failure messages.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Text != "" && len(out) < 8 {
			out = append(out, l.Text)
		}
	}
	return out
}

// controls lists the tappable controls of a screen, sub-tabs' buttons
// included.
func controls(o fyne.CanvasObject) []fyne.CanvasObject {
	var out, last []fyne.CanvasObject // radio items last: the language switch rebuilds the window
	for _, x := range test.LaidOutObjects(o) {
		if !x.Visible() {
			continue
		}
		switch x.(type) {
		case picker:
			out = append(out, x)
		case *widget.Button, *widget.Check, *widget.List, *widget.Table:
			out = append(out, x)
		default:
			if isInner(x, "tabButton") {
				out = append(out, x)
			} else if isInner(x, "radioItem") {
				last = append(last, x)
			}
		}
	}
	return append(out, last...)
}

// isInner is true for Fyne's unexported tappable parts of a widget: the
// buttons of container tabs, the items of a radio group.
func isInner(o fyne.CanvasObject, kind string) bool {
	_, tappable := o.(fyne.Tappable)
	return tappable && strings.HasSuffix(fmt.Sprintf("%T", o), kind)
}

// key names a control for messages and for not tapping it twice.
func key(o fyne.CanvasObject) string {
	kind := strings.TrimPrefix(fmt.Sprintf("%T", o), "*")
	return kind + " " + fmt.Sprintf("%q", textOf(o))
}

// tapControl taps one control and cleans up after it.
func (c *clicker) tapControl(screen string, o fyne.CanvasObject, n int) {
	c.t.Helper()
	cv := c.w.Canvas()
	what := fmt.Sprintf("%s on %s", key(o), screen)
	before := len(cv.Overlays().List())
	switch v := o.(type) {
	case picker:
		if v.Disabled() {
			return
		}
		c.safely(what, func() { clickPicker(c.t, cv, v, n) })
	case *widget.Button:
		if v.Disabled() {
			return
		}
		c.safely(what, func() { test.Tap(v) })
	case *widget.Check:
		if v.Disabled() {
			return
		}
		c.safely(what, func() { test.Tap(v) })
	case *widget.List: // rows are not buttons: choose the first as a click would
		if v.Length() > 0 {
			c.safely(what, func() { v.Select(0) })
		}
	case *widget.Table:
		if r, _ := v.Length(); r > 0 {
			c.safely(what, func() { v.Select(widget.TableCellID{Row: 0, Col: 0}) })
		}
	default:
		c.safely(what, func() { test.Tap(o.(fyne.Tappable)) })
	}
	c.closeDialogs(what, before)
	c.fits(what)
}

// fits fails when the window's content needs more than the screen.
func (c *clicker) fits(after string) {
	c.t.Helper()
	if min := c.w.Content().MinSize(); min.Width > 1280 || min.Height > 800 {
		c.t.Errorf("%s: after %s the window needs %.0f×%.0f, more than 1280×800", c.name, after, min.Width, min.Height)
	}
}

// tabButtons are the buttons of the window's screen list, in order.
func (c *clicker) tabButtons() []fyne.Tappable {
	var out []fyne.Tappable
	content := map[fyne.CanvasObject]bool{}
	for _, it := range c.w.Tabs.Items {
		for _, x := range test.LaidOutObjects(it.Content) {
			content[x] = true
		}
	}
	for _, x := range test.LaidOutObjects(c.w.Tabs) {
		if isInner(x, "tabButton") && !content[x] {
			out = append(out, x.(fyne.Tappable))
		}
	}
	return out
}

// clickEverything taps every screen's tab and then every control on it.
func (c *clicker) clickEverything() {
	c.t.Helper()
	c.w.Resize(fyne.NewSize(1280, 800))
	n := len(c.w.Tabs.Items)
	for i := 0; i < n; i++ {
		tabs := c.w.Tabs
		buttons := c.tabButtons()
		if len(buttons) != len(tabs.Items) {
			c.t.Fatalf("%s: %d tab buttons for %d screens", c.name, len(buttons), len(tabs.Items))
		}
		screen := tabs.Items[i].Text
		if !c.safely("the tab "+screen, func() { test.Tap(buttons[i]) }) {
			continue
		}
		if got := c.w.Tabs.SelectedIndex(); got != i {
			c.t.Errorf("%s: tapping the tab %s shows screen %d", c.name, screen, got)
			continue
		}
		c.fits("the tab " + screen)
		// A control is tapped once; one rebuilt by a reload (a new object
		// with the same kind and text) at most twice.
		done, seen := map[string]int{}, map[fyne.CanvasObject]bool{}
		for round := 0; round < 400; round++ {
			if c.w.Tabs != tabs { // the window was rebuilt (language, restore)
				tabs = c.w.Tabs
				tabs.SelectIndex(i)
			}
			var next fyne.CanvasObject
			for _, o := range controls(tabs.Items[i].Content) {
				if !seen[o] && done[key(o)] < 2 {
					next = o
					break
				}
			}
			if next == nil {
				break
			}
			seen[next] = true
			done[key(next)]++
			c.tapControl(screen, next, 1)
		}
		keys := make([]string, 0, len(done))
		for k := range done {
			keys = append(keys, k)
		}
		c.t.Logf("%s: %s: %d controls tapped: %s", c.name, screen, len(done), strings.Join(keys, ", "))
	}
}

func TestClickEveryControl(t *testing.T) {
	for _, tc := range []struct {
		hq   bool
		lang kaohe.Lang
	}{{false, kaohe.LangZh}, {false, kaohe.LangEn}, {true, kaohe.LangZh}, {true, kaohe.LangEn}} {
		name := string(tc.lang)
		if tc.hq {
			name = "hq-" + name
		}
		t.Run(name, func(t *testing.T) {
			var w *Window
			if tc.hq {
				var svc *service.Service
				w, svc, _ = hqWindow(t)
				// A full review group: the decision form must wrap, not widen the window.
				admin := signInAs(t, svc, "H001", "hq-admin-pw")
				for _, m := range []string{"王建国", "李晓红", "赵磊", "孙丽娟"} {
					if err := svc.SaveReviewMember(context.Background(), admin, kaohe.ReviewMember{Name: m, Title: "区域经理", Role: "member"}); err != nil {
						t.Fatal(err)
					}
				}
				signInAs(t, svc, "H002", "reviewer-pw")
			} else {
				w, _, _ = demoWindow(t)
			}
			defer SetLanguage(kaohe.LangZh)
			if err := SetLanguage(tc.lang); err != nil {
				t.Fatal(err)
			}
			w.reload()
			c := &clicker{t: t, w: w, name: name}
			c.clickEverything()
			t.Logf("%s: %d taps", name, c.taps)
		})
	}
}

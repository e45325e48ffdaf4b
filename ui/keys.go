package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keys as a person expects them: Enter saves a form, Escape closes the
// dialog on top, Tab leaves a multi-line field (Ctrl+Tab types a tab), and
// Ctrl+1…0 switch screens from inside a field too. Fyne hands every key to
// the focused widget, and its Entry swallows these, so the window's fields
// are fields: Entries that pass them on.

// field is the window's text field.
type field struct {
	widget.Entry
}

// newField is a one-line field.
func newField() *field {
	f := &field{}
	f.ExtendBaseWidget(f)
	return f
}

// newMultiField is a multi-line field that wraps words.
func newMultiField() *field {
	f := &field{}
	f.MultiLine = true
	f.Wrapping = fyne.TextWrapWord
	f.ExtendBaseWidget(f)
	return f
}

// AcceptsTab is false: Tab moves to the next field, also from a
// multi-line one (a note is never meant to hold a tab typed by mistake).
func (f *field) AcceptsTab() bool { return false }

// TypedKey closes the dialog on Escape; other keys edit the text.
func (f *field) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && closeTopDialog(canvasOf(f)) {
		return
	}
	f.Entry.TypedKey(k)
}

// TypedShortcut passes the window's shortcuts on and types a tab on Ctrl+Tab
// in a multi-line field; the Entry's own (copy, paste, undo…) stay its own.
func (f *field) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok {
		switch {
		case cs.KeyName == fyne.KeyTab && cs.Modifier == fyne.KeyModifierControl:
			if f.MultiLine && !f.Disabled() {
				f.Entry.TypedRune('\t')
			}
			return
		case isScreenShortcut(cs):
			if c, ok := canvasOf(f).(interface{ TypedShortcut(fyne.Shortcut) }); ok {
				c.TypedShortcut(s)
			}
			return
		}
	}
	f.Entry.TypedShortcut(s)
}

// screenKeys are the keys that, with Ctrl, switch screens (window.go).
var screenKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9, fyne.Key0, fyne.KeyMinus}

func isScreenShortcut(cs *desktop.CustomShortcut) bool {
	if cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	for _, k := range screenKeys {
		if cs.KeyName == k {
			return true
		}
	}
	return false
}

func canvasOf(o fyne.CanvasObject) fyne.Canvas {
	if a := fyne.CurrentApp(); a != nil {
		return a.Driver().CanvasForObject(o)
	}
	return nil
}

// Dialogs open on each canvas, newest last, so Escape and Enter reach the
// one on top.
var (
	dialogsMu sync.Mutex
	dialogs   = map[fyne.Canvas][]*openDialog{}
)

type openDialog struct {
	escape func() // what Escape does: the dialog's Cancel/No
	enter  func() // what Enter does; nil: nothing
}

// track registers d, shown on c, for Escape (closes it as its Cancel/No
// would) and Enter (runs enter, if any), until it closes.
func track(c fyne.Canvas, d dialog.Dialog, enter func()) { trackWith(c, d, d.Hide, enter) }

// trackWith is track with the dialog's own cancel for Escape.
func trackWith(c fyne.Canvas, d dialog.Dialog, escape, enter func()) {
	od := &openDialog{escape: escape, enter: enter}
	dialogsMu.Lock()
	dialogs[c] = append(dialogs[c], od)
	dialogsMu.Unlock()
	d.SetOnClosed(func() {
		dialogsMu.Lock()
		defer dialogsMu.Unlock()
		list := dialogs[c]
		for i, x := range list {
			if x == od {
				dialogs[c] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(dialogs[c]) == 0 {
			delete(dialogs, c)
		}
	})
}

func topDialog(c fyne.Canvas) *openDialog {
	dialogsMu.Lock()
	defer dialogsMu.Unlock()
	if list := dialogs[c]; len(list) > 0 {
		return list[len(list)-1]
	}
	return nil
}

// closeTopDialog closes the dialog on top of c; false when there is none.
func closeTopDialog(c fyne.Canvas) bool {
	if c == nil {
		return false
	}
	od := topDialog(c)
	if od == nil {
		return false
	}
	od.escape()
	return true
}

// bindKeys makes Escape and Enter work on c when no field has the focus.
func bindKeys(c fyne.Canvas) {
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyEscape:
			closeTopDialog(c)
		case fyne.KeyReturn, fyne.KeyEnter:
			if od := topDialog(c); od != nil && od.enter != nil {
				od.enter()
			}
		}
	})
}

// submitOnEnter makes Enter in every one-line field of form run save.
func submitOnEnter(form *widget.Form, save func()) {
	for _, it := range form.Items {
		switch w := it.Widget.(type) {
		case *field:
			if !w.MultiLine {
				w.OnSubmitted = func(string) { save() }
			}
		case *widget.Entry:
			if !w.MultiLine {
				w.OnSubmitted = func(string) { save() }
			}
		}
	}
}

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// emptyNote is what a screen says when it has nothing to show: why, and
// what to do (keys "empty.*", e.g. 总部尚未发布考核期，请联系总部). Every
// screen that can be empty has one (TestEmptyScreensSayWhy).
type emptyNote struct {
	*widget.Label
	box *fyne.Container // the label with room around it; hidden when not empty
	// screen is laid out again when the note shows or hides: the window
	// re-lays out only the note's own parent when a size changes, so a
	// screen that places the note in a Border's top would keep the top's old
	// height and draw its centre over the rows below the note.
	screen fyne.CanvasObject
}

func newEmptyNote() *emptyNote {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.MediumImportance
	n := &emptyNote{Label: l, box: container.NewPadded(l)}
	n.box.Hide()
	return n
}

// Say shows the message of key when empty is true, and hides it otherwise.
func (n *emptyNote) Say(empty bool, key string, args ...any) {
	was := n.box.Visible()
	if empty {
		n.SetText(T(key, args...))
		n.box.Show()
	} else {
		n.box.Hide()
	}
	if n.screen != nil && was != empty {
		n.screen.Refresh()
	}
}

// In has the screen view laid out again whenever the note shows or hides.
func (n *emptyNote) In(view fyne.CanvasObject) { n.screen = view }

// Shown is the message on screen ("" when hidden).
func (n *emptyNote) Shown() string {
	if n == nil || !n.box.Visible() {
		return ""
	}
	return n.Text
}

// View is the note as placed on a screen.
func (n *emptyNote) View() fyne.CanvasObject { return n.box }

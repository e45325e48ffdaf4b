package ui

import "fyne.io/fyne/v2/widget"

// showLoading puts the loading text on a screen's message line while its
// data is read in the background.
func showLoading(l *widget.Label) {
	l.Importance = widget.LowImportance
	l.SetText(T("loading"))
}

// doneLoading takes the loading text away, leaving any other message (a
// save's outcome said meanwhile).
func doneLoading(l *widget.Label) {
	if l.Text == T("loading") {
		l.SetText("")
	}
}

// showSaving says on a screen's message line that its write is under way.
func showSaving(l *widget.Label) {
	l.Importance = widget.LowImportance
	l.SetText(T("saving"))
}

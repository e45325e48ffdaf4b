package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// Damaged is what the window needs to offer the way out of a damaged
// database: the error, the newest backup that passed the check (nil if
// none), and how to put it back and go on.
type Damaged struct {
	Err     error
	Backup  *kaohe.Backup
	Folder  string       // where the backups are, named when none is good
	Restore func() error // restores Backup and opens the main window
}

// DamagedWindow says the database is damaged and offers to restore the
// newest good backup; no other screen opens on a damaged database.
type DamagedWindow struct {
	fyne.Window
	Message *widget.Label
	Restore *widget.Button
}

// NewDamagedWindow builds the window for d.
func NewDamagedWindow(a fyne.App, d Damaged) *DamagedWindow {
	setTheme(a) // the bundled CJK font: this may be the first window
	w := &DamagedWindow{Window: a.NewWindow(T("app.name") + " — " + T("damaged.title"))}
	w.Message = wrapLabel("")
	text := ErrorText(d.Err) + "\n\n"
	if d.Backup != nil {
		text += T("damaged.offer", "Time", d.Backup.Time.Format("2006-01-02 15:04:05"))
	} else {
		text += T("damaged.none", "Folder", d.Folder)
	}
	intro := wrapLabel(text)
	w.Restore = primaryButton(T("damaged.restore"), theme.HistoryIcon(), func() {
		if err := d.Restore(); err != nil {
			say(w.Message, ErrorText(err), true)
			return
		}
		w.Close()
	})
	if d.Backup == nil {
		w.Restore.Disable()
	}
	quit := widget.NewButton(T("damaged.quit"), func() { a.Quit() })
	w.SetContent(container.NewPadded(container.NewVBox(bold(T("damaged.title")), intro, container.NewHBox(w.Restore, quit), w.Message)))
	w.Resize(fyne.NewSize(640, 320))
	return w
}

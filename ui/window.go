package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"kaohe/assets"
	"kaohe/internal/kaohe"
)

// Store is everything the window reads; cmd/kaohe passes the database.
type Store interface {
	ManagerStore
	Showroom(ctx context.Context) (kaohe.Showroom, error)
}

// Params wire the window.
type Params struct {
	App   fyne.App
	Store Store
}

// Window is the main window.
type Window struct {
	fyne.Window
	Managers *ManagersScreen
}

// Icon returns the application icon.
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", assets.Icon) }

// NewWindow builds the main window.
func NewWindow(p Params) *Window {
	p.App.Settings().SetTheme(NewTheme())
	p.App.SetIcon(Icon())
	w := &Window{Window: p.App.NewWindow(T("app.name"))}
	w.SetIcon(Icon())
	showErr := func(err error) { dialog.ShowError(errorForDialog(err), w) }
	w.Managers = NewManagersScreen(p.Store, showErr)

	room := T("showroom.none")
	if sr, err := p.Store.Showroom(context.Background()); err == nil {
		room = sr.Name
		if sr.Region != "" {
			room = sr.Region + " · " + sr.Name
		}
	}
	logo := canvas.NewImageFromResource(Icon())
	logo.SetMinSize(fyne.NewSize(32, 32))
	title := widget.NewLabelWithStyle(T("app.name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	section := widget.NewLabelWithStyle(T("nav.managers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header := container.NewBorder(nil, nil, container.NewHBox(logo, title), widget.NewLabel(room))
	top := container.NewVBox(header, widget.NewSeparator(), section)
	w.SetContent(container.NewBorder(top, nil, nil, nil, w.Managers.View()))
	w.Resize(fyne.NewSize(1280, 800))
	return w
}

// errorForDialog wraps err so a dialog shows it in the user's language.
func errorForDialog(err error) error { return userError{err} }

type userError struct{ err error }

func (e userError) Error() string { return ErrorText(e.err) }
func (e userError) Unwrap() error { return e.err }

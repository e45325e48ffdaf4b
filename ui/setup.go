package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// SetupScreen is the first run: the language, the showroom manager's
// account, then enrolling with HQ, restoring a backup or opening the demo.
type SetupScreen struct {
	w *Window

	Language   *widget.RadioGroup
	Name       *widget.Entry
	EmployeeNo *widget.Entry
	Password   *widget.Entry
	Confirm    *widget.Entry
	Create     *widget.Button

	// After the account: what to start with.
	HQ      *widget.Entry
	Code    *widget.Entry
	Enroll  *widget.Button
	Restore *widget.Button
	Demo    *widget.Button
	Empty   *widget.Button

	Message *widget.Label
	// Busy turns while a step runs in the background (hashing the
	// password, seeding the demo, enrolling, restoring); meanwhile no other
	// step can start.
	Busy *widget.ProgressBarInfinite
	view *fyne.Container
}

func newSetupScreen(w *Window) *SetupScreen {
	s := &SetupScreen{w: w, Name: widget.NewEntry(), EmployeeNo: widget.NewEntry(), Password: widget.NewPasswordEntry(),
		Confirm: widget.NewPasswordEntry(), Message: wrapLabel(""), Busy: widget.NewProgressBarInfinite()}
	s.Busy.Hide()
	s.Busy.Stop()
	langs := map[string]kaohe.Lang{"中文": kaohe.LangZh, "English": kaohe.LangEn}
	s.Language = widget.NewRadioGroup([]string{"中文", "English"}, func(v string) {
		if l, ok := langs[v]; ok && l != Language() {
			if err := SetLanguage(l); err != nil {
				s.Message.SetText(ErrorText(err))
				return
			}
			w.p.App.Preferences().SetString(prefLanguage, string(l))
			w.SetTitle(T("app.name"))
			w.gate.Setup = newSetupScreen(w)
			w.SetContent(w.gate.Setup.View())
		}
	})
	s.Language.Horizontal = true
	s.Language.Selected = map[kaohe.Lang]string{kaohe.LangZh: "中文", kaohe.LangEn: "English"}[Language()]
	s.Create = primaryButton(T("setup.create"), theme.ConfirmIcon(), s.create)
	s.Confirm.OnSubmitted = func(string) { s.create() }
	form := widget.NewForm(
		widget.NewFormItem(T("setup.language"), s.Language),
		widget.NewFormItem(T("field.name"), s.Name),
		widget.NewFormItem(T("field.employee_no"), s.EmployeeNo),
		widget.NewFormItem(T("field.password"), s.Password),
		widget.NewFormItem(T("setup.confirm"), s.Confirm),
	)
	title := widget.NewLabelWithStyle(T("setup.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.view = container.NewVBox(title, wrapLabel(T("setup.intro")), form, s.Create, s.Busy, s.Message)
	return s
}

// step runs one of the set-up's steps in the background, the buttons
// waiting meanwhile; then done on the UI thread, unless it failed.
func (s *SetupScreen) step(work func(ctx context.Context) error, done func()) {
	if !s.Busy.Hidden {
		return // one at a time
	}
	buttons := []*widget.Button{s.Create, s.Enroll, s.Restore, s.Demo, s.Empty}
	for _, b := range buttons {
		if b != nil {
			b.Disable()
		}
	}
	s.Message.SetText(T("working"))
	s.Busy.Show()
	s.Busy.Start()
	run(&loader{e: s.w.e}, work, func(err error) {
		s.Busy.Stop()
		s.Busy.Hide()
		for _, b := range buttons {
			if b != nil {
				b.Enable()
			}
		}
		if err != nil {
			s.Message.SetText(ErrorText(err))
			return
		}
		s.Message.SetText("")
		done()
	})
}

// View returns the screen.
func (s *SetupScreen) View() fyne.CanvasObject {
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 520), s.view))
}

func (s *SetupScreen) create() {
	if s.Password.Text != s.Confirm.Text {
		s.Message.SetText(T("setup.mismatch"))
		return
	}
	e, name, no, pw := s.w.e, s.Name.Text, s.EmployeeNo.Text, s.Password.Text
	s.step(func(ctx context.Context) error {
		_, err := e.svc.Setup(ctx, name, no, pw)
		return err
	}, func() {
		s.Password.SetText("")
		s.Confirm.SetText("")
		s.next()
	})
}

// next offers what to start with, once the manager's account exists.
func (s *SetupScreen) next() {
	s.HQ, s.Code = widget.NewEntry(), widget.NewEntry()
	s.HQ.SetPlaceHolder("https://hq.example.cn")
	s.Enroll = primaryButton(T("settings.enroll"), theme.LoginIcon(), s.enroll)
	s.Restore = widget.NewButtonWithIcon(T("setup.restore"), theme.HistoryIcon(), s.restore)
	s.Demo = widget.NewButtonWithIcon(T("setup.demo"), theme.ComputerIcon(), func() {
		s.step(s.w.e.svc.OpenDemo, s.w.signedIn)
	})
	s.Empty = widget.NewButton(T("setup.empty"), s.w.signedIn)
	a, _ := s.w.e.svc.Session()
	title := widget.NewLabelWithStyle(T("setup.done", "Name", personName(a.Name, a.EmployeeNo)), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	enroll := widget.NewForm(widget.NewFormItem(T("settings.hq"), s.HQ), widget.NewFormItem(T("settings.code"), s.Code))
	s.Message.SetText("")
	s.view.Objects = []fyne.CanvasObject{title, wrapLabel(T("setup.next")),
		widget.NewCard(T("setup.enroll_title"), "", container.NewVBox(enroll, s.Enroll)),
		container.NewGridWithColumns(3, s.Restore, s.Demo, s.Empty), s.Busy, s.Message}
	s.view.Refresh()
}

func (s *SetupScreen) enroll() {
	e, hq, code := s.w.e, strings.TrimSpace(s.HQ.Text), strings.TrimSpace(s.Code.Text)
	s.step(func(ctx context.Context) error {
		_, err := e.svc.Enroll(ctx, hq, code)
		return err
	}, func() {
		e.svc.StartSync(context.Background())
		if a, _ := e.svc.Session(); a.AccountID == "" {
			s.w.showLogin()
			return
		}
		s.w.signedIn()
	})
}

func (s *SetupScreen) restore() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		e, path := s.w.e, r.URI().Path()
		s.step(func(ctx context.Context) error { return e.svc.Restore(ctx, path) }, func() {
			// The backup has its own accounts: sign in with one of them.
			e.svc.Logout()
			s.w.start()
		})
	}, s.w.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db"}))
	d.Show()
}

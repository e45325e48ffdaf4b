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
	view    *fyne.Container
}

func newSetupScreen(w *Window) *SetupScreen {
	s := &SetupScreen{w: w, Name: widget.NewEntry(), EmployeeNo: widget.NewEntry(), Password: widget.NewPasswordEntry(),
		Confirm: widget.NewPasswordEntry(), Message: wrapLabel("")}
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
	s.view = container.NewVBox(title, wrapLabel(T("setup.intro")), form, s.Create, s.Message)
	return s
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
	if _, err := s.w.e.svc.Setup(bg, s.Name.Text, s.EmployeeNo.Text, s.Password.Text); err != nil {
		s.Message.SetText(ErrorText(err))
		return
	}
	s.Password.SetText("")
	s.Confirm.SetText("")
	s.next()
}

// next offers what to start with, once the manager's account exists.
func (s *SetupScreen) next() {
	s.HQ, s.Code = widget.NewEntry(), widget.NewEntry()
	s.HQ.SetPlaceHolder("https://hq.example.cn")
	s.Enroll = primaryButton(T("settings.enroll"), theme.LoginIcon(), s.enroll)
	s.Restore = widget.NewButtonWithIcon(T("setup.restore"), theme.HistoryIcon(), s.restore)
	s.Demo = widget.NewButtonWithIcon(T("setup.demo"), theme.ComputerIcon(), func() {
		if err := s.w.e.svc.OpenDemo(bg); err != nil {
			s.Message.SetText(ErrorText(err))
			return
		}
		s.w.signedIn()
	})
	s.Empty = widget.NewButton(T("setup.empty"), s.w.signedIn)
	a, _ := s.w.e.svc.Session()
	title := widget.NewLabelWithStyle(T("setup.done", "Name", personName(a.Name, a.EmployeeNo)), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	enroll := widget.NewForm(widget.NewFormItem(T("settings.hq"), s.HQ), widget.NewFormItem(T("settings.code"), s.Code))
	s.Message.SetText("")
	s.view.Objects = []fyne.CanvasObject{title, wrapLabel(T("setup.next")),
		widget.NewCard(T("setup.enroll_title"), "", container.NewVBox(enroll, s.Enroll)),
		container.NewGridWithColumns(3, s.Restore, s.Demo, s.Empty), s.Message}
	s.view.Refresh()
}

func (s *SetupScreen) enroll() {
	if _, err := s.w.e.svc.Enroll(bg, strings.TrimSpace(s.HQ.Text), strings.TrimSpace(s.Code.Text)); err != nil {
		s.Message.SetText(ErrorText(err))
		return
	}
	s.w.e.svc.StartSync(context.Background())
	if a, _ := s.w.e.svc.Session(); a.AccountID == "" {
		s.w.showLogin()
		return
	}
	s.w.signedIn()
}

func (s *SetupScreen) restore() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		if err := s.w.e.svc.Restore(bg, r.URI().Path()); err != nil {
			s.Message.SetText(ErrorText(err))
			return
		}
		// The backup has its own accounts: sign in with one of them.
		s.w.e.svc.Logout()
		s.w.start()
	}, s.w.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db"}))
	d.Show()
}

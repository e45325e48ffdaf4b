package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// SettingsScreen chooses the language, shows the showroom and data folder,
// and lists, makes and restores backups.
type SettingsScreen struct {
	loader
	e        *env
	view     fyne.CanvasObject
	Language *widget.RadioGroup
	Backups  *widget.List
	list     []kaohe.Backup
	Message  *widget.Label
	showroom *widget.Label
	restored func()
	HQ       *field
	Code     *field
	// EnrollButton sends the code; Warning is the question asked first
	// when the address is plain HTTP to another machine.
	EnrollButton *widget.Button
	Warning      *dialog.ConfirmDialog
	// Busy turns while an enrollment or a restore runs; meanwhile neither
	// can be started again, nor a backup made.
	Busy    *widget.ProgressBarInfinite
	busy    bool
	buttons []*widget.Button // what waits while busy
}

func newSettingsScreen(e *env, switchLang func(kaohe.Lang), restored func()) *SettingsScreen {
	s := &SettingsScreen{loader: loader{e: e}, e: e, restored: restored}
	langs := []string{"中文", "English"}
	s.Language = widget.NewRadioGroup(langs, nil)
	s.Language.Horizontal = true
	if Language() == kaohe.LangEn {
		s.Language.SetSelected(langs[1])
	} else {
		s.Language.SetSelected(langs[0])
	}
	s.Language.OnChanged = func(v string) {
		l := kaohe.LangZh
		if v == langs[1] {
			l = kaohe.LangEn
		}
		if l != Language() {
			switchLang(l)
		}
	}
	s.Message = wrapLabel("")
	s.showroom = widget.NewLabel("")
	s.Backups = widget.NewList(func() int { return len(s.list) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			b := s.list[i]
			o.(*widget.Label).SetText(Textf("%s　%s　%d KB", b.Time.Format("2006-01-02 15:04:05"), b.Path, b.Size/1024))
		})
	selected := -1
	s.Backups.OnSelected = func(i widget.ListItemID) { selected = i }
	var backup *widget.Button
	backup = widget.NewButtonWithIcon(T("settings.backup_now"), theme.DocumentSaveIcon(), func() {
		if s.busy {
			return
		}
		s.setBusy(true)
		say(s.Message, T("working"), false)
		// Its own loader: a backup under way is not abandoned with the screen.
		load(&loader{e: e}, e.svc.BackupNow, func(b kaohe.Backup, err error) {
			s.setBusy(false)
			if err != nil {
				say(s.Message, ErrorText(err), true)
				return
			}
			s.Reload()
			say(s.Message, T("settings.backup_done", "Path", b.Path), false)
		})
	})
	restore := widget.NewButtonWithIcon(T("settings.restore"), theme.HistoryIcon(), func() {
		if s.busy {
			return
		}
		if selected < 0 || selected >= len(s.list) {
			say(s.Message, T("settings.select_backup"), true)
			return
		}
		b := s.list[selected]
		e.confirm(T("settings.restore"), T("settings.restore_confirm", "Time", b.Time.Format("2006-01-02 15:04:05")), func() { s.Restore(b.Path) })
	})
	s.HQ, s.Code = newField(), newField()
	s.HQ.SetPlaceHolder("https://hq.example.cn:8443")
	s.Code.SetPlaceHolder(T("settings.code_hint"))
	s.EnrollButton = widget.NewButtonWithIcon(T("settings.enroll"), theme.LoginIcon(), s.ConfirmEnroll)
	enroll := s.EnrollButton
	s.buttons = []*widget.Button{backup, restore, enroll}
	s.Busy = widget.NewProgressBarInfinite()
	s.Busy.Hide()
	s.Busy.Stop()
	form := widget.NewForm(
		widget.NewFormItem(T("settings.language"), s.Language),
		widget.NewFormItem(T("settings.hq"), s.HQ),
		widget.NewFormItem(T("settings.code"), container.NewBorder(nil, nil, nil, enroll, s.Code)),
		widget.NewFormItem(T("settings.showroom"), s.showroom),
		widget.NewFormItem(T("settings.data"), widget.NewLabel(e.dataDir)),
		widget.NewFormItem(T("settings.documents"), widget.NewLabel(e.docDir)),
	)
	s.view = container.NewBorder(container.NewVBox(form, widget.NewSeparator(), bold(T("settings.backups")), container.NewHBox(backup, restore), s.Busy, s.Message),
		nil, nil, nil, s.Backups)
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *SettingsScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the backups and showroom, in the background.
func (s *SettingsScreen) Reload() {
	type read struct {
		backups  []kaohe.Backup
		hq       string
		showroom kaohe.Showroom
		roomErr  error
	}
	e := s.e
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	load(&s.loader, func(ctx context.Context) (r read, err error) {
		r.hq = e.svc.SyncStatus(ctx).HQ
		r.showroom, r.roomErr = e.svc.Showroom(ctx)
		r.backups, err = e.svc.Backups()
		return r, err
	}, func(r read, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
		} else {
			doneLoading(s.Message)
		}
		s.list = r.backups
		s.Backups.Refresh()
		if r.hq != "" && s.HQ.Text == "" {
			s.HQ.SetText(r.hq)
		}
		if r.roomErr == nil {
			sr := r.showroom
			s.showroom.SetText(Textf("%s（%s）%s %s", sr.Name, sr.Code, sr.Region, sr.City))
		} else {
			s.showroom.SetText(T("showroom.none"))
		}
	})
}

// setBusy shows an enrollment, a restore or a backup under way, and keeps
// the others from starting meanwhile.
func (s *SettingsScreen) setBusy(on bool) {
	s.busy = on
	for _, b := range s.buttons {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		s.Busy.Show()
		s.Busy.Start()
	} else {
		s.Busy.Stop()
		s.Busy.Hide()
	}
}

// Restore replaces the data with a backup, in the background, then
// rebuilds the screens. It is not abandoned with the screen: a restore
// goes to its end (or changes nothing).
func (s *SettingsScreen) Restore(path string) {
	if s.busy {
		return
	}
	s.setBusy(true)
	say(s.Message, T("settings.restoring"), false)
	e := s.e
	run(&loader{e: e}, func(ctx context.Context) error { return e.svc.Restore(ctx, path) }, func(err error) {
		s.setBusy(false)
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.restored()
	})
}

// ConfirmEnroll enrolls, first asking whether to send the code in clear
// when the HQ address is plain HTTP to another machine.
func (s *SettingsScreen) ConfirmEnroll() {
	if !kaohe.PlainHTTPRemote(s.HQ.Text) {
		s.Enroll()
		return
	}
	s.Warning = dialog.NewConfirm(T("settings.plain_http_title"), T("settings.plain_http_warning", "HQ", strings.TrimSpace(s.HQ.Text)), func(ok bool) {
		if ok {
			s.Enroll()
		}
	}, s.e.win)
	s.Warning.SetConfirmText(T("settings.plain_http_send"))
	track(s.e.win.Canvas(), s.Warning, nil)
	s.Warning.Show()
}

// Enroll trades HQ's one-time code for this showroom's credential, in the
// background (HQ may be slow to answer); it cannot be started twice.
func (s *SettingsScreen) Enroll() {
	if s.busy {
		return
	}
	hq, code := strings.TrimSpace(s.HQ.Text), strings.TrimSpace(s.Code.Text)
	s.setBusy(true)
	say(s.Message, T("settings.enrolling", "HQ", hq), false)
	e := s.e
	load(&loader{e: e}, func(ctx context.Context) (kaohe.Showroom, error) {
		return e.svc.Enroll(ctx, hq, code)
	}, func(sr kaohe.Showroom, err error) {
		s.setBusy(false)
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.Code.SetText("")
		// The window's context: the sync ends when the window closes.
		e.svc.StartSync(e.ctx)
		if sr.ID == "" { // an HQ user's code: the window becomes HQ mode
			s.restored()
			return
		}
		s.Reload()
		say(s.Message, T("settings.enrolled", "Code", sr.Code, "Name", sr.Name), false)
	})
}

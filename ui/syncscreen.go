package ui

import (
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// syncText says how the sync stands, in plain words.
func syncText(st kaohe.SyncStatus) string {
	if !st.Enrolled {
		return T("sync.not_enrolled", "Pending", st.Pending)
	}
	state := T("sync.offline")
	switch {
	case st.Running:
		state = T("sync.running")
	case st.Online:
		state = T("sync.online")
	}
	last := T("sync.never")
	if !st.LastSync.IsZero() {
		last = FormatDate(kaohe.DateOf(st.LastSync.Local())) + " " + st.LastSync.Local().Format("15:04")
	}
	lines := []string{
		T("sync.hq", "URL", st.HQ), T("sync.state", "State", state), T("sync.last", "When", last),
		T("sync.pending", "Pending", st.Pending, "Refused", st.Refused),
	}
	if st.LastError != nil {
		lines = append(lines, T("sync.error", "Error", ErrorText(st.LastError)))
	}
	if st.Update != "" {
		lines = append(lines, T("sync.update_available", "Version", st.Update))
	}
	return strings.Join(lines, "\n")
}

// SyncScreen shows the sync state, syncs on demand and lists what HQ
// refused.
type SyncScreen struct {
	e       *env
	view    fyne.CanvasObject
	Status  *widget.Label
	Refused *widget.Label
	Now     *widget.Button
	Message *widget.Label
	// Update installs the new version HQ published; shown when one is ready.
	Update *widget.Button
	// Quit closes the app after an update was started; default the app's Quit.
	Quit func()
	// done is closed when a sync started by Now ends (tests wait on it).
	done   chan struct{}
	update string // the version ready to install
}

// isUpgrade reports HQ's "please upgrade" refusal.
func isUpgrade(err error) bool {
	var ke *kaohe.Error
	return errors.As(err, &ke) && ke.Key == "err.upgrade"
}

// InstallUpdate asks first, then installs the new version and closes the
// window (the installer or the new program opens it again).
func (s *SyncScreen) InstallUpdate() {
	version := s.update
	s.e.confirm(T("sync.update_title"), T("sync.update_confirm", "Version", version), func() {
		if err := s.e.svc.InstallUpdate(s.e.ctx); err != nil {
			s.e.showError(err)
			s.Reload()
			return
		}
		quit := s.Quit
		if quit == nil {
			quit = fyne.CurrentApp().Quit
		}
		quit()
	})
}

func newSyncScreen(e *env) *SyncScreen {
	s := &SyncScreen{e: e, Status: widget.NewLabel(""), Refused: widget.NewLabel("")}
	s.Status.Wrapping = fyne.TextWrapWord
	s.Refused.Wrapping = fyne.TextWrapWord
	s.Now = primaryButton(T("sync.now"), theme.ViewRefreshIcon(), s.SyncNow)
	export := widget.NewButtonWithIcon(T("sync.export"), theme.DownloadIcon(), func() { s.ExportBundle(filepath.Join(e.docDir, "kaohe-"+e.today().String()+".kaohe")) })
	importBtn := widget.NewButtonWithIcon(T("sync.import"), theme.FolderOpenIcon(), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			r.Close()
			s.ImportBundle(r.URI().Path())
		}, e.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".kaohe"}))
		track(e.win.Canvas(), d, nil)
		d.Show()
	})
	s.Update = primaryButton(T("sync.update_install"), theme.DownloadIcon(), s.InstallUpdate)
	s.Update.Hide()
	s.Message = wrapLabel("")
	hint := wrapLabel(T("sync.bundle_hint"))
	hint.Importance = widget.LowImportance
	s.view = container.NewBorder(container.NewVBox(s.Status, container.NewHBox(s.Now, export, importBtn, s.Update), s.Message, hint,
		widget.NewSeparator(), bold(T("sync.refused_title"))),
		nil, nil, nil, container.NewVScroll(s.Refused))
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *SyncScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the state.
func (s *SyncScreen) Reload() {
	s.Show(s.e.svc.SyncStatus(bg))
	rs, err := s.e.svc.RefusedChanges(bg)
	if err != nil {
		s.e.showError(err)
	}
	var lines []string
	for _, r := range rs {
		lines = append(lines, Textf("%s　%s %s：%s", r.At, r.Entity, r.RowID, r.Reason))
	}
	if len(lines) == 0 {
		lines = []string{T("dash.none")}
	}
	s.Refused.SetText(strings.Join(lines, "\n"))
}

// Show displays a status.
func (s *SyncScreen) Show(st kaohe.SyncStatus) {
	s.Status.SetText(syncText(st))
	s.update = st.Update
	if st.Update != "" {
		s.Update.Show()
	} else {
		s.Update.Hide()
	}
	if st.Enrolled && !st.Running {
		s.Now.Enable()
	} else {
		s.Now.Disable()
	}
}

// SyncNow syncs in the background, keeping the window responsive.
func (s *SyncScreen) SyncNow() {
	s.Now.Disable()
	s.done = make(chan struct{})
	done, e := s.done, s.e
	e.work.started()
	go func() {
		defer close(done)
		err := e.svc.SyncNow(e.ctx)
		e.work.deliver(func() {
			s.Reload()
			switch {
			case err != nil && s.update != "" && isUpgrade(err):
				s.InstallUpdate() // HQ wants a newer version and it is here: offer it at once
			case err != nil:
				s.e.showError(err)
			}
		})
	}()
}

// Wait blocks until a sync started by SyncNow ends and its news reached the
// screen (for tests).
func (s *SyncScreen) Wait() {
	if s.done != nil {
		<-s.done
	}
	s.e.work.wait()
}

// ExportBundle writes the unsent changes to a bundle file for HQ.
func (s *SyncScreen) ExportBundle(path string) {
	n, err := s.e.svc.ExportBundle(bg, path)
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	say(s.Message, T("sync.exported", "Count", n, "Path", path), false)
}

// ImportBundle applies HQ's bundle file.
func (s *SyncScreen) ImportBundle(path string) {
	n, err := s.e.svc.ImportBundle(bg, path)
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.Reload()
	say(s.Message, T("sync.imported", "Count", n), false)
}

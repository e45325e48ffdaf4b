package ui

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/i18n"
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
	if st.Waiting > 0 {
		lines = append(lines, T("sync.waiting", "Count", st.Waiting, "Reason", i18n.Refusal(Language(), st.WaitingFor)))
	}
	if st.LastError != nil {
		lines = append(lines, T("sync.error", "Error", ErrorText(st.LastError)))
	}
	if st.Update != "" {
		lines = append(lines, T("sync.update_available", "Version", st.Update))
	}
	if st.UpdateError != nil {
		lines = append(lines, T("sync.update_error", "Error", ErrorText(st.UpdateError)))
	}
	return strings.Join(lines, "\n")
}

// SyncScreen shows the sync state, syncs on demand and lists what HQ
// refused.
type SyncScreen struct {
	loader
	e      *env
	view   fyne.CanvasObject
	Status *widget.Label
	// Refused lists what HQ refused, as a virtual table: a showroom out of
	// step for months can have thousands.
	Refused *listTable[kaohe.RefusedChange]
	Now     *widget.Button
	Message *widget.Label
	// A sync started by Now shows how far it came and can be cancelled.
	Progress *widget.ProgressBar
	Cancel   *widget.Button
	cancel   context.CancelFunc // the sync started by Now, while it runs
	// Update installs the new version HQ published; shown when one is ready.
	Update *widget.Button
	// Quit closes the app after an update was started; default the app's Quit.
	Quit func()
	// done is closed when a sync started by Now ends (tests wait on it).
	done   chan struct{}
	update string // the version ready to install
}

// isUpgrade reports HQ's "please upgrade" refusal.
func isUpgrade(err error) bool { return kaohe.ErrorKey(err) == "err.upgrade" }

// InstallUpdate asks first, then installs the new version and closes the
// window (the installer or the new program opens it again).
func (s *SyncScreen) InstallUpdate() {
	s.e.offerUpdate(s.update, s.Quit, s.Reload)
}

// offerAtOnce offers version after HQ refused this one, once per version
// (the sync's own news and the Sync screen both come here).
func (e *env) offerAtOnce(version string, quit, failed func()) {
	if version == e.offered || (e.hold != nil && e.hold(version)) {
		return
	}
	e.offered = version
	e.offerUpdate(version, quit, failed)
}

// offerUpdate asks whether to install version now; on yes it installs it
// and quits (default the app's Quit); failed runs after a refusal.
func (e *env) offerUpdate(version string, quit, failed func()) {
	var d dialog.Dialog
	d = e.ask(T("sync.update_title"), T("sync.update_confirm", "Version", version), func(ok bool) {
		if e.offering == d {
			e.offering = nil
		}
		if !ok {
			return
		}
		if err := e.svc.InstallUpdate(e.ctx); err != nil {
			e.showError(err)
			if failed != nil {
				failed()
			}
			return
		}
		if quit == nil {
			quit = fyne.CurrentApp().Quit
		}
		quit()
	})
	e.offering = d // until answered: a lock or sign-out withdraws it
}

func newSyncScreen(e *env) *SyncScreen {
	s := &SyncScreen{loader: loader{e: e}, e: e, Status: widget.NewLabel(T("loading"))}
	s.Status.Wrapping = fyne.TextWrapWord
	s.Refused = newListTable([]column[kaohe.RefusedChange]{
		{key: "col.at", width: 170, text: func(r kaohe.RefusedChange) string { return r.At }},
		{key: "col.entity", width: 110, text: func(r kaohe.RefusedChange) string { return r.Entity }},
		{key: "col.row", width: 150, text: func(r kaohe.RefusedChange) string { return r.RowID }},
		{key: "col.reason", width: 520, text: func(r kaohe.RefusedChange) string { return i18n.Refusal(Language(), r.Reason) }}, // HQ's reason, never its key
	})
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
	s.Now.Disable() // until the status says whether there is an HQ to sync with
	s.Update = primaryButton(T("sync.update_install"), theme.DownloadIcon(), s.InstallUpdate)
	s.Update.Hide()
	s.Progress = widget.NewProgressBar()
	s.Progress.Hide()
	s.Cancel = widget.NewButtonWithIcon(T("sync.cancel"), theme.CancelIcon(), s.CancelSync)
	s.Cancel.Hide()
	s.Message = wrapLabel("")
	hint := wrapLabel(T("sync.bundle_hint"))
	hint.Importance = widget.LowImportance
	s.view = container.NewBorder(container.NewVBox(s.Status, container.NewHBox(s.Now, s.Cancel, export, importBtn, s.Update), s.Progress, s.Message, hint,
		widget.NewSeparator(), bold(T("sync.refused_title"))),
		nil, nil, nil, s.Refused.View())
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *SyncScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the state in the background: counting the unsent
// changes of a large showroom takes a while.
func (s *SyncScreen) Reload() {
	e := s.e
	type state struct {
		st      kaohe.SyncStatus
		refused []kaohe.RefusedChange
	}
	load(&s.loader, func(ctx context.Context) (state, error) {
		st := e.svc.SyncStatus(ctx)
		rs, err := e.svc.RefusedChanges(ctx)
		return state{st, rs}, err
	}, func(r state, err error) {
		s.Show(r.st)
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.Refused.Set(r.refused)
	})
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
	if st.Enrolled && !st.Running && s.cancel == nil {
		s.Now.Enable()
	} else {
		s.Now.Disable()
	}
}

// SyncNow syncs in the background, keeping the window responsive, with
// its progress shown and the Cancel button to stop it. Cancelling loses
// nothing: a change leaves the outbox only once HQ has answered for it.
func (s *SyncScreen) SyncNow() {
	if s.cancel != nil {
		return
	}
	s.Now.Disable()
	s.Message.SetText("")
	s.Progress.SetValue(0)
	s.Progress.TextFormatter = func() string { return T("sync.running") }
	s.Progress.Show()
	s.Cancel.Enable()
	s.Cancel.Show()
	s.done = make(chan struct{})
	done, e := s.done, s.e
	ctx, cancel := context.WithCancel(e.ctx)
	s.cancel = cancel
	ctx = kaohe.WithSyncProgress(ctx, func(p kaohe.SyncProgress) {
		e.work.post(func() { s.showProgress(p) })
	})
	e.work.started()
	go func() {
		defer close(done)
		err := e.svc.SyncNow(ctx)
		cancelled := ctx.Err() != nil
		cancel()
		update := e.svc.AvailableUpdate() // fetched by this sync too (the screen's status is read again)
		e.work.deliver(func() {
			s.cancel = nil
			s.Progress.Hide()
			s.Cancel.Hide()
			s.Reload()
			switch {
			case cancelled:
				say(s.Message, T("sync.cancelled"), false)
			case err != nil && update != "" && isUpgrade(err):
				e.offerAtOnce(update, s.Quit, s.Reload) // HQ wants a newer version and it is here
			case err != nil:
				s.e.showError(err)
			}
		})
	}()
}

// showProgress shows how far the sync started by Now has come.
func (s *SyncScreen) showProgress(p kaohe.SyncProgress) {
	if s.cancel == nil {
		return // late news of a sync that ended
	}
	s.Progress.TextFormatter = func() string { return T("sync.progress", "Sent", p.Sent, "ToSend", p.ToSend, "Received", p.Received) }
	if p.ToSend > 0 {
		s.Progress.SetValue(float64(p.Sent) / float64(p.ToSend))
	} else {
		s.Progress.Refresh()
	}
}

// CancelSync stops the sync started by Now; its context reaches the engine.
func (s *SyncScreen) CancelSync() {
	if s.cancel != nil {
		s.Cancel.Disable()
		s.cancel()
	}
}

// Wait blocks until a sync started by SyncNow ends and its news reached the
// screen (for tests).
func (s *SyncScreen) Wait() {
	if s.done != nil {
		<-s.done
	}
	s.e.work.wait()
}

// ExportBundle writes the unsent changes to a bundle file for HQ, in the
// background (a large outbox takes a while).
func (s *SyncScreen) ExportBundle(path string) {
	e := s.e
	say(s.Message, T("working"), false)
	// Its own loader: leaving the screen does not abandon the file.
	load(&loader{e: e}, func(ctx context.Context) (int, error) {
		return e.svc.ExportBundle(ctx, path)
	}, func(n int, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		say(s.Message, T("sync.exported", "Count", n, "Path", path), false)
	})
}

// ImportBundle applies HQ's bundle file, in the background.
func (s *SyncScreen) ImportBundle(path string) {
	e := s.e
	say(s.Message, T("working"), false)
	type imported struct {
		n      int
		update string // the build that came with the bundle, staged
	}
	load(&loader{e: e}, func(ctx context.Context) (imported, error) {
		n, err := e.svc.ImportBundle(ctx, path)
		return imported{n, e.svc.AvailableUpdate()}, err
	}, func(r imported, err error) {
		s.Reload()
		if err != nil {
			say(s.Message, ErrorText(err), true)
			if isUpgrade(err) && r.update != "" {
				e.offerAtOnce(r.update, s.Quit, s.Reload) // the bundle needs a newer version, and it came with it
			}
			return
		}
		say(s.Message, T("sync.imported", "Count", r.n), false)
	})
}

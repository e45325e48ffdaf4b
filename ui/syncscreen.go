package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	// done is closed when a sync started by Now ends (tests wait on it).
	done chan struct{}
}

func newSyncScreen(e *env) *SyncScreen {
	s := &SyncScreen{e: e, Status: widget.NewLabel(""), Refused: widget.NewLabel("")}
	s.Status.Wrapping = fyne.TextWrapWord
	s.Refused.Wrapping = fyne.TextWrapWord
	s.Now = widget.NewButtonWithIcon(T("sync.now"), theme.ViewRefreshIcon(), s.SyncNow)
	s.Now.Importance = widget.HighImportance
	s.view = container.NewBorder(container.NewVBox(s.Status, container.NewHBox(s.Now), widget.NewSeparator(), bold(T("sync.refused_title"))),
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
		lines = append(lines, fmt.Sprintf("%s　%s %s：%s", r.At, r.Entity, r.RowID, r.Reason))
	}
	if len(lines) == 0 {
		lines = []string{T("dash.none")}
	}
	s.Refused.SetText(strings.Join(lines, "\n"))
}

// Show displays a status.
func (s *SyncScreen) Show(st kaohe.SyncStatus) {
	s.Status.SetText(syncText(st))
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
	go func() {
		defer close(s.done)
		err := s.e.svc.SyncNow(context.Background())
		fyne.Do(func() {
			s.Reload()
			if err != nil {
				s.e.showError(err)
			}
		})
	}()
}

// Wait blocks until a sync started by SyncNow ends.
func (s *SyncScreen) Wait() {
	if s.done != nil {
		<-s.done
	}
}

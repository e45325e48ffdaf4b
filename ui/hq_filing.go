package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// FilingScreen files (备案) the level-1 assessments showrooms submitted:
// level-1 managers are assessed by their showroom manager and filed at HQ.
type FilingScreen struct {
	e    *env
	view fyne.CanvasObject
	// Empty says why nothing waits to be filed and what to do.
	Empty   *emptyNote
	items   []kaohe.FilingItem
	Checks  []*widget.Check
	list    *fyne.Container
	File    *widget.Button
	Message *widget.Label
}

func newFilingScreen(e *env) *FilingScreen {
	s := &FilingScreen{e: e, list: container.NewVBox()}
	s.Message = wrapLabel("")
	s.File = primaryButton(T("filing.file"), theme.ConfirmIcon(), s.FileChecked)
	all := widget.NewButton(T("filing.all"), func() {
		for _, c := range s.Checks {
			c.SetChecked(true)
		}
	})
	s.Empty = newEmptyNote()
	s.view = container.NewBorder(container.NewVBox(widget.NewLabel(T("filing.hint")), s.Empty.View(), container.NewHBox(all, s.File), s.Message), nil, nil, nil,
		container.NewVScroll(s.list))
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *FilingScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads what waits to be filed.
func (s *FilingScreen) Reload() {
	var err error
	if s.items, err = s.e.svc.FilingQueue(bg); err != nil {
		s.e.showError(err)
	}
	s.Checks = nil
	s.list.Objects = nil
	for _, it := range s.items {
		c := widget.NewCheck(Textf("%s　%s　%s　%s %s　%s", it.Showroom.Name, managerLabel(it.Manager), it.Assessment.PeriodID,
			T("assess.total"), numText(it.Assessment.Total), T("grade."+it.Assessment.Grade)), nil)
		s.Checks = append(s.Checks, c)
		s.list.Add(c)
	}
	s.Empty.Say(len(s.items) == 0, "empty.hq_filing")
	s.list.Refresh()
}

// FileChecked files the checked assessments.
func (s *FilingScreen) FileChecked() {
	var ids []string
	for i, c := range s.Checks {
		if c.Checked {
			ids = append(ids, s.items[i].Assessment.ID)
		}
	}
	if len(ids) == 0 {
		say(s.Message, T("filing.none_checked"), true)
		return
	}
	if err := s.e.svc.FileAssessments(bg, s.e.actor, ids); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.Reload()
	say(s.Message, T("filing.done", "Count", len(ids)), false)
}

package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// FilingScreen files (备案) the level-1 assessments showrooms submitted:
// level-1 managers are assessed by their showroom manager and filed at HQ.
// The queue is a virtual table: sortable headers, a search box, a check
// per row kept by assessment.
type FilingScreen struct {
	loader
	e       *env
	view    fyne.CanvasObject
	items   []kaohe.FilingItem
	checked map[string]bool // by assessment id
	Queue   *listTable[kaohe.FilingItem]
	All     *widget.Button
	File    *widget.Button
	Message *widget.Label
}

func newFilingScreen(e *env) *FilingScreen {
	s := &FilingScreen{loader: loader{e: e}, e: e, checked: map[string]bool{}}
	s.Message = wrapLabel("")
	s.File = primaryButton(T("filing.file"), theme.ConfirmIcon(), s.FileChecked)
	// 全选 checks every row shown (the search narrows it).
	s.All = widget.NewButton(T("filing.all"), func() {
		for _, it := range s.Queue.Rows() {
			s.checked[it.Assessment.ID] = true
		}
		s.Queue.Table.Refresh()
	})
	room := func(it kaohe.FilingItem) string { return it.Showroom.Name }
	s.Queue = newListTable([]column[kaohe.FilingItem]{
		{key: "col.file", width: 60,
			create: func() fyne.CanvasObject { return widget.NewCheck("", nil) },
			update: func(it kaohe.FilingItem, o fyne.CanvasObject) {
				c := o.(*widget.Check)
				id := it.Assessment.ID
				c.OnChanged = nil
				c.SetChecked(s.checked[id])
				c.OnChanged = func(on bool) { s.checked[id] = on }
			},
			less: func(a, b kaohe.FilingItem) bool { return !s.checked[a.Assessment.ID] && s.checked[b.Assessment.ID] }},
		{key: "col.showroom", width: 170, text: room},
		{key: "col.manager", width: 150, text: func(it kaohe.FilingItem) string { return managerLabel(it.Manager) }},
		{key: "col.period", width: 110, text: func(it kaohe.FilingItem) string { return it.Assessment.PeriodID }},
		{key: "col.total", width: 80, text: func(it kaohe.FilingItem) string { return numText(it.Assessment.Total) },
			less: func(a, b kaohe.FilingItem) bool { return a.Assessment.Total < b.Assessment.Total }},
		{key: "col.grade", width: 100, text: func(it kaohe.FilingItem) string { return T("grade." + it.Assessment.Grade) }},
	})
	s.Queue.SortBy(1) // by showroom at first
	s.Queue.SetEmpty("empty.hq_filing")
	s.view = container.NewBorder(container.NewVBox(widget.NewLabel(T("filing.hint")), container.NewHBox(s.All, s.File), s.Message), nil, nil, nil,
		s.Queue.View())
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *FilingScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads what waits to be filed, in the background; checks of the
// assessments still waiting stay.
func (s *FilingScreen) Reload() {
	e := s.e
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	// Tens of thousands of rows: their texts and order are made in the
	// background too, for the search and order shown now.
	view, q := s.Queue.view(), s.Queue
	load(&s.loader, func(ctx context.Context) (tableRows[kaohe.FilingItem], error) {
		items, err := e.svc.FilingQueue(ctx)
		if err != nil {
			return tableRows[kaohe.FilingItem]{}, err
		}
		return q.prepare(items, view), nil
	}, func(rows tableRows[kaohe.FilingItem], err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		doneLoading(s.Message)
		s.items = rows.all
		if len(s.checked) > 0 { // the checks of what still waits stay
			still := map[string]bool{}
			for _, it := range rows.all {
				if s.checked[it.Assessment.ID] {
					still[it.Assessment.ID] = true
				}
			}
			s.checked = still
		}
		s.Queue.SetPrepared(rows)
	})
}

// Check checks (or unchecks) the i-th row as shown.
func (s *FilingScreen) Check(i int, on bool) {
	rows := s.Queue.Rows()
	if i >= 0 && i < len(rows) {
		s.checked[rows[i].Assessment.ID] = on
		s.Queue.Table.Refresh()
	}
}

// FileChecked files the checked assessments.
func (s *FilingScreen) FileChecked() {
	var ids []string
	for _, it := range s.items {
		if s.checked[it.Assessment.ID] {
			ids = append(ids, it.Assessment.ID)
		}
	}
	if len(ids) == 0 {
		say(s.Message, T("filing.none_checked"), true)
		return
	}
	e, actor := s.e, s.e.actor
	s.File.Disable()
	say(s.Message, T("working"), false)
	// Its own loader: filing asked for is done even if the screen is left.
	run(&loader{e: e}, func(ctx context.Context) error {
		return e.svc.FileAssessments(ctx, actor, ids)
	}, func(err error) {
		s.File.Enable()
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		say(s.Message, T("filing.done", "Count", len(ids)), false)
		s.Reload()
	})
}

package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// TrainingScreen keeps training sessions (category, method, date, hours,
// trainer) and who attended with what result. Both lists are virtual tables:
// a showroom of thousands draws only the rows on screen.
type TrainingScreen struct {
	loader        // the sessions
	att    loader // the attendance of the one shown
	saving loader // saves: not abandoned when the screen goes away
	e      *env
	view   fyne.CanvasObject

	Sessions *listTable[kaohe.Training]
	items    []kaohe.Training
	cur      kaohe.Training
	Title    *field
	Category *selectOf[kaohe.TrainingCategory]
	Method   *selectOf[kaohe.TrainingMethod]
	Date     *field
	Hours    *field
	Trainer  *field
	// People lists the active managers with each one's result and score,
	// edited in the table's cells.
	People  *listTable[kaohe.ManagerLevel]
	results map[string]kaohe.AttendanceResult // by manager id
	scores  map[string]string
	Message *widget.Label
}

var attendResults = []kaohe.AttendanceResult{"", kaohe.AttendPassed, kaohe.AttendFailed, kaohe.AttendAbsent}

func attendLabel(r kaohe.AttendanceResult) string {
	if r == "" {
		return T("training.not_attending")
	}
	return T("attend." + string(r))
}

func newTrainingScreen(e *env) *TrainingScreen {
	s := &TrainingScreen{loader: loader{e: e}, att: loader{e: e}, saving: loader{e: e}, e: e, results: map[string]kaohe.AttendanceResult{}, scores: map[string]string{}}
	s.Title, s.Date, s.Hours, s.Trainer = newField(), newField(), newField(), newField()
	s.Date.SetPlaceHolder(T("hint.date"))
	var cats []kaohe.TrainingCategory
	for _, c := range kaohe.TrainingCategories() {
		cats = append(cats, c.Code)
	}
	var methods []kaohe.TrainingMethod
	for _, m := range kaohe.TrainingMethods() {
		methods = append(methods, m.Code)
	}
	s.Category = newSelectOf(cats, func(c kaohe.TrainingCategory) string { return Tr(kaohe.NameOf(kaohe.TrainingCategories(), c)) }, nil)
	s.Method = newSelectOf(methods, func(m kaohe.TrainingMethod) string { return Tr(kaohe.NameOf(kaohe.TrainingMethods(), m)) }, nil)
	s.Message = wrapLabel("")

	s.Sessions = newListTable([]column[kaohe.Training]{
		{key: "field.date", width: 110, text: func(t kaohe.Training) string { return t.Date.String() }},
		{key: "field.title", width: 170, text: func(t kaohe.Training) string { return t.Title }},
		{key: "field.category", width: 120, text: func(t kaohe.Training) string { return Tr(kaohe.NameOf(kaohe.TrainingCategories(), t.Category)) }},
	})
	s.Sessions.SortBy(0) // the same column again: latest first
	s.Sessions.SetEmpty("empty.training")
	s.Sessions.ID = func(t kaohe.Training) string { return t.ID }
	s.Sessions.OnSelected = func(t kaohe.Training) { s.edit(t) }

	labels := make([]string, len(attendResults))
	for i, r := range attendResults {
		labels[i] = attendLabel(r)
	}
	s.People = newListTable([]column[kaohe.ManagerLevel]{
		{key: "col.employee_no", width: 90, text: func(m kaohe.ManagerLevel) string { return m.EmployeeNo }},
		{key: "col.name", width: 100, text: func(m kaohe.ManagerLevel) string { return m.Name }},
		{key: "col.level", width: 70, text: func(m kaohe.ManagerLevel) string { return LevelName(m.Level) },
			less: func(a, b kaohe.ManagerLevel) bool { return a.Level < b.Level }},
		{key: "field.result", width: 120,
			less:   func(a, b kaohe.ManagerLevel) bool { return s.results[a.ID] > s.results[b.ID] },
			create: func() fyne.CanvasObject { return widget.NewSelect(labels, nil) },
			update: func(m kaohe.ManagerLevel, o fyne.CanvasObject) {
				sel := o.(*widget.Select)
				sel.OnChanged = nil
				sel.SetSelectedIndex(slices.Index(attendResults, s.results[m.ID]))
				sel.OnChanged = func(string) {
					if i := sel.SelectedIndex(); i >= 0 {
						s.SetResult(m.ID, attendResults[i])
					}
				}
			}},
		{key: "field.score", width: 90,
			create: func() fyne.CanvasObject {
				en := newField()
				en.SetPlaceHolder(T("field.score"))
				return en
			},
			update: func(m kaohe.ManagerLevel, o fyne.CanvasObject) {
				en := o.(*field)
				en.OnChanged = nil
				en.SetText(s.scores[m.ID])
				en.OnChanged = func(txt string) { s.scores[m.ID] = txt }
			}},
	})

	newBtn := widget.NewButtonWithIcon(T("training.new"), theme.ContentAddIcon(), func() { s.Sessions.Table.UnselectAll(); s.edit(kaohe.Training{}) })
	save := primaryButton(T("action.save"), theme.DocumentSaveIcon(), s.Save)
	form := widget.NewForm(
		widget.NewFormItem(T("field.title"), s.Title),
		widget.NewFormItem(T("field.category"), s.Category),
		widget.NewFormItem(T("field.method"), s.Method),
		widget.NewFormItem(T("field.date"), s.Date),
		widget.NewFormItem(T("field.hours"), s.Hours),
		widget.NewFormItem(T("training.trainer"), s.Trainer),
	)
	submitOnEnter(form, s.Save)
	right := container.NewBorder(container.NewVBox(form, widget.NewSeparator(), bold(T("training.attendance"))),
		container.NewVBox(s.Message, container.NewHBox(save)), nil, nil, s.People.View())
	split := container.NewHSplit(container.NewBorder(newBtn, nil, nil, nil, s.Sessions.View()), right)
	split.Offset = 0.35
	s.view = split
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *TrainingScreen) View() fyne.CanvasObject { return s.view }

// stop abandons the reads in flight: the screen went away.
func (s *TrainingScreen) stop() { s.loader.stop(); s.att.stop() }

// Reload re-reads the sessions and the one being edited.
func (s *TrainingScreen) Reload() { s.read(false) }

// refresh re-reads the sessions (a sync brought changes) and leaves the
// session being edited and its attendance as typed.
func (s *TrainingScreen) refresh() { s.read(true) }

func (s *TrainingScreen) read(keepForm bool) {
	load(&s.loader, s.e.svc.Trainings, func(items []kaohe.Training, err error) {
		if err != nil {
			s.e.showError(err)
		}
		s.items = items
		s.Sessions.Set(items)
		if !keepForm {
			s.edit(s.cur)
		}
	})
}

// SetResult records a manager's result ("" for not attending).
func (s *TrainingScreen) SetResult(managerID string, r kaohe.AttendanceResult) {
	if r == "" {
		delete(s.results, managerID)
	} else {
		s.results[managerID] = r
	}
}

// SetScore records a manager's score as typed.
func (s *TrainingScreen) SetScore(managerID, text string) {
	s.scores[managerID] = text
	s.People.Table.Refresh()
}

// edit shows a session (or a new one) with its attendance, read in the
// background.
func (s *TrainingScreen) edit(t kaohe.Training) {
	if t.ID == "" || t.ID != s.cur.ID {
		s.Message.SetText("")
	}
	s.cur = t
	s.Title.SetText(t.Title)
	s.Category.Set(t.Category)
	s.Method.Set(t.Method)
	s.Date.SetText(t.Date.String())
	s.Hours.SetText("")
	if t.Hours > 0 {
		s.Hours.SetText(numText(t.Hours))
	}
	s.Trainer.SetText(t.Trainer)
	type data struct {
		people []kaohe.ManagerLevel
		have   []kaohe.Attendance
	}
	id, e := t.ID, s.e
	load(&s.att, func(ctx context.Context) (data, error) {
		var d data
		_, active, err := e.managers(ctx)
		if err != nil || id == "" {
			return data{people: active}, err
		}
		d.people = active
		d.have, err = e.svc.Attendance(ctx, id)
		return d, err
	}, func(d data, err error) {
		if err != nil {
			s.e.showError(err)
		}
		s.results, s.scores = map[string]kaohe.AttendanceResult{}, map[string]string{}
		for _, a := range d.have {
			s.results[a.ManagerID] = a.Result
			if a.Score != nil {
				s.scores[a.ManagerID] = numText(*a.Score)
			}
		}
		s.People.Set(d.people)
	})
}

// Save saves the session and its attendance in one go.
func (s *TrainingScreen) Save() {
	t := s.cur
	t.Title, t.Trainer = strings.TrimSpace(s.Title.Text), strings.TrimSpace(s.Trainer.Text)
	t.Category, _ = s.Category.Value()
	t.Method, _ = s.Method.Value()
	d, err := kaohe.ParseDate(s.Date.Text)
	if err != nil {
		say(s.Message, ErrorText(err.(*kaohe.Error).OnField("date")), true)
		return
	}
	t.Date = d
	h, ok := parseNumber(s.Hours.Text)
	if !ok {
		say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.bad_hours", "Value", s.Hours.Text).OnField("hours")), true)
		return
	}
	t.Hours = h
	var as []kaohe.Attendance
	for id, r := range s.results {
		a := kaohe.Attendance{ManagerID: id, Result: r}
		if txt := strings.TrimSpace(s.scores[id]); txt != "" {
			v, ok := parseNumber(txt)
			if !ok {
				say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("field.score"), "Value", txt)), true)
				return
			}
			a.Score = &v
		}
		as = append(as, a)
	}
	if len(as) > 0 { // results of a training not held yet: refused before the session is saved
		if err := as[0].CheckHeld(t, s.e.today()); err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
	}
	e := s.e
	load(&s.saving, func(ctx context.Context) (kaohe.Training, error) {
		saved, err := e.svc.SaveTraining(ctx, e.actor, t)
		if err != nil {
			return saved, err
		}
		for i := range as {
			as[i].TrainingID = saved.ID
		}
		return saved, e.svc.RecordAttendance(ctx, e.actor, as)
	}, func(saved kaohe.Training, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.cur = saved
		s.Reload()
		say(s.Message, T("training.saved", "Count", len(as)), false)
	})
}

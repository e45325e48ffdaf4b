package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// TrainingScreen keeps training sessions (category, method, date, hours,
// trainer) and who attended with what result.
type TrainingScreen struct {
	e    *env
	view fyne.CanvasObject

	List     *widget.List
	items    []kaohe.Training
	cur      kaohe.Training
	Title    *field
	Category *selectOf[kaohe.TrainingCategory]
	Method   *selectOf[kaohe.TrainingMethod]
	Date     *field
	Hours    *field
	Trainer  *field
	Results  map[string]*selectOf[kaohe.AttendanceResult] // by manager id
	Scores   map[string]*field
	people   *fyne.Container
	Message  *widget.Label
}

var attendResults = []kaohe.AttendanceResult{"", kaohe.AttendPassed, kaohe.AttendFailed, kaohe.AttendAbsent}

func newTrainingScreen(e *env) *TrainingScreen {
	s := &TrainingScreen{e: e, people: container.NewVBox()}
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
	s.List = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			t := s.items[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s　%s　%s", t.Date.String(), t.Title, Tr(kaohe.NameOf(kaohe.TrainingCategories(), t.Category))))
		})
	s.List.OnSelected = func(i widget.ListItemID) { s.edit(s.items[i]) }
	newBtn := widget.NewButtonWithIcon(T("training.new"), theme.ContentAddIcon(), func() { s.List.UnselectAll(); s.edit(kaohe.Training{}) })
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
	right := container.NewBorder(nil, container.NewVBox(s.Message, container.NewHBox(save)), nil, nil,
		container.NewVScroll(container.NewVBox(form, widget.NewSeparator(), bold(T("training.attendance")), s.people)))
	split := container.NewHSplit(container.NewBorder(newBtn, nil, nil, nil, s.List), right)
	split.Offset = 0.35
	s.view = split
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *TrainingScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the sessions.
func (s *TrainingScreen) Reload() {
	var err error
	if s.items, err = s.e.svc.Trainings(bg); err != nil {
		s.e.showError(err)
	}
	s.List.Refresh()
	s.edit(s.cur)
}

// edit shows a session (or a new one) with its attendance.
func (s *TrainingScreen) edit(t kaohe.Training) {
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
	s.Message.SetText("")
	var have map[string]kaohe.Attendance
	if t.ID != "" {
		as, err := s.e.svc.Attendance(bg, t.ID)
		if err != nil {
			s.e.showError(err)
		}
		have = map[string]kaohe.Attendance{}
		for _, a := range as {
			have[a.ManagerID] = a
		}
	}
	s.Results, s.Scores = map[string]*selectOf[kaohe.AttendanceResult]{}, map[string]*field{}
	s.people.Objects = nil
	for _, m := range s.e.activeManagers() {
		res := newSelectOf(attendResults, func(r kaohe.AttendanceResult) string {
			if r == "" {
				return T("training.not_attending")
			}
			return T("attend." + string(r))
		}, nil)
		score := newField()
		score.SetPlaceHolder(T("field.score"))
		res.Set("")
		if a, ok := have[m.ID]; ok {
			res.Set(a.Result)
			if a.Score != nil {
				score.SetText(numText(*a.Score))
			}
		}
		s.Results[m.ID], s.Scores[m.ID] = res, score
		s.people.Add(container.NewGridWithColumns(3, widget.NewLabel(managerLabel(m)), res, score))
	}
	s.people.Refresh()
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
	for id, sel := range s.Results {
		r, _ := sel.Value()
		if r == "" {
			continue
		}
		a := kaohe.Attendance{ManagerID: id, Result: r}
		if txt := strings.TrimSpace(s.Scores[id].Text); txt != "" {
			v, ok := parseNumber(txt)
			if !ok {
				say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("field.score"), "Value", txt)), true)
				return
			}
			a.Score = &v
		}
		as = append(as, a)
	}
	saved, err := s.e.svc.SaveTraining(bg, s.e.actor, t)
	if err == nil {
		for i := range as {
			as[i].TrainingID = saved.ID
		}
		err = s.e.svc.RecordAttendance(bg, s.e.actor, as)
	}
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.cur = saved
	s.Reload()
	say(s.Message, T("training.saved", "Count", len(as)), false)
}

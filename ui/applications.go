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

// ApplicationScreen keeps level applications: the three materials with a
// live 字数 count against the level's minimum, the education check with an
// exemption request, and the review progress that HQ's decisions drive.
type ApplicationScreen struct {
	loader
	e    *env
	view fyne.CanvasObject
	// Empty says why the screen has nothing to show and what to do.
	Empty *emptyNote

	// List is every application, sortable and searchable.
	List     *listTable[kaohe.ApplicationView]
	apps     []kaohe.ApplicationView
	names    map[string]kaohe.ManagerLevel
	levels   kaohe.Levels
	cur      kaohe.ApplicationView
	Manager  *selectOf[string]
	Target   *selectOf[kaohe.Level]
	Personal *field
	Achieve  *field
	Report   *field
	Count    *widget.Label
	EduCheck *widget.Label
	Exempt   *widget.Check
	Reason   *field
	Timeline *widget.Label
	Message  *widget.Label
	SaveBtn  *widget.Button
	Submit   *widget.Button
	sv       *saver
	edits    int // one more each time another application is put in the form
}

func newApplicationScreen(e *env) *ApplicationScreen {
	s := &ApplicationScreen{loader: loader{e: e}, e: e}
	s.Personal, s.Achieve, s.Report = newMultiField(), newMultiField(), newMultiField()
	s.Personal.SetMinRowsVisible(3)
	s.Achieve.SetMinRowsVisible(3)
	s.Report.SetMinRowsVisible(10)
	for _, en := range []*field{s.Personal, s.Achieve, s.Report} {
		en.Wrapping = fyne.TextWrapWord
	}
	s.Count, s.EduCheck, s.Message = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Timeline = wrapLabel("")
	s.Reason = newField()
	s.Reason.SetPlaceHolder(T("apply.reason_hint"))
	s.Exempt = widget.NewCheck(T("apply.exempt"), func(bool) { s.check() })
	s.Report.OnChanged = func(string) { s.check() }
	s.SaveBtn = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), s.save)
	s.Submit = primaryButton(T("apply.submit"), theme.UploadIcon(), s.submit)
	s.sv = newSaver(e, s.SaveBtn, s.Submit)
	print := widget.NewButtonWithIcon(T("doc.application"), theme.DocumentPrintIcon(), func() {
		if m, ok := s.names[s.cur.ManagerID]; ok && s.cur.ID != "" {
			e.makePDF(T("doc.application")+"-"+m.EmployeeNo, func(ctx context.Context, path string) error { return e.svc.ApplicationPDF(ctx, m.EmployeeNo, path) })
		}
	})
	newBtn := widget.NewButtonWithIcon(T("apply.new"), theme.ContentAddIcon(), func() { s.List.Table.UnselectAll(); s.edit(kaohe.ApplicationView{}) })

	s.List = newListTable([]column[kaohe.ApplicationView]{
		{key: "col.manager", width: 120, text: func(a kaohe.ApplicationView) string { return s.who(a.ManagerID) }},
		{key: "col.target", width: 70, text: func(a kaohe.ApplicationView) string { return LevelName(a.TargetLevel) },
			less: func(a, b kaohe.ApplicationView) bool { return a.TargetLevel < b.TargetLevel }},
		{key: "col.status", width: 100, text: func(a kaohe.ApplicationView) string { return T("state." + string(a.Review.State)) }},
		{key: "col.submitted", width: 135, text: func(a kaohe.ApplicationView) string { return FormatDate(a.Review.Submitted()) },
			less: func(a, b kaohe.ApplicationView) bool { return a.Review.Submitted().Before(b.Review.Submitted()) }},
	})
	s.List.ID = func(a kaohe.ApplicationView) string { return a.ID }
	s.List.OnSelected = func(a kaohe.ApplicationView) { s.edit(a) }

	s.Manager = newSelectOf[string](nil, func(id string) string { return s.who(id) }, func(string) { s.offerTargets(s.cur); s.check() })
	// The levels offered follow the chosen manager (offerTargets).
	s.Target = newSelectOf[kaohe.Level](nil, LevelName, func(kaohe.Level) { s.check() })
	form := widget.NewForm(
		widget.NewFormItem(T("apply.manager"), s.Manager),
		widget.NewFormItem(T("apply.target"), s.Target),
		widget.NewFormItem(T("apply.education"), s.EduCheck),
		widget.NewFormItem("", s.Exempt),
		widget.NewFormItem(T("field.exemption_reason"), s.Reason),
		widget.NewFormItem(T("field.personal_info"), s.Personal),
		widget.NewFormItem(T("field.achievements"), s.Achieve),
		widget.NewFormItem(T("field.report"), container.NewBorder(nil, s.Count, nil, nil, s.Report)),
	)
	submitOnEnter(form, s.save)
	right := container.NewBorder(nil, container.NewVBox(s.Message, container.NewHBox(s.SaveBtn, s.Submit, print)), nil, nil,
		container.NewVScroll(container.NewVBox(form, widget.NewSeparator(), bold(T("apply.progress")), s.Timeline)))
	s.Empty = newEmptyNote()
	left := container.NewBorder(container.NewVBox(newBtn, s.Empty.View()), nil, nil, nil, s.List.View())
	s.Empty.In(left)
	split := container.NewHSplit(left, right)
	split.Offset = 0.38
	s.view = split
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *ApplicationScreen) View() fyne.CanvasObject { return s.view }

func (s *ApplicationScreen) who(id string) string {
	if m, ok := s.names[id]; ok {
		return managerLabel(m)
	}
	return "—"
}

// Reload re-reads the applications, in the background, and shows the one
// being edited as stored.
func (s *ApplicationScreen) Reload() { s.read(false) }

// refresh re-reads the list (a sync brought changes) and leaves the form as
// typed; an application shown read-only is shown as it now stands (HQ's
// decisions move it on).
func (s *ApplicationScreen) refresh() { s.read(true) }

func (s *ApplicationScreen) read(keepForm bool) {
	type read struct {
		levels kaohe.Levels
		ms     []kaohe.ManagerLevel
		apps   []kaohe.ApplicationView
	}
	e := s.e
	if s.Message.Text == "" {
		showLoading(s.Message)
	}
	load(&s.loader, func(ctx context.Context) (r read, err error) {
		if r.levels, err = e.svc.Levels(ctx); err != nil {
			return r, err
		}
		if r.ms, _, err = e.managers(ctx); err != nil {
			return r, err
		}
		r.apps, err = e.svc.Applications(ctx, "")
		return r, err
	}, func(r read, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		doneLoading(s.Message)
		s.loaded(r.levels, r.ms, r.apps, keepForm)
	})
}

// loaded shows what Reload read, the application shown kept, and the
// message said meanwhile (a save's outcome) too. With keepForm, a form open
// for typing is left as it is.
func (s *ApplicationScreen) loaded(levels kaohe.Levels, ms []kaohe.ManagerLevel, apps []kaohe.ApplicationView, keepForm bool) {
	s.levels, s.apps = levels, apps
	s.names = s.e.byID(ms)
	var active []string
	for _, m := range ms {
		if m.Status == kaohe.StatusActive {
			active = append(active, m.ID)
		}
	}
	if len(active) == 0 {
		s.Empty.Say(len(s.apps) == 0, "empty.applications_nobody")
	} else {
		s.Empty.Say(len(s.apps) == 0, "empty.applications")
	}
	chosen := s.selectedManager()
	s.Manager.values = active
	s.Manager.Options = make([]string, len(active))
	for i, id := range active {
		s.Manager.Options[i] = s.who(id)
	}
	s.List.Set(s.apps)
	if keepForm && (s.cur.ID == "" || s.cur.Review.State == kaohe.AppDraft) {
		// Being typed: the choices change under it, nothing typed does.
		s.Manager.Set(chosen)
		s.Manager.Refresh()
		if s.cur.ID != "" {
			s.Manager.Disable()
		}
		return
	}
	msg, imp := s.Message.Text, s.Message.Importance
	defer func() {
		s.Message.Importance = imp
		s.Message.SetText(msg)
	}()
	if s.cur.ID != "" {
		for _, a := range s.apps {
			if a.ID == s.cur.ID {
				s.edit(a)
				return
			}
		}
	}
	s.edit(kaohe.ApplicationView{})
}

// Apps returns the applications listed.
func (s *ApplicationScreen) Apps() []kaohe.ApplicationView { return s.apps }

// offerTargets offers the levels the application may ask for
// (kaohe.Levels.NextLevels: the one above the chosen manager's, if HQ has
// it in use; the submit refuses any other, at HQ too); a stored draft's
// own target is kept in the list so it shows; a submitted application
// shows only its own.
func (s *ApplicationScreen) offerTargets(a kaohe.ApplicationView) {
	var ls []kaohe.Level
	if a.ID != "" && a.Review.State != kaohe.AppDraft {
		ls = []kaohe.Level{a.TargetLevel}
	} else {
		if m, ok := s.names[s.selectedManager()]; ok {
			ls = append(ls, s.levels.NextLevels(m.Level)...)
		}
		if a.TargetLevel != 0 && !slices.Contains(ls, a.TargetLevel) {
			ls = append(ls, a.TargetLevel)
		}
	}
	// The stored target first, else what was chosen (a new application
	// whose manager changed), else the one offered.
	want := a.TargetLevel
	if prev, ok := s.Target.Value(); !slices.Contains(ls, want) && ok {
		want = prev
	}
	if !slices.Contains(ls, want) && len(ls) > 0 {
		want = ls[0]
	}
	s.Target.values, s.Target.Options = ls, make([]string, len(ls))
	for i, l := range ls {
		s.Target.Options[i] = LevelName(l)
	}
	s.Target.Set(want)
	s.Target.Refresh()
}

// edit shows an application (or a blank new one) in the form.
func (s *ApplicationScreen) edit(a kaohe.ApplicationView) {
	s.cur = a
	s.edits++
	s.Manager.Set(a.ManagerID)
	s.offerTargets(a)
	s.Personal.SetText(a.PersonalInfo)
	s.Achieve.SetText(a.Achievements)
	s.Report.SetText(a.Report)
	s.Exempt.SetChecked(a.Exemption != kaohe.ExemptionNone)
	s.Reason.SetText(a.ExemptReason)
	editable := a.ID == "" || a.Review.State == kaohe.AppDraft
	for _, w := range []fyne.Disableable{s.Manager, s.Target, s.Personal, s.Achieve, s.Report, s.Exempt, s.Reason, s.SaveBtn, s.Submit} {
		if editable {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if a.ID != "" {
		s.Manager.Disable() // an application belongs to its applicant
	}
	s.Message.SetText("")
	s.Timeline.SetText(s.timeline(a))
	s.check()
}

func (s *ApplicationScreen) timeline(a kaohe.ApplicationView) string {
	if a.ID == "" {
		return T("dash.none")
	}
	var b strings.Builder
	writeTextf(&b, "%s：%s\n", T("apply.state"), T("state."+string(a.Review.State)))
	for _, d := range a.Review.Decisions {
		b.WriteString(decisionLine(d) + "\n")
	}
	if a.Review.State == kaohe.AppProbation {
		b.WriteString(T("apply.probation_end", "Date", FormatDate(a.Review.ProbationEnd)) + "\n")
	}
	if next := a.Review.Next(); next != "" && next != kaohe.StageSubmit {
		b.WriteString(T("apply.waiting", "Stage", T("stage."+string(next))))
	}
	return b.String()
}

// decisionLine says one step of the review: day, stage, verdict, exam
// score, who decided and their comment. The showroom's timeline and HQ's
// review screen show the same line.
func decisionLine(d kaohe.Decision) string {
	var b strings.Builder
	verdict := T(map[bool]string{true: "verdict.pass", false: "verdict.fail"}[d.Pass])
	if !d.Stage.HQOwned() {
		verdict = "" // the showroom's submission or withdrawal is no verdict
	}
	writeTextf(&b, "%s　%s", FormatDate(d.Date), T("stage."+string(d.Stage)))
	if verdict != "" {
		b.WriteString(" " + verdict)
	}
	if d.ExamScore != nil {
		writeTextf(&b, "（%s %s）", T("apply.exam_score"), numText(*d.ExamScore))
	}
	if len(d.DecidedBy) > 0 {
		writeTextf(&b, "　%s", joinList(d.DecidedBy))
	}
	if d.Comment != "" {
		writeTextf(&b, "　%s", d.Comment)
	}
	return b.String()
}

// check shows the live 字数 and the education check. A refusal shown
// earlier goes once the materials change: it may no longer hold (the red
// report-length message stayed after the counter turned green).
func (s *ApplicationScreen) check() {
	if s.Message.Importance == widget.DangerImportance {
		s.Message.SetText("")
	}
	level, _ := s.Target.Value()
	li, err := s.levels.Get(level)
	n := kaohe.CountChars(s.Report.Text)
	if err != nil {
		s.Count.SetText(T("apply.count_short", "Count", n))
		return
	}
	s.Count.SetText(T("apply.count", "Count", n, "Min", li.MinReportChars))
	s.Count.Importance = widget.SuccessImportance
	if !li.ReportLongEnough(n) {
		s.Count.Importance = widget.DangerImportance
	}
	s.Count.Refresh()
	m, ok := s.names[s.selectedManager()]
	if !ok {
		s.EduCheck.SetText("—")
		return
	}
	edu := m.Education
	if s.cur.ID != "" {
		edu = s.cur.Education
	}
	c := kaohe.CheckEducation(edu, li, s.exemption())
	switch {
	case c.Meets:
		s.EduCheck.Importance = widget.SuccessImportance
		s.EduCheck.SetText(T("apply.edu_ok", "Have", Tr(edu.Name()), "Need", Tr(li.MinEducation.Name())))
	default:
		s.EduCheck.Importance = widget.DangerImportance
		s.EduCheck.SetText(T("apply.edu_low", "Have", Tr(edu.Name()), "Need", Tr(li.MinEducation.Name())))
	}
}

func (s *ApplicationScreen) selectedManager() string {
	id, _ := s.Manager.Value()
	return id
}

func (s *ApplicationScreen) exemption() kaohe.ExemptionStatus {
	if s.cur.ID != "" && s.cur.Exemption != kaohe.ExemptionNone && s.cur.Exemption != kaohe.ExemptionRequested {
		return s.cur.Exemption // HQ's decision
	}
	if s.Exempt.Checked {
		return kaohe.ExemptionRequested
	}
	return kaohe.ExemptionNone
}

func (s *ApplicationScreen) collect() (kaohe.Application, error) {
	a := s.cur.Application
	a.ManagerID = s.selectedManager()
	if a.ManagerID == "" {
		return a, kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("manager")
	}
	a.TargetLevel, _ = s.Target.Value()
	a.PersonalInfo, a.Achievements, a.Report = s.Personal.Text, s.Achieve.Text, s.Report.Text
	a.Exemption, a.ExemptReason = s.exemption(), strings.TrimSpace(s.Reason.Text)
	if a.Education == kaohe.EduUnknown {
		a.Education = s.names[a.ManagerID].Education
	}
	return a, nil
}

func (s *ApplicationScreen) save() {
	if s.sv.saving() {
		return // a second tap or Enter saves nothing twice
	}
	a, err := s.collect()
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	e, gen := s.e, s.edits
	showSaving(s.Message)
	save(s.sv, func(ctx context.Context) (kaohe.Application, error) {
		return e.svc.SaveApplication(ctx, e.actor, a)
	}, func(a kaohe.Application, err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		if gen == s.edits { // the form still holds it: saved again, it keeps its id
			s.cur = kaohe.ApplicationView{Application: a, Review: kaohe.Review{State: kaohe.AppDraft}}
			s.Manager.Disable() // an application belongs to its applicant
		}
		say(s.Message, T("apply.saved_ok"), false) // the list is read again through the data version
	})
}

// submit asks, then saves the materials and submits them in one go: the
// policy's checks (report length, education or exemption request) refuse it
// with a reason, and a refusal saves nothing.
func (s *ApplicationScreen) submit() {
	if s.sv.saving() {
		return
	}
	a, err := s.collect()
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	lvl := LevelName(a.TargetLevel)
	e, gen := s.e, s.edits
	e.confirm(T("apply.submit_title"), T("apply.submit_confirm", "Who", s.who(a.ManagerID), "Level", lvl, "Count", kaohe.CountChars(a.Report)), func() {
		if gen != s.edits {
			return // another application was put in the form meanwhile
		}
		showSaving(s.Message)
		save(s.sv, func(ctx context.Context) (kaohe.ApplicationView, error) {
			return e.svc.SaveAndSubmitApplication(ctx, e.actor, a)
		}, func(v kaohe.ApplicationView, err error) {
			if err != nil {
				say(s.Message, ErrorText(err), true)
				return
			}
			if gen == s.edits {
				s.edit(v) // submitted: read-only from now on
			}
			say(s.Message, T("apply.submitted_ok"), false)
		})
	})
}

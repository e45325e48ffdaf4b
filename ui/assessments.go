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

// AssessmentScreen enters one manager's scores for one period, with the
// weighted total, grade and coefficient updated as each score is typed.
// A submitted assessment is shown read-only.
type AssessmentScreen struct {
	e        *env
	view     *fyne.Container
	Period   *selectOf[string]
	Manager  *selectOf[string]
	Scores   map[string]*field
	Comment  *field
	Assessor *field
	Total    *widget.Label
	Grade    *widget.Label
	Coef     *widget.Label
	Status   *widget.Label
	Problem  *widget.Label
	// PeriodOpen says, for a period that has not ended, that it can be
	// submitted only once it has (kaohe.Period.CheckEnded).
	PeriodOpen *widget.Label
	SaveBtn    *widget.Button
	Submit     *widget.Button
	FillPlan   *widget.Button

	loader
	pick loader // the chosen manager's assessment, read after each pick
	sv   *saver // the save or submit under way
	// justSaved: the assessment shown is as its save stored it; the refresh
	// that follows the save (env.wrote) need not read it again.
	justSaved bool
	a         kaohe.Assessment
	// research is the chosen manager's market research (the evidence
	// counts), read with the assessment.
	research   []kaohe.MarketResearch
	assessable map[string]kaohe.ManagerLevel // the pickable managers, by id
	// active, levels and hist are what the manager picker is drawn from,
	// for the period chosen (pickManagers); all finds the signed-in
	// account's own manager record, and notAssessor says why it may not
	// assess the period chosen (nil: it may).
	active      []kaohe.ManagerLevel
	all         []kaohe.ManagerLevel
	notAssessor error
	levels      kaohe.Levels
	hist        map[string][]kaohe.LevelChange
	reading     bool // the chosen assessment is being read
	tpl         kaohe.Template
	pnames      map[string]string // the periods' names, by id
	mlabels     map[string]string // the pickable managers' labels, by id
	form        *fyne.Container
	periods     map[string]kaohe.Period
	// Evidence shows, beside the items they support, how many market
	// surveys the manager recorded in the period.
	Evidence map[string]*widget.Label
}

func newAssessmentScreen(e *env) *AssessmentScreen {
	s := &AssessmentScreen{loader: loader{e: e}, pick: loader{e: e}, e: e, view: container.NewStack(), form: container.NewStack()}
	s.Period = newSelectOf[string](nil, func(id string) string { return s.pnames[id] }, func(string) { s.pickManagers(); s.load() })
	s.Manager = newSelectOf[string](nil, func(id string) string { return s.mlabels[id] }, func(string) { s.load() })
	s.Total, s.Grade, s.Coef, s.Status = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.Total.TextStyle.Bold = true
	s.Problem = widget.NewLabel("")
	s.Problem.Importance = widget.DangerImportance
	s.Problem.Wrapping = fyne.TextWrapWord
	s.PeriodOpen = widget.NewLabel("")
	s.PeriodOpen.Importance = widget.WarningImportance
	s.PeriodOpen.Wrapping = fyne.TextWrapWord
	s.PeriodOpen.Hide()
	s.Comment = newMultiField()
	s.Comment.SetMinRowsVisible(3)
	// The assessor is the signed-in account (the service names it), who
	// must be the showroom's level-3 manager: shown, never typed.
	s.Assessor = newField()
	s.Assessor.Disable()
	s.SaveBtn = widget.NewButtonWithIcon(T("assess.save_draft"), theme.DocumentSaveIcon(), func() { s.save(false) })
	s.Submit = primaryButton(T("assess.submit"), theme.ConfirmIcon(), s.askSubmit)
	s.FillPlan = widget.NewButton(T("assess.fill_plan"), s.fillPlan)
	s.sv = newSaver(e) // the buttons: by what is shown (setButtons)
	print := widget.NewButtonWithIcon(T("doc.report"), theme.DocumentPrintIcon(), func() {
		if s.a.ID == "" {
			return
		}
		m, _ := s.managerRow()
		pid := s.a.PeriodID
		e.makePDF(T("doc.report")+"-"+m.EmployeeNo+"-"+pid, func(ctx context.Context, path string) error {
			return e.svc.ReportPDF(ctx, m.EmployeeNo, pid, path)
		})
	})
	s.Reload()
	top := container.NewBorder(nil, nil, widget.NewLabel(T("assess.period")), nil,
		container.NewGridWithColumns(2, s.Period, container.NewBorder(nil, nil, widget.NewLabel(T("assess.manager")), nil, s.Manager)))
	result := container.NewHBox(s.Total, s.Grade, s.Coef, s.Status)
	export := widget.NewButtonWithIcon(T("excel.export_assessments"), theme.DownloadIcon(), func() {
		pid, ok := s.Period.Value()
		if ok {
			e.exportXLSX(T("excel.assessments_file", "Period", pid), func(ctx context.Context, p string) error { return e.svc.ExportAssessments(ctx, pid, p) })
		}
	})
	buttons := container.NewHBox(s.SaveBtn, s.Submit, s.FillPlan, print, export)
	s.view.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(top, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), result, s.PeriodOpen, s.Problem, buttons), nil, nil, container.NewVScroll(s.form))}
	return s
}

// View returns the screen's content.
func (s *AssessmentScreen) View() fyne.CanvasObject { return s.view }

// stop abandons the reads in flight: the screen went away.
func (s *AssessmentScreen) stop() { s.loader.stop(); s.pick.stop() }

// stale says the assessment chosen was never shown (its read was
// abandoned): the screen reads again when shown.
func (s *AssessmentScreen) stale() bool { return s.reading }

// Reload refreshes the pickers (read in the background) and the form.
func (s *AssessmentScreen) Reload() { s.readPickers(false) }

// refresh refreshes the pickers (a sync brought changes) and leaves the
// form as typed, unless the manager or period chosen is gone.
func (s *AssessmentScreen) refresh() { s.readPickers(true) }

func (s *AssessmentScreen) readPickers(keepForm bool) {
	type read struct {
		periods []kaohe.Period
		levels  kaohe.Levels
		all     []kaohe.ManagerLevel
		active  []kaohe.ManagerLevel
		hist    map[string][]kaohe.LevelChange
	}
	e := s.e
	s.Status.SetText(T("loading"))
	load(&s.loader, func(ctx context.Context) (r read, err error) {
		if r.periods, err = e.svc.Periods(ctx); err != nil {
			return r, err
		}
		if r.levels, err = e.svc.Levels(ctx); err != nil {
			return r, err
		}
		if r.all, r.active, err = e.managers(ctx); err != nil {
			return r, err
		}
		r.hist, err = e.svc.LevelHistories(ctx)
		return r, err
	}, func(r read, err error) {
		if err != nil {
			s.Status.SetText("")
			s.Problem.SetText(ErrorText(err))
			return
		}
		s.all = r.all
		s.loaded(r.periods, r.levels, r.active, r.hist, keepForm)
	})
}

// loaded fills the pickers, keeping what was chosen, and shows the form
// (read again unless keepForm and the same assessment is still chosen).
func (s *AssessmentScreen) loaded(periods []kaohe.Period, levels kaohe.Levels, active []kaohe.ManagerLevel, hist map[string][]kaohe.LevelChange, keepForm bool) {
	pids := make([]string, len(periods))
	names := map[string]string{}
	s.periods = map[string]kaohe.Period{}
	for i, p := range periods {
		s.periods[p.ID] = p
		pids[i] = p.ID
		names[p.ID] = Tr(p.Name)
	}
	prevP, _ := s.Period.Value()
	s.pnames = names
	s.active, s.levels, s.hist = active, levels, hist
	// Choosing below must not read each time: once, at the end.
	onP, onM := s.Period.OnChanged, s.Manager.OnChanged
	s.Period.OnChanged, s.Manager.OnChanged = nil, nil
	defer func() { s.Period.OnChanged, s.Manager.OnChanged = onP, onM }()
	s.Period.values = pids
	s.Period.Options = labelsOf(pids, names)
	if prevP != "" {
		s.Period.Set(prevP)
	} else if p, ok := kaohe.LatestEnded(periods, s.e.today()); ok {
		s.Period.Set(p.ID) // the latest period that can be submitted
	} else if len(pids) > 0 {
		s.Period.SetSelectedIndex(0)
	}
	s.Period.Refresh()
	s.pickManagers()
	p, _ := s.Period.Value()
	m, _ := s.Manager.Value()
	justSaved := s.justSaved
	s.justSaved = false
	if keepForm && (s.a.Status == kaohe.AssessDraft || justSaved) && s.a.ManagerID != "" && p == s.a.PeriodID && m == s.a.ManagerID {
		s.Status.SetText(T("astatus." + string(s.a.Status)))
		return // the same draft, as typed
	}
	s.load()
}

// pickManagers offers, for the period chosen, only whom HQ will accept an
// assessment of from this showroom (kaohe.CheckAssessableIn): staff at
// level 1 at the period's end (the others are the review group's), never
// oneself; and, to an account that assesses, nobody unless it is the
// showroom's manager at level 3 at the period's end, once HQ has recorded
// one (kaohe.CheckShowroomAssessor).
// A manager promoted since stays offered for the periods before.
func (s *AssessmentScreen) pickManagers() {
	prevM, _ := s.Manager.Value()
	var p kaohe.Period
	id, chosen := s.Period.Value()
	if chosen {
		p, chosen = s.periods[id]
	}
	s.notAssessor = nil
	if chosen && s.e.actor.Role.Can(kaohe.PermAssess) { // the others only look (the service refuses their saves)
		s.notAssessor = s.checkAssessor(p)
	}
	var mids []string
	labels := map[string]string{}
	s.assessable = map[string]kaohe.ManagerLevel{}
	for _, m := range s.active {
		if !chosen || s.notAssessor != nil || kaohe.CheckAssessableIn(s.levels, s.hist[m.ID], p, m.Manager, s.e.actor.EmployeeNo) != nil {
			continue
		}
		mids = append(mids, m.ID)
		labels[m.ID] = managerLabel(m)
		s.assessable[m.ID] = m
	}
	s.mlabels = labels
	onM := s.Manager.OnChanged
	s.Manager.OnChanged = nil
	defer func() { s.Manager.OnChanged = onM }()
	s.Manager.values = mids
	s.Manager.Options = labelsOf(mids, labels)
	s.Manager.ClearSelected()
	if prevM != "" && s.assessable[prevM].ID != "" {
		s.Manager.Set(prevM)
	} else if len(mids) > 0 {
		s.Manager.SetSelectedIndex(0)
	}
	s.Manager.Refresh()
}

// checkAssessor says whether the signed-in account may assess period p:
// its manager record (by its employee number) is the showroom's manager at
// level 3 at the period's end, as the store and HQ check the assessor the
// service writes (the account, Actor.String).
func (s *AssessmentScreen) checkAssessor(p kaohe.Period) error {
	a := s.e.actor
	var who kaohe.Manager
	found := false
	for _, m := range s.all {
		if a.EmployeeNo != "" && kaohe.SameEmployeeNo(m.EmployeeNo, a.EmployeeNo) {
			who, found = m.Manager, true
			break
		}
	}
	appointed := false // has HQ recorded the showroom's manager? (kaohe.CheckShowroomAssessor)
	for _, m := range s.all {
		appointed = appointed || kaohe.ManagesShowroomOn(m.Manager, s.hist[m.ID], p.End)
	}
	return kaohe.CheckShowroomAssessor(a.String(), who, found, s.hist[who.ID], p, appointed)
}

func labelsOf(ids []string, names map[string]string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = names[id]
	}
	return out
}

func (s *AssessmentScreen) managerRow() (kaohe.ManagerLevel, bool) {
	id, ok := s.Manager.Value()
	if !ok {
		return kaohe.ManagerLevel{}, false
	}
	m, ok := s.assessable[id]
	return m, ok
}

// Open shows the assessment of a manager for a period.
func (s *AssessmentScreen) Open(managerID, periodID string) {
	s.Period.Set(periodID)
	s.Manager.Set(managerID)
	s.load()
}

func (s *AssessmentScreen) load() {
	pid, ok1 := s.Period.Value()
	mid, ok2 := s.Manager.Value()
	s.Problem.SetText("")
	if !ok1 || !ok2 { // nobody chosen (or the manager is gone): nothing shown, nothing to save
		switch { // an empty screen says why and what to do
		case len(s.Period.values) == 0:
			s.Problem.SetText(T("assess.no_periods"))
		case s.notAssessor != nil && len(s.active) > 0: // staff, but the account may not assess them
			s.Problem.SetText(ErrorText(s.notAssessor))
		case len(s.Manager.values) == 0:
			s.Problem.SetText(T("assess.no_assessable"))
		}
		s.pick.stop()
		s.reading = false
		s.a, s.tpl = kaohe.Assessment{}, kaohe.Template{}
		s.form.Objects = nil
		s.form.Refresh()
		s.blankResult()
		s.Status.SetText("")
		s.PeriodOpen.Hide()
		for _, w := range []fyne.Disableable{s.SaveBtn, s.Submit, s.FillPlan} {
			w.Disable()
		}
		return
	}
	// Read in the background; until it arrives nothing can be saved, so
	// the form shown before is never saved as the new pick's.
	for _, w := range []fyne.Disableable{s.SaveBtn, s.Submit, s.FillPlan} {
		w.Disable()
	}
	s.Status.SetText(T("loading"))
	s.reading = true
	type read struct {
		a        kaohe.Assessment
		tpl      kaohe.Template
		research []kaohe.MarketResearch
	}
	e := s.e
	load(&s.pick, func(ctx context.Context) (r read, err error) {
		if r.a, err = e.svc.Assessment(ctx, mid, pid); err != nil {
			return r, err
		}
		if r.tpl, err = e.svc.TemplateFor(ctx, r.a); err != nil {
			return r, err
		}
		r.research, err = e.svc.Research(ctx, mid)
		return r, err
	}, func(r read, err error) {
		s.reading = false
		if err != nil {
			s.Status.SetText("")
			say(s.Problem, ErrorText(err), true)
			return
		}
		s.show(r.a, r.tpl, r.research)
	})
}

// setButtons enables what the assessment shown allows: a draft is edited
// and saved, and submitted once its period ended; nothing while it is saved.
func (s *AssessmentScreen) setButtons() {
	readOnly := s.a.Status != kaohe.AssessDraft
	for _, w := range []fyne.Disableable{s.Comment, s.SaveBtn, s.Submit, s.FillPlan} {
		if readOnly || s.sv.saving() {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	p := s.periods[s.a.PeriodID]
	if open := !readOnly && !p.Ended(s.e.today()); open {
		s.PeriodOpen.SetText(T("assess.period_open", "Period", Tr(p.Name), "End", FormatDate(p.End)))
		s.PeriodOpen.Show()
		s.Submit.Disable() // HQ and the store refuse it too (kaohe.Period.CheckEnded)
	} else {
		s.PeriodOpen.Hide()
	}
}

// show puts an assessment in the form: editable while a draft.
func (s *AssessmentScreen) show(a kaohe.Assessment, tpl kaohe.Template, research []kaohe.MarketResearch) {
	s.a, s.tpl, s.research = a, tpl, research
	readOnly := a.Status != kaohe.AssessDraft
	s.Scores = map[string]*field{}
	s.Evidence = map[string]*widget.Label{}
	evidence := kaohe.EvidenceCount(research, s.periods[a.PeriodID])
	grid := container.NewGridWithColumns(4,
		bold(T("assess.item")), bold(T("assess.weight")), bold(T("assess.score", "Min", numText(tpl.ScoreMin), "Max", numText(tpl.ScoreMax))), bold(T("assess.guidance")))
	for _, it := range tpl.Items {
		en := newField()
		if v, ok := a.Scores[it.Code]; ok {
			en.SetText(numText(v))
		}
		en.OnChanged = func(string) { s.recompute() }
		en.OnSubmitted = func(string) { s.save(false) } // Enter saves the draft, never submits
		if readOnly {
			en.Disable()
		}
		s.Scores[it.Code] = en
		g := wrapLabel(Tr(it.Guidance))
		g.Importance = widget.LowImportance
		var guide fyne.CanvasObject = g
		if it.Code == "feedback" || it.Code == "expansion" {
			ev := widget.NewLabel(T("assess.evidence", "Count", evidence[it.Code]))
			ev.Importance = widget.MediumImportance
			ev.Wrapping = fyne.TextWrapWord
			s.Evidence[it.Code] = ev
			guide = container.NewVBox(g, ev)
		}
		name := wrapLabel(Tr(it.Name))
		grid.Add(name)
		grid.Add(widget.NewLabel(fmt.Sprintf("%d%%", it.Weight)))
		grid.Add(en)
		grid.Add(guide)
	}
	s.Comment.SetText(a.Comment)
	s.Assessor.SetText(a.Assessor)
	if a.Assessor == "" {
		s.Assessor.SetText(s.e.actor.String())
	}
	s.setButtons()
	s.Status.SetText(T("astatus." + string(a.Status)))
	form := widget.NewForm(widget.NewFormItem(T("assess.comment"), s.Comment), widget.NewFormItem(T("assess.assessor"), s.Assessor))
	submitOnEnter(form, func() { s.save(false) })
	s.form.Objects = []fyne.CanvasObject{container.NewVBox(grid, form)}
	s.form.Refresh()
	s.recompute()
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// read collects the typed scores; a score that is not a number is an error
// naming its item.
func (s *AssessmentScreen) read() (kaohe.Scores, error) {
	sc := kaohe.Scores{}
	for _, it := range s.tpl.Items {
		txt := strings.TrimSpace(s.Scores[it.Code].Text)
		if txt == "" {
			continue
		}
		v, ok := parseNumber(txt)
		if !ok {
			return nil, kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", Tr(it.Name), "Value", txt).OnField(it.Code)
		}
		sc[it.Code] = v
	}
	return sc, nil
}

// recompute shows the live total, grade and coefficient, or what is wrong.
func (s *AssessmentScreen) recompute() {
	sc, err := s.read()
	if err == nil {
		var r kaohe.Result
		if r, err = s.tpl.Score(sc); err == nil {
			s.Total.SetText(T("assess.total") + " " + numText(r.Total))
			s.Grade.SetText(T("assess.grade") + " " + Tr(r.Grade.Name))
			s.Coef.SetText(T("assess.coef") + " " + fmt.Sprintf("%.2f", r.Grade.Coefficient))
			s.Problem.SetText("")
			if !r.Complete {
				say(s.Problem, T("assess.missing", "Count", len(r.Missing)), true)
			}
			return
		}
	}
	s.blankResult() // never a total computed from what was typed before
	say(s.Problem, ErrorText(err), true)
}

// blankResult shows the derived figures as unknown.
func (s *AssessmentScreen) blankResult() {
	s.Total.SetText(T("assess.total") + " —")
	s.Grade.SetText(T("assess.grade") + " —")
	s.Coef.SetText(T("assess.coef") + " —")
}

func (s *AssessmentScreen) fillPlan() {
	a, e := s.a, s.e
	s.FillPlan.Disable()
	// Its own loader: a pick meanwhile drops the answer (below), not the read.
	load(&loader{e: e}, func(ctx context.Context) (kaohe.Completion, error) {
		return e.svc.PlanCompletion(ctx, a.ManagerID, a.PeriodID)
	}, func(c kaohe.Completion, err error) {
		if s.a.ManagerID != a.ManagerID || s.a.PeriodID != a.PeriodID || s.a.Status != kaohe.AssessDraft {
			return // another assessment is shown now
		}
		s.FillPlan.Enable()
		if err != nil {
			say(s.Problem, ErrorText(err), true)
			return
		}
		s.filledPlan(c)
	})
}

func (s *AssessmentScreen) filledPlan(c kaohe.Completion) {
	rate, ok := c.Rate()
	if !ok {
		say(s.Problem, T("assess.no_target"), true)
		return
	}
	if en, ok := s.Scores[kaohe.ItemPlanCompletion]; ok {
		en.SetText(numText(s.tpl.PlanScore(rate)))
	}
}

// askSubmit says what becomes final and submits only when confirmed.
func (s *AssessmentScreen) askSubmit() {
	sc, err := s.read()
	var r kaohe.Result
	if err == nil {
		r, err = s.tpl.Score(sc)
	}
	if err != nil {
		say(s.Problem, ErrorText(err), true)
		return
	}
	m, _ := s.managerRow()
	s.e.confirm(T("assess.submit_title"), T("assess.submit_confirm", "Who", managerLabel(m), "Period", Tr(s.periods[s.a.PeriodID].Name),
		"Total", numText(r.Total), "Grade", Tr(r.Grade.Name)), func() { s.save(true) })
}

func (s *AssessmentScreen) save(submit bool) {
	if s.sv.saving() || s.reading {
		return // a second tap or Enter saves nothing twice
	}
	sc, err := s.read()
	if err != nil {
		say(s.Problem, ErrorText(err), true)
		return
	}
	a := s.a
	a.Scores, a.Comment, a.Assessor = sc, s.Comment.Text, s.e.actor.String() // the service names the account too
	e := s.e
	showSaving(s.Problem)
	save(s.sv, func(ctx context.Context) (kaohe.Assessment, error) {
		return e.svc.SaveAssessment(ctx, e.actor, a, submit)
	}, func(saved kaohe.Assessment, err error) {
		same := !s.reading && s.a.ManagerID == a.ManagerID && s.a.PeriodID == a.PeriodID
		switch {
		case s.reading: // another pick is read: its answer enables what it allows
		case err != nil || !same:
			s.setButtons()
		}
		if err != nil {
			say(s.Problem, ErrorText(err), true)
			return
		}
		if same {
			s.show(saved, s.tpl, s.research) // what was saved, as stored: no read needed
			s.justSaved = true
		}
		say(s.Problem, T(map[bool]string{true: "assess.submitted_ok", false: "assess.saved_ok"}[submit]), false)
	})
	s.setButtons() // disabled while saving
}

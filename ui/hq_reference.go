package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// ReferenceScreen keeps HQ's reference data (HQ mode): which levels are in
// use (4 and 5 come later), the scoring template, whose every change is a
// new version, the assessment periods and the review group.
type ReferenceScreen struct {
	loader
	history loader // the chosen item's history
	e       *env
	view    fyne.CanvasObject
	// Empty says what is missing of HQ's reference data and what to do.
	Empty *emptyNote

	Level4, Level5 *widget.Check
	PassMark       *field // the level exam's pass mark (reference data)
	// Each level's own reference data, corrected here: the education and
	// report length it needs, whether a new hire may start at it; its
	// duties, skills and customer groups are listed.
	LevelEdu     map[kaohe.Level]*selectOf[kaohe.Education]
	LevelChars   map[kaohe.Level]*field
	LevelHire    map[kaohe.Level]*widget.Check
	LevelText    *widget.Label
	lvBox        *fyne.Container
	tpl          kaohe.Template
	Weights      map[string]*field
	MinTotals    []*field
	Coefs        []*field
	TemplateInfo *widget.Label
	PeriodKind   *selectOf[kaohe.PeriodKind]
	PeriodYear   *field
	PeriodIndex  *field
	MemberName   *field
	MemberTitle  *field
	MemberLeader *widget.Check
	Members      *widget.Label
	Periods      *widget.Label
	PeriodPick   *selectOf[string]
	MemberPick   *selectOf[string]
	History      *widget.Label
	periods      map[string]kaohe.Period
	members      map[string]kaohe.ReviewMember
	Message      *widget.Label
	tplBox       *fyne.Container
	Tabs         *container.AppTabs
	sv           *saver // the write under way (every save button waits for it)
}

func newReferenceScreen(e *env) *ReferenceScreen {
	s := &ReferenceScreen{loader: loader{e: e}, history: loader{e: e}, e: e, tplBox: container.NewVBox(), lvBox: container.NewVBox()}
	s.LevelText = wrapLabel("")
	s.Message = wrapLabel("")
	s.Level4 = widget.NewCheck(T("ref.enable_level", "Level", LevelName(kaohe.Level4)), nil)
	s.Level5 = widget.NewCheck(T("ref.enable_level", "Level", LevelName(kaohe.Level5)), nil)
	s.PassMark = newField()
	saveLevels := widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), s.SaveLevels)
	s.TemplateInfo = widget.NewLabel("")
	saveTpl := widget.NewButtonWithIcon(T("ref.save_version"), theme.DocumentSaveIcon(), s.SaveTemplate)
	s.PeriodKind = newSelectOf([]kaohe.PeriodKind{kaohe.PeriodMonth, kaohe.PeriodQuarter, kaohe.PeriodHalf, kaohe.PeriodYear},
		func(k kaohe.PeriodKind) string { return T("ref.kind_" + string(k)) }, nil)
	s.PeriodKind.Set(kaohe.PeriodHalf)
	s.PeriodYear, s.PeriodIndex = newField(), newField()
	s.PeriodYear.SetText(strconv.Itoa(e.today().Year + 1))
	s.PeriodIndex.SetText("1")
	addPeriod := widget.NewButtonWithIcon(T("ref.add_period"), theme.ContentAddIcon(), s.AddPeriod)
	s.MemberName, s.MemberTitle = newField(), newField()
	s.MemberName.SetPlaceHolder(T("ref.name_hint"))
	s.MemberTitle.SetPlaceHolder(T("ref.title_hint"))
	s.MemberLeader = widget.NewCheck(T("ref.leader"), nil)
	addMember := widget.NewButtonWithIcon(T("ref.add_member"), theme.ContentAddIcon(), s.AddMember)
	s.Members = wrapLabel("")
	s.Periods = wrapLabel("")
	s.History = wrapLabel("")
	s.PeriodPick = newSelectOf[string](nil, func(id string) string { return Tr(s.periods[id].Name) }, func(id string) { s.showHistory(kaohe.EntPeriod, id) })
	s.PeriodPick.PlaceHolder = T("ref.pick_period")
	retirePeriod := widget.NewButtonWithIcon(T("ref.retire"), theme.DeleteIcon(), s.RetirePeriod)
	s.MemberPick = newSelectOf[string](nil, func(id string) string { m := s.members[id]; return personName(m.Name, m.Title) }, s.pickMember)
	s.MemberPick.PlaceHolder = T("ref.pick_member")
	saveMember := widget.NewButtonWithIcon(T("ref.save_member"), theme.DocumentSaveIcon(), s.SaveMember)
	removeMember := widget.NewButtonWithIcon(T("ref.retire"), theme.DeleteIcon(), s.RetireMember)
	s.sv = newSaver(e, saveLevels, saveTpl, addPeriod, retirePeriod, saveMember, removeMember, addMember)

	levels := container.NewVBox(bold(T("ref.levels")), s.lvBox, container.NewHBox(s.Level4, s.Level5,
		widget.NewLabel(T("field.exam_pass_mark")), container.NewGridWrap(fyne.NewSize(80, s.PassMark.MinSize().Height), s.PassMark), saveLevels),
		s.LevelText)
	template := container.NewVBox(bold(T("ref.template")), s.TemplateInfo, s.tplBox, container.NewHBox(saveTpl))
	periods := container.NewVBox(bold(T("ref.periods")), container.NewGridWithColumns(4, s.PeriodKind,
		container.NewBorder(nil, nil, widget.NewLabel(T("field.year")), nil, s.PeriodYear),
		container.NewBorder(nil, nil, widget.NewLabel(T("ref.index")), nil, s.PeriodIndex), addPeriod),
		container.NewBorder(nil, nil, nil, retirePeriod, s.PeriodPick), s.Periods)
	members := container.NewVBox(bold(T("ref.members")), container.NewBorder(nil, nil, nil, container.NewHBox(saveMember, removeMember), s.MemberPick),
		container.NewGridWithColumns(4, s.MemberName, s.MemberTitle, s.MemberLeader, addMember), s.Members)
	s.Tabs = container.NewAppTabs(
		container.NewTabItem(T("ref.tab_template"), container.NewVScroll(container.NewVBox(levels, widget.NewSeparator(), template))),
		container.NewTabItem(T("ref.tab_periods"), container.NewVScroll(periods)),
		container.NewTabItem(T("ref.tab_members"), container.NewVScroll(members)),
	)
	s.Empty = newEmptyNote()
	s.view = container.NewBorder(s.Empty.View(), container.NewVBox(s.History, s.Message), nil, nil, s.Tabs)
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *ReferenceScreen) View() fyne.CanvasObject { return s.view }

// referenceData is what the screen reads, with each read's error.
type referenceData struct {
	levels         kaohe.Levels
	tpl            kaohe.Template
	tplErr         error
	members        []kaohe.ReviewMember
	periods        []kaohe.Period
	levelErr, mErr error
	periodErr      error
}

// Reload re-reads the reference data, in the background.
func (s *ReferenceScreen) Reload() {
	e := s.e
	load(&s.loader, func(ctx context.Context) (r referenceData, _ error) {
		r.levels, r.levelErr = e.svc.Levels(ctx)
		r.tpl, r.tplErr = e.svc.CurrentTemplate(ctx)
		r.members, r.mErr = e.svc.ReviewMembers(ctx)
		r.periods, r.periodErr = e.svc.Periods(ctx)
		return r, nil
	}, func(r referenceData, _ error) { s.loaded(r) })
}

// loaded shows the reference data read.
func (s *ReferenceScreen) loaded(r referenceData) {
	ls, err := r.levels, r.levelErr
	if err != nil {
		s.e.showError(err)
	}
	s.levelRows(ls)
	for _, li := range ls {
		if li.Level == kaohe.Level2 {
			s.PassMark.SetText(numText(li.PassMark()))
		}
		switch li.Level {
		case kaohe.Level4:
			s.Level4.SetChecked(li.Enabled)
		case kaohe.Level5:
			s.Level5.SetChecked(li.Enabled)
		}
	}
	if s.tpl, err = r.tpl, r.tplErr; err != nil {
		// HQ has published none yet: start from the policy's, so the first
		// save publishes version 1.
		s.tpl = kaohe.DefaultTemplate()
		s.tpl.Version = 0
	}
	s.TemplateInfo.SetText(T("ref.template_info", "Name", Tr(s.tpl.Name), "Version", s.tpl.Version))
	if s.tpl.Version == 0 {
		s.TemplateInfo.SetText(T("ref.template_unpublished", "Name", Tr(s.tpl.Name)))
	}
	s.Weights = map[string]*field{}
	grid := container.NewGridWithColumns(2, bold(T("assess.item")), bold(T("assess.weight")))
	for _, it := range s.tpl.Items {
		en := newField()
		en.SetText(strconv.Itoa(it.Weight))
		s.Weights[it.Code] = en
		grid.Add(widget.NewLabel(Tr(it.Name)))
		grid.Add(en)
	}
	bands := container.NewGridWithColumns(3, bold(T("assess.grade")), bold(T("ref.min_total")), bold(T("assess.coef")))
	s.MinTotals, s.Coefs = nil, nil
	for _, g := range s.tpl.Grades {
		mt, cf := newField(), newField()
		mt.SetText(numText(g.MinTotal))
		cf.SetText(numText(g.Coefficient))
		s.MinTotals, s.Coefs = append(s.MinTotals, mt), append(s.Coefs, cf)
		bands.Add(widget.NewLabel(Tr(g.Name)))
		bands.Add(mt)
		bands.Add(cf)
	}
	s.tplBox.Objects = []fyne.CanvasObject{grid, bands}
	s.tplBox.Refresh()
	ms, err := r.members, r.mErr
	if err != nil {
		s.e.showError(err)
	}
	s.members = map[string]kaohe.ReviewMember{}
	var mids []string
	for _, m := range ms {
		s.members[m.ID] = m
		mids = append(mids, m.ID)
	}
	s.MemberPick.values, s.MemberPick.Options = mids, labelsOf(mids, func() map[string]string {
		out := map[string]string{}
		for id, m := range s.members {
			out[id] = personName(m.Name, m.Title)
		}
		return out
	}())
	s.MemberPick.ClearSelected()
	ps, err := r.periods, r.periodErr
	if err != nil {
		s.e.showError(err)
	}
	s.periods = map[string]kaohe.Period{}
	var pids, plines []string
	pnames := map[string]string{}
	for _, p := range ps {
		s.periods[p.ID], pnames[p.ID] = p, Tr(p.Name)
		pids = append(pids, p.ID)
		plines = append(plines, Textf("%s　%s — %s", Tr(p.Name), p.Start, p.End))
	}
	s.PeriodPick.values, s.PeriodPick.Options = pids, labelsOf(pids, pnames)
	s.PeriodPick.ClearSelected()
	if len(plines) == 0 {
		plines = []string{T("ref.no_periods")}
	}
	s.Periods.SetText(strings.Join(plines, "\n"))
	s.Empty.Say(len(ls) == 0 || s.tpl.Version == 0 || len(ps) == 0, "empty.hq_reference")
	var lines []string
	for _, m := range ms {
		role := T("ref.member")
		if m.Role == "leader" {
			role = T("ref.leader")
		}
		name := m.Name
		if name == "" {
			name = T("ref.unnamed")
		}
		lines = append(lines, Textf("%s　%s　%s", name, m.Title, role))
	}
	if len(lines) == 0 {
		lines = []string{T("dash.none")}
	}
	s.Members.SetText(strings.Join(lines, "\n"))
}

// levelRows lists each level's reference data: what can be corrected in
// fields (education, report length, hire level), the rest as text.
func (s *ReferenceScreen) levelRows(ls kaohe.Levels) {
	s.LevelEdu = map[kaohe.Level]*selectOf[kaohe.Education]{}
	s.LevelChars = map[kaohe.Level]*field{}
	s.LevelHire = map[kaohe.Level]*widget.Check{}
	grid := container.NewGridWithColumns(4, bold(T("col.level")), bold(T("field.min_education")), bold(T("field.min_report_chars")), bold(T("ref.hire_level")))
	var text []string
	join := func(ts []kaohe.Text) string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = strings.TrimRight(Tr(t), "。.")
		}
		return strings.Join(out, "；")
	}
	for _, li := range ls {
		edu := newSelectOf(kaohe.Educations(), func(e kaohe.Education) string { return Tr(e.Name()) }, nil)
		edu.Set(li.MinEducation)
		chars := newField()
		chars.SetText(strconv.Itoa(li.MinReportChars))
		hire := widget.NewCheck("", nil)
		hire.SetChecked(li.HireLevel)
		s.LevelEdu[li.Level], s.LevelChars[li.Level], s.LevelHire[li.Level] = edu, chars, hire
		grid.Add(widget.NewLabel(Tr(li.Name)))
		grid.Add(edu)
		grid.Add(chars)
		grid.Add(hire)
		text = append(text, Textf("%s　%s：%s\n　%s：%s\n　%s：%s", Tr(li.Name), T("ref.duties"), join(li.Duties),
			T("ref.skills"), join(li.Skills), T("ref.customer_groups"), join(li.CustomerGroups)))
	}
	s.lvBox.Objects = []fyne.CanvasObject{grid}
	s.lvBox.Refresh()
	s.LevelText.SetText(strings.Join(text, "\n\n"))
}

// SaveLevels enables or disables levels 4 and 5 and sets the exam's pass
// mark, which HQ checks every exam result against, with each level's
// education, report length and hire level as corrected.
func (s *ReferenceScreen) SaveLevels() {
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	mark, ok := parseNumber(s.PassMark.Text)
	if !ok {
		say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("field.exam_pass_mark"), "Value", s.PassMark.Text)), true)
		return
	}
	l4, l5 := s.Level4.Checked, s.Level5.Checked
	type own struct {
		edu   kaohe.Education
		chars int
		hire  bool
	}
	owns := map[kaohe.Level]own{}
	for l, f := range s.LevelChars {
		n, err := strconv.Atoi(strings.TrimSpace(f.Text))
		if err != nil || n <= 0 {
			say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", T("field.min_report_chars"), "Value", f.Text)), true)
			return
		}
		edu, _ := s.LevelEdu[l].Value()
		owns[l] = own{edu, n, s.LevelHire[l].Checked}
	}
	e := s.e
	s.write(func(ctx context.Context) error {
		ls, err := e.svc.Levels(ctx)
		if err != nil {
			return err
		}
		for i := range ls {
			if o, ok := owns[ls[i].Level]; ok {
				ls[i].MinEducation, ls[i].MinReportChars, ls[i].HireLevel = o.edu, o.chars, o.hire
			}
			ls[i].ExamPassMark = mark
			switch ls[i].Level {
			case kaohe.Level4:
				ls[i].Enabled = l4
			case kaohe.Level5:
				ls[i].Enabled = l5
			}
		}
		return e.svc.SaveLevels(ctx, e.actor, ls)
	}, func() { say(s.Message, T("targets.saved"), false) })
}

// write runs a save off the UI thread (saver), says its refusal, or runs
// done; the screen is read again through the data version.
func (s *ReferenceScreen) write(work func(ctx context.Context) error, done func()) {
	showSaving(s.Message)
	saveErr(s.sv, work, func(err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		done()
	})
}

// SaveTemplate saves the edited weights and bands as the template's next
// version; the rules (weights summing to 100, bands from best to worst)
// refuse a wrong one with a reason.
func (s *ReferenceScreen) SaveTemplate() {
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	t := s.tpl
	t.Version++
	t.Items = append([]kaohe.TemplateItem(nil), s.tpl.Items...)
	t.Grades = append([]kaohe.GradeBand(nil), s.tpl.Grades...)
	for i, it := range t.Items {
		w, err := strconv.Atoi(strings.TrimSpace(s.Weights[it.Code].Text))
		if err != nil {
			say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", Tr(it.Name), "Value", s.Weights[it.Code].Text)), true)
			return
		}
		t.Items[i].Weight = w
	}
	for i := range t.Grades {
		mt, ok1 := parseNumber(s.MinTotals[i].Text)
		cf, ok2 := parseNumber(s.Coefs[i].Text)
		if !ok1 || !ok2 {
			say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.not_a_number", "Item", Tr(t.Grades[i].Name), "Value", s.MinTotals[i].Text+" / "+s.Coefs[i].Text)), true)
			return
		}
		t.Grades[i].MinTotal, t.Grades[i].Coefficient = mt, cf
	}
	e := s.e
	s.write(func(ctx context.Context) error { return e.svc.SaveTemplate(ctx, e.actor, t) }, func() {
		say(s.Message, T("ref.version_saved", "Version", t.Version), false)
	})
}

// AddPeriod adds a standard period.
func (s *ReferenceScreen) AddPeriod() {
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	kind, _ := s.PeriodKind.Value()
	y, err1 := strconv.Atoi(strings.TrimSpace(s.PeriodYear.Text))
	n, err2 := strconv.Atoi(strings.TrimSpace(s.PeriodIndex.Text))
	if err1 != nil || err2 != nil {
		say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.bad_period_index", "Value", s.PeriodYear.Text+" "+s.PeriodIndex.Text)), true)
		return
	}
	p, err := kaohe.StandardPeriod(kind, y, n)
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	e := s.e
	s.write(func(ctx context.Context) error { return e.svc.SavePeriod(ctx, e.actor, p) }, func() {
		say(s.Message, T("ref.period_added", "Name", Tr(p.Name)), false)
	})
}

// AddMember adds a review-group member.
func (s *ReferenceScreen) AddMember() {
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	role := "member"
	if s.MemberLeader.Checked {
		role = "leader"
	}
	m := kaohe.ReviewMember{Name: strings.TrimSpace(s.MemberName.Text), Title: strings.TrimSpace(s.MemberTitle.Text), Role: role}
	e := s.e
	s.write(func(ctx context.Context) error { return e.svc.SaveReviewMember(ctx, e.actor, m) }, func() {
		s.MemberName.SetText("")
		s.MemberTitle.SetText("")
		s.MemberLeader.SetChecked(false)
		say(s.Message, T("targets.saved"), false)
	})
}

// pickMember fills the fields with the chosen member, to be corrected.
func (s *ReferenceScreen) pickMember(id string) {
	m, ok := s.members[id]
	if !ok {
		return
	}
	s.MemberName.SetText(m.Name)
	s.MemberTitle.SetText(m.Title)
	s.MemberLeader.SetChecked(m.Role == "leader")
	s.showHistory(kaohe.EntReviewMember, id)
}

// SaveMember saves the corrected fields over the chosen member.
func (s *ReferenceScreen) SaveMember() {
	if s.sv.saving() {
		return // a second tap saves nothing twice
	}
	id, ok := s.MemberPick.Value()
	if !ok {
		say(s.Message, T("ref.pick_member"), true)
		return
	}
	m := s.members[id]
	m.Name, m.Title, m.Role = strings.TrimSpace(s.MemberName.Text), strings.TrimSpace(s.MemberTitle.Text), "member"
	if s.MemberLeader.Checked {
		m.Role = "leader"
	}
	e := s.e
	s.write(func(ctx context.Context) error { return e.svc.SaveReviewMember(ctx, e.actor, m) }, func() {
		say(s.Message, T("targets.saved"), false)
	})
}

// RetireMember removes the chosen member from the group; the record and
// its history stay.
func (s *ReferenceScreen) RetireMember() { s.retire(kaohe.EntReviewMember, s.MemberPick) }

// RetirePeriod withdraws the chosen period; assessments made in it keep it.
func (s *ReferenceScreen) RetirePeriod() { s.retire(kaohe.EntPeriod, s.PeriodPick) }

func (s *ReferenceScreen) retire(entity string, pick *selectOf[string]) {
	if s.sv.saving() {
		return
	}
	id, ok := pick.Value()
	if !ok {
		say(s.Message, T(map[string]string{kaohe.EntPeriod: "ref.pick_period", kaohe.EntReviewMember: "ref.pick_member"}[entity]), true)
		return
	}
	e := s.e
	s.write(func(ctx context.Context) error { return e.svc.Retire(ctx, e.actor, entity, id) }, func() {
		s.showHistory(entity, id)
		say(s.Message, T("ref.retired"), false)
	})
}

// showHistory shows who changed the chosen item and when, read in the
// background (a newer pick supersedes it).
func (s *ReferenceScreen) showHistory(entity, id string) {
	e := s.e
	load(&s.history, func(ctx context.Context) ([]kaohe.HistoryEntry, error) {
		return e.svc.History(ctx, entity, id)
	}, func(hs []kaohe.HistoryEntry, err error) {
		if err != nil {
			say(s.History, ErrorText(err), true)
			return
		}
		lines := []string{T("ref.history")}
		for _, h := range hs {
			lines = append(lines, Textf("%s　%s　%s", h.At, h.Actor, h.Action))
		}
		s.History.Importance = widget.MediumImportance
		s.History.SetText(strings.Join(lines, "\n"))
	})
}

// stop abandons the reads in flight: the screen went away.
func (s *ReferenceScreen) stop() { s.loader.stop(); s.history.stop() }

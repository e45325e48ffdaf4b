package ui

import (
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
	e    *env
	view fyne.CanvasObject

	Level4, Level5 *widget.Check
	tpl            kaohe.Template
	Weights        map[string]*field
	MinTotals      []*field
	Coefs          []*field
	TemplateInfo   *widget.Label
	PeriodKind     *selectOf[kaohe.PeriodKind]
	PeriodYear     *field
	PeriodIndex    *field
	MemberName     *field
	MemberTitle    *field
	MemberLeader   *widget.Check
	Members        *widget.Label
	Message        *widget.Label
	tplBox         *fyne.Container
	Tabs           *container.AppTabs
}

func newReferenceScreen(e *env) *ReferenceScreen {
	s := &ReferenceScreen{e: e, tplBox: container.NewVBox()}
	s.Message = wrapLabel("")
	s.Level4 = widget.NewCheck(T("ref.enable_level", "Level", LevelName(kaohe.Level4)), nil)
	s.Level5 = widget.NewCheck(T("ref.enable_level", "Level", LevelName(kaohe.Level5)), nil)
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

	levels := container.NewVBox(bold(T("ref.levels")), container.NewHBox(s.Level4, s.Level5, saveLevels))
	template := container.NewVBox(bold(T("ref.template")), s.TemplateInfo, s.tplBox, container.NewHBox(saveTpl))
	periods := container.NewVBox(bold(T("ref.periods")), container.NewGridWithColumns(4, s.PeriodKind,
		container.NewBorder(nil, nil, widget.NewLabel(T("field.year")), nil, s.PeriodYear),
		container.NewBorder(nil, nil, widget.NewLabel(T("ref.index")), nil, s.PeriodIndex), addPeriod))
	members := container.NewVBox(bold(T("ref.members")), container.NewGridWithColumns(4, s.MemberName, s.MemberTitle, s.MemberLeader, addMember), s.Members)
	s.Tabs = container.NewAppTabs(
		container.NewTabItem(T("ref.tab_template"), container.NewVScroll(container.NewVBox(levels, widget.NewSeparator(), template))),
		container.NewTabItem(T("ref.tab_periods"), periods),
		container.NewTabItem(T("ref.tab_members"), container.NewVScroll(members)),
	)
	s.view = container.NewBorder(nil, s.Message, nil, nil, s.Tabs)
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *ReferenceScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the reference data.
func (s *ReferenceScreen) Reload() {
	ls, err := s.e.svc.Levels(bg)
	if err != nil {
		s.e.showError(err)
	}
	for _, li := range ls {
		switch li.Level {
		case kaohe.Level4:
			s.Level4.SetChecked(li.Enabled)
		case kaohe.Level5:
			s.Level5.SetChecked(li.Enabled)
		}
	}
	if s.tpl, err = s.e.svc.CurrentTemplate(bg); err != nil {
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
	ms, err := s.e.svc.ReviewMembers(bg)
	if err != nil {
		s.e.showError(err)
	}
	var lines []string
	for _, m := range ms {
		role := T("ref.member")
		if m.Role == "leader" {
			role = T("ref.leader")
		}
		lines = append(lines, Textf("%s　%s　%s", m.Name, m.Title, role))
	}
	if len(lines) == 0 {
		lines = []string{T("dash.none")}
	}
	s.Members.SetText(strings.Join(lines, "\n"))
}

// SaveLevels enables or disables levels 4 and 5.
func (s *ReferenceScreen) SaveLevels() {
	ls, err := s.e.svc.Levels(bg)
	if err == nil {
		for i := range ls {
			switch ls[i].Level {
			case kaohe.Level4:
				ls[i].Enabled = s.Level4.Checked
			case kaohe.Level5:
				ls[i].Enabled = s.Level5.Checked
			}
		}
		err = s.e.svc.SaveLevels(bg, s.e.actor, ls)
	}
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	say(s.Message, T("targets.saved"), false)
}

// SaveTemplate saves the edited weights and bands as the template's next
// version; the rules (weights summing to 100, bands from best to worst)
// refuse a wrong one with a reason.
func (s *ReferenceScreen) SaveTemplate() {
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
	if err := s.e.svc.SaveTemplate(bg, s.e.actor, t); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.Reload()
	say(s.Message, T("ref.version_saved", "Version", t.Version), false)
}

// AddPeriod adds a standard period.
func (s *ReferenceScreen) AddPeriod() {
	kind, _ := s.PeriodKind.Value()
	y, err1 := strconv.Atoi(strings.TrimSpace(s.PeriodYear.Text))
	n, err2 := strconv.Atoi(strings.TrimSpace(s.PeriodIndex.Text))
	if err1 != nil || err2 != nil {
		say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.bad_period_index", "Value", s.PeriodYear.Text+" "+s.PeriodIndex.Text)), true)
		return
	}
	p, err := kaohe.StandardPeriod(kind, y, n)
	if err == nil {
		err = s.e.svc.SavePeriod(bg, s.e.actor, p)
	}
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	say(s.Message, T("ref.period_added", "Name", Tr(p.Name)), false)
}

// AddMember adds a review-group member.
func (s *ReferenceScreen) AddMember() {
	role := "member"
	if s.MemberLeader.Checked {
		role = "leader"
	}
	m := kaohe.ReviewMember{Name: strings.TrimSpace(s.MemberName.Text), Title: strings.TrimSpace(s.MemberTitle.Text), Role: role}
	if err := s.e.svc.SaveReviewMember(bg, s.e.actor, m); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.MemberName.SetText("")
	s.MemberTitle.SetText("")
	s.MemberLeader.SetChecked(false)
	s.Reload()
	say(s.Message, T("targets.saved"), false)
}

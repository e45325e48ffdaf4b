package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// ReviewScreen is the review group's queue (HQ mode): every application
// under review by stage, what the group reads to decide, exemption
// approval, and the decision, which goes to the applicant's showroom.
type ReviewScreen struct {
	e    *env
	view fyne.CanvasObject

	List     *widget.List
	items    []kaohe.ReviewItem
	cur      int
	Detail   *widget.Label
	Next     *widget.Label
	Pass     *widget.RadioGroup
	Date     *field
	Score    *field
	Deciders *widget.CheckGroup
	Comment  *field
	Record   *widget.Button
	Approve  *widget.Button
	Refuse   *widget.Button
	Message  *widget.Label
	levels   kaohe.Levels
}

func newReviewScreen(e *env) *ReviewScreen {
	s := &ReviewScreen{e: e, cur: -1}
	s.Detail = wrapLabel("")
	s.Next = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Pass = widget.NewRadioGroup([]string{T("verdict.pass"), T("verdict.fail")}, nil)
	s.Pass.Horizontal = true
	s.Date, s.Score, s.Comment = newField(), newField(), newMultiField()
	s.Comment.SetMinRowsVisible(2)
	s.Deciders = widget.NewCheckGroup(nil, nil)
	s.Deciders.Horizontal = true
	s.Message = wrapLabel("")
	s.Record = primaryButton(T("review.record"), theme.ConfirmIcon(), s.RecordDecision)
	s.Approve = widget.NewButton(T("review.exempt_approve"), func() { s.DecideExemption(true) })
	s.Refuse = widget.NewButton(T("review.exempt_refuse"), func() { s.DecideExemption(false) })
	s.List = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := s.items[i]
			o.(*widget.Label).SetText(fmt.Sprintf("[%s] %s %s → %s", T("state."+string(it.App.Review.State)), it.Showroom.Name,
				managerLabel(it.Manager), LevelName(it.App.TargetLevel)))
		})
	s.List.OnSelected = func(i widget.ListItemID) { s.show(i) }
	form := widget.NewForm(
		widget.NewFormItem(T("review.next"), s.Next),
		widget.NewFormItem(T("review.verdict"), s.Pass),
		widget.NewFormItem(T("field.date"), s.Date),
		widget.NewFormItem(T("field.exam_score"), s.Score),
		widget.NewFormItem(T("field.decided_by"), s.Deciders),
		widget.NewFormItem(T("assess.comment"), s.Comment),
	)
	right := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), form, s.Message, container.NewHBox(s.Record, s.Approve, s.Refuse)),
		nil, nil, container.NewVScroll(s.Detail))
	split := container.NewHSplit(s.List, right)
	split.Offset = 0.35
	s.view = split
	s.Reload()
	return s
}

// View returns the screen's content.
func (s *ReviewScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the queue and the review group.
func (s *ReviewScreen) Reload() {
	var err error
	if s.items, err = s.e.svc.ReviewQueue(bg); err != nil {
		s.e.showError(err)
	}
	if s.levels, err = s.e.svc.Levels(bg); err != nil {
		s.e.showError(err)
	}
	members, err := s.e.svc.ReviewMembers(bg)
	if err != nil {
		s.e.showError(err)
	}
	var names []string
	for _, m := range members {
		if strings.TrimSpace(m.Name) == "" {
			continue // a role of the policy HQ has not filled in yet: nobody to name
		}
		names = append(names, Textf("%s（%s）", m.Name, m.Title))
	}
	s.Deciders.Options = names
	s.Deciders.Refresh()
	if len(names) == 0 {
		say(s.Message, T("review.no_members"), true)
	}
	s.List.UnselectAll()
	s.List.Refresh()
	s.show(-1)
}

// Items returns the queue.
func (s *ReviewScreen) Items() []kaohe.ReviewItem { return s.items }

// show displays one application (or none).
func (s *ReviewScreen) show(i int) {
	s.cur = i
	if len(s.Deciders.Options) > 0 {
		s.Message.SetText("")
	}
	for _, w := range []fyne.Disableable{s.Record, s.Pass, s.Date, s.Score, s.Deciders, s.Comment, s.Approve, s.Refuse} {
		w.Disable()
	}
	if i < 0 || i >= len(s.items) {
		s.Detail.SetText(T("review.pick"))
		s.Next.SetText("")
		return
	}
	it := s.items[i]
	a := it.App
	li, _ := s.levels.Get(a.TargetLevel)
	check := kaohe.CheckEducation(a.Education, li, a.Exemption)
	var b strings.Builder
	writeTextf(&b, "%s　%s　%s → %s\n", it.Showroom.Name, managerLabel(it.Manager), LevelName(it.Manager.Level), LevelName(a.TargetLevel))
	edu := T("apply.edu_ok", "Have", Tr(a.Education.Name()), "Need", Tr(li.MinEducation.Name()))
	if !check.Meets {
		edu = Textf("%s　%s　%s", T("apply.edu_low", "Have", Tr(a.Education.Name()), "Need", Tr(li.MinEducation.Name())),
			T("review.exemption_"+string(a.Exemption)), a.ExemptReason)
	}
	fmt.Fprintf(&b, "%s\n\n", edu)
	fmt.Fprintf(&b, "%s\n%s\n\n%s\n%s\n\n", bold2(T("field.personal_info")), a.PersonalInfo, bold2(T("field.achievements")), a.Achievements)
	writeTextf(&b, "%s（%s）\n", bold2(T("review.assessments")), T("profile.hours")+" "+numText(it.TrainingHours.Total())+" h")
	as := append([]kaohe.Assessment(nil), it.Assessments...)
	sort.Slice(as, func(i, j int) bool { return as[i].PeriodID < as[j].PeriodID })
	for _, x := range as {
		writeTextf(&b, "　%s　%s %s　%s\n", x.PeriodID, T("assess.total"), numText(x.Total), T("grade."+x.Grade))
	}
	fmt.Fprintf(&b, "\n%s\n", bold2(T("apply.progress")))
	for _, d := range a.Review.Decisions {
		verdict := map[bool]string{true: T("verdict.pass"), false: T("verdict.fail")}[d.Pass]
		if !d.Stage.HQOwned() {
			verdict = "" // the showroom's submission is no verdict
		}
		writeTextf(&b, "　%s　%s %s　%s\n", FormatDate(d.Date), T("stage."+string(d.Stage)), verdict, joinList(d.DecidedBy))
	}
	if a.Review.State == kaohe.AppProbation {
		writeTextf(&b, "　%s\n", T("apply.probation_end", "Date", FormatDate(a.Review.ProbationEnd)))
	}
	writeTextf(&b, "\n%s（%s）\n%s", bold2(T("field.report")), countLine(a.Report), a.Report)
	s.Detail.SetText(b.String())

	next := a.Review.Next()
	s.Next.SetText(T("stage." + string(next)))
	s.Date.SetText(s.e.today().String())
	if next == kaohe.StageThird && s.e.today().Before(a.Review.ProbationEnd) {
		s.Date.SetText(a.Review.ProbationEnd.String())
	}
	s.Score.SetText("")
	s.Pass.SetSelected(T("verdict.pass"))
	for _, w := range []fyne.Disableable{s.Record, s.Pass, s.Date, s.Deciders, s.Comment} {
		w.Enable()
	}
	if next == kaohe.StageExam {
		s.Score.Enable()
	}
	if a.Exemption == kaohe.ExemptionRequested {
		s.Approve.Enable()
		s.Refuse.Enable()
	}
}

// bold2 marks a section title in running text: 【…】 in Chinese.
func bold2(s string) string {
	if Language() == kaohe.LangEn {
		return "— " + s + " —"
	}
	return Textf("【%s】", s)
}

// RecordDecision records the group's decision on the shown application.
func (s *ReviewScreen) RecordDecision() {
	if s.cur < 0 {
		return
	}
	it := s.items[s.cur]
	d := kaohe.Decision{AppID: it.App.ID, Stage: it.App.Review.Next(), Pass: s.Pass.Selected == T("verdict.pass"),
		DecidedBy: append([]string(nil), s.Deciders.Selected...), Comment: strings.TrimSpace(s.Comment.Text)}
	date, err := kaohe.ParseDate(s.Date.Text)
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	d.Date = date
	if d.Stage == kaohe.StageExam {
		v, ok := parseNumber(s.Score.Text)
		if !ok {
			say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.exam_score_required").OnField("exam_score")), true)
			return
		}
		d.ExamScore = &v
	}
	if _, err := s.e.svc.RecordDecision(bg, s.e.actor, d); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	s.Reload()
	say(s.Message, T("review.recorded", "Stage", T("stage."+string(d.Stage))), false)
}

// DecideExemption approves or refuses the shown application's exemption.
func (s *ReviewScreen) DecideExemption(approve bool) {
	if s.cur < 0 {
		return
	}
	it := s.items[s.cur]
	by := joinList(s.Deciders.Selected)
	if by == "" {
		say(s.Message, ErrorText(kaohe.Errorf(kaohe.EINVALID, "err.decider_required").OnField("decided_by")), true)
		return
	}
	date, err := kaohe.ParseDate(s.Date.Text)
	if err == nil {
		err = s.e.svc.DecideExemption(bg, s.e.actor, kaohe.Exemption{AppID: it.App.ID, Approved: approve, Date: date, DecidedBy: by, Comment: s.Comment.Text})
	}
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	cur := it.App.ID
	s.Reload()
	for i, x := range s.items {
		if x.App.ID == cur {
			s.List.Select(i)
		}
	}
	say(s.Message, T(map[bool]string{true: "review.exempt_approved", false: "review.exempt_refused"}[approve]), false)
}

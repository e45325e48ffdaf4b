package ui

import (
	"context"
	"fmt"
	"image/color"
	"reflect"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

// ReviewScreen is the review group's queue (HQ mode): every application
// under review by stage, what the group reads to decide, exemption
// approval, and the decision, which goes to the applicant's showroom.
type ReviewScreen struct {
	loader
	report loader // the shown application's detail (finished even if the screen is left: it is small)
	e      *env
	view   fyne.CanvasObject
	// Empty says why the screen has nothing to show and what to do.
	Empty *emptyNote

	// Table is the queue: only the rows on screen are drawn; the headers
	// sort (a second tap reverses).
	Table    *widget.Table
	cols     []column[kaohe.ReviewItem]
	sortCol  int
	desc     bool
	all      []kaohe.ReviewItem // the whole queue
	items    []kaohe.ReviewItem // as filtered, in the table's order
	cur      int
	curID    string           // the application shown, kept across reloads
	curStage kaohe.Stage      // the decision it waited for when shown ("" none)
	shown    kaohe.ReviewItem // the queue's item shown, as read
	// resetForm: the queue is read again after the reviewer's own act, so
	// the form of the application shown starts empty.
	resetForm bool
	Search    *field
	Stage     *selectOf[kaohe.AppState]
	Room      *selectOf[string]
	Count     *widget.Label
	Detail    *widget.Label
	Next      *widget.Label
	Pass      *widget.RadioGroup
	Date      *field
	Score     *field
	Deciders  *checkGrid
	Comment   *field
	Record    *widget.Button
	Approve   *widget.Button
	Refuse    *widget.Button
	Message   *widget.Label
	form      *widget.Form
	levels    kaohe.Levels
}

func newReviewScreen(e *env) *ReviewScreen {
	s := &ReviewScreen{loader: loader{e: e}, report: loader{e: e}, e: e, cur: -1}
	s.Detail = wrapLabel("")
	s.Next = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Pass = widget.NewRadioGroup([]string{T("verdict.pass"), T("verdict.fail")}, nil)
	s.Pass.Horizontal = true
	s.Date, s.Score, s.Comment = newField(), newField(), newMultiField()
	s.Comment.SetMinRowsVisible(2)
	// A group of six wraps instead of widening the window; when it wraps
	// into other rows the form below the detail is laid out again.
	var right *fyne.Container
	s.Deciders = newCheckGrid(func() { e.work.post(func() { right.Refresh() }) })
	s.Message = wrapLabel("")
	s.Record = primaryButton(T("review.record"), theme.ConfirmIcon(), s.RecordDecision)
	s.Approve = widget.NewButton(T("review.exempt_approve"), func() { s.DecideExemption(true) })
	s.Refuse = widget.NewButton(T("review.exempt_refuse"), func() { s.DecideExemption(false) })
	s.cols = s.queueColumns()
	s.Table = widget.NewTableWithHeaders(func() (int, int) { return len(s.items), len(s.cols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row >= 0 && id.Row < len(s.items) && id.Col >= 0 && id.Col < len(s.cols) {
				o.(*widget.Label).SetText(s.cols[id.Col].text(s.items[id.Row]))
			}
		})
	sortableHeader(s.Table, func(col int) string { return T(s.cols[col].key) }, func() (int, bool) { return s.sortCol, s.desc }, s.SortBy)
	for i, c := range s.cols {
		s.Table.SetColumnWidth(i, c.width)
	}
	s.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row != s.cur {
			s.show(id.Row)
		}
	}
	s.Search = newField()
	s.Search.SetPlaceHolder(T("review.search"))
	s.Search.OnChanged = func(string) { s.filter() }
	s.Stage = newSelectOf([]kaohe.AppState{"", kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation}, func(st kaohe.AppState) string {
		if st == "" {
			return T("review.all_stages")
		}
		return T("state." + string(st))
	}, func(kaohe.AppState) { s.filter() })
	s.Stage.Set("")
	s.Room = newSelectOf([]string{""}, func(string) string { return T("review.all_showrooms") }, func(string) { s.filter() })
	s.Room.Set("")
	s.Count = widget.NewLabel("")
	s.form = widget.NewForm(
		widget.NewFormItem(T("review.next"), s.Next),
		widget.NewFormItem(T("review.verdict"), s.Pass),
		widget.NewFormItem(T("field.date"), s.Date),
		widget.NewFormItem(T("field.exam_score"), s.Score),
		widget.NewFormItem(T("field.decided_by"), s.Deciders.box),
		widget.NewFormItem(T("assess.comment"), s.Comment),
	)
	right = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.form, s.Message, container.NewHBox(s.Record, s.Approve, s.Refuse)),
		nil, nil, container.NewVScroll(s.Detail))
	filters := container.NewVBox(s.Search, container.NewGridWithColumns(2, s.Stage, s.Room), s.Count)
	// The queue keeps its width whatever the decision form needs.
	keep := canvas.NewRectangle(color.Transparent)
	keep.SetMinSize(fyne.NewSize(360, 0))
	s.Empty = newEmptyNote()
	queue := container.NewBorder(container.NewVBox(s.Empty.View(), filters), nil, nil, nil, s.Table)
	s.Empty.In(queue)
	left := container.NewStack(keep, queue)
	split := container.NewHSplit(left, right)
	split.Offset = 0.48
	s.view = split
	s.Reload()
	return s
}

// queueLine is an item's second line: showroom, submission, waiting time.
func (s *ReviewScreen) queueLine(it kaohe.ReviewItem) string {
	r := it.App.Review
	wait := T("review.waiting_days", "Days", r.DaysWaiting(s.e.today()))
	if r.State == kaohe.AppProbation {
		wait = T("apply.probation_end", "Date", FormatDate(r.ProbationEnd))
	}
	return fmt.Sprintf("%s · %s %s · %s", it.Showroom.Name, T("review.submitted_on"), FormatDate(r.Submitted()), wait)
}

// queueColumns are the queue's columns: submitted first, so the queue
// starts in HQ's order (kaohe.SortQueue: who waited longest first).
func (s *ReviewScreen) queueColumns() []column[kaohe.ReviewItem] {
	byDay := func(a, b kaohe.ReviewItem) bool {
		x, y := a.App.Review.Submitted(), b.App.Review.Submitted()
		if x != y {
			return x.Before(y)
		}
		return a.App.ID < b.App.ID
	}
	byText := func(f func(kaohe.ReviewItem) string) func(a, b kaohe.ReviewItem) bool {
		return func(a, b kaohe.ReviewItem) bool { return f(a) < f(b) }
	}
	stage := func(it kaohe.ReviewItem) string { return T("state." + string(it.App.Review.State)) }
	who := func(it kaohe.ReviewItem) string { return managerLabel(it.Manager) }
	room := func(it kaohe.ReviewItem) string { return it.Showroom.Name }
	return []column[kaohe.ReviewItem]{
		{key: "col.submitted", width: 96, text: func(it kaohe.ReviewItem) string { return it.App.Review.Submitted().String() }, less: byDay},
		{key: "col.manager", width: 100, text: who, less: byText(who)},
		{key: "col.showroom", width: 90, text: room, less: byText(room)},
		{key: "col.target", width: 64, text: func(it kaohe.ReviewItem) string { return LevelName(it.App.TargetLevel) },
			less: func(a, b kaohe.ReviewItem) bool { return a.App.TargetLevel < b.App.TargetLevel }},
		{key: "col.stage", width: 92, text: stage, less: byText(stage)},
		{key: "col.waiting", width: 80, text: s.waitText,
			less: func(a, b kaohe.ReviewItem) bool {
				return a.App.Review.DaysWaiting(s.e.today()) < b.App.Review.DaysWaiting(s.e.today())
			}},
	}
}

// waitText is how long an application waits, or when its probation ends,
// short enough for its column (the detail says it in full).
func (s *ReviewScreen) waitText(it kaohe.ReviewItem) string {
	r := it.App.Review
	if r.State == kaohe.AppProbation {
		return T("review.until", "Date", r.ProbationEnd.String())
	}
	return T("review.waiting_days", "Days", r.DaysWaiting(s.e.today()))
}

// SortBy orders the queue by a column; a second tap on the same column
// reverses. The application shown stays shown.
func (s *ReviewScreen) SortBy(col int) {
	if col == s.sortCol {
		s.desc = !s.desc
	} else {
		s.sortCol, s.desc = col, false
	}
	s.filter()
}

func (s *ReviewScreen) sortItems() {
	less := s.cols[s.sortCol].less
	sort.SliceStable(s.items, func(i, j int) bool {
		if s.desc {
			return less(s.items[j], s.items[i])
		}
		return less(s.items[i], s.items[j])
	})
}

// Select shows the i-th application of the queue as shown.
func (s *ReviewScreen) Select(i int) {
	s.Table.Select(widget.TableCellID{Row: i, Col: 0})
	s.show(i) // also when it is the row already selected
}

// filter shows the items matching the search and filters, keeping the
// application shown if it still matches — with what is typed in its
// decision form, as long as it waits for the same stage.
func (s *ReviewScreen) filter() {
	if s.Table == nil || s.Count == nil {
		return // still being built
	}
	f := kaohe.QueueFilter{Query: s.Search.Text}
	f.State, _ = s.Stage.Value()
	f.ShowroomID, _ = s.Room.Value()
	s.items = s.items[:0:0]
	for _, it := range s.all {
		if f.Match(it) {
			s.items = append(s.items, it)
		}
	}
	s.sortItems()
	s.Count.SetText(T("review.count", "Shown", len(s.items), "All", len(s.all)))
	s.Table.UnselectAll()
	s.Table.Refresh()
	keep, stage := s.curID, s.curStage
	for i, it := range s.items {
		if it.App.ID != keep {
			continue
		}
		s.Table.ScrollTo(widget.TableCellID{Row: i, Col: 0})
		if it.App.Review.Next() == stage && s.cur >= 0 && !s.resetForm {
			// Still waiting for the same decision: the form stays as typed,
			// and the detail is read again only if the item changed.
			s.cur = i
			s.Table.Select(widget.TableCellID{Row: i, Col: 0})
			if !reflect.DeepEqual(it, s.shown) {
				s.showApp(i)
			}
			return
		}
		s.Select(i)
		return
	}
	s.show(-1)
}

// View returns the screen's content.
func (s *ReviewScreen) View() fyne.CanvasObject { return s.view }

// Reload re-reads the queue and the review group, in the background, after
// the reviewer's own act (a decision, an exemption): the shown application's
// form starts empty for its next stage.
func (s *ReviewScreen) Reload() { s.read(false) }

// refresh re-reads the queue and the review group while the screen is shown
// (a sync brought changes) or when it is shown again: the search, filters,
// order and the application shown stay, and so does the decision form being
// filled in — unless the application shown left the queue or moved to
// another stage (decided elsewhere), whose form would no longer apply.
func (s *ReviewScreen) refresh() { s.read(true) }

func (s *ReviewScreen) read(keep bool) {
	type read struct {
		queue   []kaohe.ReviewItem
		levels  kaohe.Levels
		members []kaohe.ReviewMember
	}
	e := s.e
	if len(s.all) == 0 {
		s.Count.SetText(T("loading"))
	}
	load(&s.loader, func(ctx context.Context) (r read, err error) {
		if r.queue, err = e.svc.ReviewQueue(ctx); err != nil {
			return r, err
		}
		if r.levels, err = e.svc.Levels(ctx); err != nil {
			return r, err
		}
		r.members, err = e.svc.ReviewMembers(ctx)
		return r, err
	}, func(r read, err error) {
		if err != nil {
			s.Count.SetText("")
			say(s.Message, ErrorText(err), true)
			return
		}
		s.resetForm = !keep
		s.loaded(r.queue, r.levels, r.members)
		s.resetForm = false
	})
}

// loaded shows the queue read, keeping the search, filters, order and the
// application shown.
func (s *ReviewScreen) loaded(queue []kaohe.ReviewItem, levels kaohe.Levels, members []kaohe.ReviewMember) {
	msg, imp := s.Message.Text, s.Message.Importance // said meanwhile (a decision's outcome): kept
	s.all, s.levels = queue, levels
	rooms := []string{""}
	names := map[string]string{"": T("review.all_showrooms")}
	for _, it := range s.all {
		if _, ok := names[it.Showroom.ID]; !ok {
			rooms, names[it.Showroom.ID] = append(rooms, it.Showroom.ID), it.Showroom.Name
		}
	}
	s.Room.refill(rooms, func(id string) string { return names[id] }, true)
	var people []string
	for _, m := range members {
		if strings.TrimSpace(m.Name) == "" {
			continue // a role of the policy HQ has not filled in yet: nobody to name
		}
		people = append(people, Textf("%s（%s）", m.Name, m.Title))
	}
	if !slices.Equal(people, s.Deciders.Options) {
		// The group changed: whoever is still in it stays ticked.
		ticked := s.Deciders.Selected
		s.Deciders.SetOptions(people)
		if !s.resetForm {
			s.Deciders.SetSelected(ticked)
		}
	}
	s.filter()
	s.Empty.Say(len(s.all) == 0, "empty.hq_review") // once the queue is shown: the note lays the table out again
	if len(people) == 0 {
		say(s.Message, T("review.no_members"), true)
	} else if msg != "" {
		s.Message.Importance = imp
		s.Message.SetText(msg)
	}
}

// Items returns the queue.
func (s *ReviewScreen) Items() []kaohe.ReviewItem { return s.items }

// show displays one application (or none) with its decision form empty.
func (s *ReviewScreen) show(i int) {
	s.cur = i
	if len(s.Deciders.Options) > 0 {
		s.Message.SetText("")
	}
	// Each stage's form starts empty: no preset verdict, no comment or
	// deciders carried over from the previous stage or application.
	s.Pass.SetSelected("")
	s.Comment.SetText("")
	s.Score.SetText("")
	s.Deciders.SetSelected(nil)
	s.Date.SetText("")
	if i >= 0 && i < len(s.items) {
		s.Date.SetText(s.e.today().String())
	}
	s.showApp(i)
}

// showApp displays the i-th application (or none) and what its form
// allows, leaving what is typed in the form.
func (s *ReviewScreen) showApp(i int) {
	s.cur = i
	s.report.stop() // of the application shown before
	for _, w := range []fyne.Disableable{s.Record, s.Pass, s.Date, s.Score, s.Deciders, s.Comment, s.Approve, s.Refuse} {
		w.Disable()
	}
	// The form greys the labels of what cannot be filled in now.
	defer s.form.Refresh()
	if i < 0 || i >= len(s.items) {
		s.curStage, s.shown = "", kaohe.ReviewItem{}
		s.Detail.SetText(T("review.pick"))
		s.Next.SetText("")
		return
	}
	it := s.items[i]
	s.curID, s.shown = it.App.ID, it
	a := it.App
	next := a.Review.Next()
	s.curStage = next
	// The queue has no report, assessments nor training hours (over every
	// showroom they are tens of megabytes): they are read for the one shown.
	s.Detail.SetText(s.detail(it, false))
	id, e := a.ID, s.e
	load(&s.report, func(ctx context.Context) (kaohe.ReviewItem, error) {
		return e.svc.ReviewDetail(ctx, id)
	}, func(full kaohe.ReviewItem, err error) {
		if s.curID != id || s.cur < 0 {
			return // another application is shown by now
		}
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.Detail.SetText(s.detail(full, true))
	})

	s.Next.SetText(T("stage." + string(next)))
	for _, w := range []fyne.Disableable{s.Record, s.Pass, s.Date, s.Deciders, s.Comment} {
		w.Enable()
	}
	if next == kaohe.StageThird && !a.Review.ProbationOver(s.e.today()) {
		// A decision is dated the day it is made, never ahead: the third
		// review waits until probation has ended (kaohe.CheckDecision).
		s.Record.Disable()
		s.Next.SetText(Textf("%s　%s", T("stage."+string(next)), ErrorText(kaohe.Errorf(kaohe.ECONFLICT, "err.probation_not_ended", "End", FormatDate(a.Review.ProbationEnd)))))
	}
	if next == kaohe.StageExam {
		s.Score.Enable()
	}
	if a.Exemption == kaohe.ExemptionRequested {
		s.Approve.Enable()
		s.Refuse.Enable()
	}
}

// detail is the text the group reads about an application: with full, the
// report, assessments and training hours read for it (ReviewDetail).
func (s *ReviewScreen) detail(it kaohe.ReviewItem, full bool) string {
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
	if full {
		writeTextf(&b, "%s（%s）\n", bold2(T("review.assessments")), T("profile.hours")+" "+numText(it.TrainingHours.Total())+" h")
		as := append([]kaohe.Assessment(nil), it.Assessments...)
		sort.Slice(as, func(i, j int) bool { return as[i].PeriodID < as[j].PeriodID })
		for _, x := range as {
			writeTextf(&b, "　%s　%s %s　%s\n", x.PeriodID, T("assess.total"), numText(x.Total), T("grade."+x.Grade))
		}
	} else {
		fmt.Fprintf(&b, "%s\n%s\n", bold2(T("review.assessments")), T("loading"))
	}
	fmt.Fprintf(&b, "\n%s\n", bold2(T("apply.progress")))
	for _, d := range a.Review.Decisions {
		writeTextf(&b, "　%s\n", decisionLine(d))
	}
	if a.Review.State == kaohe.AppProbation {
		writeTextf(&b, "　%s\n", T("apply.probation_end", "Date", FormatDate(a.Review.ProbationEnd)))
	}
	if full {
		writeTextf(&b, "\n%s（%s）\n%s", bold2(T("field.report")), countLine(it.App.Report), it.App.Report)
	} else {
		fmt.Fprintf(&b, "\n%s\n%s", bold2(T("field.report")), T("loading"))
	}
	return b.String()
}

// bold2 marks a section title in running text: 【…】 in Chinese.
func bold2(s string) string {
	if Language() == kaohe.LangEn {
		return "— " + s + " —"
	}
	return Textf("【%s】", s)
}

// RecordDecision records the group's decision on the shown application.
// What is missing in the form is said all at once.
func (s *ReviewScreen) RecordDecision() {
	if s.cur < 0 {
		return
	}
	it := s.items[s.cur]
	d := kaohe.Decision{AppID: it.App.ID, Stage: it.App.Review.Next(), Pass: s.Pass.Selected == T("verdict.pass"),
		DecidedBy: append([]string(nil), s.Deciders.Selected...), Comment: strings.TrimSpace(s.Comment.Text)}
	var p kaohe.Problems
	if s.Pass.Selected == "" {
		p.Add(kaohe.Errorf(kaohe.EINVALID, "err.verdict_required").OnField("verdict"))
	}
	date, err := kaohe.ParseDate(s.Date.Text)
	if err != nil {
		p.Add(err.(*kaohe.Error).OnField("date"))
	}
	d.Date = date
	if d.Stage == kaohe.StageExam {
		v, ok := parseNumber(s.Score.Text)
		if !ok {
			p.Add(kaohe.Errorf(kaohe.EINVALID, "err.exam_score_required").OnField("exam_score"))
		}
		d.ExamScore = &v
	}
	if len(p) > 0 && len(d.DecidedBy) == 0 {
		p.Add(kaohe.Errorf(kaohe.EINVALID, "err.decider_required").OnField("decided_by"))
	}
	if err := p.Err(); err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	e, actor := s.e, s.e.actor
	s.Record.Disable()
	say(s.Message, T("working"), false)
	// Its own loader: a decision asked for is recorded even if the screen
	// is left.
	run(&loader{e: e}, func(ctx context.Context) error {
		_, err := e.svc.RecordDecision(ctx, actor, d)
		return err
	}, func(err error) {
		s.Record.Enable()
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.Reload() // the item stays where it was and stays shown while still in the queue
		say(s.Message, T("review.recorded", "Stage", T("stage."+string(d.Stage))), false)
	})
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
	if err != nil {
		say(s.Message, ErrorText(err), true)
		return
	}
	x := kaohe.Exemption{AppID: it.App.ID, Approved: approve, Date: date, DecidedBy: by, Comment: s.Comment.Text}
	e, actor := s.e, s.e.actor
	say(s.Message, T("working"), false)
	run(&loader{e: e}, func(ctx context.Context) error {
		return e.svc.DecideExemption(ctx, actor, x)
	}, func(err error) {
		if err != nil {
			say(s.Message, ErrorText(err), true)
			return
		}
		s.Reload()
		say(s.Message, T(map[bool]string{true: "review.exempt_approved", false: "review.exempt_refused"}[approve]), false)
	})
}

// checkGrid is a group of check boxes laid out in wrapping rows, so a long list
// of names wraps instead of widening the window (widget.CheckGroup lays
// them on one line or one per line).
type checkGrid struct {
	box      *fyne.Container
	wrap     *wrapCells
	checks   []*widget.Check
	Options  []string
	Selected []string
	disabled bool
}

// newCheckGrid makes an empty group; reflow is called (on the UI thread,
// after the layout that found it) when the boxes wrap into another number
// of rows than the grid last asked room for, so that what holds it lays it
// out again with the right height.
func newCheckGrid(reflow func()) *checkGrid {
	w := &wrapCells{reflow: reflow}
	return &checkGrid{box: container.New(w), wrap: w}
}

// SetOptions replaces the boxes; the choice is cleared.
func (g *checkGrid) SetOptions(opts []string) {
	g.Options, g.Selected, g.checks = opts, nil, nil
	var objs []fyne.CanvasObject
	var cell fyne.Size
	for _, o := range opts {
		c := widget.NewCheck(o, func(bool) { g.collect() })
		if g.disabled {
			c.Disable()
		}
		g.checks = append(g.checks, c)
		objs = append(objs, c)
		cell = cell.Max(c.MinSize())
	}
	// Cells as wide as the widest name, as many per row as fit: the grid
	// asks for one cell's width, never the whole row's.
	g.wrap.cell = cell
	g.box.Objects = objs
	g.box.Refresh()
}

// wrapCells lays its objects out in cells of one size, as many per row as
// the width allows. Unlike Fyne's GridWrap, whose height before its first
// layout is one row (so the boxes of a group that wraps overlapped what
// followed them in the form), its MinSize is the height of the rows at the
// width it was last laid out at — before any layout, one cell per row:
// too tall rather than overlapping — and a layout that finds another
// number of rows calls reflow.
type wrapCells struct {
	cell   fyne.Size
	width  float32 // the width last laid out at; 0: not yet
	asked  int     // the rows the last MinSize made room for
	reflow func()
}

func (w *wrapCells) cols(width float32) int {
	pad := theme.Padding()
	if width <= w.cell.Width || w.cell.Width <= 0 {
		return 1
	}
	return max(1, int((width+pad)/(w.cell.Width+pad)))
}

func visibleCount(objs []fyne.CanvasObject) int {
	n := 0
	for _, o := range objs {
		if o.Visible() {
			n++
		}
	}
	return n
}

func (w *wrapCells) rows(n int, width float32) int {
	if n == 0 {
		return 0
	}
	if width <= 0 {
		return n
	}
	c := w.cols(width)
	return (n + c - 1) / c
}

// MinSize is one cell wide and as tall as the rows need.
func (w *wrapCells) MinSize(objs []fyne.CanvasObject) fyne.Size {
	r := w.rows(visibleCount(objs), w.width)
	w.asked = r
	if r == 0 {
		return fyne.NewSize(w.cell.Width, 0)
	}
	return fyne.NewSize(w.cell.Width, w.cell.Height*float32(r)+theme.Padding()*float32(r-1))
}

// Layout places the cells row by row.
func (w *wrapCells) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w.width = size.Width
	pad := theme.Padding()
	c := w.cols(size.Width)
	i := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Move(fyne.NewPos(float32(i%c)*(w.cell.Width+pad), float32(i/c)*(w.cell.Height+pad)))
		o.Resize(w.cell)
		i++
	}
	if r := w.rows(i, size.Width); r != w.asked && w.reflow != nil {
		w.asked = r // once per change of rows
		w.reflow()
	}
}

// SetSelected ticks exactly the given options.
func (g *checkGrid) SetSelected(sel []string) {
	want := map[string]bool{}
	for _, s := range sel {
		want[s] = true
	}
	for i, c := range g.checks {
		c.SetChecked(want[g.Options[i]])
	}
	g.collect()
}

func (g *checkGrid) collect() {
	g.Selected = nil
	for i, c := range g.checks {
		if c.Checked {
			g.Selected = append(g.Selected, g.Options[i])
		}
	}
}

// Enable lets the boxes be ticked.
func (g *checkGrid) Enable() {
	g.disabled = false
	for _, c := range g.checks {
		c.Enable()
	}
}

// Disable greys the boxes out.
func (g *checkGrid) Disable() {
	g.disabled = true
	for _, c := range g.checks {
		c.Disable()
	}
}

// Disabled reports whether the boxes are greyed out.
func (g *checkGrid) Disabled() bool { return g.disabled }

package ui

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/kaohe"
)

func TestTargetsSplitAndActuals(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.targets")
	s := w.Targets
	d5, _ := svc.Store.ManagerByNo(context.Background(), "D005")
	s.Manager.Set(d5.ID)
	w.Wait()
	s.Metric.Set(kaohe.MetricSales)
	s.Year.SetText("2027")
	s.load()
	w.Wait()
	s.Annual.SetText("1,200,000")
	s.Seasonal.SetChecked(true)
	s.SaveTarget()
	w.Wait()
	tg, _, _ := svc.Figures(context.Background(), d5.ID, kaohe.MetricSales, 2027)
	if tg.Total() != 1200000 || tg[9] <= tg[1] {
		t.Fatalf("seasonal split = %v (%q)", tg, s.Message.Text)
	}
	if s.Targets[9].Text != "140000" {
		t.Errorf("October target shown %q", s.Targets[9].Text)
	}
	// Another manager's empty year offers the defaults, unticked; coming back
	// shows the weights this target was split by, so saving again keeps them.
	d1, _ := svc.Store.ManagerByNo(context.Background(), "D001")
	s.Manager.Set(d1.ID)
	w.Wait()
	s.load()
	w.Wait()
	if s.Seasonal.Checked || s.Weights[0].Text != "0.7" {
		t.Errorf("a year without a target: seasonal %v, January weight %q", s.Seasonal.Checked, s.Weights[0].Text)
	}
	s.Manager.Set(d5.ID)
	w.Wait()
	s.Weights[0].SetText("0.8")
	s.Annual.SetText("1,200,000")
	s.Seasonal.SetChecked(true)
	s.SaveTarget()
	w.Wait()
	s.Weights[0].SetText("9")
	s.Seasonal.SetChecked(false)
	s.load()
	w.Wait()
	if !s.Seasonal.Checked || s.Weights[0].Text != "0.8" {
		t.Errorf("reopened seasonal target: seasonal %v, January weight %q", s.Seasonal.Checked, s.Weights[0].Text)
	}
	// Actuals: a bad figure refuses the whole save.
	test.Type(s.Actuals[0], "80000")
	test.Type(s.Actuals[1], "-5")
	s.SaveActuals()
	w.Wait()
	_, ac, _ := svc.Figures(context.Background(), d5.ID, kaohe.MetricSales, 2027)
	if ac.Total() != 0 || !strings.Contains(s.Message.Text, "2月") {
		t.Errorf("a bad month saved: %v, %q", ac, s.Message.Text)
	}
	s.Actuals[1].SetText("60000")
	s.SaveActuals()
	w.Wait()
	_, ac, _ = svc.Figures(context.Background(), d5.ID, kaohe.MetricSales, 2027)
	if ac[0] != 80000 || ac[1] != 60000 {
		t.Errorf("actuals = %v", ac)
	}
	// 2027 has not begun (today is 2026-11-27): in progress, not 0 %.
	if !strings.Contains(s.Rollups.Text, "第1季度 进行中") || s.Rates[0].Text != "进行中" || strings.Contains(s.Rollups.Text, "0.0%") {
		t.Errorf("2027: rollups %q, January %q", s.Rollups.Text, s.Rates[0].Text)
	}
	// 2026: October has ended, November is running, December is ahead.
	s.Year.SetText("2026")
	s.load()
	w.Wait()
	if s.Rates[10].Text != "进行中" || s.Rates[11].Text != "进行中" || !strings.Contains(s.Rates[9].Text, "%") ||
		!strings.Contains(s.Rollups.Text, "（进行中，已过 1/3 个月）") || !strings.Contains(s.Rollups.Text, "全年") {
		t.Errorf("2026: October %q, November %q, rollups %q", s.Rates[9].Text, s.Rates[10].Text, s.Rollups.Text)
	}
	s.Year.SetText("2027")
	s.load()
	w.Wait()
	// Even split when unchecked.
	s.Seasonal.SetChecked(false)
	s.Annual.SetText("1200")
	s.SaveTarget()
	w.Wait()
	tg, _, _ = svc.Figures(context.Background(), d5.ID, kaohe.MetricSales, 2027)
	if tg[0] != 100 || tg[11] != 100 {
		t.Errorf("even split = %v", tg)
	}
	s.load()
	w.Wait()
	if s.Seasonal.Checked {
		t.Errorf("an even target reopened as seasonal")
	}
}

func TestTrainingWithAttendance(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.training")
	s := w.Training
	n := len(s.items)
	if n == 0 || len(s.Sessions.Rows()) != n {
		t.Fatalf("sessions: %d read, %d shown", n, len(s.Sessions.Rows()))
	}
	s.edit(kaohe.Training{})
	w.Wait()
	if len(s.People.Rows()) < 15 {
		t.Fatalf("attendance lists %d managers", len(s.People.Rows()))
	}
	test.Type(s.Title, "整体厨房设计实操")
	s.Category.Set(kaohe.TrainSkill)
	s.Method.Set(kaohe.MethodClassroom)
	test.Type(s.Date, "2026-11-20")
	test.Type(s.Hours, "abc")
	s.Save()
	w.Wait()
	if !strings.Contains(s.Message.Text, "学时") || len(s.items) != n {
		t.Fatalf("bad hours: %q", s.Message.Text)
	}
	s.Hours.SetText("6")
	d1, _ := svc.Store.ManagerByNo(context.Background(), "D001")
	d3, _ := svc.Store.ManagerByNo(context.Background(), "D003")
	before, _ := svc.Store.TrainingHoursOf(context.Background(), d1.ID, 2026)
	// The attendance table is virtual: its cells edit what is saved. Find
	// D001 by the search box, choose 合格 in its result cell and type a score.
	test.Type(s.People.Search, "D001")
	if rows := s.People.Rows(); len(rows) != 1 || rows[0].ID != d1.ID {
		t.Fatalf("search D001: %d rows", len(rows))
	}
	sel, en := attendanceCells(t, s)
	sel.SetSelectedIndex(1) // 合格
	test.Type(en, "92")
	s.People.Search.SetText("")
	s.SetResult(d3.ID, kaohe.AttendAbsent)
	s.Save()
	w.Wait()
	if len(s.items) != n+1 {
		t.Fatalf("training not saved: %q", s.Message.Text)
	}
	after, _ := svc.Store.TrainingHoursOf(context.Background(), d1.ID, 2026)
	if after[kaohe.TrainSkill]-before[kaohe.TrainSkill] != 6 {
		t.Errorf("hours %v -> %v", before, after)
	}
	as, _ := svc.Attendance(context.Background(), s.cur.ID)
	got := map[string]kaohe.Attendance{}
	for _, a := range as {
		got[a.ManagerID] = a
	}
	if len(as) != 2 || got[d1.ID].Result != kaohe.AttendPassed || got[d1.ID].Score == nil || *got[d1.ID].Score != 92 || got[d3.ID].Result != kaohe.AttendAbsent {
		t.Errorf("attendance = %+v", as)
	}
	// Reopened, the session shows what was saved.
	s.edit(kaohe.Training{})
	w.Wait()
	s.edit(s.items[0])
	for _, tr := range s.items {
		if tr.ID == s.cur.ID || tr.Title == "整体厨房设计实操" {
			s.edit(tr)
		}
	}
	w.Wait()
	if s.results[d1.ID] != kaohe.AttendPassed || s.scores[d1.ID] != "92" {
		t.Errorf("reopened: result %q, score %q", s.results[d1.ID], s.scores[d1.ID])
	}
	// A session planned ahead with results already chosen is refused by
	// the rule HQ applies (kaohe.Attendance.CheckHeld) before the session
	// itself is saved: nothing is stored.
	s.edit(kaohe.Training{})
	w.Wait()
	test.Type(s.Title, "售后服务规范")
	s.Category.Set(kaohe.TrainProfession)
	s.Method.Set(kaohe.MethodClassroom)
	test.Type(s.Date, s.e.today().AddDays(30).String())
	test.Type(s.Hours, "4")
	s.SetResult(d3.ID, kaohe.AttendPassed)
	s.Save()
	w.Wait()
	stored, _ := svc.Store.Trainings(context.Background())
	if !strings.Contains(s.Message.Text, "尚未举行") || len(stored) != n+1 {
		t.Errorf("results of a training not held yet: %q, %d sessions stored (want %d)", s.Message.Text, len(stored), n+1)
	}
}

// attendanceCells makes the result picker and score entry of the
// attendance table's first row as the table does (its create and update).
func attendanceCells(t *testing.T, s *TrainingScreen) (*widget.Select, *field) {
	t.Helper()
	sel, _ := s.People.cellAt(0, 3).(*widget.Select)
	en, _ := s.People.cellAt(0, 4).(*field)
	if sel == nil || en == nil {
		t.Fatalf("no result picker (%v) or score entry (%v) in the table", sel != nil, en != nil)
	}
	return sel, en
}

func TestRewardsAndResearch(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.rewards")
	r := w.Rewards
	d4, _ := svc.Store.ManagerByNo(context.Background(), "D004")
	r.Manager.Set(d4.ID)
	r.Type.Set(kaohe.PenaltyFine)
	test.Type(r.Reason, "客户投诉未及时处理")
	r.Save()
	w.Wait() // refused by the rule, in the background
	if !strings.Contains(r.Message.Text, "金额") {
		t.Errorf("fine without amount: %q", r.Message.Text)
	}
	test.Type(r.Amount, "300")
	// A bad date names the field and shows what a date looks like.
	prev := r.Date.Text
	r.Date.SetText("2026-13-01")
	r.Save()
	if !strings.Contains(r.Message.Text, "日期：“2026-13-01”不是有效日期") || !strings.Contains(r.Message.Text, "例如 2026-11-27") {
		t.Errorf("bad date: %q", r.Message.Text)
	}
	r.Date.SetText(prev)
	r.Save()
	w.Wait() // saved in the background
	rs, _ := svc.RewardsPenalties(context.Background(), d4.ID)
	if len(rs) == 0 || rs[0].Type != kaohe.PenaltyFine || rs[0].Amount != 300 || rs[0].DecidedBy != w.e.actor.String() {
		t.Fatalf("rewards = %+v (%q)", rs, r.Message.Text)
	}
	// The records are a table: latest first, searchable, sortable by amount.
	w.Wait()
	all, _ := svc.RewardsPenalties(context.Background(), "")
	if n := len(r.List.Rows()); n != len(all) || n < 2 {
		t.Fatalf("table shows %d of %d records", n, len(all))
	}
	if r.List.Cell(0, 0) < r.List.Cell(len(all)-1, 0) {
		t.Errorf("not latest first: %s … %s", r.List.Cell(0, 0), r.List.Cell(len(all)-1, 0))
	}
	test.Type(r.List.Search, w.e.actor.String()) // who decided: the signed-in account
	if rows := r.List.Rows(); len(rows) != 1 || rows[0].Amount != 300 || r.List.Cell(0, 1) != "D004 "+d4.Name || r.List.Cell(0, 3) != "300 元" {
		t.Errorf("search by who decided: %+v, manager %q, amount %q", rows, r.List.Cell(0, 1), r.List.Cell(0, 3))
	}
	r.List.Search.SetText("")
	r.List.SortBy(3)
	if rows := r.List.Rows(); rows[0].Amount > rows[len(rows)-1].Amount {
		t.Errorf("sorted by amount: %d … %d", rows[0].Amount, rows[len(rows)-1].Amount)
	}

	// A survey shows up beside the assessment item it evidences (of a
	// level-1 manager: the one the showroom assesses).
	d3, _ := svc.Store.ManagerByNo(context.Background(), "D003")
	open(w, "nav.research")
	s := w.Research
	s.Manager.Set(d3.ID)
	s.Kind.Set(kaohe.ResearchProject)
	s.Date.SetText("2026-11-10")
	test.Type(s.Subject, "保利天悦二期")
	test.Type(s.Price, "52000")
	test.Type(s.Units, "640")
	test.Type(s.Deliver, "2027-12-31")
	s.Save()
	w.Wait()
	list, _ := svc.Research(context.Background(), d3.ID)
	if len(list) == 0 || list[0].Subject != "保利天悦二期" || list[0].Units != 640 {
		t.Fatalf("research = %+v (%q)", list, s.Message.Text)
	}
	// The chosen manager's records are a table, searchable and sortable.
	w.Wait()
	if n := len(s.List.Rows()); n != len(list) {
		t.Fatalf("table shows %d of %d records", n, len(list))
	}
	test.Type(s.List.Search, "保利天悦")
	if rows := s.List.Rows(); len(rows) != 1 || !strings.Contains(s.List.Cell(0, 4), "640 套") {
		t.Errorf("search: %d rows, project %q", len(rows), s.List.Cell(0, 4))
	}
	s.List.Search.SetText("")
	s.List.SortBy(2)
	if rows := s.List.Rows(); len(rows) > 1 && rows[0].Subject > rows[len(rows)-1].Subject {
		t.Errorf("sorted by subject: %q … %q", rows[0].Subject, rows[len(rows)-1].Subject)
	}
	p := kaohe.Period{Start: kaohe.D(2026, 7, 1), End: kaohe.D(2026, 12, 31)}
	want := kaohe.EvidenceCount(list, p)["feedback"]
	open(w, "nav.assessments")
	a := w.Assessments
	a.Reload()
	w.Wait()
	a.Open(d3.ID, "2026-H2")
	w.Wait()
	if got := a.Evidence["feedback"].Text; !strings.Contains(got, "调查记录 "+itoa(want)+" 条") {
		t.Errorf("evidence label %q; want %d", got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestImportRosterThroughTheScreen(t *testing.T) {
	w, svc, _ := demoWindow(t)
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	if err := svc.ExportRoster(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	open(w, "nav.managers")
	d := w.Managers.ImportRoster(path)
	w.Wait() // the workbook is read in the background
	if d == nil || d.Preview.Valid != 20 || !strings.Contains(d.Summary.Text, "可导入 20 行") {
		t.Fatalf("preview = %+v", d)
	}
	before, _ := svc.ListManagers(context.Background(), kaohe.ManagerFilter{})
	audit0, _ := svc.Store.Audit(context.Background(), "", "", 1)
	test.Tap(d.Import)
	w.Wait() // the import runs in the background
	if a, _ := svc.Store.Audit(context.Background(), "", "", 1); len(a) == 0 || a[0].Seq <= audit0[0].Seq+19 {
		t.Errorf("the import wrote no audit rows")
	}
	after, _ := svc.ListManagers(context.Background(), kaohe.ManagerFilter{})
	if len(after) != len(before) {
		t.Errorf("re-importing the roster changed the headcount %d -> %d", len(before), len(after))
	}
}

// TestEveryScreenFitsTheWindow: tabs take the size of their widest screen,
// so one screen wider than 1280×800 clips all of them. Checked in both
// languages.
func TestEveryScreenFitsTheWindow(t *testing.T) {
	for _, l := range []kaohe.Lang{kaohe.LangZh, kaohe.LangEn} {
		w, _, _ := demoWindow(t)
		if err := SetLanguage(l); err != nil {
			t.Fatal(err)
		}
		w.reload()
		openAll(w)
		for i, item := range w.Tabs.Items {
			if min := item.Content.MinSize(); min.Width > 1280-120 || min.Height > 800-60 {
				t.Errorf("%s: screen %d (%s) needs %v", l, i, item.Text, min)
			}
		}
		// No chart label runs into its neighbour at 1280×800.
		w.Resize(fyne.NewSize(1280, 800))
		for i, item := range w.Tabs.Items {
			w.Tabs.SelectIndex(i)
			charts := barCharts(item.Content)
			if i == 0 && len(charts) == 0 {
				t.Errorf("%s: no chart found on the dashboard", l)
			}
			for _, c := range charts {
				if c.Size().Width == 0 {
					t.Errorf("%s: screen %d (%s) has a chart with no room", l, i, item.Text)
				}
				if msg := c.labelOverlap(); msg != "" {
					t.Errorf("%s: screen %d (%s), chart %v: %s", l, i, item.Text, c.Bars, msg)
				}
			}
		}
		SetLanguage(kaohe.LangZh)
	}
}

// barCharts finds the charts shown in o, through containers and widgets.
func barCharts(o fyne.CanvasObject) []*BarChart {
	switch v := o.(type) {
	case *BarChart:
		return []*BarChart{v}
	case *fyne.Container:
		var out []*BarChart
		for _, c := range v.Objects {
			out = append(out, barCharts(c)...)
		}
		return out
	case fyne.Widget:
		var out []*BarChart
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, barCharts(c)...)
		}
		return out
	}
	return nil
}

func TestKeyboardSwitchesScreens(t *testing.T) {
	w, _, _ := demoWindow(t)
	c, ok := w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) })
	if !ok {
		t.Fatal("the canvas takes no shortcuts")
	}
	for _, tc := range []struct {
		key  fyne.KeyName
		want int
	}{{fyne.Key3, 2}, {fyne.Key0, 9}, {fyne.Key1, 0}} {
		c.TypedShortcut(&desktop.CustomShortcut{KeyName: tc.key, Modifier: fyne.KeyModifierShortcutDefault})
		if got := w.Tabs.SelectedIndex(); got != tc.want {
			t.Errorf("Ctrl+%s selected screen %d; want %d", tc.key, got, tc.want)
		}
	}
}

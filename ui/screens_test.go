package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
)

var demoToday = time.Date(2026, 11, 27, 10, 0, 0, 0, time.Local)

// demoWindow opens the real window over a temporary demo database.
func demoWindow(t *testing.T) (*Window, *service.Service, *[]string) {
	t.Helper()
	return demoWindowWith(t, nil)
}

// demoWindowWith opens the window over wrap(the service), a test's stand-in
// for some of its methods; nil: the service itself.
func demoWindowWith(t *testing.T, wrap func(*service.Service) Service) (*Window, *service.Service, *[]string) {
	t.Helper()
	a := test.NewTempApp(t)
	if err := SetLanguage(kaohe.LangZh); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return demoToday }
	if _, err := demo.Seed(context.Background(), s, demo.Options{Today: kaohe.DateOf(demoToday)}); err != nil {
		t.Fatal(err)
	}
	svc := service.New(s, filepath.Join(dir, "backups"))
	svc.Now = func() time.Time { return demoToday }
	t.Cleanup(func() { svc.Store.Close() })
	signInAs(t, svc, "D001", "manager-demo")
	var opened []string
	var ws Service = svc
	if wrap != nil {
		ws = wrap(svc)
	}
	w := NewWindow(Params{App: a, Service: ws, DocDir: filepath.Join(dir, "documents"), DataDir: dir,
		OpenFile: func(p string) { opened = append(opened, p) }, Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	w.Wait()
	return w, svc, &opened
}

// open shows a screen as a tap on its tab does and waits for its data.
func open(w *Window, key string) {
	w.Open(key)
	w.Wait()
}

// openAll shows every screen once, so each is built.
func openAll(w *Window) {
	for i := range w.Tabs.Items {
		w.Tabs.SelectIndex(i)
		w.Wait()
	}
}

// labels returns the texts of every label shown in the window.
func labels(w *Window) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(w.Content()) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

func TestDashboard(t *testing.T) {
	w, _, _ := demoWindow(t)
	d := w.Dashboard.Data
	total := d.Headcount[kaohe.Level1] + d.Headcount[kaohe.Level2] + d.Headcount[kaohe.Level3]
	if total < 15 || d.Headcount[kaohe.Level3] != 1 {
		t.Errorf("headcount = %v", d.Headcount)
	}
	if len(d.Pending) != 4 || len(d.ProbationsEnding) != 1 {
		t.Errorf("pending %d, probations ending %d; want 4 and 1", len(d.Pending), len(d.ProbationsEnding))
	}
	if d.TrainingHours.Total() == 0 || d.LastPeriod.ID != "2026-H1" || len(d.Grades) != 4 {
		t.Errorf("hours %v, last period %q, grades %v", d.TrainingHours, d.LastPeriod.ID, d.Grades)
	}
	shown := labels(w)
	for _, want := range []string{"待初审", "考察期", "尚未向总部注册"} {
		if !strings.Contains(shown, want) {
			t.Errorf("dashboard does not show %q", want)
		}
	}
}

// TestNewManagerOffersOnlyHireLevels: the new-manager form offers only the
// levels HQ accepts as a new hire's first level (the policy's level 1);
// level 2 and 3 are HQ's decisions and are not offered.
func TestNewManagerOffersOnlyHireLevels(t *testing.T) {
	w, _, _ := demoWindow(t)
	open(w, "nav.managers")
	f := w.Managers.EditDialog(nil)
	if got, want := f.Level.values, []kaohe.Level{kaohe.Level1}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("the new-manager form offers levels %v; want %v", got, want)
	}
	if l, ok := f.Level.Value(); !ok || l != kaohe.Level1 {
		t.Errorf("the form starts at level %v (%v); want level 1", l, ok)
	}
	f.Dialog.d.Hide()
}

func TestManagersAddEditLeaveDelete(t *testing.T) {
	w, svc, _ := demoWindow(t)
	w.Tabs.SelectIndex(1)
	open(w, "nav.managers")
	m := w.Managers
	f := m.EditDialog(nil)
	test.Type(f.No, "D021")
	test.Type(f.Name, "欧阳玥")
	f.Education.Set(kaohe.EduCollege)
	test.Type(f.Hired, "2026年11月2日")
	test.Type(f.Phone, "13912345678")
	f.Level.Set(kaohe.Level1)
	test.Tap(f.Dialog.saveBtn)
	w.Wait() // saved in the background
	got, err := svc.Store.ManagerByNo(context.Background(), "D021")
	if err != nil || got.Name != "欧阳玥" || got.HireDate != kaohe.D(2026, 11, 2) || got.Level != kaohe.Level1 {
		t.Fatalf("saved manager = %+v, %v", got, err)
	}

	// A taken number is refused in Chinese; the dialog stays with the reason.
	f = m.EditDialog(nil)
	test.Type(f.No, "D021")
	test.Type(f.Name, "重复")
	f.Education.Set(kaohe.EduCollege)
	test.Tap(f.Dialog.saveBtn)
	w.Wait()
	if !strings.Contains(f.Dialog.errMsg.Text, "工号“D021”已被使用") {
		t.Errorf("duplicate number message = %q", f.Dialog.errMsg.Text)
	}
	// A bad date is refused, naming the field.
	f.No.SetText("D022")
	f.Hired.SetText("2026-02-30")
	test.Tap(f.Dialog.saveBtn)
	if !strings.Contains(f.Dialog.errMsg.Text, "入职日期") {
		t.Errorf("bad date message = %q", f.Dialog.errMsg.Text)
	}
	if _, err := svc.Store.ManagerByNo(context.Background(), "D022"); err == nil {
		t.Errorf("a refused form saved a manager")
	}
	f.Dialog.d.Hide()

	// Edit: select the new row, change the phone.
	w.Wait() // the list is read again in the background after a save
	test.Type(m.Search, "欧阳玥")
	if len(m.Rows()) != 1 {
		t.Fatalf("search found %d", len(m.Rows()))
	}
	m.Select(0)
	r, _ := m.selected()
	f = m.EditDialog(&r)
	f.Phone.SetText("13800000000")
	test.Tap(f.Dialog.saveBtn)
	w.Wait()
	got, _ = svc.Store.ManagerByNo(context.Background(), "D021")
	if got.Phone != "13800000000" {
		t.Errorf("edit not saved: %+v", got)
	}
	w.Wait()
	if rows := m.Rows(); len(rows) != 1 || rows[0].Phone != "13800000000" {
		t.Errorf("the list shows %+v after the edit", rows)
	}
	// Leave on a date: status left, history kept.
	m.Select(0)
	r, _ = m.selected()
	date := m.LeaveDialog(r).Date
	date.SetText("2026-11-26")
	// the leave dialog's save is its form's; find it through the dialog content
	tapSave(t, w)
	w.Wait()
	got, _ = svc.Store.ManagerByNo(context.Background(), "D021")
	if got.Status != kaohe.StatusLeft || got.LeftOn != kaohe.D(2026, 11, 26) {
		t.Errorf("after leave: %+v", got)
	}
	// Profile opens and shows the level history.
	m.ShowProfile(got.ID)
	w.Wait()
	v := m.Profile
	if v == nil || len(v.P.LevelHistory) != 1 {
		t.Fatalf("profile = %+v", v)
	}
}

// tapSave taps the Save button of the dialog on top.
func tapSave(t *testing.T, w *Window) {
	t.Helper()
	overlays := w.Canvas().Overlays().List()
	if len(overlays) == 0 {
		t.Fatal("no dialog open")
	}
	for _, o := range test.LaidOutObjects(overlays[len(overlays)-1]) {
		if b, ok := o.(*widget.Button); ok && b.Text == T("action.save") {
			test.Tap(b)
			return
		}
	}
	t.Fatal("no Save button in the dialog")
}

// answer taps Yes (or No) in the confirmation on top and returns its text.
func answer(t *testing.T, w *Window, yes bool) string {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation open")
	}
	want := T("No")
	if yes {
		want = T("Yes")
	}
	var text []string
	var btn *widget.Button
	for _, o := range test.LaidOutObjects(top) {
		switch x := o.(type) {
		case *widget.Label:
			text = append(text, x.Text)
		case *widget.Button:
			if x.Text == want {
				btn = x
			}
		}
	}
	if btn == nil {
		t.Fatalf("no %q button in the dialog %q", want, text)
	}
	test.Tap(btn)
	if w.Canvas().Overlays().Top() == top {
		t.Errorf("the confirmation stayed open after %q", want)
	}
	w.Wait() // what Yes started (a save) runs in the background
	return strings.Join(text, "\n")
}

func TestAssessmentLiveTotalAndSubmit(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.assessments")
	s := w.Assessments
	// The picker opens on the latest period that has ended (today is
	// 2026-11-27: 2026-H1), never on one still running.
	if p, _ := s.Period.Value(); p != "2026-H1" {
		t.Errorf("the period picker opened on %q; want 2026-H1, the latest that has ended", p)
	}
	d3, _ := svc.Store.ManagerByNo(context.Background(), "D003")
	s.Open(d3.ID, "2026-H2") // a draft of the half-year still running
	w.Wait()
	if s.a.Status != kaohe.AssessDraft || s.SaveBtn.Disabled() || !s.Submit.Disabled() || !s.PeriodOpen.Visible() ||
		!strings.Contains(s.PeriodOpen.Text, "2026年12月31日") || !strings.Contains(s.PeriodOpen.Text, "结束后方可提交") {
		t.Fatalf("2026-H2 before it ends: status %s, save disabled %v, submit disabled %v, note %q (shown %v)",
			s.a.Status, s.SaveBtn.Disabled(), s.Submit.Disabled(), s.PeriodOpen.Text, s.PeriodOpen.Visible())
	}
	test.Tap(s.Submit)
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("submitting a running half-year asked for confirmation")
	}
	// The half-year over (2027-01-05 by the window's and the store's clock),
	// it can be submitted.
	jan5 := time.Date(2027, 1, 5, 10, 0, 0, 0, time.Local)
	w.e.now = func() time.Time { return jan5 }
	svc.Store.Now = func() time.Time { return jan5 }
	s.Open(d3.ID, "2026-H2")
	w.Wait()
	if s.a.Status != kaohe.AssessDraft || s.Submit.Disabled() || s.PeriodOpen.Visible() {
		t.Fatalf("2026-H2 after it ended should be an editable draft: %+v, submit disabled %v, note shown %v", s.a.Status, s.Submit.Disabled(), s.PeriodOpen.Visible())
	}
	for code, v := range map[string]string{"plan": "100", "satisfaction": "80", "expansion": "80", "feedback": "80", "cooperation": ""} {
		s.Scores[code].SetText("")
		test.Type(s.Scores[code], v)
	}
	// 40 + 16 + 12 + 12 + 0 = 80, shown live while typing
	if s.Total.Text != "总分 80" || !strings.Contains(s.Problem.Text, "1 项未评分") {
		t.Errorf("live total %q, note %q", s.Total.Text, s.Problem.Text)
	}
	test.Type(s.Scores["cooperation"], "120")
	if !strings.Contains(s.Problem.Text, "超出范围") {
		t.Errorf("score 120: %q", s.Problem.Text)
	}
	// While a score is wrong no total is shown (not one computed from "12").
	if s.Total.Text != "总分 —" || s.Grade.Text != "等级 —" || s.Coef.Text != "绩效系数 —" {
		t.Errorf("score 120: total %q grade %q coef %q; want them blank", s.Total.Text, s.Grade.Text, s.Coef.Text)
	}
	s.Scores["cooperation"].SetText("9x")
	if !strings.Contains(s.Problem.Text, "不是数字") || s.Total.Text != "总分 —" {
		t.Errorf("score 9x: %q, %q", s.Problem.Text, s.Total.Text)
	}
	test.Tap(s.Submit)
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a bad score asked for confirmation")
	}
	a, _ := svc.Assessment(context.Background(), d3.ID, "2026-H2")
	if a.Status != kaohe.AssessDraft {
		t.Errorf("a bad score was submitted")
	}
	s.Scores["cooperation"].SetText("90")
	if s.Total.Text != "总分 89" || s.Grade.Text != "等级 良好" || s.Coef.Text != "绩效系数 1.00" {
		t.Errorf("total %q grade %q coef %q", s.Total.Text, s.Grade.Text, s.Coef.Text)
	}
	// Submit asks first, saying what becomes final; No leaves a draft.
	test.Tap(s.Submit)
	if msg := answer(t, w, false); !strings.Contains(msg, "总分 89") || !strings.Contains(msg, "不能再修改") || !strings.Contains(msg, d3.EmployeeNo) {
		t.Errorf("confirmation %q", msg)
	}
	if a, _ = svc.Assessment(context.Background(), d3.ID, "2026-H2"); a.Status != kaohe.AssessDraft {
		t.Fatalf("submitted although No was chosen")
	}
	test.Tap(s.Submit)
	answer(t, w, true)
	a, _ = svc.Assessment(context.Background(), d3.ID, "2026-H2")
	if a.Status != kaohe.AssessSubmitted || a.Total != 89 || a.Assessor == "" {
		t.Fatalf("after submit: %+v", a)
	}
	if !s.Scores["plan"].Disabled() || !s.Submit.Disabled() {
		t.Errorf("a submitted assessment is still editable")
	}
}

func TestApplicationRefusalsAndSubmit(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.applications")
	s := w.Applications
	ctx := context.Background()
	// A level-1 manager without an application, below level 2's education.
	var who kaohe.ManagerLevel
	ms, _ := svc.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusActive, Level: kaohe.Level1})
	for _, m := range ms {
		apps, _ := svc.Applications(ctx, m.ID)
		if len(apps) == 0 && m.Education < kaohe.EduCollege {
			who = m
			break
		}
	}
	if who.ID == "" {
		t.Fatal("the demo has no level-1 manager below 大专 without an application")
	}
	s.edit(kaohe.ApplicationView{})
	s.Manager.Set(who.ID)
	s.Target.Set(kaohe.Level2)
	test.Type(s.Personal, "个人情况")
	test.Type(s.Achieve, "主要政绩")
	s.Report.SetText(strings.Repeat("述", 2999)) // pasted from a word processor
	if !strings.Contains(s.Count.Text, "已写 2999 字，本级至少 3000 字") || s.Count.Importance != widget.DangerImportance {
		t.Errorf("live count %q", s.Count.Text)
	}
	if !strings.Contains(s.EduCheck.Text, "须申请豁免") {
		t.Errorf("education check %q", s.EduCheck.Text)
	}
	test.Tap(s.Submit)
	if msg := answer(t, w, true); !strings.Contains(msg, "2999 字") || !strings.Contains(msg, "不能再修改") {
		t.Errorf("confirmation %q", msg)
	}
	if !strings.Contains(s.Message.Text, "述职报告 2999 字，申请2级至少需 3000 字") {
		t.Errorf("short report message %q", s.Message.Text)
	}
	test.Type(s.Report, "述")
	if s.Message.Text != "" || s.Count.Importance != widget.SuccessImportance {
		t.Errorf("after the report reached 3000: message %q stays, count importance %v", s.Message.Text, s.Count.Importance)
	}
	test.Tap(s.Submit)
	answer(t, w, true)
	if !strings.Contains(s.Message.Text, "请提交学历豁免申请") {
		t.Errorf("education message %q", s.Message.Text)
	}
	// A refused submission saves nothing: no draft appears.
	apps, _ := svc.Applications(ctx, who.ID)
	if len(apps) != 0 {
		t.Fatalf("refused submissions left %d applications: %+v", len(apps), apps)
	}
	s.Exempt.SetChecked(true)
	test.Type(s.Reason, "连续两年销售第一")
	test.Tap(s.Submit)
	answer(t, w, true)
	w.Wait() // the list and the timeline are read again in the background
	apps, _ = svc.Applications(ctx, who.ID)
	if len(apps) != 1 || apps[0].Review.State != kaohe.AppSubmitted || apps[0].Exemption != kaohe.ExemptionRequested {
		t.Fatalf("after submit: %+v", apps)
	}
	if !strings.Contains(s.Timeline.Text, "待初审") || !strings.Contains(s.Message.Text, "已提交") || !s.Report.Disabled() {
		t.Errorf("timeline %q message %q", s.Timeline.Text, s.Message.Text)
	}
	// Submitted: nothing of it can be edited, here or when chosen again.
	frozen := func(when string) {
		for name, w := range map[string]interface{ Disabled() bool }{"manager": s.Manager, "target": s.Target, "personal": s.Personal,
			"achievements": s.Achieve, "report": s.Report, "exemption": s.Exempt, "reason": s.Reason, "save": s.SaveBtn, "submit": s.Submit} {
			if !w.Disabled() {
				t.Errorf("%s: the submitted application's %s can be edited", when, name)
			}
		}
	}
	frozen("after submitting")
	s.edit(kaohe.ApplicationView{})
	for i, a := range s.List.Rows() {
		if a.ID == apps[0].ID {
			s.List.Table.Select(widget.TableCellID{Row: i, Col: 0})
		}
	}
	w.Wait()
	if s.cur.ID != apps[0].ID {
		t.Fatalf("the submitted application is not shown when chosen (%q)", s.cur.ID)
	}
	frozen("chosen again")
}

// TestApplicationOffersOnlyTheNextLevel: a new application offers only the
// level above the applicant's (the one HQ can grant), none when that level
// is not in use.
func TestApplicationOffersOnlyTheNextLevel(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.applications")
	s := w.Applications
	ms, _ := svc.ListManagers(context.Background(), kaohe.ManagerFilter{Status: kaohe.StatusActive})
	seen := map[kaohe.Level]bool{}
	for _, m := range ms {
		if seen[m.Level] {
			continue
		}
		seen[m.Level] = true
		s.edit(kaohe.ApplicationView{})
		s.Manager.Set(m.ID)
		want := []kaohe.Level{m.Level + 1}
		if m.Level == kaohe.Level3 { // level 4 is not in use yet
			want = nil
		}
		if got := s.Target.values; !slices.Equal(got, want) {
			t.Errorf("a level-%d manager may apply for %v; want %v", m.Level, got, want)
		}
	}
	if !seen[kaohe.Level1] || !seen[kaohe.Level2] || !seen[kaohe.Level3] {
		t.Errorf("the demo lacks a level: %v", seen)
	}
}

func TestDocumentsSingleAndBatch(t *testing.T) {
	w, svc, opened := demoWindow(t)
	open(w, "nav.documents")
	s := w.Documents
	s.Kind.Set("report")
	s.Period.Set("2025-H2")
	// A level-1 manager (the showroom assesses only them) without a certificate.
	certified := map[string]bool{}
	all, _ := svc.Store.Certificates(context.Background(), "")
	for _, c := range all {
		certified[c.ManagerID] = true
	}
	assessed, _ := svc.Store.Assessments(context.Background(), store.AssessmentFilter{PeriodID: "2025-H2"})
	for _, a := range assessed {
		if !certified[a.ManagerID] {
			s.Manager.Set(a.ManagerID)
			break
		}
	}
	test.Tap(s.Make)
	w.Wait() // the document is made in the background
	if len(*opened) != 1 || !strings.HasSuffix((*opened)[0], ".pdf") {
		t.Fatalf("opened %v; message %q", *opened, s.Message.Text)
	}
	if b, err := os.ReadFile((*opened)[0]); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("the report is not a PDF: %v", err)
	}
	// A manager without a certificate: refused, nothing opened.
	s.Kind.Set("certificate")
	test.Tap(s.Make)
	w.Wait()
	if len(*opened) != 1 || !strings.Contains(s.Message.Text, "还没有等级证书") {
		t.Errorf("certificate refusal: %q", s.Message.Text)
	}
	// The demo's certificate, signed by the demo's stand-in HQ key, checks as
	// genuine offline; a wrong code is unknown.
	certs, _ := svc.Store.Certificates(context.Background(), "")
	s.Serial.SetText(certs[0].Serial)
	s.Code.SetText("WRONG123")
	test.Tap(s.VerifyButton)
	w.Wait()
	if !strings.Contains(s.Verdict.Text, "未找到") {
		t.Errorf("wrong code: %q", s.Verdict.Text)
	}
	s.Code.SetText(certs[0].VerifyCode)
	test.Tap(s.VerifyButton)
	w.Wait()
	if !strings.Contains(s.Verdict.Text, "真实有效") || !strings.Contains(s.Verdict.Text, certs[0].HolderName) {
		t.Errorf("the demo certificate: %q", s.Verdict.Text)
	}
	test.Tap(s.Batch)
	s.Wait()
	as, _ := svc.Store.Assessments(context.Background(), store.AssessmentFilter{PeriodID: "2025-H2"})
	files, _ := filepath.Glob(filepath.Join(s.e.docDir, "2025-H2", "*.pdf"))
	if len(files) != len(as) {
		t.Errorf("batch made %d files for %d assessments", len(files), len(as))
	}
	deadline := time.Now().Add(2 * time.Second)
	for s.Progress.Value < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Progress.Value != 1 {
		t.Errorf("progress ended at %v", s.Progress.Value)
	}
}

func TestSettingsBackupAndLanguage(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.settings")
	s := w.Settings
	n := len(s.list)
	for _, o := range test.LaidOutObjects(s.View()) {
		if b, ok := o.(*widget.Button); ok && b.Text == T("settings.backup_now") {
			test.Tap(b)
		}
	}
	w.Wait() // the backup and the list run in the background
	if len(s.list) != n+1 {
		t.Errorf("backups %d -> %d", n, len(s.list))
	}
	// Restore the backup: the current data is saved first as a new backup,
	// a manager added after the backup (not yet sent to HQ) is kept, not
	// lost, and the window rebuilds.
	svc.CreateManager(context.Background(), w.e.actor, kaohe.Manager{EmployeeNo: "D099", Name: "临时", Education: kaohe.EduCollege, Status: kaohe.StatusActive}, kaohe.Level1)
	s.Restore(s.list[0].Path)
	w.Wait()
	if _, err := svc.Store.ManagerByNo(context.Background(), "D099"); err != nil {
		t.Errorf("the restore lost a manager not yet sent: %v", err)
	}
	if bs, _ := svc.Backups(); len(bs) != n+2 {
		t.Errorf("%d backups after the restore; want %d (the replaced data saved first)", len(bs), n+2)
	}
	w.Settings.Language.SetSelected("English")
	defer SetLanguage(kaohe.LangZh)
	if Language() != kaohe.LangEn || w.Tabs.Items[1].Text != "Managers" {
		t.Errorf("after switching: %s, tab %q", Language(), w.Tabs.Items[1].Text)
	}
	if w.p.App.Preferences().String(prefLanguage) != "en" {
		t.Errorf("the language is not remembered")
	}
}

// The window offers only what HQ will accept: a showroom assesses level-1
// staff, never level 2 or 3 and never oneself; with no period published by
// HQ the screen says so.
func TestAssessmentsOfferOnlyWhatHQAccepts(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.assessments")
	s := w.Assessments
	ms, _ := svc.ListManagers(context.Background(), kaohe.ManagerFilter{Status: kaohe.StatusActive})
	offered := map[string]bool{}
	for _, id := range s.Manager.values {
		offered[id] = true
	}
	levels := map[kaohe.Level]int{}
	for _, m := range ms {
		levels[m.Level]++
		if offered[m.ID] != (m.Level == kaohe.Level1) {
			t.Errorf("%s (level %d) offered = %v", m.EmployeeNo, m.Level, offered[m.ID])
		}
	}
	if levels[kaohe.Level1] == 0 || levels[kaohe.Level2]+levels[kaohe.Level3] == 0 {
		t.Fatalf("the demo should have level 1 and higher: %v", levels)
	}
	// Oneself: the signed-in person is not offered.
	var me kaohe.ManagerLevel
	for _, m := range ms {
		if m.Level == kaohe.Level1 {
			me = m
			break
		}
	}
	s.e.actor = kaohe.Actor{Name: me.Name, EmployeeNo: me.EmployeeNo, ManagerID: me.ID}
	s.Reload()
	w.Wait()
	for _, id := range s.Manager.values {
		if id == me.ID {
			t.Errorf("%s may assess %s (herself)", me.Name, me.EmployeeNo)
		}
	}
	// No period from HQ: the screen says why and what to do.
	s.Period.values = nil
	s.Period.ClearSelected()
	s.load()
	if !strings.Contains(s.Problem.Text, "总部尚未发布考核期") {
		t.Errorf("empty assessments screen says %q", s.Problem.Text)
	}
}

// TestAssessmentsOfferByThePeriodsLevel: the manager picker is drawn for
// the period chosen, by the level held at its end (kaohe.CheckAssessableIn,
// as the store and HQ judge it): a level-1 manager promoted on the last
// day of the latest ended period is no longer offered for it, and still is
// for a period that ended before.
func TestAssessmentsOfferByThePeriodsLevel(t *testing.T) {
	w, svc, _ := demoWindow(t)
	open(w, "nav.assessments")
	s := w.Assessments
	pid, ok := s.Period.Value()
	if !ok {
		t.Fatal("no period chosen")
	}
	last := s.periods[pid]
	var before kaohe.Period
	for _, p := range s.periods {
		if p.End.Before(last.Start) && (before.ID == "" || p.End.After(before.End)) {
			before = p
		}
	}
	if before.ID == "" {
		t.Fatalf("no period ended before %s", pid)
	}
	var x kaohe.ManagerLevel
	for _, id := range s.Manager.values {
		x = s.assessable[id]
		break
	}
	if x.ID == "" {
		t.Fatalf("nobody offered for %s", pid)
	}
	if err := svc.Store.Update(context.Background(), "评审小组", func(tx *store.Tx) error {
		_, err := tx.RecordLevelChange(kaohe.LevelChange{ManagerID: x.ID, From: kaohe.Level1, To: kaohe.Level2, Date: last.End, Reason: "总部评定", DecidedBy: "评审小组"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	w.Wait()
	offered := func() bool {
		for _, id := range s.Manager.values {
			if id == x.ID {
				return true
			}
		}
		return false
	}
	if got, _ := s.Period.Value(); got != pid || offered() {
		t.Errorf("%s promoted on %s's last day: offered for it = %v (period %s)", x.EmployeeNo, pid, offered(), got)
	}
	s.Period.Set(before.ID)
	w.Wait()
	if !offered() {
		t.Errorf("%s (level 1 at the end of %s) is not offered for it: %v", x.EmployeeNo, before.ID, s.Manager.values)
	}
	s.Manager.Set(x.ID)
	w.Wait()
	if m, ok := s.Manager.Value(); !ok || m != x.ID || s.a.ManagerID != x.ID || s.a.PeriodID != before.ID {
		t.Errorf("choosing %s for %s shows %s/%s", x.EmployeeNo, before.ID, s.a.ManagerID, s.a.PeriodID)
	}
	s.Period.Set(pid)
	w.Wait()
	if offered() {
		t.Errorf("back on %s, %s is offered again", pid, x.EmployeeNo)
	}
	if m, ok := s.Manager.Value(); ok && m == x.ID {
		t.Errorf("back on %s, %s is still chosen", pid, x.EmployeeNo)
	}
}

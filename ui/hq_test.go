package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/internal/testhq"
	"kaohe/sync/protocol"
)

// hqWindow opens the review group's app over an HQ replica of a demo
// showroom that synced with a real HQ server.
func hqWindow(t *testing.T) (*Window, *service.Service, *hq.Store) {
	t.Helper()
	return hqWindowAs(t, "H002", "reviewer-pw")
}

// hqWindowAs is hqWindow signed in as another HQ account: H001 is the HQ
// admin (password hq-admin-pw), H002 a reviewer (reviewer-pw).
func hqWindowAs(t *testing.T, no, pw string) (*Window, *service.Service, *hq.Store) {
	t.Helper()
	w, svc, h, _ := hqWorldAs(t, no, pw)
	return w, svc, h
}

// hqWorldAs is hqWindowAs that also returns the service of the demo
// showroom SH01 that synced to the same HQ.
func hqWorldAs(t *testing.T, no, pw string) (*Window, *service.Service, *hq.Store, *service.Service) {
	t.Helper()
	a := test.NewTempApp(t)
	SetLanguage(kaohe.LangZh)
	th := testhq.New(t, testhq.Options{})
	h := th.Store
	srv := th.Server
	_, code, _ := h.AddShowroom(context.Background(), "SH01", "上海徐汇旗舰展厅", "华东片区")
	room, _ := store.Open(context.Background(), filepath.Join(t.TempDir(), "room.db"))
	t.Cleanup(func() { room.Close() })
	room.Now = func() time.Time { return demoToday } // the showroom's day, before HQ's
	rs := service.New(room, t.TempDir())
	// The demo made before the showroom knew HQ: its first sync brings its
	// showroom manager D001 at her hire's level 1, HQ sets her level 3
	// (定级), and the next sync is HQ's word on who assesses.
	demo.Seed(context.Background(), room, demo.Options{Today: kaohe.D(2026, 11, 27)})
	if _, err := rs.Enroll(context.Background(), srv.URL, code); err != nil {
		t.Fatal(err)
	}
	if err := rs.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	boss, err := room.ManagerByNo(context.Background(), "D001")
	if err != nil {
		t.Fatal(err)
	}
	testhq.SetShowroomManager(t, h, boss.Manager)
	if err := rs.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := room.PendingCount(context.Background()); n != 0 {
		t.Fatalf("%d of the demo showroom's changes still wait", n)
	}
	rep, _ := store.Open(context.Background(), filepath.Join(t.TempDir(), "hq-app.db"))
	t.Cleanup(func() { rep.Close() })
	rep.Now = func() time.Time { return demoToday } // HQ mode's day (the service's too)
	svc := service.New(rep, t.TempDir())
	hqCode, _ := h.AddHQUser(context.Background(), "评审小组")
	if _, err := svc.Enroll(context.Background(), srv.URL, hqCode); err != nil {
		t.Fatal(err)
	}
	// HQ mode's first account is its admin's; the admin adds a reviewer.
	svc.Sleep = func(time.Duration) {}
	admin, err := svc.Setup(context.Background(), "孙浩", "H001", "hq-admin-pw")
	if err != nil || admin.Role != kaohe.RoleHQAdmin {
		t.Fatalf("HQ set-up = %+v, %v", admin, err)
	}
	if _, err := svc.SaveAccount(context.Background(), admin, kaohe.Account{Name: "陈建国", EmployeeNo: "H002", Role: kaohe.RoleReviewer}, "reviewer-pw"); err != nil {
		t.Fatal(err)
	}
	// HQ's reference data: the review group.
	for _, m := range []kaohe.ReviewMember{{Name: "陈建国", Title: "总经理", Role: "leader"}, {Name: "周静", Title: "人事部经理", Role: "member"}} {
		if err := svc.SaveReviewMember(context.Background(), admin, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	signInAs(t, svc, no, pw)
	w := NewWindow(Params{App: a, Service: svc, DocDir: t.TempDir(), DataDir: t.TempDir(), Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	w.Wait()
	return w, svc, h, rs
}

func TestHQReviewQueue(t *testing.T) {
	w, svc, h := hqWindow(t)
	if w.Review == nil || w.Tabs.Items[0].Text != "评审队列" {
		t.Fatalf("not in HQ mode: first tab %q", w.Tabs.Items[0].Text)
	}
	// Every screen of HQ mode fits the window.
	openAll(w)
	for i, item := range w.Tabs.Items {
		if min := item.Content.MinSize(); min.Width > 1280-120 || min.Height > 800-60 {
			t.Errorf("HQ screen %d (%s) needs %v", i, item.Text, min)
		}
	}
	open(w, "nav.review")
	s := w.Review
	if len(s.Items()) < 4 {
		t.Fatalf("queue has %d applications", len(s.Items()))
	}
	// Pick a submitted one (HQ has seen only its submission).
	idx := -1
	for i, it := range s.Items() {
		if it.App.Review.State == kaohe.AppSubmitted {
			idx = i
		}
	}
	s.Select(idx)
	it := s.Items()[idx]
	if !strings.Contains(s.Detail.Text, it.Manager.Name) || !strings.Contains(s.Detail.Text, "历次考核") || s.Next.Text != "初审" {
		t.Errorf("detail %q, next %q", s.Detail.Text[:min(200, len(s.Detail.Text))], s.Next.Text)
	}
	// The report, assessments and hours are read for the item shown.
	w.Wait()
	full, err := svc.ReviewDetail(context.Background(), it.App.ID)
	if err != nil {
		t.Fatal(err)
	}
	report := []rune(full.App.Report)
	if it.App.Report != "" || len(report) < 100 || !strings.Contains(s.Detail.Text, string(report[:100])) || !strings.Contains(s.Detail.Text, countLine(full.App.Report)) {
		t.Errorf("the detail lacks the report read for it:\n%.600s", s.Detail.Text)
	}
	if len(full.Assessments) > 0 && !strings.Contains(s.Detail.Text, full.Assessments[0].PeriodID+"　总分 "+numText(full.Assessments[0].Total)) {
		t.Errorf("the detail lacks the assessments (%d):\n%.600s", len(full.Assessments), s.Detail.Text)
	}
	// Without deciders nor verdict: refused, both said at once.
	s.RecordDecision()
	w.Wait()
	if !strings.Contains(s.Message.Text, "决定人") || !strings.Contains(s.Message.Text, "结论") {
		t.Errorf("no deciders, no verdict: %q", s.Message.Text)
	}
	s.Deciders.SetSelected([]string{"陈建国（总经理）", "周静（人事部经理）"})
	if s.Pass.Selected != "" {
		t.Errorf("the verdict is preset to %q", s.Pass.Selected)
	}
	s.Pass.SetSelected(T("verdict.pass"))
	if it.App.Exemption == kaohe.ExemptionRequested {
		s.RecordDecision() // education below the level, exemption not yet approved
		w.Wait()
		if !strings.Contains(s.Message.Text, "豁免") {
			t.Errorf("first review without approved exemption: %q", s.Message.Text)
		}
		s.DecideExemption(true)
		w.Wait()
		for i, x := range s.Items() {
			if x.App.ID == it.App.ID {
				s.Select(i)
			}
		}
		s.Deciders.SetSelected([]string{"陈建国（总经理）", "周静（人事部经理）"})
		s.Pass.SetSelected(T("verdict.pass"))
	}
	s.Comment.SetText("材料完整，同意进入等级考试。")
	s.RecordDecision()
	w.Wait()
	if !strings.Contains(s.Message.Text, "已记录") {
		t.Fatalf("record: %q", s.Message.Text)
	}
	v, _ := svc.Store.Application(context.Background(), it.App.ID)
	if v.Review.State != kaohe.AppExam {
		t.Errorf("after the first review: %s", v.Review.State)
	}
	// The decided item stays where it was and stays shown; the next stage's
	// form starts empty; the progress shows the recorded comment.
	if s.cur != idx || s.Items()[idx].App.ID != it.App.ID {
		t.Errorf("after deciding, item %d is shown (was %d)", s.cur, idx)
	}
	if s.Next.Text != "等级考试" || s.Pass.Selected != "" || s.Comment.Text != "" || len(s.Deciders.Selected) != 0 {
		t.Errorf("next stage form: next %q, verdict %q, comment %q, deciders %v", s.Next.Text, s.Pass.Selected, s.Comment.Text, s.Deciders.Selected)
	}
	if !strings.Contains(s.Detail.Text, "初审 通过　陈建国（总经理）、周静（人事部经理）　材料完整，同意进入等级考试。") {
		t.Errorf("progress does not show the first review with its comment:\n%s", s.Detail.Text)
	}
	// An exam result shows its score in the progress too.
	s.Pass.SetSelected(T("verdict.pass"))
	s.Score.SetText("86.5")
	s.Deciders.SetSelected([]string{"陈建国（总经理）"})
	s.Comment.SetText("笔试与实操均合格")
	s.RecordDecision()
	w.Wait()
	if !strings.Contains(s.Detail.Text, "等级考试 通过（成绩 86.5）　陈建国（总经理）　笔试与实操均合格") {
		t.Errorf("progress does not show the exam score and comment (%q):\n%s", s.Message.Text, s.Detail.Text)
	}
	// Search and filters; each row says when it was submitted and how long it waits.
	test.Type(s.Search, it.Manager.EmployeeNo)
	if len(s.items) != 1 || s.items[0].App.ID != it.App.ID || s.cur != 0 {
		t.Errorf("search %s: %d items, shown %d", it.Manager.EmployeeNo, len(s.items), s.cur)
	}
	s.Search.SetText("")
	s.Stage.Set(kaohe.AppProbation)
	for _, x := range s.items {
		if x.App.Review.State != kaohe.AppProbation {
			t.Errorf("stage filter let %s through", x.App.Review.State)
		}
	}
	s.Stage.Set("")
	if line := s.queueLine(s.items[0]); !strings.Contains(line, "提交于") || (!strings.Contains(line, "已等") && !strings.Contains(line, "考察期")) {
		t.Errorf("queue line %q", line)
	}
	if err := svc.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rs, _ := svc.RefusedChanges(context.Background()); len(rs) != 0 {
		t.Errorf("HQ refused: %+v", rs)
	}
	_ = h
}

func TestHQReferenceData(t *testing.T) {
	w, svc, h := hqWindowAs(t, "H001", "hq-admin-pw")
	open(w, "nav.reference")
	s := w.Reference
	// Weights that do not sum to 100 are refused; nothing is saved.
	s.Weights["plan"].SetText("39")
	s.SaveTemplate()
	w.Wait()
	if !strings.Contains(s.Message.Text, "权重合计须为 100（现为 99）") {
		t.Errorf("weights 99: %q", s.Message.Text)
	}
	// HQ starts with the policy's template as version 1.
	if tpl, err := svc.CurrentTemplate(context.Background()); err != nil || tpl.Version != 1 {
		t.Errorf("after a refused save the current template is %+v, %v; want the seeded version 1", tpl.Version, err)
	}
	s.Weights["plan"].SetText("50")
	s.Weights["satisfaction"].SetText("10")
	s.SaveTemplate()
	w.Wait()
	tpl, _ := svc.CurrentTemplate(context.Background())
	if tpl.Version != 2 || tpl.Items[0].Weight != 50 || !strings.Contains(s.Message.Text, "第 2 版") {
		t.Errorf("new version: %+v, %q", tpl.Version, s.Message.Text)
	}
	s.Level4.SetChecked(true)
	if s.PassMark.Text != "60" {
		t.Errorf("pass mark shown %q; want the policy's 60", s.PassMark.Text)
	}
	s.PassMark.SetText("150")
	s.SaveLevels()
	w.Wait()
	if ls, _ := svc.Levels(context.Background()); ls[1].PassMark() != 60 {
		t.Errorf("a pass mark of 150 was saved")
	}
	s.PassMark.SetText("70")
	s.SaveLevels()
	w.Wait()
	ls, _ := svc.Levels(context.Background())
	if li, _ := ls.Get(kaohe.Level4); !li.Enabled {
		t.Errorf("level 4 not enabled")
	}
	if li, _ := ls.Get(kaohe.Level2); li.PassMark() != 70 {
		t.Errorf("pass mark = %v; want 70", li.PassMark())
	}
	s.PeriodKind.Set(kaohe.PeriodHalf)
	s.PeriodYear.SetText("2027")
	s.PeriodIndex.SetText("1")
	s.AddPeriod()
	w.Wait()
	if _, err := svc.Store.Period(context.Background(), "2027-H1"); err != nil {
		t.Errorf("period not added: %v (%q)", err, s.Message.Text)
	}
	s.MemberName.SetText("孙浩")
	s.MemberTitle.SetText("市场部经理")
	s.AddMember()
	w.Wait()
	if !strings.Contains(s.Members.Text, "孙浩") {
		t.Errorf("members: %q", s.Members.Text)
	}
	// The period just added is listed, with every other.
	if !strings.Contains(s.Periods.Text, "2027年上半年") {
		t.Errorf("periods: %q", s.Periods.Text)
	}
	// A member with a typo is corrected, then removed; the history stays.
	var sun string
	for id, m := range s.members {
		if m.Name == "孙浩" {
			sun = id
		}
	}
	s.MemberPick.Set(sun)
	if s.MemberName.Text != "孙浩" {
		t.Fatalf("picking a member fills %q", s.MemberName.Text)
	}
	s.MemberName.SetText("孙皓")
	s.SaveMember()
	w.Wait()
	if !strings.Contains(s.Members.Text, "孙皓") || strings.Contains(s.Members.Text, "孙浩") {
		t.Errorf("corrected members: %q", s.Members.Text)
	}
	s.MemberPick.Set(sun)
	s.RetireMember()
	w.Wait()
	if strings.Contains(s.Members.Text, "孙皓") || strings.Count(s.History.Text, "review_member.") < 3 {
		t.Errorf("after removing: members %q, history %q", s.Members.Text, s.History.Text)
	}
	s.PeriodPick.Set("2027-H1")
	s.RetirePeriod()
	w.Wait()
	if strings.Contains(s.Periods.Text, "2027年上半年") {
		t.Errorf("a retired period is still listed: %q", s.Periods.Text)
	}
	// All of it is HQ's to send; none of it is refused.
	if err := svc.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rs, _ := svc.RefusedChanges(context.Background()); len(rs) != 0 {
		t.Errorf("HQ refused reference data: %+v", rs)
	}
	// HQ holds the retirements as tombstones after every earlier state.
	ops := map[string]string{}
	resp, _ := h.Pull(context.Background(), hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	for _, c := range resp.Changes {
		ops[c.Entity+"/"+c.RowID] += c.Op + " "
	}
	if ops["period/2027-H1"] != "upsert delete " || ops["review_member/"+sun] != "upsert upsert delete " {
		t.Errorf("HQ's log: period %q, member %q", ops["period/2027-H1"], ops["review_member/"+sun])
	}
}

func TestHQFiling(t *testing.T) {
	w, svc, h := hqWindow(t)
	open(w, "nav.filing")
	s := w.Filing
	if len(s.items) == 0 {
		t.Fatal("nothing to file")
	}
	s.FileChecked()
	if !strings.Contains(s.Message.Text, "请先勾选") {
		t.Errorf("none checked: %q", s.Message.Text)
	}
	n := len(s.items)
	s.Check(0, true)
	s.Check(1, true)
	filed := s.Queue.Rows()[0].Assessment.ID
	s.FileChecked()
	w.Wait()
	if len(s.items) != n-2 || !strings.Contains(s.Message.Text, "已备案 2 份") {
		t.Errorf("after filing: %d left, %q", len(s.items), s.Message.Text)
	}
	if err := svc.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rs, _ := svc.RefusedChanges(context.Background()); len(rs) != 0 {
		t.Errorf("HQ refused the filings: %+v", rs)
	}
	stats, _ := h.Stats(context.Background())
	if stats["SH01"]["filings"] != 2 {
		t.Errorf("HQ holds %d filings", stats["SH01"]["filings"])
	}
	as, _ := svc.Store.Assessments(context.Background(), store.AssessmentFilter{})
	for _, a := range as {
		if a.ID == filed && a.Status != kaohe.AssessFiled {
			t.Errorf("a filed assessment shows %s", a.Status)
		}
	}
}

func TestHQReportAndExports(t *testing.T) {
	w, svc, _ := hqWindow(t)
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 1)
	admin := signInAs(t, svc, "H001", "hq-admin-pw")
	if err := svc.SavePeriod(context.Background(), admin, p); err != nil {
		t.Fatal(err)
	}
	signInAs(t, svc, "H002", "reviewer-pw")
	open(w, "nav.hq_report")
	s := w.HQReport
	s.Reload()
	w.Wait()
	s.Period.Set("2026-H1")
	w.Wait()
	r := s.Report
	// The picker shows the period on screen and the chart's title names it.
	if got := shownText(s.Period); got != "2026年上半年" {
		t.Errorf("the period picker shows %q", got)
	}
	if got := strings.Join(texts(s.Chart), " | "); !strings.Contains(got, "全公司考核等级分布（2026年上半年）") {
		t.Errorf("the chart's title does not name the period: %q", got)
	}
	if len(r.Showrooms) != 1 || r.Showrooms[0].Assessed < 10 || r.Showrooms[0].Average == 0 || len(r.Regions) != 1 || r.Regions[0].Name != "华东片区" {
		t.Fatalf("report = %+v", r.Showrooms)
	}
	if len(r.Ranking) != r.Showrooms[0].Assessed || r.Ranking[0].Rank != 1 || r.Ranking[0].Total < r.Ranking[len(r.Ranking)-1].Total {
		t.Errorf("ranking of %d", len(r.Ranking))
	}
	// Each part is a table of its own tab, its headers sort.
	if s.Showrooms.Cell(0, 0) != "上海徐汇旗舰展厅" || s.Showrooms.Cell(0, 1) != "华东片区" || s.Showrooms.Cell(0, 4) != numText(r.Showrooms[0].Average) {
		t.Errorf("showrooms' row: %q %q … %q", s.Showrooms.Cell(0, 0), s.Showrooms.Cell(0, 1), s.Showrooms.Cell(0, 4))
	}
	grades := 0
	for i, gb := range r.Template.Grades {
		if got, want := s.Showrooms.Cell(0, 5+i), strconv.Itoa(r.Showrooms[0].Grades[gb.Code]); got != want {
			t.Errorf("showrooms' %s column = %s; want %s", Tr(gb.Name), got, want)
		}
		grades += r.Showrooms[0].Grades[gb.Code]
	}
	if grades != r.Showrooms[0].Assessed {
		t.Errorf("grade columns add up to %d; %d assessed", grades, r.Showrooms[0].Assessed)
	}
	// The pipeline and training parts are read when their tab is shown.
	if r.Pipeline != nil || r.Training != nil {
		t.Errorf("the report opened with its pipeline (%d) and training (%d) read", len(r.Pipeline), len(r.Training))
	}
	s.Sections.SelectIndex(3)
	w.Wait()
	r = s.Report
	if len(r.Pipeline) != 1 || r.Training != nil {
		t.Errorf("the pipeline's tab: pipeline %d rows, training %d", len(r.Pipeline), len(r.Training))
	}
	tapHeader(t, w, T("state.submitted"))
	if got, want := s.Pipeline.Cell(0, 1), strconv.Itoa(r.Pipeline[0].ByState[kaohe.AppSubmitted]); got != want || want == "0" {
		t.Errorf("pipeline's 待初审 = %s; want %s (not 0)", got, want)
	}
	s.Sections.SelectIndex(4)
	w.Wait()
	if r = s.Report; len(r.Training) != 1 || s.Training.Cell(0, 0) != "上海徐汇旗舰展厅" || s.Training.Cell(0, 1) != strconv.Itoa(r.Training[0].Headcount) {
		t.Errorf("the training tab: %d rows, first %q %q", len(r.Training), s.Training.Cell(0, 0), s.Training.Cell(0, 1))
	}
	s.Sections.SelectIndex(5)
	if !strings.Contains(s.Top.Text, r.Ranking[0].Manager.Name) {
		t.Errorf("top ten: %.200s", s.Top.Text)
	}
	var opened []string
	s.e.openFile = func(p string) { opened = append(opened, p) }
	s.Export("pdf")
	w.Wait()
	s.Export("xlsx")
	w.Wait()
	if len(opened) != 2 {
		t.Fatalf("exports: %v (%q)", opened, s.Message.Text)
	}
	if dir := os.Getenv("KAOHE_PDF_OUT"); dir != "" {
		b, _ := os.ReadFile(opened[0])
		os.WriteFile(filepath.Join(dir, "hq-report.pdf"), b, 0o644)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", opened[0], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"总部考核汇总报表", "上海徐汇旗舰展厅", "华东片区", "晋级进度", "培训覆盖", r.Ranking[0].Manager.Name} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	f, err := excelize.OpenFile(opened[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 5 {
		t.Errorf("sheets %v", sheets)
	}
	if rows, _ := f.GetRows("排名"); len(rows) != len(r.Ranking)+1 {
		t.Errorf("ranking sheet has %d rows", len(rows))
	}
}

func TestHQReviewQueueKeepsItsWidth(t *testing.T) {
	w, svc, _ := hqWindow(t)
	admin := signInAs(t, svc, "H001", "hq-admin-pw")
	for _, m := range []string{"Wang Jianguo", "Li Xiaohong", "Zhao Lei", "Sun Lijuan"} {
		if err := svc.SaveReviewMember(context.Background(), admin, kaohe.ReviewMember{Name: m, Title: "Regional marketing manager", Role: "member"}); err != nil {
			t.Fatal(err)
		}
	}
	signInAs(t, svc, "H002", "reviewer-pw")
	SetLanguage(kaohe.LangEn)
	defer SetLanguage(kaohe.LangZh)
	w.reload()
	open(w, "nav.review")
	s := w.Review
	s.Reload()
	w.Wait()
	if len(s.Deciders.Options) != 6 {
		t.Fatalf("%d members", len(s.Deciders.Options))
	}
	s.Select(0)
	w.Resize(fyne.NewSize(1280, 800))
	test.LaidOutObjects(w.Content())
	if min := w.Content().MinSize(); min.Width > 1280 {
		t.Errorf("six members make the window need %.0f px", min.Width)
	}
	if got := s.Table.Size().Width; got < 340 {
		t.Errorf("the queue is %.0f px wide; want at least 340", got)
	}
}

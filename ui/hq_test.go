package ui

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/server"
)

// hqWindow opens the review group's app over an HQ replica of a demo
// showroom that synced with a real HQ server.
func hqWindow(t *testing.T) (*Window, *service.Service, *hq.Store) {
	t.Helper()
	a := test.NewTempApp(t)
	SetLanguage(kaohe.LangZh)
	h, err := hq.Open(context.Background(), filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&server.Server{Store: h}).Handler())
	t.Cleanup(func() { srv.Close(); h.Close() })
	_, code, _ := h.AddShowroom(context.Background(), "SH01", "上海徐汇旗舰展厅", "华东片区")
	room, _ := store.Open(context.Background(), filepath.Join(t.TempDir(), "room.db"))
	t.Cleanup(func() { room.Close() })
	rs := service.New(room, t.TempDir())
	if _, err := rs.Enroll(context.Background(), srv.URL, code); err != nil {
		t.Fatal(err)
	}
	demo.Seed(context.Background(), room, demo.Options{Today: kaohe.D(2026, 11, 27)})
	if err := rs.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep, _ := store.Open(context.Background(), filepath.Join(t.TempDir(), "hq-app.db"))
	t.Cleanup(func() { rep.Close() })
	svc := service.New(rep, t.TempDir())
	svc.Now = func() time.Time { return demoToday }
	hqCode, _ := h.AddHQUser(context.Background(), "评审小组")
	if _, err := svc.Enroll(context.Background(), srv.URL, hqCode); err != nil {
		t.Fatal(err)
	}
	// HQ's reference data: the review group.
	for _, m := range []kaohe.ReviewMember{{Name: "陈建国", Title: "总经理", Role: "leader"}, {Name: "周静", Title: "人事部经理", Role: "member"}} {
		if err := svc.SaveReviewMember(context.Background(), "admin", m); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := NewWindow(Params{App: a, Service: svc, Actor: "陈建国", DocDir: t.TempDir(), DataDir: t.TempDir(), Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	return w, svc, h
}

func TestHQReviewQueue(t *testing.T) {
	w, svc, h := hqWindow(t)
	if w.Review == nil || w.Tabs.Items[0].Text != "评审队列" {
		t.Fatalf("not in HQ mode: first tab %q", w.Tabs.Items[0].Text)
	}
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
	s.List.Select(idx)
	it := s.Items()[idx]
	if !strings.Contains(s.Detail.Text, it.Manager.Name) || !strings.Contains(s.Detail.Text, "历次考核") || s.Next.Text != "初审" {
		t.Errorf("detail %q, next %q", s.Detail.Text[:min(200, len(s.Detail.Text))], s.Next.Text)
	}
	// Without deciders: refused.
	s.RecordDecision()
	if !strings.Contains(s.Message.Text, "决定人") {
		t.Errorf("no deciders: %q", s.Message.Text)
	}
	s.Deciders.SetSelected([]string{"陈建国（总经理）", "周静（人事部经理）"})
	if it.App.Exemption == kaohe.ExemptionRequested {
		s.RecordDecision() // education below the level, exemption not yet approved
		if !strings.Contains(s.Message.Text, "豁免") {
			t.Errorf("first review without approved exemption: %q", s.Message.Text)
		}
		s.DecideExemption(true)
		for i, x := range s.Items() {
			if x.App.ID == it.App.ID {
				s.List.Select(i)
			}
		}
		s.Deciders.SetSelected([]string{"陈建国（总经理）", "周静（人事部经理）"})
	}
	s.RecordDecision()
	if !strings.Contains(s.Message.Text, "已记录") {
		t.Fatalf("record: %q", s.Message.Text)
	}
	v, _ := svc.Store.Application(context.Background(), it.App.ID)
	if v.Review.State != kaohe.AppExam {
		t.Errorf("after the first review: %s", v.Review.State)
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
	w, svc, _ := hqWindow(t)
	s := w.Reference
	// Weights that do not sum to 100 are refused; nothing is saved.
	s.Weights["plan"].SetText("39")
	s.SaveTemplate()
	if !strings.Contains(s.Message.Text, "权重合计须为 100（现为 99）") {
		t.Errorf("weights 99: %q", s.Message.Text)
	}
	if tpl, err := svc.CurrentTemplate(context.Background()); err == nil {
		t.Errorf("a refused template was saved as version %d", tpl.Version)
	}
	s.Weights["plan"].SetText("50")
	s.Weights["satisfaction"].SetText("10")
	s.SaveTemplate()
	tpl, _ := svc.CurrentTemplate(context.Background())
	if tpl.Version != 1 || tpl.Items[0].Weight != 50 || !strings.Contains(s.Message.Text, "第 1 版") {
		t.Errorf("new version: %+v, %q", tpl.Version, s.Message.Text)
	}
	s.Level4.SetChecked(true)
	s.SaveLevels()
	ls, _ := svc.Levels(context.Background())
	if li, _ := ls.Get(kaohe.Level4); !li.Enabled {
		t.Errorf("level 4 not enabled")
	}
	s.PeriodKind.Set(kaohe.PeriodHalf)
	s.PeriodYear.SetText("2027")
	s.PeriodIndex.SetText("1")
	s.AddPeriod()
	if _, err := svc.Store.Period(context.Background(), "2027-H1"); err != nil {
		t.Errorf("period not added: %v (%q)", err, s.Message.Text)
	}
	s.MemberName.SetText("孙浩")
	s.MemberTitle.SetText("市场部经理")
	s.AddMember()
	if !strings.Contains(s.Members.Text, "孙浩") {
		t.Errorf("members: %q", s.Members.Text)
	}
	// All of it is HQ's to send; none of it is refused.
	if err := svc.SyncNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rs, _ := svc.RefusedChanges(context.Background()); len(rs) != 0 {
		t.Errorf("HQ refused reference data: %+v", rs)
	}
}

func TestHQFiling(t *testing.T) {
	w, svc, h := hqWindow(t)
	s := w.Filing
	if len(s.items) == 0 {
		t.Fatal("nothing to file")
	}
	s.FileChecked()
	if !strings.Contains(s.Message.Text, "请先勾选") {
		t.Errorf("none checked: %q", s.Message.Text)
	}
	n := len(s.items)
	s.Checks[0].SetChecked(true)
	s.Checks[1].SetChecked(true)
	filed := s.items[0].Assessment.ID
	s.FileChecked()
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

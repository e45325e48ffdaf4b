package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/internal/testhq"
)

// TestOnlyTheShowroomManagerAssesses: the Assessments screen offers
// assessments only to the showroom's manager at level 3 (一级：由相应展厅
// 的展厅经理考核), as the store and HQ accept them: the demo's D001 sees her
// level-1 staff, with herself as the assessor, shown and not typed; a
// second showroom-manager account whose manager record is at level 1 sees
// nobody to assess and is told why, in Chinese, before anything is saved.
func TestOnlyTheShowroomManagerAssesses(t *testing.T) {
	ctx := context.Background()
	a, svc, dir := demoService(t)
	boss := signInAs(t, svc, "D001", "manager-demo")
	window := func() *Window {
		w := NewWindow(Params{App: a, Service: svc, DocDir: filepath.Join(dir, "documents"), DataDir: dir,
			OpenFile: func(string) {}, Now: func() time.Time { return demoToday }})
		t.Cleanup(w.Close)
		w.Wait()
		open(w, "nav.assessments")
		return w
	}
	w := window()
	s := w.Assessments
	if len(s.Manager.values) == 0 || strings.Contains(s.Problem.Text, "展厅经理") {
		t.Fatalf("D001 (level 3) is offered %d managers, says %q", len(s.Manager.values), s.Problem.Text)
	}
	if !s.Assessor.Disabled() || !strings.Contains(s.Assessor.Text, "（D001）") {
		t.Errorf("the assessor field: %q, disabled %v; want D001's account, not editable", s.Assessor.Text, s.Assessor.Disabled())
	}

	// A showroom-manager account for D003, a level-1 manager.
	d3, err := svc.Store.ManagerByNo(ctx, "D003")
	if err != nil || d3.Level != kaohe.Level1 {
		t.Fatalf("D003: level %d, %v", d3.Level, err)
	}
	if _, err := svc.SaveAccount(ctx, boss, kaohe.Account{Name: d3.Name, EmployeeNo: "D003", Role: kaohe.RoleShowroomManager}, "second-manager-pw"); err != nil {
		t.Fatal(err)
	}
	before, _ := svc.Store.Assessments(ctx, store.AssessmentFilter{})
	svc.Logout()
	d3acc := signInAs(t, svc, "D003", "second-manager-pw")
	w2 := window()
	s2 := w2.Assessments
	if n := len(s2.Manager.values); n != 0 {
		t.Errorf("a level-1 showroom-manager account is offered %d managers to assess", n)
	}
	if !strings.Contains(s2.Problem.Text, "不是三级客户经理（展厅经理）") || !strings.Contains(s2.Problem.Text, d3.Name) {
		t.Errorf("the screen says %q; want why she may not assess", s2.Problem.Text)
	}
	if !s2.SaveBtn.Disabled() || !s2.Submit.Disabled() {
		t.Error("save or submit enabled with nobody to assess")
	}
	// Nor does the service take one from her, whatever a window sends.
	d5, _ := svc.Store.ManagerByNo(ctx, "D005")
	as, err := svc.Assessment(ctx, d5.ID, "2026-H2") // the demo's draft of the half-year under way
	if err != nil || as.Status != kaohe.AssessDraft {
		t.Fatalf("D005's 2026-H2: %+v, %v", as, err)
	}
	if _, err := svc.SaveAssessment(ctx, d3acc, as, false); kaohe.ErrorKey(err) != "err.assessor_not_level3" {
		t.Errorf("an assessment by the level-1 account through the service = %v; want err.assessor_not_level3", err)
	}
	if after, _ := svc.Store.Assessments(ctx, store.AssessmentFilter{}); len(after) != len(before) {
		t.Errorf("assessments %d -> %d", len(before), len(after))
	}
}

// hqSetsShowroomManager waits until HQ holds the demo showroom's manager
// D001 (a sync sent her, at her hire's level 1), then has HQ set her level
// 3 (定级), as it does after a showroom enrolls, and wakes the background
// sync, which brings it.
func hqSetsShowroomManager(t *testing.T, w *Window, svc *service.Service, h *hq.Store) {
	t.Helper()
	ctx := context.Background()
	boss, err := svc.Store.ManagerByNo(ctx, "D001")
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		w.Wait()
		if hist, _ := h.LevelHistory(ctx, boss.ID); len(hist) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the showroom manager D001 never reached HQ")
		}
		time.Sleep(20 * time.Millisecond)
	}
	testhq.SetShowroomManager(t, h, boss.Manager)
	svc.KickSync()
}

// TestANewShowroomAssessesAtOnce: a showroom enrolled with a brand-new HQ,
// which holds none of its managers at level 3 yet, assesses its level-1
// staff at once: the signed-in account (no manager record of its own
// here) is offered them, and what it saves is kept and goes to HQ.
func TestANewShowroomAssessesAtOnce(t *testing.T) {
	w := emptyWindow(t, kaohe.LangZh, false, true)
	m, err := w.e.svc.CreateManager(t.Context(), w.e.actor, kaohe.Manager{EmployeeNo: "K101", Name: "王建国", Education: kaohe.EduCollege,
		HireDate: kaohe.D(2024, 3, 1), Status: kaohe.StatusActive}, kaohe.Level1)
	if err != nil {
		t.Fatal(err)
	}
	open(w, "nav.assessments")
	s := w.Assessments
	s.Reload()
	w.Wait()
	if !slices.Contains(s.Manager.values, m.ID) || strings.Contains(s.Problem.Text, "展厅经理") {
		t.Fatalf("offered %v, says %q; want K101 offered", s.Manager.values, s.Problem.Text)
	}
	pid, _ := s.Period.Value()
	as, err := w.e.svc.SaveAssessment(t.Context(), w.e.actor, kaohe.Assessment{ManagerID: m.ID, PeriodID: pid,
		Scores: kaohe.Scores{"plan": 90, "satisfaction": 85, "expansion": 80, "feedback": 75, "cooperation": 95}}, false)
	if err != nil || as.ID == "" {
		t.Fatalf("the new showroom's assessment of %s: %+v, %v", pid, as, err)
	}
}

package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

var ctx = context.Background()

// newStore opens a fresh database file with a showroom, the default levels
// and template, and one period.
func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	err = s.Update(ctx, "test", func(tx *Tx) error {
		if _, err := tx.SetShowroom(kaohe.Showroom{Code: "SH01", Name: "上海徐汇展厅"}); err != nil {
			return err
		}
		if err := tx.PutLevels(kaohe.DefaultLevels()); err != nil {
			return err
		}
		if err := tx.PutTemplate(kaohe.DefaultTemplate(), true); err != nil {
			return err
		}
		p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 1)
		return tx.PutPeriod(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func addManager(t *testing.T, s *Store, no, name string, level kaohe.Level, edu kaohe.Education) kaohe.Manager {
	t.Helper()
	var m kaohe.Manager
	err := s.Update(ctx, "test", func(tx *Tx) error {
		var err error
		m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: no, Name: name, Education: edu, HireDate: kaohe.D(2024, 3, 1)}, kaohe.Level1, kaohe.Date{})
		for l := kaohe.Level2; err == nil && l <= level; l++ { // higher levels are HQ's decisions
			_, err = tx.RecordLevelChange(kaohe.LevelChange{ManagerID: m.ID, From: l - 1, To: l, Date: kaohe.D(2025, 3, int(l)), Reason: "总部评定", DecidedBy: "评审小组"})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// showroomManager adds the showroom's manager (展厅经理), at level 3 since
// 2022, and returns her as assessments name their assessor: the one who
// assesses the showroom's level-1 managers (kaohe.CheckShowroomAssessor).
func showroomManager(t *testing.T, s *Store) string {
	t.Helper()
	err := s.Update(ctx, "test", func(tx *Tx) error {
		m, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "W900", Name: "王经理", Education: kaohe.EduBachelor, HireDate: kaohe.D(2019, 3, 1)}, kaohe.Level1, kaohe.Date{})
		for l := kaohe.Level2; err == nil && l <= kaohe.Level3; l++ { // HQ's 定级
			_, err = tx.RecordLevelChange(kaohe.LevelChange{ManagerID: m.ID, From: l - 1, To: l, Date: kaohe.D(2019+int(l), 1, 4), Reason: "总部定级", DecidedBy: "评审小组"})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return "王经理（W900）"
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.r.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenMigratesAndRefusesNewer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	s.w.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	var fk int
	s.w.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode=%s foreign_keys=%d; want wal, 1", mode, fk)
	}
	s.w.Exec(`PRAGMA user_version = 999`)
	s.Close()
	if _, err := Open(ctx, path); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("Open(newer db) = %v; want a conflict", err)
	}
}

func TestManagerWritesLogOutboxAndAudit(t *testing.T) {
	s := newStore(t)
	before, _ := s.PendingCount(ctx)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	after, _ := s.PendingCount(ctx)
	if after != before+2 { // the manager and the initial level change
		t.Errorf("pending changes %d -> %d; want +2", before, after)
	}
	row, err := s.ManagerByNo(ctx, "D001")
	if err != nil || row.Name != "张喆" || row.Level != kaohe.Level1 || row.ShowroomID == "" {
		t.Fatalf("ManagerByNo = %+v, %v", row, err)
	}
	audit, _ := s.Audit(ctx, "manager", m.ID, 10)
	if len(audit) != 1 || audit[0].Actor != "test" || audit[0].Action != "manager.create" {
		t.Errorf("audit = %+v", audit)
	}

	// A refused write leaves nothing behind: no row, no outbox, no audit.
	n := count(t, s, `SELECT count(*) FROM outbox`)
	a := count(t, s, `SELECT count(*) FROM audit`)
	err = s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D001", Name: "重复", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.Date{})
		return err
	})
	if kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("duplicate employee number = %v; want conflict", err)
	}
	err = s.Update(ctx, "test", func(tx *Tx) error {
		if _, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D002", Name: "李四", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.Date{}); err != nil {
			return err
		}
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D003", Name: "", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.Date{})
		return err
	})
	if kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("manager without name = %v; want invalid", err)
	}
	if got := count(t, s, `SELECT count(*) FROM managers`); got != 1 {
		t.Errorf("managers = %d; want 1 (the failed transaction rolled back whole)", got)
	}
	if count(t, s, `SELECT count(*) FROM outbox`) != n || count(t, s, `SELECT count(*) FROM audit`) != a {
		t.Errorf("a rolled-back write left outbox or audit rows")
	}

	// Update, leave and delete.
	m.Phone = "13800138000"
	m.Status, m.LeftOn = kaohe.StatusLeft, kaohe.D(2026, 10, 1)
	if err := s.Update(ctx, "test", func(tx *Tx) error { _, err := tx.UpdateManager(m); return err }); err != nil {
		t.Fatal(err)
	}
	left, _ := s.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusLeft})
	if len(left) != 1 || left[0].Phone != "13800138000" {
		t.Errorf("left managers = %+v", left)
	}
	if err := s.Update(ctx, "test", func(tx *Tx) error { return tx.DeleteManager(m.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Manager(ctx, m.ID); !errors.Is(err, kaohe.ErrNotFound) && kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		t.Errorf("deleted manager still found: %v", err)
	}
	if got := count(t, s, `SELECT count(*) FROM managers WHERE deleted_at IS NOT NULL`); got != 1 {
		t.Errorf("tombstones = %d; want 1 (no hard delete)", got)
	}
	// The number of a deleted manager may be used again.
	addManager(t, s, "D001", "王五", kaohe.Level1, kaohe.EduCollege)
}

func TestListManagersFilter(t *testing.T) {
	s := newStore(t)
	addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	addManager(t, s, "D002", "李玥", kaohe.Level2, kaohe.EduCollege)
	addManager(t, s, "D003", "王堃", kaohe.Level3, kaohe.EduBachelor)
	tests := []struct {
		f    kaohe.ManagerFilter
		want []string
	}{
		{kaohe.ManagerFilter{}, []string{"D001", "D002", "D003"}},
		{kaohe.ManagerFilter{Query: "玥"}, []string{"D002"}},
		{kaohe.ManagerFilter{Query: "d00"}, []string{"D001", "D002", "D003"}},
		{kaohe.ManagerFilter{Query: "%"}, nil},
		{kaohe.ManagerFilter{Level: kaohe.Level3}, []string{"D003"}},
	}
	for _, tc := range tests {
		got, err := s.ListManagers(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var nos []string
		for _, r := range got {
			nos = append(nos, r.EmployeeNo)
		}
		if strings.Join(nos, ",") != strings.Join(tc.want, ",") {
			t.Errorf("ListManagers(%+v) = %v; want %v", tc.f, nos, tc.want)
		}
	}
}

func TestFigures(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	err := s.Update(ctx, "test", func(tx *Tx) error {
		if _, err := tx.SetTarget(m.ID, kaohe.MetricSales, 2026, 1000000, nil); err != nil {
			return err
		}
		for mo := 1; mo <= 6; mo++ {
			if _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, mo, 90000); err != nil {
				return err
			}
		}
		_, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, 6, 100000) // a correction replaces
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tg, ac, err := s.Figures(ctx, m.ID, kaohe.MetricSales, 2026)
	if err != nil || tg.Total() != 1000000 || ac.Total() != 550000 {
		t.Errorf("Figures = %v %v %v", tg, ac, err)
	}
	p, _ := s.Period(ctx, "2026-H1")
	c, _ := s.PeriodCompletion(ctx, m.ID, kaohe.MetricSales, p)
	if c.Target != tg.Sum(1, 6) || c.Actual != 550000 {
		t.Errorf("PeriodCompletion = %+v", c)
	}
	for name, f := range map[string]func(*Tx) error{
		"month 13":   func(tx *Tx) error { _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, 13, 1); return err },
		"negative":   func(tx *Tx) error { _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, 1, -1); return err },
		"bad metric": func(tx *Tx) error { _, err := tx.SetTarget(m.ID, "profit", 2026, 1, nil); return err },
		"11 weights": func(tx *Tx) error {
			_, err := tx.SetTarget(m.ID, kaohe.MetricSales, 2026, 1, make([]float64, 11))
			return err
		},
		"bad manager": func(tx *Tx) error { _, err := tx.SetTarget("nobody", kaohe.MetricSales, 2026, 1, nil); return err },
	} {
		if err := s.Update(ctx, "test", f); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM actuals`); n != 6 {
		t.Errorf("actual rows = %d; want 6", n)
	}
}

func TestAssessmentLifecycle(t *testing.T) {
	s := newStore(t)
	by := showroomManager(t, s)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	save := func(a kaohe.Assessment, submit bool) (kaohe.Assessment, error) {
		var out kaohe.Assessment
		err := s.Update(ctx, "王经理", func(tx *Tx) error {
			var err error
			out, err = tx.SaveAssessment(a, submit)
			return err
		})
		return out, err
	}
	a := kaohe.Assessment{ManagerID: m.ID, PeriodID: "2026-H1", Scores: kaohe.Scores{"plan": 95}, Total: 100, Grade: "excellent", Assessor: by}
	a, err := save(a, false)
	if err != nil || a.Total != 38 || a.Status != kaohe.AssessDraft || a.TemplateVersion != 1 {
		t.Fatalf("draft = %+v, %v (total is computed, not taken from the caller)", a, err)
	}
	if _, err := save(kaohe.Assessment{ID: a.ID, ManagerID: m.ID, PeriodID: "2026-H1", Scores: kaohe.Scores{"plan": 120}, Assessor: by}, false); !errors.Is(err, kaohe.ErrScoreOutOfRange) {
		t.Errorf("score 120 = %v; want out of range", err)
	}
	if _, err := save(kaohe.Assessment{ID: a.ID, ManagerID: m.ID, PeriodID: "2026-H1", Scores: a.Scores, Assessor: by}, true); err == nil {
		t.Errorf("submitting an incomplete assessment was accepted")
	}
	a.Scores = kaohe.Scores{"plan": 95, "satisfaction": 85, "expansion": 70, "feedback": 80, "cooperation": 90}
	a.Assessor = by
	a, err = save(a, true)
	if err != nil || a.Total != 86.5 || a.Grade != kaohe.GradeGood || a.Coefficient != 1.0 || a.Status != kaohe.AssessSubmitted {
		t.Fatalf("submitted = %+v, %v", a, err)
	}
	a.Comment = "改一下"
	if _, err := save(a, false); !errors.Is(err, kaohe.ErrReadOnly) {
		t.Errorf("editing a submitted assessment = %v; want read-only", err)
	}
	// Saving again for the same manager and period edits, never duplicates.
	list, _ := s.Assessments(ctx, AssessmentFilter{ManagerID: m.ID})
	if len(list) != 1 || list[0].Comment != "" || list[0].Total != 86.5 {
		t.Errorf("assessments = %+v", list)
	}
	// A new template version does not touch the finished assessment.
	t2 := kaohe.DefaultTemplate()
	t2.Version = 2
	t2.Items[0].Weight, t2.Items[1].Weight = 50, 10
	if err := s.Update(ctx, "hq", func(tx *Tx) error { return tx.PutTemplate(t2, true) }); err != nil {
		t.Fatal(err)
	}
	list, _ = s.Assessments(ctx, AssessmentFilter{ManagerID: m.ID})
	if list[0].TemplateVersion != 1 || list[0].Total != 86.5 {
		t.Errorf("finished assessment changed with the template: %+v", list[0])
	}
	// A stored template version is immutable.
	t2.Name.Zh = "改名"
	if err := s.Update(ctx, "hq", func(tx *Tx) error { return tx.PutTemplate(t2, true) }); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("rewriting template version 2 = %v; want conflict", err)
	}
}

func TestApplicationJourney(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational) // 中专: below level 2's 大专
	var app kaohe.Application
	update := func(f func(*Tx) error) error { return s.Update(ctx, "评审小组", f) }
	err := update(func(tx *Tx) error {
		var err error
		app, err = tx.SaveApplication(kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2, PersonalInfo: "个人情况", Achievements: "政绩", Report: strings.Repeat("述", 2999)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	submit := func() error {
		return update(func(tx *Tx) error { _, err := tx.SubmitApplication(app.ID, kaohe.D(2026, 1, 5)); return err })
	}
	if err := submit(); !errors.Is(err, kaohe.ErrReportTooShort) {
		t.Fatalf("submit with 2999 字 = %v; want report too short", err)
	}
	app.Report += "述"
	if err := update(func(tx *Tx) error { _, err := tx.SaveApplication(app); return err }); err != nil {
		t.Fatal(err)
	}
	if err := submit(); !errors.Is(err, kaohe.ErrEducationTooLow) {
		t.Fatalf("submit below education = %v; want education too low", err)
	}
	app.Exemption, app.ExemptReason = kaohe.ExemptionRequested, "连续两年销售第一"
	if err := update(func(tx *Tx) error { _, err := tx.SaveApplication(app); return err }); err != nil {
		t.Fatal(err)
	}
	if err := submit(); err != nil {
		t.Fatalf("submit with exemption request = %v", err)
	}
	// A second application while one is under way is refused.
	if err := update(func(tx *Tx) error {
		_, err := tx.SaveApplication(kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2})
		return err
	}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("second open application = %v; want conflict", err)
	}
	by := []string{"李明（总经理）", "赵敏（人事部经理）"}
	decide := func(stage kaohe.Stage, pass bool, on kaohe.Date) error {
		d := kaohe.Decision{AppID: app.ID, Stage: stage, Pass: pass, Date: on, DecidedBy: by}
		if stage == kaohe.StageExam {
			v := 85.0
			d.ExamScore = &v
		}
		return update(func(tx *Tx) error { _, err := tx.RecordDecision(d); return err })
	}
	if err := decide(kaohe.StageFirst, true, kaohe.D(2026, 1, 10)); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("first review pass without approved exemption = %v; want conflict", err)
	}
	if err := update(func(tx *Tx) error {
		_, err := tx.DecideExemption(kaohe.Exemption{AppID: app.ID, Approved: true, Date: kaohe.D(2026, 1, 9), DecidedBy: "李明"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := decide(kaohe.StageSecond, true, kaohe.D(2026, 1, 10)); !errors.Is(err, kaohe.ErrIllegalTransition) {
		t.Errorf("skipping to the second review = %v; want illegal transition", err)
	}
	steps := []struct {
		stage kaohe.Stage
		on    kaohe.Date
	}{
		{kaohe.StageFirst, kaohe.D(2026, 1, 10)},
		{kaohe.StageExam, kaohe.D(2026, 2, 1)},
		{kaohe.StageSecond, kaohe.D(2026, 11, 30)},
	}
	dec1 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return dec1 }
	for _, st := range steps {
		if err := decide(st.stage, true, st.on); err != nil {
			t.Fatalf("%s: %v", st.stage, err)
		}
	}
	v, _ := s.Application(ctx, app.ID)
	if v.Review.State != kaohe.AppProbation || v.Review.ProbationEnd != kaohe.D(2027, 2, 28) || v.Exemption != kaohe.ExemptionApproved {
		t.Errorf("after second review: %+v", v.Review)
	}
	// HQ's clock, not the date typed: a third review recorded before
	// probation has ended is refused even when dated after it.
	if err := decide(kaohe.StageThird, true, kaohe.D(2027, 2, 28)); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("third review dated after today = %v; want refused", err)
	}
	later := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return later }
	if err := decide(kaohe.StageThird, true, kaohe.D(2027, 2, 27)); !errors.Is(err, kaohe.ErrProbationNotEnded) {
		t.Errorf("third review during probation = %v", err)
	}
	if err := decide(kaohe.StageThird, true, kaohe.D(2027, 2, 28)); err != nil {
		t.Fatal(err)
	}
	row, _ := s.Manager(ctx, m.ID)
	hist, _ := s.LevelHistory(ctx, m.ID)
	if row.Level != kaohe.Level2 || len(hist) != 2 || hist[1].AppID != app.ID {
		t.Errorf("after grant: level %d, history %+v", row.Level, hist)
	}
	// Every decision is in the audit trail with who decided.
	if n := count(t, s, `SELECT count(*) FROM audit WHERE action LIKE 'decision.%' AND actor = '评审小组'`); n != 5 {
		t.Errorf("audited decisions = %d; want 5", n)
	}
	// The submitted application is read-only.
	if err := update(func(tx *Tx) error { _, err := tx.SaveApplication(app); return err }); !errors.Is(err, kaohe.ErrReadOnly) {
		t.Errorf("editing a submitted application = %v", err)
	}
}

func TestTrainingAndRewards(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	err := s.Update(ctx, "test", func(tx *Tx) error {
		tr, err := tx.SaveTraining(kaohe.Training{Title: "厨柜基础知识", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2026, 3, 3), Hours: 4})
		if err != nil {
			return err
		}
		tr2, err := tx.SaveTraining(kaohe.Training{Title: "安装实操", Category: kaohe.TrainSkill, Method: kaohe.MethodExternal, Date: kaohe.D(2026, 4, 3), Hours: 6})
		if err != nil {
			return err
		}
		if _, err := tx.RecordAttendance(kaohe.Attendance{TrainingID: tr.ID, ManagerID: m.ID, Result: kaohe.AttendPassed}); err != nil {
			return err
		}
		if _, err := tx.RecordAttendance(kaohe.Attendance{TrainingID: tr2.ID, ManagerID: m.ID, Result: kaohe.AttendPassed}); err != nil {
			return err
		}
		// a correction of the same attendance replaces it
		if _, err := tx.RecordAttendance(kaohe.Attendance{TrainingID: tr2.ID, ManagerID: m.ID, Result: kaohe.AttendAbsent}); err != nil {
			return err
		}
		_, err = tx.SaveRewardPenalty(kaohe.RewardPenalty{ManagerID: m.ID, Type: kaohe.RewardBonus, Amount: 2000, Reason: "季度销售第一", Date: kaohe.D(2026, 4, 1), DecidedBy: "王经理"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := s.TrainingHoursOf(ctx, m.ID, 2026)
	if h.Total() != 4 || h[kaohe.TrainBasic] != 4 {
		t.Errorf("hours = %v; want 4 basic (absent earns none)", h)
	}
	rs, _ := s.RewardsPenalties(ctx, m.ID)
	if len(rs) != 1 || rs[0].Amount != 2000 {
		t.Errorf("rewards = %+v", rs)
	}
	if n := count(t, s, `SELECT substantive FROM rewards`); n != 1 {
		t.Errorf("a bonus is substantive")
	}
}

func TestOutboxCarriesOnlyOwnRows(t *testing.T) {
	s := newStore(t) // a showroom database; newStore wrote HQ reference data
	entities := func() map[string]int {
		rows, err := s.r.Query(`SELECT entity, count(*) FROM outbox GROUP BY entity`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var e string
			var n int
			rows.Scan(&e, &n)
			out[e] = n
		}
		return out
	}
	if got := entities(); len(got) != 0 {
		t.Errorf("showroom outbox holds HQ reference data: %v", got)
	}
	addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	if got := entities(); got["manager"] != 1 || got["level_assignment"] != 1 || len(got) != 2 {
		t.Errorf("showroom outbox = %v; want the manager and its level assignment", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit WHERE entity IN ('level', 'template', 'period', 'showroom')`); n == 0 {
		t.Errorf("HQ reference data written locally must still be audited")
	}

	h := newStore(t)
	if err := h.Update(ctx, "hq", func(tx *Tx) error { return tx.SetRole(RoleHQ) }); err != nil {
		t.Fatal(err)
	}
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 2)
	if err := h.Update(ctx, "hq", func(tx *Tx) error { return tx.PutPeriod(p) }); err != nil {
		t.Fatal(err)
	}
	addManager(t, h, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	var es []string
	rows, _ := h.r.Query(`SELECT entity FROM outbox`)
	for rows.Next() {
		var e string
		rows.Scan(&e)
		es = append(es, e)
	}
	rows.Close()
	if strings.Join(es, ",") != "period" {
		t.Errorf("HQ outbox = %v; want only the period HQ wrote", es)
	}
}

func TestCertificateReprintIsCopy(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	var c kaohe.Certificate
	err := s.Update(ctx, "hq", func(tx *Tx) error {
		var err error
		c, err = tx.SaveCertificate(kaohe.Certificate{ManagerID: m.ID, Serial: "KH-2026-000001", Level: kaohe.Level2,
			HolderName: "张喆", Showroom: "上海徐汇展厅", GrantedOn: kaohe.D(2026, 11, 1), Issuer: "评审小组", VerifyCode: "ABCD2345"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var copies []bool
	for i := 0; i < 3; i++ {
		err := s.Update(ctx, "王经理", func(tx *Tx) error {
			p, err := tx.LogCertificatePrint(c.ID)
			copies = append(copies, p.Copy)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if copies[0] || !copies[1] || !copies[2] {
		t.Errorf("copies = %v; want the first original, then copies", copies)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'certificate_print'`); n != 3 {
		t.Errorf("prints in the outbox = %d; want 3 (HQ sees reprints)", n)
	}
}

func TestResearch(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	err := s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.SaveResearch(kaohe.MarketResearch{ManagerID: m.ID, Kind: kaohe.ResearchProject, Date: kaohe.D(2026, 3, 1),
			Subject: "万科城三期", PricePerM2: 42000, Units: 800, Delivery: kaohe.D(2027, 6, 30), SalesStatus: "已售七成", Decoration: "精装"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.SaveResearch(kaohe.MarketResearch{ManagerID: m.ID, Kind: kaohe.ResearchCompetitor, Date: kaohe.D(2026, 3, 1)})
		return err
	})
	if kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("research without subject = %v", err)
	}
	rs, _ := s.Research(ctx, m.ID)
	if len(rs) != 1 || rs[0].Delivery != kaohe.D(2027, 6, 30) || rs[0].Units != 800 {
		t.Errorf("research = %+v", rs)
	}
}

// TestAssessmentOfAnOpenPeriodWaits: an assessment of a period that has not
// ended (the current half-year) may be kept as a draft but not submitted
// until the period is over, by the showroom's own day; the refused submit
// stores nothing, in the table or in what goes to HQ.
func TestAssessmentOfAnOpenPeriodWaits(t *testing.T) {
	s := newStore(t)
	by := showroomManager(t, s)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	h2, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2026, 2)
	if err := s.Update(ctx, "hq", func(tx *Tx) error { return tx.PutPeriod(h2) }); err != nil {
		t.Fatal(err)
	}
	save := func(a kaohe.Assessment, submit bool) (kaohe.Assessment, error) {
		var out kaohe.Assessment
		err := s.Update(ctx, "王经理", func(tx *Tx) error {
			var err error
			out, err = tx.SaveAssessment(a, submit)
			return err
		})
		return out, err
	}
	full := kaohe.Scores{"plan": 95, "satisfaction": 85, "expansion": 70, "feedback": 80, "cooperation": 90}
	a, err := save(kaohe.Assessment{ManagerID: m.ID, PeriodID: h2.ID, Scores: full, Assessor: by}, false)
	if err != nil || a.Status != kaohe.AssessDraft {
		t.Fatalf("draft of the current half-year = %+v, %v; want a draft", a, err)
	}
	outbox := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'assessment'`)
	for _, day := range []time.Time{
		time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),  // within the period
		time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), // its last day
	} {
		s.Now = func() time.Time { return day }
		_, err := save(a, true)
		var ke *kaohe.Error
		if !errors.As(err, &ke) || ke.Key != "err.period_not_ended" || ke.Field != "period_id" {
			t.Errorf("submit on %s = %v; want err.period_not_ended on period_id", day.Format("2006-01-02"), err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM assessments WHERE status <> 'draft'`); n != 0 {
		t.Errorf("%d assessments stored as submitted after refusals", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'assessment'`); n != outbox {
		t.Errorf("the refused submits logged %d changes for HQ", n-outbox)
	}
	s.Now = func() time.Time { return time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC) }
	a, err = save(a, true)
	if err != nil || a.Status != kaohe.AssessSubmitted || a.SubmittedOn != kaohe.D(2027, 1, 1) {
		t.Errorf("submit after the period = %+v, %v; want submitted on 2027-01-01", a, err)
	}
}

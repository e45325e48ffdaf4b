package store

import (
	"reflect"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
)

// The reads HQ mode makes over every showroom at once must say what the
// one-at-a-time reads say.

func TestApplicationsReadTogetherAgreeWithEachAlone(t *testing.T) {
	s := newStore(t)
	update := func(f func(*Tx) error) {
		t.Helper()
		if err := s.Update(ctx, "评审小组", f); err != nil {
			t.Fatal(err)
		}
	}
	by := []string{"李明（总经理）"}
	var ids []string
	apply := func(no string, edu kaohe.Education, exempt, submit bool, stages ...kaohe.Stage) kaohe.Manager {
		m := addManager(t, s, no, "张"+no, kaohe.Level1, edu)
		var app kaohe.Application
		update(func(tx *Tx) error {
			a := kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2, PersonalInfo: "个人情况 " + no, Achievements: "政绩", Report: strings.Repeat("述", 3000)}
			if exempt {
				a.Exemption, a.ExemptReason = kaohe.ExemptionRequested, "连续两年销售第一"
			}
			var err error
			app, err = tx.SaveApplication(a)
			return err
		})
		ids = append(ids, app.ID)
		if !submit {
			return m // a draft
		}
		update(func(tx *Tx) error { _, err := tx.SubmitApplication(app.ID, kaohe.D(2026, 1, 5)); return err })
		if exempt {
			update(func(tx *Tx) error {
				_, err := tx.DecideExemption(kaohe.Exemption{AppID: app.ID, Approved: no != "D004", Date: kaohe.D(2026, 1, 9), DecidedBy: "李明"})
				return err
			})
		}
		for i, st := range stages {
			d := kaohe.Decision{AppID: app.ID, Stage: st, Pass: true, Date: kaohe.D(2026, 1, 10+i), DecidedBy: by, Comment: "第" + no}
			if st == kaohe.StageExam {
				v := 80.0 + float64(i)
				d.ExamScore = &v
			}
			update(func(tx *Tx) error { _, err := tx.RecordDecision(d); return err })
		}
		return m
	}
	apply("D001", kaohe.EduCollege, false, false)                                   // a draft
	apply("D002", kaohe.EduCollege, false, true)                                    // submitted
	d3 := apply("D003", kaohe.EduVocational, true, true, kaohe.StageFirst)          // exemption approved, first review passed
	apply("D004", kaohe.EduVocational, true, true)                                  // exemption refused
	apply("D005", kaohe.EduCollege, false, true, kaohe.StageFirst, kaohe.StageExam) // exam passed

	all, err := s.Applications(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(ids) {
		t.Fatalf("Applications(\"\") = %d; want %d", len(all), len(ids))
	}
	for i, v := range all {
		if i > 0 && v.ID > all[i-1].ID {
			t.Errorf("Applications not newest first: %s after %s", v.ID, all[i-1].ID)
		}
		one, err := s.Application(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, one) {
			t.Errorf("Applications()[%d] =\n%+v\nApplication(%s) =\n%+v", i, v, v.ID, one)
		}
	}
	states := map[kaohe.AppState]int{}
	for _, v := range all {
		states[v.Review.State]++
	}
	if want := map[kaohe.AppState]int{kaohe.AppDraft: 1, kaohe.AppSubmitted: 2, kaohe.AppExam: 1, kaohe.AppSecond: 1}; !reflect.DeepEqual(states, want) {
		t.Errorf("states = %v; want %v", states, want)
	}
	mine, err := s.Applications(ctx, d3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].ManagerID != d3.ID || mine[0].Exemption != kaohe.ExemptionApproved || len(mine[0].Review.Decisions) != 2 {
		t.Errorf("Applications(D003) = %+v; want its one application, exemption approved, two decisions", mine)
	}
	none, err := s.Applications(ctx, "no-such-manager")
	if err != nil || len(none) != 0 {
		t.Errorf("Applications(unknown) = %v, %v; want none", none, err)
	}
}

func TestTrainingHoursByManagerAgreeWithEachAlone(t *testing.T) {
	s := newStore(t)
	a := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduCollege)
	b := addManager(t, s, "D002", "李芳", kaohe.Level1, kaohe.EduCollege)
	c := addManager(t, s, "D003", "王强", kaohe.Level1, kaohe.EduCollege) // only last year's training
	err := s.Update(ctx, "test", func(tx *Tx) error {
		basic, err := tx.SaveTraining(kaohe.Training{Title: "厨柜基础知识", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2026, 3, 3), Hours: 4})
		if err != nil {
			return err
		}
		skill, err := tx.SaveTraining(kaohe.Training{Title: "安装实操", Category: kaohe.TrainSkill, Method: kaohe.MethodExternal, Date: kaohe.D(2026, 4, 3), Hours: 6})
		if err != nil {
			return err
		}
		old, err := tx.SaveTraining(kaohe.Training{Title: "去年的课", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2025, 12, 31), Hours: 8})
		if err != nil {
			return err
		}
		for _, at := range []kaohe.Attendance{
			{TrainingID: basic.ID, ManagerID: a.ID, Result: kaohe.AttendPassed},
			{TrainingID: skill.ID, ManagerID: a.ID, Result: kaohe.AttendPassed},
			{TrainingID: basic.ID, ManagerID: b.ID, Result: kaohe.AttendPassed},
			{TrainingID: skill.ID, ManagerID: b.ID, Result: kaohe.AttendAbsent}, // absent earns none
			{TrainingID: old.ID, ManagerID: c.ID, Result: kaohe.AttendPassed},
		} {
			if _, err := tx.RecordAttendance(at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.TrainingHoursByManager(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []kaohe.Manager{a, b} {
		one, err := s.TrainingHoursOf(ctx, m.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[m.ID], one) {
			t.Errorf("TrainingHoursByManager[%s] = %v; TrainingHoursOf = %v", m.EmployeeNo, got[m.ID], one)
		}
	}
	if got[a.ID].Total() != 10 || got[b.ID].Total() != 4 {
		t.Errorf("hours = %v; want D001 10, D002 4", got)
	}
	if _, ok := got[c.ID]; ok {
		t.Errorf("D003 trained only in 2025, yet has 2026 hours %v", got[c.ID])
	}
}

// Unfiled lists the submitted assessments not yet filed, with what the
// filing queue shows, as Assessments has them; NoScores leaves the scores
// out and nothing else.
func TestUnfiledAndNarrowAssessments(t *testing.T) {
	s := newStore(t)
	by := showroomManager(t, s)
	full := kaohe.Scores{"plan": 95, "satisfaction": 85, "expansion": 70, "feedback": 80, "cooperation": 90}
	var ids []string
	for i, no := range []string{"D001", "D002", "D003"} {
		m := addManager(t, s, no, "张"+no, kaohe.Level1, kaohe.EduCollege)
		ids = append(ids, m.ID)
		err := s.Update(ctx, "王经理", func(tx *Tx) error {
			a, err := tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: "2026-H1", Scores: full, Assessor: by, Comment: "好"}, i > 0)
			if err != nil || i != 2 {
				return err
			}
			_, err = tx.FileAssessment(kaohe.Filing{AssessmentID: a.ID, Date: kaohe.D(2026, 7, 1), FiledBy: "总部"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// D001 a draft, D002 submitted, D003 submitted and filed.
	got, err := s.Unfiled(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := s.Assessments(ctx, AssessmentFilter{ManagerID: ids[1]})
	if len(got) != 1 || len(all) != 1 {
		t.Fatalf("Unfiled = %+v; want D002's alone", got)
	}
	w := all[0]
	want := kaohe.Assessment{ID: w.ID, ShowroomID: w.ShowroomID, ManagerID: w.ManagerID, PeriodID: w.PeriodID, Total: w.Total, Grade: w.Grade, Status: kaohe.AssessSubmitted}
	if !reflect.DeepEqual(got[0], want) || want.Total == 0 || want.Grade == "" || want.ShowroomID == "" {
		t.Errorf("Unfiled()[0] = %+v; want %+v", got[0], want)
	}

	// PeriodTallies: the period's three, draft, submitted and filed, in
	// Assessments' order, with what a count of results needs.
	tallies, err := s.PeriodTallies(ctx, "2026-H1")
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := s.Assessments(ctx, AssessmentFilter{PeriodID: "2026-H1"})
	if len(tallies) != 3 || len(whole) != 3 {
		t.Fatalf("PeriodTallies = %d, Assessments = %d; want 3", len(tallies), len(whole))
	}
	statuses := map[kaohe.AssessmentStatus]int{}
	for i, a := range whole {
		want := kaohe.Assessment{ID: a.ID, ShowroomID: a.ShowroomID, ManagerID: a.ManagerID, PeriodID: a.PeriodID, Total: a.Total, Grade: a.Grade, Status: a.Status}
		if !reflect.DeepEqual(tallies[i], want) {
			t.Errorf("PeriodTallies()[%d] = %+v; want %+v", i, tallies[i], want)
		}
		statuses[a.Status]++
	}
	if statuses[kaohe.AssessDraft] != 1 || statuses[kaohe.AssessSubmitted] != 1 || statuses[kaohe.AssessFiled] != 1 {
		t.Errorf("statuses %v; want a draft, a submitted and a filed one", statuses)
	}
	if other, err := s.PeriodTallies(ctx, "2026-H2"); err != nil || len(other) != 0 {
		t.Errorf("another period: %d, %v", len(other), err)
	}

	narrow, err := s.Assessments(ctx, AssessmentFilter{NoScores: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(narrow) != 3 {
		t.Fatalf("NoScores: %d assessments; want 3", len(narrow))
	}
	for _, a := range narrow {
		one, _ := s.Assessments(ctx, AssessmentFilter{ManagerID: a.ManagerID})
		if a.Scores != nil || len(one[0].Scores) != len(full) {
			t.Errorf("NoScores kept scores %v (stored %v)", a.Scores, one[0].Scores)
		}
		one[0].Scores = nil
		if !reflect.DeepEqual(a, one[0]) {
			t.Errorf("narrowed %+v; alone %+v", a, one[0])
		}
	}
}

package store

import (
	"testing"

	"kaohe/internal/kaohe"
)

// TestAssessmentJudgedByThePeriodsLevel: the showroom's store judges who it
// may assess by the level held at the assessed period's end, as HQ does: a
// manager promoted to level 2 on 2025-06-30 may still be assessed here for
// 2024-H1 (an offline showroom catching up), not for 2025-H1 (she ended it
// at level 2) nor for 2026-H1.
func TestAssessmentJudgedByThePeriodsLevel(t *testing.T) {
	s := newStore(t)
	by := showroomManager(t, s)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	if err := s.Update(ctx, "test", func(tx *Tx) error {
		for _, y := range []int{2024, 2025} {
			for i := 1; i <= 2; i++ {
				p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, y, i)
				if err := tx.PutPeriod(p); err != nil {
					return err
				}
			}
		}
		_, err := tx.RecordLevelChange(kaohe.LevelChange{ManagerID: m.ID, From: kaohe.Level1, To: kaohe.Level2, Date: kaohe.D(2025, 6, 30), Reason: "总部评定", DecidedBy: "评审小组"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	save := func(period string) error {
		return s.Update(ctx, "王经理", func(tx *Tx) error {
			_, err := tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: period, Assessor: by,
				Scores: kaohe.Scores{"plan": 95, "satisfaction": 85, "expansion": 70, "feedback": 80, "cooperation": 90}}, true)
			return err
		})
	}
	if err := save("2024-H1"); err != nil {
		t.Fatalf("2024-H1, which she ended at level 1: %v", err)
	}
	for _, p := range []string{"2025-H1", "2025-H2", "2026-H1"} {
		if err := save(p); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
			t.Errorf("%s, which she ended at level 2: %v, want refused", p, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM assessments WHERE manager_id = ?`, m.ID); n != 1 {
		t.Errorf("%d assessments stored, want the one of 2024-H1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM assessments WHERE manager_id = ? AND period_id = '2024-H1' AND status = 'submitted'`, m.ID); n != 1 {
		t.Errorf("the 2024-H1 assessment is not stored submitted")
	}
}

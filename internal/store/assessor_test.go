package store

import (
	"testing"

	"kaohe/internal/kaohe"
)

// TestAssessorIsTheShowroomsLevel3Manager: the store saves an assessment
// only by the showroom's manager at level 3 at the period's end, named by
// name and employee number (kaohe.CheckShowroomAssessor, as HQ checks it):
// no other assessor is saved or queued for HQ, each refused with its reason.
func TestAssessorIsTheShowroomsLevel3Manager(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduCollege)
	m2 := addManager(t, s, "D002", "李玥", kaohe.Level1, kaohe.EduCollege)
	addManager(t, s, "D003", "王堃", kaohe.Level2, kaohe.EduCollege)
	by := showroomManager(t, s)
	saveFor := func(m kaohe.Manager, assessor string) error {
		return s.Update(ctx, "test", func(tx *Tx) error {
			_, err := tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: "2026-H1", Assessor: assessor,
				Scores: kaohe.Scores{"plan": 90, "satisfaction": 80, "expansion": 70, "feedback": 85, "cooperation": 95}}, true)
			return err
		})
	}
	save := func(assessor string) error { return saveFor(m, assessor) }
	for _, c := range []struct{ assessor, code, key string }{
		{"", kaohe.EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"展厅经理 王经理", kaohe.EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"李四（W900）", kaohe.EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"王经理（W999）", kaohe.EUNAUTHORIZED, "err.assessor_not_showroom_manager"},
		{"李玥（D002）", kaohe.EUNAUTHORIZED, "err.assessor_not_level3"}, // a level-1 colleague
		{"王堃（D003）", kaohe.EUNAUTHORIZED, "err.assessor_not_level3"}, // level 2
	} {
		err := save(c.assessor)
		if kaohe.ErrorCode(err) != c.code || kaohe.ErrorKey(err) != c.key {
			t.Errorf("assessor %q: %v; want %s %s", c.assessor, err, c.code, c.key)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM assessments`) + count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'assessment'`); n != 0 {
		t.Fatalf("refused assessments left %d rows", n)
	}
	if err := save(by); err != nil {
		t.Fatalf("by the showroom manager %s: %v", by, err)
	}
	// Her name spaced, ASCII parentheses, the number in lower case: her.
	if err := saveFor(m2, "王 经理 (w900)"); err != nil {
		t.Errorf("by the showroom manager written otherwise: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM assessments WHERE assessor = ?`, by); n != 1 {
		t.Errorf("%d assessments by %s", n, by)
	}
}

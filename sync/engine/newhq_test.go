package engine

import (
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// TestNewHQPublishesThePolicy: a showroom enrolled with a brand-new HQ gets
// the policy's levels, template and periods at its first sync. Its
// level-1 managers are assessed by its manager (展厅经理) at level 3, a
// level only HQ records: until HQ sets hers (定级, kaohe-hq level set) the
// showroom's store refuses her assessment and says why; once the sync has
// brought HQ's level, she assesses a level-1 manager and HQ accepts the
// submitted assessment.
func TestNewHQPublishesThePolicy(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	mustSync(t, a)
	levels, _ := a.store.Levels(ctx)
	tpl, err := a.store.CurrentTemplate(ctx)
	periods, _ := a.store.Periods(ctx)
	if len(levels) != 5 || err != nil || len(tpl.Items) != 5 || len(periods) < 18 {
		t.Fatalf("after the first sync: %d levels, template %v (%v), %d periods", len(levels), tpl.Items, err, len(periods))
	}
	if l4, _ := levels.Get(kaohe.Level4); l4.Enabled {
		t.Error("level 4 enabled from the start")
	}
	members, _ := a.store.ReviewMembers(ctx)
	if len(members) != 5 {
		t.Errorf("%d review-group roles; want the policy's 5", len(members))
	}
	// The latest period that has ended by the showroom's day: only an ended
	// one can be submitted (kaohe.Period.CheckEnded).
	done, ok := kaohe.LatestEnded(periods, kaohe.DateOf(h.clock.Now()))
	if !ok {
		t.Fatalf("no period HQ published has ended: %+v", periods)
	}
	var as kaohe.Assessment
	var m, boss kaohe.Manager
	err = a.store.Update(ctx, "赵敏（Z001）", func(tx *store.Tx) error {
		var err error
		if boss, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "Z001", Name: "赵敏", Education: kaohe.EduBachelor, HireDate: kaohe.D(2018, 3, 1)}, kaohe.Level1, kaohe.Date{}); err != nil {
			return err
		}
		m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "D001", Name: "张喆", Education: kaohe.EduCollege, HireDate: kaohe.D(2024, 3, 1)}, kaohe.Level1, kaohe.Date{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	assess := func() error {
		return a.store.Update(ctx, "赵敏（Z001）", func(tx *store.Tx) error {
			var err error
			as, err = tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: done.ID, Assessor: "赵敏（Z001）",
				Scores: kaohe.Scores{"plan": 90, "satisfaction": 85, "expansion": 80, "feedback": 75, "cooperation": 95}}, true)
			return err
		})
	}
	// HQ has recorded no manager of the new showroom at level 3 yet: it
	// cannot tell who the showroom's manager is, and the showroom assesses
	// its level-1 staff at once.
	if err := assess(); err != nil {
		t.Fatalf("an assessment at a showroom whose manager HQ has not recorded yet: %v", err)
	}
	mustSync(t, a)
	up := func(from kaohe.Level, on kaohe.Date) kaohe.LevelChange {
		return kaohe.LevelChange{ManagerID: boss.ID, From: from, To: from + 1, Date: on, Reason: "总部定级", DecidedBy: "客户经理绩效考核实施小组"}
	}
	if _, err := h.store.RecordLevels(ctx, []kaohe.LevelChange{up(kaohe.Level1, kaohe.D(2020, 1, 6)), up(kaohe.Level2, kaohe.D(2022, 1, 6))}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	// Once HQ holds her at level 3, she is the one who assesses.
	err = a.store.Update(ctx, "张喆（D001）", func(tx *store.Tx) error {
		other, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D002", Name: "李玥", Education: kaohe.EduCollege, HireDate: kaohe.D(2024, 3, 1)}, kaohe.Level1, kaohe.Date{})
		if err != nil {
			return err
		}
		_, err = tx.SaveAssessment(kaohe.Assessment{ManagerID: other.ID, PeriodID: done.ID, Assessor: "张喆（D001）",
			Scores: kaohe.Scores{"plan": 90, "satisfaction": 85, "expansion": 80, "feedback": 75, "cooperation": 95}}, true)
		return err
	})
	if kaohe.ErrorKey(err) != "err.assessor_not_level3" {
		t.Fatalf("an assessment by a level-1 colleague once HQ holds the showroom's manager = %v; want err.assessor_not_level3", err)
	}
	mustSync(t, a)
	if rs, _ := a.store.Refused(ctx); len(rs) != 0 {
		t.Fatalf("HQ refused: %+v", rs)
	}
	resp, _ := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	found := false
	for _, c := range resp.Changes {
		found = found || (c.Entity == kaohe.EntAssessment && c.RowID == as.ID)
	}
	if !found || as.Status != kaohe.AssessSubmitted {
		t.Errorf("HQ lacks the submitted assessment %s (%s)", as.ID, as.Status)
	}
}

package engine

import (
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// TestNewHQPublishesThePolicy: a showroom enrolled with a brand-new HQ gets
// the policy's levels, template and periods at its first sync, and can
// assess a level-1 manager at once; HQ accepts the submitted assessment.
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
	err = a.store.Update(ctx, "展厅经理 赵敏", func(tx *store.Tx) error {
		m, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D001", Name: "张喆", Education: kaohe.EduCollege, HireDate: kaohe.D(2024, 3, 1)}, kaohe.Level1, kaohe.Date{})
		if err != nil {
			return err
		}
		as, err = tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: done.ID, Assessor: "展厅经理 赵敏",
			Scores: kaohe.Scores{"plan": 90, "satisfaction": 85, "expansion": 80, "feedback": 75, "cooperation": 95}}, true)
		return err
	})
	if err != nil {
		t.Fatal(err)
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

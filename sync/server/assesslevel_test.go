package server

import (
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestAssessedByTheLevelOfThePeriod: who a showroom may assess (一级：由
// 相应展厅的展厅经理考核) is judged by the level the manager held at the
// assessed period's end, not today's. B's level-1 manager is assessed for
// 2024-H1, which HQ has not published: the assessment waits. HQ then
// records her at level 2, dated the last day of 2025-H1, and publishes
// 2024: the resend is applied (she was level 1 then), while assessments of
// 2025-H1 (promoted on its last day) and 2025-H2 are refused, as is an
// assessment of herself for a period HQ has not published.
func TestAssessedByTheLevelOfThePeriod(t *testing.T) {
	w := newWorld(t)
	var had kaohe.Period
	if w.store.RowPayload(ctx, kaohe.EntPeriod, "2024-H1", &had) == nil {
		t.Fatal("HQ holds 2024-H1 already: the wait is not tested")
	}
	tpl := kaohe.DefaultTemplate()
	assess := func(id, period, assessor string) kaohe.Assessment {
		a := kaohe.Assessment{ID: id, ShowroomID: w.idB, ManagerID: w.mB1.ID, PeriodID: period,
			Scores: kaohe.Scores{"plan": 90, "satisfaction": 80, "expansion": 70, "feedback": 85, "cooperation": 95}, Assessor: assessor,
			Status: kaohe.AssessSubmitted, SubmittedOn: kaohe.D(2026, 11, 20)}
		if _, err := a.Score(tpl); err != nil {
			t.Fatal(err)
		}
		return a
	}
	push := func(c protocol.Change) protocol.Result {
		t.Helper()
		status, res, raw := w.send(w.tokenB, []protocol.Change{c})
		if status != 200 || len(res) != 1 {
			t.Fatalf("push %s: %d %s", c.RowID, status, raw)
		}
		return res[0]
	}
	honest := assess("asOld", "2024-H1", w.byB)
	old := w.change(kaohe.EntAssessment, honest)
	if r := push(old); r.Status != protocol.Refused || r.Code != string(kaohe.EAWAIT) || !strings.Contains(r.Message, "err.period_unpublished") {
		t.Fatalf("2024-H1 before HQ publishes it: %+v, want it waiting", r)
	}
	// An assessment of herself is refused now, not left waiting.
	self := w.change(kaohe.EntAssessment, assess("asSelf", "2024-H2", "王堃（B001）"))
	if r := push(self); r.Status != protocol.Refused || r.Code == string(kaohe.EAWAIT) || !strings.Contains(r.Message, "err.assess_self") {
		t.Fatalf("self-assessment of an unpublished period: %+v, want refused for good", r)
	}

	if _, err := w.store.RecordLevel(ctx, kaohe.LevelChange{ID: "lc-up-mB1", ManagerID: w.mB1.ID, From: kaohe.Level1, To: kaohe.Level2,
		Date: kaohe.D(2025, 6, 30), Reason: "总部定级", DecidedBy: "评审小组"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.PublishPeriods(ctx, kaohe.StandardPeriods(2024)); err != nil {
		t.Fatal(err)
	}
	if r := push(old); r.Status != protocol.Applied {
		t.Fatalf("the resend of 2024-H1 after her promotion: %+v, want applied (she was level 1 then)", r)
	}
	var stored kaohe.Assessment
	if err := w.store.RowPayload(ctx, kaohe.EntAssessment, "asOld", &stored); err != nil {
		t.Fatal(err)
	}
	if stored.ManagerID != w.mB1.ID || stored.PeriodID != "2024-H1" || stored.Status != kaohe.AssessSubmitted || stored.Total != honest.Total || stored.Grade != honest.Grade {
		t.Fatalf("HQ stored %+v", stored)
	}

	for _, period := range []string{"2025-H1", "2025-Q2", "2025-H2", "2026-Q1"} {
		r := push(w.change(kaohe.EntAssessment, assess("as-"+period, period, w.byB)))
		if r.Status != protocol.Refused || r.Code != string(kaohe.EUNAUTHORIZED) || !strings.Contains(r.Message, "err.assess_level_hq") {
			t.Fatalf("assessment of %s, which she ended at level 2: %+v, want refused", period, r)
		}
		if w.store.RowPayload(ctx, kaohe.EntAssessment, "as-"+period, &stored) == nil {
			t.Fatalf("HQ stored the refused assessment of %s: %+v", period, stored)
		}
	}
	// 2025-Q1 ended before her promotion: the showroom's still.
	if r := push(w.change(kaohe.EntAssessment, assess("as-2025-Q1", "2025-Q1", w.byB))); r.Status != protocol.Applied {
		t.Fatalf("assessment of 2025-Q1, which she ended at level 1: %+v", r)
	}
}

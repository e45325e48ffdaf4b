package server

import (
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestDishonestSubmitSkippingALevel: a showroom submits an application of
// its level-1 manager for level 3 (and of its level-2 manager for level 2
// again, and for level 5): HQ refuses each submit with err.level_not_next
// (the rule of the grant, kaohe.Levels.CheckNext) and stores nothing of it,
// whether the submit comes alone or in the batch that brings the draft;
// the application stays a draft at HQ, the honest change beside it goes in,
// and the submit for the next level is then applied.
func TestDishonestSubmitSkippingALevel(t *testing.T) {
	w := newWorld(t)
	app := func(id, mgr string, target kaohe.Level) kaohe.Application {
		a := w.appA
		a.ID, a.ShowroomID, a.ManagerID, a.TargetLevel, a.Report = id, w.idB, mgr, target, strings.Repeat("述", 5000)
		if mgr == "mA2" {
			a.ShowroomID = w.idA
		}
		return a
	}
	submit := func(id string) protocol.Change {
		return w.change(kaohe.EntApplicationEvent, kaohe.Decision{ID: "sub-" + id, AppID: id, Stage: kaohe.StageSubmit, Pass: true,
			Date: kaohe.D(2026, 11, 20), DecidedBy: []string{"展厅经理"}})
	}
	refusedNext := func(what string, r protocol.Result) {
		t.Helper()
		if r.Status != protocol.Refused || r.Code != kaohe.ECONFLICT || !strings.Contains(r.Message, "err.level_not_next") {
			t.Errorf("%s = %s %s %s; want refused err.level_not_next", what, r.Status, r.Code, r.Message)
		}
	}
	events := func() int {
		var n int
		w.query(`SELECT count(*) FROM rows WHERE entity = 'application_event'`, &n)
		return n
	}
	before := events()

	// B's level-1 manager: the draft for level 3 is a draft (HQ keeps
	// drafts); its submit is refused, in the same batch.
	skip := app("app13", "mB1", kaohe.Level3)
	honest := w.change(kaohe.EntActual, kaohe.Actual{ID: "okB", ManagerID: "mB1", Metric: kaohe.MetricSales, Year: 2026, Month: 5, Value: 1000})
	_, res, raw := w.send(w.tokenB, []protocol.Change{w.change(kaohe.EntApplication, skip), submit(skip.ID), honest})
	if len(res) != 3 || res[0].Status != protocol.Applied || res[2].Status != protocol.Applied {
		t.Fatalf("the draft and the honest change: %s", raw)
	}
	refusedNext("a submit of 1→3", res[1])
	stored := w.stored()
	_, res, _ = w.send(w.tokenB, []protocol.Change{submit(skip.ID)})
	refusedNext("the submit of 1→3 sent again alone", res[0])
	if w.stored() != stored {
		t.Error("the refused submit changed what HQ stores")
	}
	if v, ok, err := w.store.Application(ctx, skip.ID); err != nil || !ok || v.Review.State != kaohe.AppDraft || len(v.Review.Decisions) != 0 {
		t.Errorf("at HQ the application is %s with %d decisions (%v, %v); want a draft", v.Review.State, len(v.Review.Decisions), ok, err)
	}

	// A's level-2 manager (granted by HQ's review): for level 2 again, and
	// for level 5. Her granted application is terminal, so a new one may
	// be opened — and its target corrected while a draft.
	again := app("app22", "mA2", kaohe.Level2)
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntApplication, again)})
	_, res, _ = w.send(w.tokenA, []protocol.Change{submit(again.ID)})
	refusedNext("a submit of 2→2", res[0])
	again.TargetLevel = kaohe.Level5
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntApplication, again)})
	_, res, _ = w.send(w.tokenA, []protocol.Change{submit(again.ID)})
	if res[0].Status != protocol.Refused {
		t.Errorf("a submit of 2→5 = %s %s", res[0].Status, res[0].Message)
	}
	if n := events(); n != before {
		t.Errorf("HQ stored %d submit events of applications that skip a level", n-before)
	}

	// Corrected to the next level, the same draft's submit goes in.
	skip.TargetLevel = kaohe.Level2
	w.mustApply(w.tokenB, []protocol.Change{w.change(kaohe.EntApplication, skip)})
	w.mustApply(w.tokenB, []protocol.Change{submit(skip.ID)})
	again.TargetLevel = kaohe.Level3
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntApplication, again)})
	w.mustApply(w.tokenA, []protocol.Change{submit(again.ID)})
	if v, _, _ := w.store.Application(ctx, skip.ID); v.Review.State != kaohe.AppSubmitted {
		t.Errorf("the corrected application is %s at HQ; want submitted", v.Review.State)
	}
}

package engine

import (
	"strings"
	"testing"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// TestOldAssessmentsWaitForHQsPeriods: a showroom with three years of
// records (the demo with Years 3: assessments of 2024's half-years) enrolls
// with a brand-new HQ, which publishes only this year's periods and last
// year's halves. The 2024 assessments are not refused for good: they stay
// here, pending, and the showroom is told they wait for HQ to publish the
// period; syncing again sends them again and HQ still stores nothing of
// them; everything else is in. Once HQ publishes 2024's periods (kaohe-hq
// period add --year 2024), the next sync brings the periods and takes the
// waiting assessments in: both ends then hold the same rows, nothing lost,
// nothing doubled.
func TestOldAssessmentsWaitForHQsPeriods(t *testing.T) {
	h := newHQ(t)
	s, code := demoBeforeHQ(t, h, demo.Options{Today: kaohe.D(2026, 11, 27), Years: 3})
	old := map[string]bool{}
	all, _ := s.Assessments(ctx, store.AssessmentFilter{})
	for _, a := range all {
		if strings.HasPrefix(a.PeriodID, "2024-") {
			old[a.ID] = true
		}
	}
	if len(old) == 0 {
		t.Fatal("the three-year demo has no 2024 assessment: the test proves nothing")
	}
	if _, err := Enroll(ctx, s, h.proxy.URL, code); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	sr := &showroom{store: s, engine: &Engine{Store: s, Client: fastClient(h.proxy.URL, token), Batch: 200}, code: demo.HQShowroomCode}

	atHQ := func() map[string]bool {
		states, err := h.store.RowStates(ctx, "*")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for k := range states {
			if id, ok := strings.CutPrefix(k, kaohe.EntAssessment+"/"); ok {
				out[id] = true
			}
		}
		return out
	}
	// HQ sets the showroom manager's level 3 (定级) once her record has
	// arrived, as it does after a showroom enrolls.
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	boss, err := s.ManagerByNo(ctx, "D001")
	if err != nil {
		t.Fatal(err)
	}
	hqSetsShowroomManager(t, h, boss)
	for round := range 2 {
		if err := sr.engine.Sync(ctx); err != nil {
			t.Fatalf("sync %d: %v", round, err)
		}
		if rs, _ := s.Refused(ctx); len(rs) != 0 {
			t.Fatalf("sync %d: HQ refused %d changes for good, the first %s %s: %s", round, len(rs), rs[0].Entity, rs[0].RowID, rs[0].Refused)
		}
		waiting, n, err := s.Waiting(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		pending, _ := s.PendingCount(ctx)
		if n != len(old) || pending != n || len(waiting) != n {
			t.Fatalf("sync %d: %d changes wait (%d listed), %d pending; want the %d assessments of 2024", round, n, len(waiting), pending, len(old))
		}
		for _, c := range waiting {
			if c.Entity != kaohe.EntAssessment || !old[c.RowID] || !strings.Contains(c.Refused, "err.period_unpublished") {
				t.Errorf("sync %d: waiting %s %s: %s", round, c.Entity, c.RowID, c.Refused)
			}
		}
		st := sr.engine.Status(ctx)
		if st.Waiting != len(old) || !strings.Contains(st.WaitingFor, "err.period_unpublished") || !strings.Contains(st.WaitingFor, "2024-H") {
			t.Errorf("sync %d: the status says %d waiting, for %q", round, st.Waiting, st.WaitingFor)
		}
		hqHas := atHQ()
		for id := range old {
			if hqHas[id] {
				t.Errorf("sync %d: HQ stored assessment %s of a period it has not published", round, id)
			}
		}
		if len(hqHas) != len(all)-len(old) {
			t.Errorf("sync %d: HQ holds %d assessments; want the %d of periods it publishes", round, len(hqHas), len(all)-len(old))
		}
	}
	if now, _ := s.Assessments(ctx, store.AssessmentFilter{}); len(now) != len(all) {
		t.Errorf("the showroom holds %d assessments; it held %d", len(now), len(all))
	}

	ps, err := kaohe.PeriodsOf(2024, "")
	if err != nil {
		t.Fatal(err)
	}
	added, err := h.store.PublishPeriods(ctx, ps)
	if err != nil || len(added) != len(ps) {
		t.Fatalf("HQ published %d of 2024's %d periods: %v", len(added), len(ps), err)
	}
	if again, err := h.store.PublishPeriods(ctx, ps); err != nil || len(again) != 0 {
		t.Errorf("publishing 2024 again added %d: %v", len(again), err)
	}
	mustSync(t, sr) // one sync: the periods come, the assessments go
	if _, n, _ := s.Waiting(ctx, 1); n != 0 {
		t.Errorf("%d changes still wait after HQ published the period", n)
	}
	if st := sr.engine.Status(ctx); st.Waiting != 0 || st.Pending != 0 || st.Refused != 0 {
		t.Errorf("status after HQ published: %d waiting, %d pending, %d refused", st.Waiting, st.Pending, st.Refused)
	}
	hqHas := atHQ()
	if len(hqHas) != len(all) {
		t.Errorf("HQ holds %d assessments; the showroom %d", len(hqHas), len(all))
	}
	for _, a := range all {
		if !hqHas[a.ID] {
			t.Errorf("HQ lacks assessment %s (%s)", a.ID, a.PeriodID)
			continue
		}
		var got kaohe.Assessment
		if err := h.store.RowPayload(ctx, kaohe.EntAssessment, a.ID, &got); err != nil || got.Total != a.Total || got.Status != a.Status || got.PeriodID != a.PeriodID {
			t.Errorf("assessment %s at HQ: %+v (%v); the showroom's: total %v %s %s", a.ID, got, err, a.Total, a.Status, a.PeriodID)
		}
	}
	compareStates(t, h, sr)
}

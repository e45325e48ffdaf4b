package engine

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/testhq"
)

// TestRestoreFromHQWithLegacyTwins: HQ's copy of showroom SH01 was stored
// by the HQ of schema 4 (internal/store/hq/testdata/hq-schema4.sqlite):
// managers m1 "D001" and m2 "d001", two targets of m3 for sales 2026 (tg1,
// tg2), two attendances of m3 at training t1 (at1, at2) and two draft
// assessments of m3 for 2026-H1 (as1, as2) — twins HQ holds, kept by its
// migrations 5 and 6. The showroom's PC is replaced: a new install enrolls
// with a reissued code and syncs. It gets every row HQ holds, nothing of
// it is left waiting here or queued to be sent back, HQ holds what it held
// before (nothing lost, nothing doubled), and the twins stay editable.
func TestRestoreFromHQWithLegacyTwins(t *testing.T) {
	b, err := os.ReadFile("../../internal/store/hq/testdata/hq-schema4.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hq.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := testhq.NewClock(testhq.Day)
	h := &hqServer{t: t, clock: clock, real: testhq.New(t, testhq.Options{Clock: clock, Path: path})}
	h.store = h.real.Store
	before := hqRows(t, h)
	code, err := h.store.ReissueShowroom(ctx, "SH01")
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "SH01-new-pc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = clock.Now
	if _, err := Enroll(ctx, s, h.real.URL, code); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	sr := &showroom{store: s, engine: &Engine{Store: s, Client: fastClient(h.real.URL, token)}, code: "SH01"}
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	pending, _ := s.PendingChanges(ctx, 100)
	for _, c := range pending {
		t.Errorf("after the restore, %s %s is queued to be sent back to HQ, which holds it", c.Entity, c.RowID)
	}
	if rs, _ := s.Refused(ctx); len(rs) > 0 {
		t.Errorf("HQ refused %d changes of the restored showroom: %s %s %s", len(rs), rs[0].Entity, rs[0].RowID, rs[0].Refused)
	}
	compareStates(t, h, sr)
	if after := hqRows(t, h); after != before {
		t.Errorf("HQ's rows changed by the restore:\n%s\nwant\n%s", after, before)
	}
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	var nos []string
	for _, m := range ms {
		nos = append(nos, m.ID+":"+m.EmployeeNo)
	}
	sort.Strings(nos)
	if got := strings.Join(nos, " "); got != "m1:D001 m2:d001 m3:E001" {
		t.Errorf("the restored showroom's managers: %s", got)
	}
	as, _ := s.Assessments(ctx, store.AssessmentFilter{})
	if len(as) != 2 {
		t.Errorf("the restored showroom holds %d assessments; want HQ's two (as1, as2)", len(as))
	}

	// Both twins stay the showroom's to edit, and the edits reach HQ.
	m2, err := s.Manager(ctx, "m2")
	if err != nil {
		t.Fatal(err)
	}
	m2.Manager.Phone = "13800000002"
	if err := s.Update(ctx, "t", func(tx *store.Tx) error { _, err := tx.UpdateManager(m2.Manager); return err }); err != nil {
		t.Fatalf("d001 cannot be edited after the restore: %v", err)
	}
	// The target entered again for m3's sales of 2026 changes the row the
	// key's index holds: no third row, here or at HQ.
	if err := s.Update(ctx, "t", func(tx *store.Tx) error {
		_, err := tx.SetTarget("m3", kaohe.MetricSales, 2026, 9600, nil)
		return err
	}); err != nil {
		t.Fatalf("m3's target cannot be set after the restore: %v", err)
	}
	mustSync(t, sr)
	if got, _ := atHQ(t, h, "m2"); got.Phone != "13800000002" || got.EmployeeNo != "d001" {
		t.Errorf("HQ's d001 after the edit: %+v", got)
	}
	annuals := map[string]int64{}
	states, _ := h.store.RowStates(ctx, "*")
	for k := range states {
		if id, ok := strings.CutPrefix(k, kaohe.EntTarget+"/"); ok {
			var tg kaohe.Target
			if err := h.store.RowPayload(ctx, kaohe.EntTarget, id, &tg); err == nil && tg.ManagerID == "m3" {
				annuals[id] = tg.Annual
			}
		}
	}
	if len(annuals) != 2 || (annuals["tg1"] != 9600) == (annuals["tg2"] != 9600) {
		t.Errorf("HQ's targets of m3 after the edit: %v; want tg1 and tg2, one of them 9600", annuals)
	}
	if rs, _ := s.Refused(ctx); len(rs) > 0 {
		t.Errorf("HQ refused the edits after the restore: %s %s %s", rs[0].Entity, rs[0].RowID, rs[0].Refused)
	}
	compareStates(t, h, sr)
}

// hqRows lists the live rows HQ holds of showroom SH01 with their states.
func hqRows(t *testing.T, h *hqServer) string {
	t.Helper()
	states, err := h.store.RowStates(ctx, "*")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for k, v := range states {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

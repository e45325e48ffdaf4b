package store

import (
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
)

// demoLike fills s with a small showroom through the ordinary writes.
func demoLike(t *testing.T, s *Store) {
	t.Helper()
	m := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduCollege)
	addManager(t, s, "D002", "李玥", kaohe.Level1, kaohe.EduBachelor)
	by := showroomManager(t, s)
	err := s.Update(ctx, "test", func(tx *Tx) error {
		if _, err := tx.SetTarget(m.ID, kaohe.MetricSales, 2026, 1200000, nil); err != nil {
			return err
		}
		for mo := 1; mo <= 6; mo++ {
			if _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, mo, int64(90000+mo)); err != nil {
				return err
			}
		}
		if _, err := tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: "2026-H1", Assessor: by,
			Scores: kaohe.Scores{"plan": 90, "satisfaction": 90, "expansion": 90, "feedback": 90, "cooperation": 90}}, true); err != nil {
			return err
		}
		tr, err := tx.SaveTraining(kaohe.Training{Title: "厨柜基础", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2026, 3, 3), Hours: 4})
		if err != nil {
			return err
		}
		if _, err := tx.RecordAttendance(kaohe.Attendance{TrainingID: tr.ID, ManagerID: m.ID, Result: kaohe.AttendPassed}); err != nil {
			return err
		}
		app, err := tx.SaveApplication(kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2, PersonalInfo: "x", Achievements: "y", Report: longReport(3000)})
		if err != nil {
			return err
		}
		_, err = tx.SubmitApplication(app.ID, kaohe.D(2026, 11, 1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func longReport(n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = '述'
	}
	return string(r)
}

func TestApplyRemoteReplicatesAndIsIdempotent(t *testing.T) {
	src := newStore(t)
	demoLike(t, src)
	changes, err := src.PendingChanges(ctx, 10000)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := dst.Update(ctx, "hq", func(tx *Tx) error { return tx.SetRole(RoleHQ) }); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ { // the second time changes nothing
		if err := dst.ApplyRemote(ctx, "sync", changes, int64(len(changes))); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{"managers", "level_changes", "targets", "actuals", "assessments", "trainings", "attendance", "applications", "decisions"} {
		q := `SELECT count(*) FROM ` + table
		if table == "level_changes" { // the showroom manager's level 3, set here as HQ's stand-in, is HQ's to send
			q += ` WHERE from_level = 0`
		}
		a := count(t, src, q)
		b := count(t, dst, q)
		if a != b || a == 0 {
			t.Errorf("%s: %d at the source, %d replicated", table, a, b)
		}
	}
	if n, _ := dst.PendingCount(ctx); n != 0 {
		t.Errorf("applied changes echoed into the outbox: %d", n)
	}
	ms, _ := dst.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(ms) != 3 || ms[1].Level != kaohe.Level1 || ms[0].ShowroomID == "" { // D001, D002 and the showroom manager
		t.Errorf("replicated managers = %+v", ms)
	}
	if c, _ := dst.PullCursor(ctx); c != int64(len(changes)) {
		t.Errorf("cursor = %d", c)
	}
	// A tombstone travels as a delete.
	if err := src.Update(ctx, "t", func(tx *Tx) error { return tx.DeleteManager(ms[1].ID) }); err != nil {
		t.Fatal(err)
	}
	more, _ := src.PendingChanges(ctx, 10000)
	if err := dst.ApplyRemote(ctx, "sync", more[len(changes):], 0); err != nil {
		t.Fatal(err)
	}
	if ms, _ := dst.ListManagers(ctx, kaohe.ManagerFilter{}); len(ms) != 2 {
		t.Errorf("delete not applied: %d managers", len(ms))
	}
	// A change that breaks a rule is skipped and audited; the rest of its
	// batch applies and the cursor moves, so the queue never sticks.
	bad := Change{ID: NewID(), Entity: kaohe.EntManager, RowID: "x", Op: OpUpsert, Payload: []byte(`{"id":"x","employee_no":"D 9","name":"","education":4,"status":"active"}`)}
	good := Change{ID: NewID(), Entity: kaohe.EntPeriod, RowID: "2027-H1", Op: OpUpsert, Payload: []byte(`{"id":"2027-H1","kind":"half","name":{"zh":"2027年上半年","en":"2027 H1"},"start":{"Year":2027,"Month":1,"Day":1},"end":{"Year":2027,"Month":6,"Day":30}}`)}
	if err := dst.ApplyRemote(ctx, "sync", []Change{bad, good}, 999); err != nil {
		t.Fatalf("a refused change blocked its batch: %v", err)
	}
	if c, _ := dst.PullCursor(ctx); c != 999 {
		t.Errorf("cursor = %d; want 999", c)
	}
	if _, err := dst.Period(ctx, "2027-H1"); err != nil {
		t.Errorf("the good change of the batch was not applied: %v", err)
	}
	if n := count(t, dst, `SELECT count(*) FROM managers WHERE id = 'x'`); n != 0 {
		t.Errorf("the invalid manager was applied")
	}
	if n := count(t, dst, `SELECT count(*) FROM audit WHERE action = 'sync.refused' AND row_id = 'x'`); n != 1 {
		t.Errorf("the refusal was not audited")
	}
}

// TestEveryEntityHasAnApplier: the registry is the one list of synced kinds;
// the local writes must cover exactly it.
func TestEveryEntityHasAnApplier(t *testing.T) {
	names := map[string]bool{}
	for _, e := range kaohe.Entities() {
		names[e.Name] = true
		if appliers[e.Name] == nil {
			t.Errorf("entity %q has no applier in internal/store/apply.go", e.Name)
		}
	}
	for n := range appliers {
		if !names[n] {
			t.Errorf("applier %q is for no entity of the registry", n)
		}
	}
}

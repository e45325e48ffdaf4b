package store

import (
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
)

// TestFigureEnteredAgainFoldsIntoHQsRow: after a restore, before the
// recovery from HQ ran, a month's actual is entered again under a new id;
// when HQ's row for that month arrives, the entry becomes an edit of HQ's
// row (the value entered last kept, one row, one queued change with a
// counter above HQ's). An entry HQ may have seen (numbered for a push whose
// answer was lost) is never folded: HQ's row waits, both are kept.
func TestFigureEnteredAgainFoldsIntoHQsRow(t *testing.T) {
	setup := func(t *testing.T) (*Store, kaohe.Manager, kaohe.Actual, Change) {
		s := newStore(t)
		var m kaohe.Manager
		if err := s.Update(ctx, "t", func(tx *Tx) (err error) {
			m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "R001", Name: "李娜", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 2))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sent, _ := s.PendingChanges(ctx, 100)
		var out []Outcome
		for _, c := range sent {
			out = append(out, Outcome{ChangeID: c.ID})
		}
		if err := s.MarkPushed(ctx, out); err != nil {
			t.Fatal(err)
		}
		var again kaohe.Actual
		if err := s.Update(ctx, "t", func(tx *Tx) (err error) {
			again, err = tx.SetActual(m.ID, kaohe.MetricSales, 2026, 3, 135000)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		hqRow := kaohe.Actual{ID: NewID(), ManagerID: m.ID, Metric: kaohe.MetricSales, Year: 2026, Month: 3, Value: 120000}
		p, _ := json.Marshal(hqRow)
		return s, m, again, Change{ID: NewID(), Entity: kaohe.EntActual, RowID: hqRow.ID, Op: OpUpsert, Payload: p, Version: 2}
	}
	march := func(t *testing.T, s *Store, m kaohe.Manager) int64 {
		_, actuals, err := s.Figures(ctx, m.ID, kaohe.MetricSales, 2026)
		if err != nil {
			t.Fatal(err)
		}
		return actuals[2]
	}

	t.Run("unsent entry folds", func(t *testing.T) {
		s, m, again, hqc := setup(t)
		if err := s.ApplyRecovered(ctx, []Change{hqc}); err != nil {
			t.Fatal(err)
		}
		if v := march(t, s, m); v != 135000 {
			t.Errorf("March = %d; want the value entered last, 135000", v)
		}
		pending, _ := s.PendingChanges(ctx, 100)
		if len(pending) != 1 || pending[0].RowID != hqc.RowID || pending[0].Version != 3 {
			t.Fatalf("queued = %+v; want one change of HQ's row %s at version 3", pending, hqc.RowID)
		}
		var a kaohe.Actual
		if err := kaohe.DecodeStrict(pending[0].Payload, &a); err != nil || a.ID != hqc.RowID || a.Value != 135000 {
			t.Errorf("queued payload %s (%v); want HQ's row with 135000", pending[0].Payload, err)
		}
		if n, _ := s.PendingRemote(ctx); n != 0 {
			t.Errorf("%d pulled changes waiting; want none", n)
		}
		states, _ := s.RowStates(ctx)
		if _, ok := states[kaohe.EntActual+"/"+again.ID]; ok {
			t.Errorf("the folded entry %s still has a state", again.ID)
		}
		if au, _ := s.Audit(ctx, kaohe.EntActual, again.ID, 10); len(au) == 0 || au[0].Action != "sync.merged" {
			t.Errorf("audit of the folded entry = %+v; want sync.merged first", au)
		}
		// HQ's state arriving again changes nothing: the edit is newer.
		if err := s.ApplyRemote(ctx, "sync", []Change{hqc}, 0); err != nil {
			t.Fatal(err)
		}
		if v := march(t, s, m); v != 135000 {
			t.Errorf("after a replay March = %d; want 135000", v)
		}
	})

	t.Run("entry HQ may have seen is kept", func(t *testing.T) {
		s, m, again, hqc := setup(t)
		if err := s.NumberPending(ctx); err != nil { // a push whose answer was lost
			t.Fatal(err)
		}
		if err := s.ApplyRecovered(ctx, []Change{hqc}); err != nil {
			t.Fatal(err)
		}
		if v := march(t, s, m); v != 135000 {
			t.Errorf("March = %d; want the entry kept, 135000", v)
		}
		pending, _ := s.PendingChanges(ctx, 100)
		if len(pending) != 1 || pending[0].RowID != again.ID {
			t.Errorf("queued = %+v; want the entry's own change", pending)
		}
		if n, _ := s.PendingRemote(ctx); n != 1 {
			t.Errorf("%d pulled changes waiting; want HQ's row waiting", n)
		}
	})
}

// TestPulledRowNeverTakesWhatHQHasSeen: a row HQ has accepted and that was
// edited here since (one unsent change) is not a twin: a pulled row with its
// natural key waits and the entry is kept; a pulled row of another manager
// never takes this manager's entry.
func TestPulledRowNeverTakesWhatHQHasSeen(t *testing.T) {
	s := newStore(t)
	var m kaohe.Manager
	var entry kaohe.Actual
	if err := s.Update(ctx, "t", func(tx *Tx) (err error) {
		if m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "R001", Name: "李娜", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 2)); err != nil {
			return err
		}
		entry, err = tx.SetActual(m.ID, kaohe.MetricSales, 2026, 3, 100000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sent, _ := s.PendingChanges(ctx, 100)
	var out []Outcome
	for _, c := range sent {
		out = append(out, Outcome{ChangeID: c.ID})
	}
	if err := s.MarkPushed(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "t", func(tx *Tx) (err error) {
		_, err = tx.SetActual(m.ID, kaohe.MetricSales, 2026, 3, 135000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	other := kaohe.Actual{ID: NewID(), ManagerID: NewID(), Metric: kaohe.MetricSales, Year: 2026, Month: 3, Value: 1}
	same := kaohe.Actual{ID: NewID(), ManagerID: m.ID, Metric: kaohe.MetricSales, Year: 2026, Month: 3, Value: 1}
	for _, a := range []kaohe.Actual{other, same} {
		p, _ := json.Marshal(a)
		if err := s.ApplyRemote(ctx, "sync", []Change{{ID: NewID(), Entity: kaohe.EntActual, RowID: a.ID, Op: OpUpsert, Payload: p, Version: 2}}, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, actuals, err := s.Figures(ctx, m.ID, kaohe.MetricSales, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if actuals[2] != 135000 {
		t.Errorf("March = %d; want the entry HQ has seen, edited here, 135000", actuals[2])
	}
	states, _ := s.RowStates(ctx)
	if _, ok := states[kaohe.EntActual+"/"+entry.ID]; !ok {
		t.Errorf("the entry %s HQ has seen lost its state", entry.ID)
	}
	pending, _ := s.PendingChanges(ctx, 100)
	if len(pending) != 1 || pending[0].RowID != entry.ID {
		t.Errorf("queued = %+v; want the entry's edit", pending)
	}
}

// TestPulledTwinOfASettledRowIsKept: HQ sends two targets of one manager,
// metric and year (an older HQ stored both; HQ keeps them): the second is
// kept here as the first one's twin instead of waiting for good; the app's
// figures read the first; setting the target again changes the first, no
// third row; once HQ deletes the first, the target set again changes the
// twin, still one row for the key.
func TestPulledTwinOfASettledRowIsKept(t *testing.T) {
	s := newStore(t)
	var m kaohe.Manager
	if err := s.Update(ctx, "t", func(tx *Tx) (err error) {
		m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "R001", Name: "李娜", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 2))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	target := func(id string, annual int64) (kaohe.Target, Change) {
		tg := kaohe.Target{ID: id, ManagerID: m.ID, Metric: kaohe.MetricSales, Year: 2026, Annual: annual}
		tg.Months, _ = kaohe.SplitAnnual(annual, nil)
		p, _ := json.Marshal(tg)
		return tg, Change{ID: NewID(), Entity: kaohe.EntTarget, RowID: id, Op: OpUpsert, Payload: p, Version: 1}
	}
	_, first := target("tg1", 1200)
	_, second := target("tg2", 2400)
	if err := s.ApplyRemote(ctx, "sync", []Change{first, second}, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingRemote(ctx); n != 0 {
		t.Errorf("%d pulled changes wait; want both targets kept", n)
	}
	rows := func() string {
		var out string
		if err := s.r.QueryRowContext(ctx, `SELECT group_concat(id || ':' || annual || ':' || twin, ' ') FROM (SELECT * FROM targets WHERE deleted_at IS NULL ORDER BY id)`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := rows(); got != "tg1:1200: tg2:2400:tg2" {
		t.Errorf("targets %s; want tg1 the key's row and tg2 its twin", got)
	}
	if tg, _ := s.Target(ctx, m.ID, kaohe.MetricSales, 2026); tg.ID != "tg1" {
		t.Errorf("the app reads target %s; want the key's row tg1", tg.ID)
	}
	set := func(annual int64) kaohe.Target {
		var tg kaohe.Target
		if err := s.Update(ctx, "t", func(tx *Tx) (err error) {
			tg, err = tx.SetTarget(m.ID, kaohe.MetricSales, 2026, annual, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return tg
	}
	if tg := set(3600); tg.ID != "tg1" || rows() != "tg1:3600: tg2:2400:tg2" {
		t.Errorf("set again: %s, targets %s", tg.ID, rows())
	}
	del := first
	del.ID, del.Op, del.Version = NewID(), OpDelete, 5
	if err := s.ApplyRemote(ctx, "sync", []Change{del}, 0); err != nil {
		t.Fatal(err)
	}
	if tg := set(4800); tg.ID != "tg2" || rows() != "tg2:4800:tg2" {
		t.Errorf("after HQ deleted tg1, set again: %s, targets %s", tg.ID, rows())
	}
}

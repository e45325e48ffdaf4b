package server

import (
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestManagerWithHistoryStaysAtHQ: a showroom deletes at HQ a manager who
// has a history — mA2 granted level 2 with a certificate, mA1 with an
// application, assessments and attendance — as its own store never would
// (kaohe.CheckDelete: someone who worked here is marked 离职): refused with
// err.manager_has_history, nothing of it stored, the manager live at HQ
// and the review group still able to read her. A manager entered by
// mistake (only her first level) may be deleted.
func TestManagerWithHistoryStaysAtHQ(t *testing.T) {
	w := newWorld(t)
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntAttendance,
		kaohe.Attendance{ID: "atDel", TrainingID: "tA", ManagerID: "mA1", Result: kaohe.AttendPassed})})
	before := w.stored()
	for _, m := range []kaohe.Manager{w.mA2, w.mA1} {
		del := w.change(kaohe.EntManager, m)
		del.Op = "delete"
		w.expectCode(w.tokenA, del, "err.manager_has_history")
	}
	if after := w.stored(); after != before {
		t.Errorf("a refused delete changed HQ:\n%s\nwant\n%s", after, before)
	}
	var live int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'manager' AND row_id IN ('mA1', 'mA2') AND deleted = 0`, &live)
	if live != 2 {
		t.Errorf("%d of mA1, mA2 live at HQ", live)
	}

	// Only attendance: still a history.
	m := kaohe.Manager{ID: "mA6", ShowroomID: w.idA, EmployeeNo: "A006", Name: "郑好", Education: kaohe.EduCollege,
		HireDate: kaohe.D(2026, 5, 1), Status: kaohe.StatusActive}
	lc := kaohe.LevelChange{ID: "lc-mA6", ManagerID: "mA6", To: kaohe.Level1, Date: m.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, m), w.change(kaohe.EntLevelAssignment, lc),
		w.change(kaohe.EntAttendance, kaohe.Attendance{ID: "at-mA6", TrainingID: "tA", ManagerID: "mA6", Result: kaohe.AttendPassed})})
	del := w.change(kaohe.EntManager, m)
	del.Op = "delete"
	w.expectCode(w.tokenA, del, "err.manager_has_history")
	// Only a monthly figure: a history as well (kaohe.HistoryKinds).
	m.ID, m.EmployeeNo = "mA8", "A008"
	lc.ID, lc.ManagerID = "lc-mA8", "mA8"
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, m), w.change(kaohe.EntLevelAssignment, lc),
		w.change(kaohe.EntActual, kaohe.Actual{ID: "ac-mA8", ManagerID: "mA8", Metric: kaohe.MetricSales, Year: 2026, Month: 5, Value: 86000})})
	del = w.change(kaohe.EntManager, m)
	del.Op = "delete"
	w.expectCode(w.tokenA, del, "err.manager_has_history")
	// Entered by mistake: her first level only.
	m.ID, m.EmployeeNo = "mA7", "A007"
	lc.ID, lc.ManagerID = "lc-mA7", "mA7"
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, m), w.change(kaohe.EntLevelAssignment, lc)})
	del = w.change(kaohe.EntManager, m)
	del.Op = "delete"
	w.mustApply(w.tokenA, []protocol.Change{del})
	w.query(`SELECT count(*) FROM rows WHERE entity = 'manager' AND row_id = 'mA7' AND deleted = 1`, &live)
	if live != 1 {
		t.Error("a manager entered by mistake was not deleted")
	}
}

// TestMovedRowCountsForItsNewManager: a target moved under its id from one
// new hire to another counts in the history of the manager it names now,
// so she cannot be deleted from under it (and the one it left can).
func TestMovedRowCountsForItsNewManager(t *testing.T) {
	w := newWorld(t)
	hire := func(id, no string) []protocol.Change {
		m := kaohe.Manager{ID: id, ShowroomID: w.idA, EmployeeNo: no, Name: "新人" + no, Education: kaohe.EduCollege,
			HireDate: kaohe.D(2026, 5, 1), Status: kaohe.StatusActive}
		lc := kaohe.LevelChange{ID: "lc-" + id, ManagerID: id, To: kaohe.Level1, Date: m.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"}
		return []protocol.Change{w.change(kaohe.EntManager, m), w.change(kaohe.EntLevelAssignment, lc)}
	}
	w.mustApply(w.tokenA, append(hire("mX", "X001"), hire("mY", "Y001")...))
	tg := kaohe.Target{ID: "tgMove", ManagerID: "mX", Metric: kaohe.MetricSales, Year: 2026, Annual: 1200, Months: mustSplit(1200)}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntTarget, tg)})
	tg.ManagerID = "mY"
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntTarget, tg)})
	var parent string
	w.query(`SELECT parent FROM rows WHERE entity = 'target' AND row_id = 'tgMove'`, &parent)
	if parent != "mY" {
		t.Errorf("the moved target's parent at HQ: %q; want mY", parent)
	}
	var y kaohe.Manager
	w.payloadOf(kaohe.EntManager, "mY", &y)
	del := w.change(kaohe.EntManager, y)
	del.Op = "delete"
	w.expectCode(w.tokenA, del, "err.manager_has_history")
	var x kaohe.Manager
	w.payloadOf(kaohe.EntManager, "mX", &x)
	del = w.change(kaohe.EntManager, x)
	del.Op = "delete"
	w.mustApply(w.tokenA, []protocol.Change{del})
}

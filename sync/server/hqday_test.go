package server

import (
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestHQDayIsThePolicysCalendar: HQ judges "today" by the company's
// calendar (China Standard Time), not by the zone its machine happens to
// run in. A kaohe-hq on a machine kept in UTC, at 07:30 in the showrooms'
// morning (23:30 UTC the evening before), must accept what an honest
// showroom records on its own today — a new hire and her first level, an
// assessment submitted the morning after its month ended — which it used
// to refuse for good (date in the future, period not ended: a refused
// change leaves the showroom's outbox). A day truly ahead, even of the
// showrooms' calendar, is still refused, and nothing of it is stored.
func TestHQDayIsThePolicysCalendar(t *testing.T) {
	w := newWorld(t)
	A := w.tokenA
	// 2026-06-01 07:30 in the showrooms (UTC+8); HQ's clock reads UTC.
	w.today = time.Date(2026, 5, 31, 23, 30, 0, 0, time.UTC)
	day := kaohe.D(2026, 6, 1)
	m := kaohe.Manager{ID: "mA3", ShowroomID: w.idA, EmployeeNo: "A003", Name: "周晴", Education: kaohe.EduCollege,
		HireDate: day, Status: kaohe.StatusActive}
	lc := kaohe.LevelChange{ID: "lc-mA3", ManagerID: "mA3", To: kaohe.Level1, Date: day, Reason: "入职定级", DecidedBy: "展厅经理"}
	may, err := kaohe.StandardPeriod(kaohe.PeriodMonth, 2026, 5)
	if err != nil {
		t.Fatal(err)
	}
	as := w.asA
	as.ID, as.PeriodID, as.SubmittedOn = "asMay", may.ID, day
	status, res, raw := w.send(A, []protocol.Change{
		w.change(kaohe.EntManager, m), w.change(kaohe.EntLevelAssignment, lc), w.change(kaohe.EntAssessment, as),
	})
	if status != 200 || len(res) != 3 {
		t.Fatalf("push: %d %s", status, raw)
	}
	for i, r := range res {
		if r.Status != protocol.Applied {
			t.Errorf("honest change %d dated the showrooms' today %s: %s %s", i, day, r.Status, r.Message)
		}
	}
	var n int
	w.query(`SELECT count(*) FROM rows WHERE deleted = 0 AND (entity, row_id) IN (VALUES ('manager', 'mA3'), ('level_assignment', 'lc-mA3'), ('assessment', 'asMay'))`, &n)
	if n != 3 {
		t.Errorf("HQ holds %d of the 3 rows", n)
	}

	// A day after the showrooms' today is the future everywhere they are.
	before := w.stored()
	ahead := m
	ahead.ID, ahead.EmployeeNo, ahead.HireDate = "mA4", "A004", day.AddDays(1)
	w.expectCode(A, w.change(kaohe.EntManager, ahead), "err.hire_in_future")
	if after := w.stored(); after != before {
		t.Errorf("a refused hire ahead of today changed HQ:\n%s\nwant\n%s", after, before)
	}
}

// expectCode pushes one change and wants it refused with the message key.
func (w *world) expectCode(token string, c protocol.Change, key string) {
	w.t.Helper()
	status, res, raw := w.send(token, []protocol.Change{c})
	if status != 200 || len(res) != 1 {
		w.t.Fatalf("push: %d %s", status, raw)
	}
	if r := res[0]; r.Status != protocol.Refused || !strings.Contains(r.Message, key) {
		w.t.Errorf("%s %s: %s %s; want refused %s", c.Entity, c.RowID, r.Status, r.Message, key)
	}
}

package server

import (
	"testing"

	"kaohe/sync/protocol"
)

// TestDishonestReviveOverAKeyReused: a showroom deletes a manager (no
// history), enters another with the same employee number, then sends the
// deleted one again as live (a higher version of its row): two live
// managers of one number would be at HQ. The revival is refused; the
// second manager stays, alone with the number.
func TestDishonestReviveOverAKeyReused(t *testing.T) {
	w := newWorld(t)
	f := w.fixture
	m1 := managerChange("m1", f.idA, "A901")
	m1.Version = 1
	del := m1
	del.ID, del.Op, del.Version = "del-m1", "delete", 2
	m2 := managerChange("m2", f.idA, "A901")
	m2.Version = 1
	back := m1
	back.ID, back.Version = "back-m1", 3
	for i, c := range []protocol.Change{m1, del, m2, back} {
		_, _, raw := f.post(protocol.PathPush, f.tokenA, push(c), true, v1)
		r := f.results(raw)
		want := protocol.Applied
		if i == 3 {
			want = protocol.Refused
		}
		if len(r) != 1 || r[0].Status != want {
			t.Fatalf("change %d (%s %s v%d): %s; want %s", i, c.Op, c.RowID, c.Version, raw, want)
		}
	}
	var live int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'manager' AND deleted = 0 AND json_extract(payload, '$.employee_no') = 'A901'`, &live)
	if live != 1 {
		t.Errorf("%d live managers; want 1", live)
	}
}

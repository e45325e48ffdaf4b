package hq

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestReplayIsDuplicate: a change HQ has logged is answered duplicate and
// changes nothing, however it comes back — the same batch again, a batch
// cut and sent again whole, sent again after its row changed or was
// deleted, and even under its id naming another row (which HQ's prefetch
// does not ask about: only changes whose row is stored are) — while a
// change HQ has not logged is judged as ever.
func TestReplayIsDuplicate(t *testing.T) {
	ctx := context.Background()
	s, cred, _ := enrolledShowroom(t)
	manager := func(cid, id, no, name string, v int64) protocol.Change {
		return managerVersion(cred, cid, id, no, name, v)
	}
	actual := actualChange
	stored := func() string {
		t.Helper()
		var n int
		var sum string
		if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM changes),
			(SELECT group_concat(entity || '/' || row_id || '/' || change_id || '/' || version || '/' || deleted, ' ') FROM rows)`).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(n, sum)
	}
	push := func(name string, batch []protocol.Change, want ...string) {
		t.Helper()
		res, err := s.Push(ctx, cred, batch)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, r := range res {
			if r.ID != batch[i].ID || r.Status != want[i] {
				t.Errorf("%s: change %d (%s): %s %s %s; want %s", name, i, batch[i].ID, r.Status, r.Code, r.Message, want[i])
			}
		}
	}
	const A, D, R = protocol.Applied, protocol.Duplicate, protocol.Refused

	first := []protocol.Change{manager("c1", "m1", "D001", "董喆", 1), actual("c2", "a1", "m1", 1), actual("c3", "a2", "m1", 2)}
	push("first", first, A, A, A)
	before := stored()
	push("the same batch again", first, D, D, D)
	push("reversed, and twice in one batch", []protocol.Change{first[2], first[1], first[0], first[0]}, D, D, D, D)
	if stored() != before {
		t.Fatalf("a replay changed what HQ stores:\n%s\n%s", before, stored())
	}

	// A batch cut: its first part applied, then the whole sent again.
	cut := []protocol.Change{actual("c4", "a3", "m1", 3), actual("c5", "a4", "m1", 4), actual("c6", "a5", "m1", 5)}
	push("cut", cut[:1], A)
	push("cut, sent again whole", cut, D, A, A)

	// The row changed since, then was deleted: the first change is still
	// what it was, a duplicate, not a change to a deleted row.
	push("m1 renamed", []protocol.Change{manager("c7", "m1", "D001", "董喆喆", 2)}, A)
	push("resent after its row changed", first[:1], D)
	m2 := manager("c8", "m2", "D002", "李娜", 1)
	push("m2", []protocol.Change{m2}, A)
	del := m2
	del.ID, del.Op, del.Version = "c9", "delete", 2
	push("m2 deleted", []protocol.Change{del}, A)
	before = stored()
	push("resent after its row was deleted", []protocol.Change{m2, del}, D, D)

	// A logged change's id naming a row HQ does not hold: a duplicate,
	// whether it would pass (its log entry says so) or be refused (no
	// such manager).
	push("a logged id on another row", []protocol.Change{actual("c2", "a9", "m1", 9), actual("c3", "a10", "nobody", 10)}, D, D)
	if stored() != before {
		t.Fatalf("a replay changed what HQ stores:\n%s\n%s", before, stored())
	}

	// Changes HQ has not logged are judged: a reference to no manager is
	// refused, a second actual of the same month too, a new one applied.
	push("new", []protocol.Change{actual("c10", "a11", "nobody", 1), actual("c11", "a12", "m1", 1), actual("c12", "a13", "m1", 12)}, R, R, A)
}

// managerVersion is a showroom's upsert of a manager (version v) under
// change id cid.
func managerVersion(cred Credential, cid, id, no, name string, v int64) protocol.Change {
	p, _ := json.Marshal(kaohe.Manager{ID: id, ShowroomID: cred.ShowroomID, EmployeeNo: no, Name: name,
		Education: kaohe.EduCollege, Status: kaohe.StatusActive})
	return protocol.Change{ID: cid, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "x", Version: v}
}

// actualChange is a showroom's first upsert of a manager's actual for the
// first metric in a month of 2026, under change id cid.
func actualChange(cid, id, managerID string, month int) protocol.Change {
	p, _ := json.Marshal(kaohe.Actual{ID: id, ManagerID: managerID, Metric: kaohe.DefaultMetrics()[0].Code, Year: 2026, Month: month, Value: 7})
	return protocol.Change{ID: cid, Entity: kaohe.EntActual, RowID: id, Op: "upsert", Payload: p, At: "x", Version: 1}
}

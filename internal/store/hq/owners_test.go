package hq

import (
	"context"
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestBatchRefersToRowsItWrites: a row a batch stores is the showroom's to
// refer to in the rest of the batch — an actual of a manager the batch
// brings is stored under her showroom — until the batch deletes it (a
// manager with no history yet): then a row referring to it is refused, as
// one referring to no row.
func TestBatchRefersToRowsItWrites(t *testing.T) {
	ctx := context.Background()
	s, cred, _ := enrolledShowroom(t)
	mp, _ := json.Marshal(kaohe.Manager{ID: "m1", ShowroomID: cred.ShowroomID, EmployeeNo: "D001", Name: "董喆",
		Education: kaohe.EduCollege, Status: kaohe.StatusActive})
	metric := kaohe.DefaultMetrics()[0].Code
	mp2, _ := json.Marshal(kaohe.Manager{ID: "m2", ShowroomID: cred.ShowroomID, EmployeeNo: "D002", Name: "李娜",
		Education: kaohe.EduCollege, Status: kaohe.StatusActive})
	actual := func(cid, id, manager string, month int) protocol.Change {
		p, _ := json.Marshal(kaohe.Actual{ID: id, ManagerID: manager, Metric: metric, Year: 2026, Month: month, Value: 7})
		return protocol.Change{ID: cid, Entity: kaohe.EntActual, RowID: id, Op: "upsert", Payload: p, At: "x", Version: 1}
	}
	batch := []protocol.Change{
		{ID: "c1", Entity: kaohe.EntManager, RowID: "m1", Op: "upsert", Payload: mp, At: "x", Version: 1},
		actual("c2", "a1", "m1", 1),
		{ID: "c3", Entity: kaohe.EntManager, RowID: "m2", Op: "upsert", Payload: mp2, At: "x", Version: 1},
		{ID: "c4", Entity: kaohe.EntManager, RowID: "m2", Op: "delete", Payload: mp2, At: "x", Version: 2},
		actual("c5", "a2", "m2", 2),
	}
	res, err := s.Push(ctx, cred, batch)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{protocol.Applied, protocol.Applied, protocol.Applied, protocol.Applied, protocol.Refused}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("change %d (%s): %s %s %s; want %s", i, r.ID, r.Status, r.Code, r.Message, want[i])
		}
	}
	var sr string
	if err := s.db.QueryRowContext(ctx, `SELECT showroom_id FROM rows WHERE entity = 'actual' AND row_id = 'a1'`).Scan(&sr); err != nil || sr != cred.ShowroomID {
		t.Errorf("a1 stored under %q (%v); want %q", sr, err, cred.ShowroomID)
	}
}

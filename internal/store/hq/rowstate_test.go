package hq

import (
	"context"
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestReorderedChangesKeepTheNewerRow: a retried older write of a row that
// arrives after a newer one is logged, but the row HQ checks against keeps
// the newer state, by the row's counter; the newer was written with the
// clock a year behind (the lower UUIDv7), which decides nothing.
func TestReorderedChangesKeepTheNewerRow(t *testing.T) {
	ctx := context.Background()
	s, cred, _ := enrolledShowroom(t)
	change := func(id, phone string, version int64) protocol.Change {
		m := kaohe.Manager{ID: "m1", ShowroomID: cred.ShowroomID, EmployeeNo: "D001", Name: "张喆", Phone: phone, Education: kaohe.EduCollege, Status: kaohe.StatusActive}
		p, _ := json.Marshal(m)
		return protocol.Change{ID: id, Entity: kaohe.EntManager, RowID: "m1", Op: "upsert", Payload: p, At: "2026-11-27T00:00:00Z", Version: version}
	}
	newer := change("01900000-0000-7000-8000-000000000002", "13900000002", 2)
	older := change("019b0000-0000-7000-8000-000000000001", "13900000001", 1)
	for _, c := range []protocol.Change{newer, older} {
		res, err := s.Push(ctx, cred, []protocol.Change{c})
		if err != nil || res[0].Status != protocol.Applied {
			t.Fatalf("push %s: %+v %v", c.ID, res, err)
		}
	}
	var payload string
	if err := s.db.QueryRowContext(ctx, `SELECT payload FROM rows WHERE entity = ? AND row_id = ?`, kaohe.EntManager, "m1").Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var m kaohe.Manager
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		t.Fatal(err)
	}
	if m.Phone != "13900000002" {
		t.Errorf("HQ's m1 has phone %q; want the newer 13900000002", m.Phone)
	}
}

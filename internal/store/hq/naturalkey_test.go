package hq

import (
	"context"
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestEmployeeNumberKeyIgnoresCase: an HQ whose managers' keys were stored
// as written (before migration 5: the schema 4 fixture's m1 "D001") refuses,
// once migrated, a second manager whose number differs from one it holds
// only in case, as the app does.
func TestEmployeeNumberKeyIgnoresCase(t *testing.T) {
	ctx := context.Background()
	path, db, token := stagedAt(t, 4)
	var sr string
	if err := db.QueryRow(`SELECT showroom_id FROM rows WHERE entity = 'manager' AND row_id = 'm1'`).Scan(&sr); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cred, err := s.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	push := func(id, no string) protocol.Result {
		t.Helper()
		m := kaohe.Manager{ID: id, ShowroomID: sr, EmployeeNo: no, Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive}
		p, _ := json.Marshal(m)
		res, err := s.Push(ctx, cred, []protocol.Change{{ID: "c-" + id, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	var key string
	if err := s.db.QueryRowContext(ctx, `SELECT natural_key FROM rows WHERE entity = 'manager' AND row_id = 'm1'`).Scan(&key); err != nil || key != "manager\x00"+sr+"\x00d001" {
		t.Errorf("migrated key %q, %v", key, err)
	}
	for _, no := range []string{"d001", "D001"} {
		if r := push("m-"+no, no); r.Status != protocol.Refused || r.Code != kaohe.ECONFLICT {
			t.Errorf("a second manager numbered %q: %+v", no, r)
		}
	}
	var n int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM rows WHERE entity = 'manager' AND row_id LIKE 'm-%'`).Scan(&n)
	if n != 0 {
		t.Errorf("HQ holds %d new managers; want none", n)
	}
}

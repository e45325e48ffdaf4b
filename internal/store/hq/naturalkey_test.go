package hq

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestEmployeeNumberKeyIgnoresCase: an HQ whose managers' keys were stored
// as written (before migration 5) refuses, once migrated, a second manager
// whose number differs from one it holds only in case, as the app does.
func TestEmployeeNumberKeyIgnoresCase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sr, _, err := s.AddShowroom(ctx, "SH01", "上海展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	cred := Credential{ID: "c1", Kind: KindShowroom, ShowroomID: sr.ID}
	push := func(id, no string) protocol.Result {
		t.Helper()
		m := kaohe.Manager{ID: id, ShowroomID: sr.ID, EmployeeNo: no, Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive}
		p, _ := json.Marshal(m)
		res, err := s.Push(ctx, cred, []protocol.Change{{ID: "c-" + id, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	if r := push("m1", "D001"); r.Status != protocol.Applied {
		t.Fatalf("first manager: %+v", r)
	}
	// As an older HQ stored it: the number as written, then migration 5.
	if _, err := s.db.ExecContext(ctx, `UPDATE rows SET natural_key = 'manager' || char(0) || ? || char(0) || 'D001' WHERE entity = 'manager'`, sr.ID); err != nil {
		t.Fatal(err)
	}
	rerun(t, s, "0005_employee_no_key.sql")
	defer s.Close()
	var key string
	if err := s.db.QueryRowContext(ctx, `SELECT natural_key FROM rows WHERE entity = 'manager'`).Scan(&key); err != nil || key != "manager\x00"+sr.ID+"\x00d001" {
		t.Errorf("migrated key %q, %v", key, err)
	}
	for _, no := range []string{"d001", "D001"} {
		if r := push("m-"+no, no); r.Status != protocol.Refused || r.Code != kaohe.ECONFLICT {
			t.Errorf("a second manager numbered %q: %+v", no, r)
		}
	}
	var n int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM rows WHERE entity = 'manager'`).Scan(&n)
	if n != 1 {
		t.Errorf("HQ holds %d managers; want 1", n)
	}
}

package hq

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestReplicaNumbersKept: the numbers of a replica's sequence a batch
// carries are kept with their changes whether they run on (the written
// form of a run) or not, and a number kept is a copy's when it comes back
// with another change.
func TestReplicaNumbersKept(t *testing.T) {
	ctx := context.Background()
	s, cred, _ := enrolledShowroom(t)
	metric := kaohe.DefaultMetrics()[0].Code
	actual := func(n int64) protocol.Change {
		id := fmt.Sprintf("a%d", n)
		p, _ := json.Marshal(kaohe.Actual{ID: id, ManagerID: "m1", Metric: metric, Year: 2026, Month: 1 + int(n%12), Value: 7})
		return protocol.Change{ID: fmt.Sprintf("c%d", n), Entity: kaohe.EntActual, RowID: id, Op: "upsert", Payload: p, At: "x", Version: 1, RSeq: n}
	}
	mp, _ := json.Marshal(kaohe.Manager{ID: "m1", ShowroomID: cred.ShowroomID, EmployeeNo: "D001", Name: "董喆",
		Education: kaohe.EduCollege, Status: kaohe.StatusActive})
	run := []protocol.Change{{ID: "c1", Entity: kaohe.EntManager, RowID: "m1", Op: "upsert", Payload: mp, At: "x", Version: 1, RSeq: 1},
		actual(2), actual(3)}
	for _, batch := range [][]protocol.Change{run, {actual(5), actual(8), actual(7)}} {
		res, err := s.PushFrom(ctx, cred, cred.ID, batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Status != protocol.Applied {
				t.Fatalf("%s: %s %s", r.ID, r.Status, r.Message)
			}
		}
	}
	var kept string
	if err := s.db.QueryRowContext(ctx, `SELECT group_concat(rseq || '=' || change_id, ' ') FROM (SELECT * FROM replica_seen WHERE credential = ? ORDER BY rseq)`, cred.ID).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if want := "1=c1 2=c2 3=c3 5=c5 7=c7 8=c8"; kept != want {
		t.Errorf("kept %q; want %q", kept, want)
	}
	copied := actual(9)
	copied.RSeq = 3
	if _, err := s.PushFrom(ctx, cred, cred.ID, []protocol.Change{copied}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("a kept number with another change: %v; want a copy's refusal", err)
	}
}

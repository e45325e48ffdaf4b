package hq

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestReplicaRunsAtTheirEdges: numbers that straddle the runs HQ holds
// (a replay of a run's last number beside new ones, a run's first number
// replayed after a gap) are noted as new runs beside the old; the same
// number twice in one batch for two changes, and after a restart a number
// HQ holds for another change, refuse the batch whole with nothing
// written; zero and negative numbers are not noted, the largest is.
func TestReplicaRunsAtTheirEdges(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	cred, _ := enrollSH01(t, s)
	metric := kaohe.DefaultMetrics()[0].Code
	actual := func(n string, rseq int64, month int) protocol.Change {
		id := "a" + n
		p, _ := json.Marshal(kaohe.Actual{ID: id, ManagerID: "m1", Metric: metric, Year: 2026, Month: month, Value: 7})
		return protocol.Change{ID: "c" + n, Entity: kaohe.EntActual, RowID: id, Op: "upsert", Payload: p, At: "x", Version: 1, RSeq: rseq}
	}
	mp, _ := json.Marshal(kaohe.Manager{ID: "m1", ShowroomID: cred.ShowroomID, EmployeeNo: "D001", Name: "董喆",
		Education: kaohe.EduCollege, Status: kaohe.StatusActive})
	manager := protocol.Change{ID: "c1", Entity: kaohe.EntManager, RowID: "m1", Op: "upsert", Payload: mp, At: "x", Version: 1, RSeq: 1}
	push := func(batch []protocol.Change, want string) {
		t.Helper()
		res, err := s.PushFrom(ctx, cred, cred.ID, batch)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, r := range res {
			got += string(r.Status)[:1]
		}
		if got != want {
			t.Fatalf("statuses %q; want %q (%v)", got, want, res)
		}
	}
	var before int // HQ's own changes (its seed), logged at Open
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM changes`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	stored := func() string {
		t.Helper()
		var kept, runs string
		var changes int
		if err := s.db.QueryRowContext(ctx, `SELECT coalesce(group_concat(rseq || '=' || change_id, ' '), '') FROM (SELECT * FROM replica_seen WHERE credential = ? ORDER BY rseq)`, cred.ID).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, `SELECT coalesce(group_concat(first || '-' || last, ' '), '') FROM (SELECT * FROM replica_runs WHERE credential = ? ORDER BY last)`, cred.ID).Scan(&runs); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM changes`).Scan(&changes); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s | %s | %d", kept, runs, changes-before)
	}
	a2, a3 := actual("2", 2, 1), actual("3", 3, 2)
	a10, a11, a12 := actual("10", 10, 3), actual("11", 11, 4), actual("12", 12, 5)
	push([]protocol.Change{manager, a2, a3}, "aaa")
	push([]protocol.Change{a10, a11, a12}, "aaa")
	// From run 1-3's last number on, and from run 10-12's first number back.
	push([]protocol.Change{a3, actual("4", 4, 6), actual("5", 5, 7), actual("9", 9, 8), a10}, "daaad")
	want := "1=c1 2=c2 3=c3 4=c4 5=c5 9=c9 10=c10 11=c11 12=c12 | 1-3 4-5 9-9 10-12 | 9"
	if got := stored(); got != want {
		t.Fatalf("stored %q; want %q", got, want)
	}
	// One number, two changes, in one batch: a copy's batch.
	if _, err := s.PushFrom(ctx, cred, cred.ID, []protocol.Change{actual("20", 20, 9), actual("21", 20, 10)}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("one number for two changes in a batch: %v; want a copy's refusal", err)
	}
	if got := stored(); got != want {
		t.Fatalf("after the copy's batch, stored %q; want %q", got, want)
	}
	push([]protocol.Change{actual("z", 0, 9), actual("n", -5, 10), actual("max", math.MaxInt64, 11), actual("max1", math.MaxInt64-1, 12)}, "aaaa")
	want = fmt.Sprintf("1=c1 2=c2 3=c3 4=c4 5=c5 9=c9 10=c10 11=c11 12=c12 %d=cmax1 %d=cmax | 1-3 4-5 9-9 10-12 %d-%d | 13",
		int64(math.MaxInt64-1), int64(math.MaxInt64), int64(math.MaxInt64-1), int64(math.MaxInt64))
	if got := stored(); got != want {
		t.Fatalf("stored %q; want %q", got, want)
	}
	if n, err := s.ReplicaSeq(ctx, cred); err != nil || n != math.MaxInt64 {
		t.Errorf("ReplicaSeq %d, %v; want the largest number", n, err)
	}

	// HQ restarts; a copy sends a new change under a number of a run's middle.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	copied := actual("30", 11, 9)
	if _, err := s.PushFrom(ctx, cred, cred.ID, []protocol.Change{actual("31", 13, 10), copied}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("after a restart, a kept number with another change: %v; want a copy's refusal", err)
	}
	if got := stored(); got != want {
		t.Fatalf("after a restart and a copy's batch, stored %q; want %q", got, want)
	}
	// The replays of the numbers as they were are still duplicates.
	push([]protocol.Change{a10, a11, a12, a2}, "dddd")
	if got := stored(); got != want {
		t.Fatalf("after replays, stored %q; want %q", got, want)
	}
}

package engine

import (
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/protocol"
)

// watchPushes logs every push request that passes the proxy.
func watchPushes(t *testing.T, h *hqServer) *pushLog {
	var l pushLog
	h.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == protocol.PathPush {
			l.seen(t, r)
		}
		return false
	})
	t.Cleanup(func() { h.setFault(nil) })
	return &l
}

// chained is the requests in the order they were sent, each but the first
// naming the last change of the one before (pipelined pushes, applied in
// order; two at HQ at once may reach the proxy either way round). It fails
// the test when they are no such chain.
func chained(t *testing.T, l *pushLog) []pushSeen {
	t.Helper()
	after := map[string]pushSeen{}
	for _, r := range l.requests {
		if _, twice := after[r.after]; twice {
			t.Fatalf("two requests come after %q", r.after)
		}
		after[r.after] = r
	}
	var out []pushSeen
	for prev := ""; len(out) < len(l.requests); {
		r, ok := after[prev]
		if !ok {
			t.Fatalf("no request comes after %q: %d of %d requests chained", prev, len(out), len(l.requests))
		}
		out = append(out, r)
		prev = r.last
	}
	return out
}

// TestPushRampsUpToItsBatch: a pass's first batch is a quarter of the
// batch size, the second half of it, then every batch is whole: HQ starts
// applying sooner than if it waited for a whole first batch. Every change
// reaches HQ once, in order.
func TestPushRampsUpToItsBatch(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	sr.engine.Batch = 40
	pending, _ := sr.store.PendingChanges(ctx, 100000)
	if len(pending) < 10*sr.engine.Batch {
		t.Fatalf("%d changes to send; want more batches", len(pending))
	}
	l := watchPushes(t, h)
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	total := 0
	sent := chained(t, l)
	for i, r := range sent {
		want := 40
		switch {
		case i == 0:
			want = 10
		case i == 1:
			want = 20
		case i == len(sent)-1:
			want = min(40, r.n) // the rest
		}
		if r.n != want {
			t.Errorf("request %d carried %d changes; want %d", i+1, r.n, want)
		}
		total += r.n
	}
	if total != len(pending) {
		t.Errorf("%d changes pushed; want %d", total, len(pending))
	}
	if n, _ := sr.store.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes left unsent", n)
	}
	loggedOnceInOrder(t, h, pending)
}

// TestLongRowsGoInSeveralRequests: a batch read of rows whose texts are
// long goes to HQ in requests of at most pushBudget bytes of payload (HQ
// refuses a body over protocol.MaxBodyBytes whole, and the outbox would
// never empty); a row longer than the budget goes alone. Every change
// reaches HQ once, in order, none refused.
func TestLongRowsGoInSeveralRequests(t *testing.T) {
	old := pushBudget
	pushBudget = 30_000
	t.Cleanup(func() { pushBudget = old })
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	err := sr.store.Update(ctx, "展厅经理", func(tx *store.Tx) error {
		for i, note := range []int{4000, 9000, 40_000, 100, 8000, 12_000, 7000, 6000, 31_000, 2000} {
			no := string(rune('A'+i)) + "01"
			if _, err := tx.CreateManager(kaohe.Manager{EmployeeNo: no, Name: "长备注" + no, Education: kaohe.EduCollege,
				HireDate: kaohe.D(2024, 3, 1), Note: strings.Repeat("备", note/3)}, kaohe.Level1, kaohe.Date{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := sr.store.PendingChanges(ctx, 100000)
	l := watchPushes(t, h)
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	total, alone := 0, 0
	for i, r := range chained(t, l) {
		total += r.n
		if r.payload > pushBudget {
			if r.n != 1 {
				t.Errorf("request %d carried %d bytes in %d changes; want at most %d, or one change", i+1, r.payload, r.n, pushBudget)
			}
			alone++
		}
	}
	if alone != 2 {
		t.Errorf("%d requests of one long row; want 2 (the two rows over the budget)", alone)
	}
	if total != len(pending) || len(l.requests) < 5 {
		t.Errorf("%d changes pushed in %d requests; want %d in several", total, len(l.requests), len(pending))
	}
	if n, _ := sr.store.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes left unsent", n)
	}
	if r, _ := sr.store.Refused(ctx); len(r) != 0 {
		t.Errorf("%d changes refused: %+v", len(r), r[0])
	}
	loggedOnceInOrder(t, h, pending)
}

package server

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kaohe/sync/protocol"
)

// TestPushAfterAnotherShowroomsChange: a batch naming, as the one it comes
// after, a change HQ holds from ANOTHER showroom is not put in order by it
// (a server just started, nothing of A's in flight, so HQ reads its log):
// 409 out_of_order, nothing stored. HQ answering it at once told A that B's
// change exists at HQ, and let A's batch past its own order.
func TestPushAfterAnotherShowroomsChange(t *testing.T) {
	defer func(g time.Duration) { orderGrace = g }(orderGrace)
	orderGrace = 100 * time.Millisecond
	f := setup(t)
	bs := managerChange("mb", f.idB, "B001")
	if _, _, raw := f.post(protocol.PathPush, f.tokenB, push(bs), true, v1); f.results(raw)[0].Status != protocol.Applied {
		t.Fatalf("B's push: %s", raw)
	}
	restarted := *f
	restarted.srv = httptest.NewServer((&Server{Store: f.store}).Handler())
	defer restarted.srv.Close()
	before := f.rows()
	status, e, raw := restarted.post(protocol.PathPush, f.tokenA, pushAfter(bs.ID, "", managerChange("m1", f.idA, "A001")), true, v1)
	if status != 409 || e.Code != protocol.CodeOutOfOrder {
		t.Fatalf("A after B's change: %d %s; want 409 out_of_order", status, raw)
	}
	if n := f.rows(); n != before {
		t.Errorf("rows %d -> %d", before, n)
	}
	// A's own change, answered before the restart, still puts it in order.
	a1 := managerChange("m1", f.idA, "A001")
	if _, _, raw := f.post(protocol.PathPush, f.tokenA, push(a1), true, v1); f.results(raw)[0].Status != protocol.Applied {
		t.Fatalf("A's push: %s", raw)
	}
	again := *f
	again.srv = httptest.NewServer((&Server{Store: f.store}).Handler())
	defer again.srv.Close()
	status, _, raw = again.post(protocol.PathPush, f.tokenA, pushAfter(a1.ID, "", managerChange("m2", f.idA, "A002")), true, v1)
	if status != 200 || !strings.Contains(string(raw), protocol.Applied) {
		t.Fatalf("A after its own change: %d %s", status, raw)
	}
}

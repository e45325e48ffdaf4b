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

// TestPushesWaitingForeverHoldOnlyTheirCredential: a showroom fills its
// four places at HQ with pushes whose 'after' never comes, one naming a
// change id of 4 MB. Meanwhile another showroom's push is applied at once,
// A's fifth push is refused (409 out_of_order) without being read, and once
// the waits run out all four are refused whole, nothing of them stored,
// and A's next push applies.
func TestPushesWaitingForeverHoldOnlyTheirCredential(t *testing.T) {
	defer func(w, g time.Duration) { orderWait, orderGrace = w, g }(orderWait, orderGrace)
	orderWait, orderGrace = 3*time.Second, 3*time.Second
	o := newOrderFixture(t)
	before := o.rows()
	// An "after" no writer makes (4 MB) is refused at once, holding nothing.
	if status, e, raw := o.post(protocol.PathPush, o.tokenA, pushAfter(strings.Repeat("x", 4<<20), "", managerChange("mw", o.idA, "W000")), true, v1); status != 400 || e.Key != "err.bad_id" {
		t.Errorf("a 4 MB after: %d %.200s; want 400 err.bad_id", status, raw)
	}
	var waiting []<-chan answer
	for i := range maxPending {
		after := "never-" + string(rune('a'+i))
		waiting = append(waiting, o.sendLater(pushAfter(after, "", managerChange("mw"+string(rune('a'+i)), o.idA, "W00"+string(rune('1'+i))))))
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		o.server.order.mu.Lock()
		n := o.server.order.creds[o.credA].inFlight
		o.server.order.mu.Unlock()
		if n == maxPending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of A's pushes at HQ", n)
		}
	}
	start := time.Now()
	_, _, raw := o.post(protocol.PathPush, o.tokenB, push(managerChange("mb", o.idB, "B001")), true, v1)
	if r := o.results(raw); len(r) != 1 || r[0].Status != protocol.Applied {
		t.Fatalf("B's push while A's wait: %s", raw)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("B's push took %v while A's pushes waited", d)
	}
	if status, e, raw := o.post(protocol.PathPush, o.tokenA, push(managerChange("m5", o.idA, "A005")), true, v1); status != 409 || e.Code != protocol.CodeOutOfOrder {
		t.Errorf("A's fifth push: %d %s; want 409 out_of_order", status, raw)
	}
	for i, w := range waiting {
		if a := <-w; a.status != 409 || a.err.Code != protocol.CodeOutOfOrder {
			t.Errorf("waiting push %d: %d %.200s", i, a.status, a.raw)
		}
	}
	if n := o.rows(); n != before+1 {
		t.Errorf("rows %d -> %d; want only B's", before, n)
	}
	_, _, raw = o.post(protocol.PathPush, o.tokenA, push(managerChange("m1", o.idA, "A001")), true, v1)
	if r := o.results(raw); len(r) != 1 || r[0].Status != protocol.Applied {
		t.Fatalf("A's push after the waits: %s", raw)
	}
}

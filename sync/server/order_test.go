package server

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// orderFixture is a fixture whose Server the test can look into.
type orderFixture struct {
	*fixture
	server *Server
	credA  string
}

func newOrderFixture(t *testing.T) *orderFixture {
	t.Helper()
	f := setup(t)
	o := &orderFixture{fixture: f, server: &Server{Store: f.store}}
	f.srv.Close()
	f.srv = httptest.NewServer(o.server.Handler())
	cred, err := f.store.Authenticate(ctx, f.tokenA)
	if err != nil {
		t.Fatal(err)
	}
	o.credA = cred.ID
	return o
}

func pushAfter(after, replica string, changes ...protocol.Change) []byte {
	b, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Replica: replica, After: after, Changes: changes})
	return b
}

type answer struct {
	status int
	err    protocol.Error
	raw    []byte
}

// sendLater posts in the background and returns once HQ holds the request
// (it is counted in flight for credential A).
func (o *orderFixture) sendLater(body []byte) <-chan answer {
	o.t.Helper()
	return o.sendLaterN(body, 1)
}

func target(id, manager string, annual int64) protocol.Change {
	return targetOf(id, manager, 2026, annual)
}

// targetOf is a target of another year: one target per manager, metric and
// year (its natural key).
func targetOf(id, manager string, year int, annual int64) protocol.Change {
	p, _ := json.Marshal(kaohe.Target{ID: id, ManagerID: manager, Metric: kaohe.MetricSales, Year: year, Annual: annual})
	return protocol.Change{ID: "c-" + id, Entity: kaohe.EntTarget, RowID: id, Op: "upsert", Payload: p, At: "2026-11-27T00:00:00Z"}
}

func (o *orderFixture) seqOf(changeID string) int64 {
	o.t.Helper()
	resp, err := o.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	if err != nil {
		o.t.Fatal(err)
	}
	for _, c := range resp.Changes {
		if c.ID == changeID {
			return c.Seq
		}
	}
	return 0
}

// TestPipelinedPushWaitsForTheBatchBefore: batch N+1 reaches HQ before
// batch N (it names N's last change as the one it comes after). HQ holds it
// until N is committed, then applies it: its target finds the manager N
// brought, and the log has N first. Without the wait the target would be
// refused for a missing manager.
func TestPipelinedPushWaitsForTheBatchBefore(t *testing.T) {
	o := newOrderFixture(t)
	first := managerChange("m1", o.idA, "A001")
	second := target("tg1", "m1", 12)
	later := o.sendLater(pushAfter(first.ID, "", second))
	time.Sleep(50 * time.Millisecond) // let it reach its wait
	status, _, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("", "", first), true, v1)
	if status != 200 || o.results(raw)[0].Status != protocol.Applied {
		t.Fatalf("batch N: %d %s", status, raw)
	}
	a := <-later
	if a.status != 200 {
		t.Fatalf("batch N+1: %d %s", a.status, a.raw)
	}
	if r := o.results(a.raw)[0]; r.Status != protocol.Applied {
		t.Fatalf("batch N+1's target: %s %s", r.Status, r.Message)
	}
	if s1, s2 := o.seqOf(first.ID), o.seqOf(second.ID); s1 == 0 || s2 <= s1 {
		t.Errorf("log order: N's change at %d, N+1's at %d", s1, s2)
	}
}

// TestPushOutOfOrderIsRefusedWhole: a batch naming a change HQ never
// answered, with nothing else of its credential on the way, is refused
// whole after a short wait: 409 out_of_order, nothing stored.
func TestPushOutOfOrderIsRefusedWhole(t *testing.T) {
	defer func(g time.Duration) { orderGrace = g }(orderGrace)
	orderGrace = 100 * time.Millisecond
	o := newOrderFixture(t)
	before := o.rows()
	status, e, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("never-sent", "", managerChange("m1", o.idA, "A001")), true, v1)
	if status != 409 || e.Code != protocol.CodeOutOfOrder || e.Key != "err.push_out_of_order" {
		t.Fatalf("out of order: %d %s", status, raw)
	}
	if n := o.rows(); n != before {
		t.Errorf("rows %d -> %d: a batch refused whole stored something", before, n)
	}
	// Another credential's change does not put A's batch in order.
	_, _, raw = o.post(protocol.PathPush, o.tokenB, pushAfter("", "", managerChange("mb", o.idB, "B001")), true, v1)
	if o.results(raw)[0].Status != protocol.Applied {
		t.Fatalf("B's push: %s", raw)
	}
	status, _, _ = o.post(protocol.PathPush, o.tokenA, pushAfter("never-sent", "", managerChange("m1", o.idA, "A001")), true, v1)
	if status != 409 {
		t.Errorf("A after B's push: %d", status)
	}
}

// TestPushAfterAChangeAnsweredBefore: the change named was answered before
// (by a server since restarted, or refused at the end of its batch): the
// batch applies at once.
func TestPushAfterAChangeAnsweredBefore(t *testing.T) {
	defer func(g time.Duration) { orderGrace = g }(orderGrace)
	orderGrace = 5 * time.Second // an answer that waits for it fails the time check below
	o := newOrderFixture(t)
	first, bad := managerChange("m1", o.idA, "A001"), target("tg-bad", "m1", -12)
	_, _, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("", "", first, bad), true, v1)
	if r := o.results(raw); r[0].Status != protocol.Applied || r[1].Status != protocol.Refused {
		t.Fatalf("batch N: %s", raw)
	}
	start := time.Now()
	// After a refused change, answered by this server.
	_, _, raw = o.post(protocol.PathPush, o.tokenA, pushAfter(bad.ID, "", target("tg1", "m1", 12)), true, v1)
	if r := o.results(raw); r[0].Status != protocol.Applied {
		t.Fatalf("after a refused change: %s", raw)
	}
	// After an applied change, answered by another server of this database.
	restarted := *o.fixture
	restarted.srv = httptest.NewServer((&Server{Store: o.store}).Handler())
	defer restarted.srv.Close()
	_, _, raw = restarted.post(protocol.PathPush, o.tokenA, pushAfter(first.ID, "", targetOf("tg2", "m1", 2025, 24)), true, v1)
	if r := o.results(raw); r[0].Status != protocol.Applied {
		t.Fatalf("after a restart: %s", raw)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the batches waited %v for changes answered already", d)
	}
}

// TestPushAfterABatchRefusedWhole: the batch before was refused whole (sent
// from a copy of the database): the one waiting for it is refused whole
// too, nothing stored.
func TestPushAfterABatchRefusedWhole(t *testing.T) {
	o := newOrderFixture(t)
	first := managerChange("m1", o.idA, "A001")
	before := o.rows()
	later := o.sendLater(pushAfter(first.ID, "", managerChange("m2", o.idA, "A002")))
	time.Sleep(50 * time.Millisecond)
	status, e, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("", "another-replica", first), true, v1)
	if status != 409 || e.Key != "err.replica_copy" {
		t.Fatalf("batch N from a copy: %d %s", status, raw)
	}
	a := <-later
	if a.status != 409 || a.err.Code != protocol.CodeOutOfOrder {
		t.Fatalf("batch N+1 after N was refused: %d %s", a.status, a.raw)
	}
	if n := o.rows(); n != before {
		t.Errorf("rows %d -> %d", before, n)
	}
}

// TestBatchSeesARowDeletedInIt: a manager deleted earlier in a batch is
// no row for a later change of the batch to refer to, though the batch's
// prefetch found it stored.
func TestBatchSeesARowDeletedInIt(t *testing.T) {
	o := newOrderFixture(t)
	m := managerChange("m1", o.idA, "A001")
	m.Version = 1
	_, _, raw := o.post(protocol.PathPush, o.tokenA, pushAfter("", "", m), true, v1)
	if r := o.results(raw); r[0].Status != protocol.Applied {
		t.Fatalf("manager: %s", raw)
	}
	del := m
	del.ID, del.Op, del.Version = "c-del-m1", "delete", 2
	_, _, raw = o.post(protocol.PathPush, o.tokenA, pushAfter("", "", del, target("tg1", "m1", 12)), true, v1)
	r := o.results(raw)
	if r[0].Status != protocol.Applied {
		t.Fatalf("delete: %s", raw)
	}
	if r[1].Status != protocol.Refused {
		t.Fatalf("a target for the manager deleted before it in the batch: %s %s", r[1].Status, r[1].Message)
	}
}

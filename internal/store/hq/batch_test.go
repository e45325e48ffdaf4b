package hq

import (
	"context"
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// checkResults fails t for every result of a push that is not the one
// wanted (Applied, Duplicate or Refused, in the changes' order).
func checkResults(t *testing.T, name string, res []protocol.Result, err error, want ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(res) != len(want) {
		t.Fatalf("%s: %d results; want %d", name, len(res), len(want))
	}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("%s: change %d (%s): %s %s %s; want %s", name, i, r.ID, r.Status, r.Code, r.Message, want[i])
		}
	}
}

// TestBatchMadeBeforeTheOneBeforeIsWritten: a pipelined batch is made
// (NewBatch) while the batch before it is still to be written, and what it
// finds then reads nothing stored: at its turn it sees all the batch
// before wrote — a row of it taken a key, a manager to refer to, a change
// to answer duplicate, a row that exists now — and what it writes itself,
// as a batch made afterwards does.
func TestBatchMadeBeforeTheOneBeforeIsWritten(t *testing.T) {
	ctx := context.Background()
	s, cred, _ := enrolledShowroom(t)
	manager := func(cid, id, no, name string, v int64) protocol.Change {
		return managerVersion(cred, cid, id, no, name, v)
	}
	actual := actualChange
	const A, D, R = protocol.Applied, protocol.Duplicate, protocol.Refused
	first := NewBatch(cred, []protocol.Change{manager("c1", "m1", "D001", "董喆", 1)})
	second := NewBatch(cred, []protocol.Change{
		manager("c2", "m2", "D001", "李娜", 1),  // the number the batch before gives m1
		actual("c3", "a1", "m1", 1),           // m1, stored by the batch before
		manager("c1", "m1", "D001", "董喆", 1),  // the batch before's change again
		manager("c4", "m1", "D001", "董喆喆", 2), // m1 as stored, renamed: keeps her number
		manager("c5", "m3", "D003", "王芳", 1),
		manager("c6", "m4", "D003", "赵敏", 1), // the number c5 gives m3 in this batch
		manager("c5", "m3", "D003", "王芳", 1), // c5 again in its batch
	})
	res, err := s.PushBatch(ctx, cred, cred.ID, first)
	checkResults(t, "first", res, err, A)
	res, err = s.PushBatch(ctx, cred, cred.ID, second)
	checkResults(t, "made before the first was written", res, err, R, A, D, A, A, R, D)
	if res[0].Code != kaohe.ECONFLICT || res[5].Code != kaohe.ECONFLICT {
		t.Errorf("second managers of D001 and D003: %s, %s; want %s", res[0].Code, res[5].Code, kaohe.ECONFLICT)
	}
}

// TestBatchMadeForAnotherCredential: what NewBatch finds depends on the
// credential's kind (who writes an entity) and showroom (a manager's
// number is unique in it); a batch pushed under another credential than
// the one it was made for is judged for the one it is pushed under.
func TestBatchMadeForAnotherCredential(t *testing.T) {
	ctx := context.Background()
	s, sh01, _ := enrolledShowroom(t)
	_, code, err := s.AddShowroom(ctx, "SH02", "北京展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Enroll(ctx, code, "", "r2")
	if err != nil {
		t.Fatal(err)
	}
	sh02, err := s.Authenticate(ctx, resp.Token)
	if err != nil {
		t.Fatal(err)
	}
	hqCode, _ := s.AddHQUser(ctx, "评审甲")
	hqResp, err := s.Enroll(ctx, hqCode, "", "r3")
	if err != nil {
		t.Fatal(err)
	}
	hqCred, err := s.Authenticate(ctx, hqResp.Token)
	if err != nil {
		t.Fatal(err)
	}
	manager := func(cid, id, no string) protocol.Change {
		p, _ := json.Marshal(kaohe.Manager{ID: id, ShowroomID: sh02.ShowroomID, EmployeeNo: no, Name: "董喆",
			Education: kaohe.EduCollege, Status: kaohe.StatusActive})
		return protocol.Change{ID: cid, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "x", Version: 1}
	}
	const A, R = protocol.Applied, protocol.Refused
	res, err := s.Push(ctx, sh02, []protocol.Change{manager("c1", "m1", "D001")})
	checkResults(t, "SH02's manager", res, err, A)
	// Made for SH01, whose showroom holds no D001: pushed by SH02, the
	// number is SH02's manager's.
	res, err = s.PushBatch(ctx, sh02, sh02.ID, NewBatch(sh01, []protocol.Change{manager("c2", "m2", "D001")}))
	checkResults(t, "made for SH01, pushed by SH02", res, err, R)

	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2031, 1)
	pp, _ := json.Marshal(p)
	period := protocol.Change{ID: "c3", Entity: kaohe.EntPeriod, RowID: p.ID, Op: "upsert", Payload: pp, At: "2026-12-01T09:00:00Z"}
	res, err = s.PushBatch(ctx, sh01, sh01.ID, NewBatch(hqCred, []protocol.Change{period}))
	checkResults(t, "HQ's period made for HQ, pushed by a showroom", res, err, R)
	if res[0].Code != kaohe.EUNAUTHORIZED {
		t.Errorf("a showroom's period: %s %s; want %s", res[0].Code, res[0].Message, kaohe.EUNAUTHORIZED)
	}
	res, err = s.PushBatch(ctx, hqCred, "", NewBatch(sh01, []protocol.Change{period}))
	checkResults(t, "HQ's period made for a showroom, pushed by HQ", res, err, A)
}

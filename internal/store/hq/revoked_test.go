package hq

import (
	"context"
	"encoding/json"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestRevokedBetweenDecodeAndWrite: a push authenticated and decoded
// (NewBatch) before HQ revokes its showroom or its HQ user writes nothing
// when it reaches the writer: PushBatch re-reads the credential inside its
// transaction and refuses the batch whole (err.credential_revoked), its
// changes, rows and replica numbers absent afterwards.
func TestRevokedBetweenDecodeAndWrite(t *testing.T) {
	ctx := context.Background()
	s, cred, _ := enrolledShowroom(t)
	hqCode, _ := s.AddHQUser(ctx, "评审甲")
	hqResp, err := s.Enroll(ctx, hqCode, "", "r2")
	if err != nil {
		t.Fatal(err)
	}
	hqCred, err := s.Authenticate(ctx, hqResp.Token)
	if err != nil {
		t.Fatal(err)
	}
	m := kaohe.Manager{ID: "m1", ShowroomID: cred.ShowroomID, EmployeeNo: "A001", Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive}
	mp, _ := json.Marshal(m)
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2031, 1)
	pp, _ := json.Marshal(p)
	count := func() (n int) {
		t.Helper()
		if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM changes) + (SELECT count(*) FROM rows) + (SELECT count(*) FROM replica_seen)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	shop := NewBatch(cred, []protocol.Change{{ID: "c1", Entity: kaohe.EntManager, RowID: "m1", Op: "upsert", Payload: mp, At: "2026-12-01T09:00:00Z", RSeq: 1}})
	review := NewBatch(hqCred, []protocol.Change{{ID: "c2", Entity: kaohe.EntPeriod, RowID: p.ID, Op: "upsert", Payload: pp, At: "2026-12-01T09:00:00Z"}})
	if err := s.RevokeShowroom(ctx, "SH01"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeHQUser(ctx, "评审甲"); err != nil {
		t.Fatal(err)
	}
	before := count()
	if _, err := s.PushBatch(ctx, cred, cred.ID, shop); kaohe.ErrorKey(err) != "err.credential_revoked" {
		t.Errorf("the showroom's push decoded before its revocation: %v; want err.credential_revoked", err)
	}
	if _, err := s.PushBatch(ctx, hqCred, "", review); kaohe.ErrorKey(err) != "err.credential_revoked" {
		t.Errorf("the HQ user's push decoded before its revocation: %v; want err.credential_revoked", err)
	}
	if after := count(); after != before {
		t.Errorf("revoked pushes stored %d rows", after-before)
	}
}

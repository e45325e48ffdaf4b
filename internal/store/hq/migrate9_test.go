package hq

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// sqlChangesAsLogged is every change of the log with when and under which
// credential it was received, in order.
const sqlChangesAsLogged = `SELECT group_concat(seq || ' ' || change_id || ' ' || showroom_id || ' ' || origin || ' ' || entity || ' ' ||
	row_id || ' ' || op || ' ' || payload || ' ' || at || ' ' || version || ' ' || coalesce(rseq, '-') || ' ' || actor || ' ' ||
	received_at || ' ' || credential, char(10)) FROM (SELECT * FROM %s ORDER BY seq)`

// TestMigratedReceiptsAnswerAlike: an HQ of schema 8 kept with each change
// when and under which credential it was received; migrated, its receipts
// keep them, every change answers the same, and Logged answers as before.
func TestMigratedReceiptsAnswerAlike(t *testing.T) {
	ctx := context.Background()
	path, db, token := stagedAt(t, 8)
	var cred string
	if err := db.QueryRow(`SELECT id FROM credentials WHERE kind = 'showroom'`).Scan(&cred); err != nil {
		t.Fatal(err)
	}
	// Besides the fixture's: one time under two credentials, one credential
	// at two times, out of order.
	for i, c := range [][2]string{{"2026-11-21T09:00:00Z", cred}, {"2026-11-21T09:00:00Z", "other"}, {"2026-11-20T09:00:00Z", "other"},
		{"2026-11-21T09:00:00Z", cred}} {
		if _, err := db.Exec(`INSERT INTO changes (change_id, showroom_id, origin, entity, row_id, op, payload, at, received_at, credential, version, actor)
			VALUES (?, '', 'showroom', 'x', 'r', 'upsert', '{}', 'at', ?, ?, 1, '')`, "x"+string(rune('a'+i)), c[0], c[1]); err != nil {
			t.Fatal(err)
		}
	}
	logged := func(db *sql.DB, table string) string {
		t.Helper()
		var s string
		if err := db.QueryRow(fmt.Sprintf(sqlChangesAsLogged, table)).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := logged(db, "changes")
	type ask struct{ cred, change string }
	asks := []ask{{cred, "old-ab"}, {cred, "xa"}, {cred, "xb"}, {"other", "xb"}, {"other", "xc"}, {"other", "old-ab"}, {cred, "nothing"}}
	var seqBefore int64
	if err := db.QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = 'changes'`).Scan(&seqBefore); err != nil {
		t.Fatal(err)
	}
	was := map[ask]bool{}
	for _, a := range asks {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM changes WHERE change_id = ? AND credential = ?`, a.change, a.cred).Scan(&n); err != nil {
			t.Fatal(err)
		}
		was[a] = n > 0
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := logged(s.db, "changes JOIN receipts ON receipts.id = changes.receipt"); after != before {
		t.Errorf("the log migrated:\n%s\nwant\n%s", after, before)
	}
	var receipts int
	if err := s.db.QueryRow(`SELECT count(*) FROM receipts`).Scan(&receipts); err != nil || receipts != 6 {
		t.Errorf("%d receipts, %v; want 6 (the fixture's 3, 2 more at the 21st, 1 more at the 20th)", receipts, err)
	}
	for _, a := range asks {
		if got, err := s.Logged(ctx, Credential{ID: a.cred}, a.change); err != nil || got != was[a] {
			t.Errorf("Logged(%s, %s) = %v, %v; want %v", a.cred, a.change, got, err, was[a])
		}
	}

	// The showroom's next change takes the next number of the log, under a
	// receipt of its own; sent again it is a replay, and no receipt is
	// written for it.
	sc, err := s.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(kaohe.Actual{ID: "ac14", ManagerID: "m3", Metric: kaohe.DefaultMetrics()[0].Code, Year: 2026, Month: 1, Value: 7})
	next := []protocol.Change{{ID: "c14", Entity: kaohe.EntActual, RowID: "ac14", Op: "upsert", Payload: p, At: "x", Version: 1, RSeq: 14}}
	for i, want := range []string{protocol.Applied, protocol.Duplicate} {
		if res, err := s.PushFrom(ctx, sc, sc.ID, next); err != nil || res[0].Status != want {
			t.Fatalf("push %d: %v %+v; want %s", i, err, res, want)
		}
	}
	var seq int64
	var by string
	if err := s.db.QueryRow(`SELECT c.seq, r.credential FROM changes c JOIN receipts r ON r.id = c.receipt WHERE c.change_id = 'c14'`).Scan(&seq, &by); err != nil ||
		seq != seqBefore+1 || by != sc.ID {
		t.Errorf("the next change: seq %d under %q, %v; want %d under %q", seq, by, err, seqBefore+1, sc.ID)
	}
	if ok, err := s.Logged(ctx, sc, "c14"); err != nil || !ok {
		t.Errorf("Logged(c14) = %v, %v", ok, err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM receipts`).Scan(&receipts); err != nil || receipts != 7 {
		t.Errorf("%d receipts after a push and its replay, %v; want 7", receipts, err)
	}
}

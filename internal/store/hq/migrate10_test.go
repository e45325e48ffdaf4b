package hq

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"kaohe/sync/protocol"
)

// sqlRowsAsHeld is every row as rows answers, every column by name.
const sqlRowsAsHeld = `SELECT group_concat(entity || ' ' || row_id || ' ' || showroom_id || ' ' || payload || ' ' || deleted || ' ' ||
	seq || ' ' || change_id || ' ' || parent || ' ' || version || ' ' || hex(natural_key), char(10))
	FROM (SELECT * FROM rows ORDER BY entity, row_id)`

// TestMigratedRowStatesAnswerAlike: an HQ of schema 9 kept each row's
// payload and change id beside the log's; migrated, rows answers every
// column of every row as before — a state sent again (its place in the
// order kept, its change moved on) and a state whose payload is not its
// change's included — and a push writes on them as it did.
func TestMigratedRowStatesAnswerAlike(t *testing.T) {
	ctx := context.Background()
	path, db, token := stagedAt(t, 9)
	// m3's state sent again with a higher counter: its change moves on, its
	// place (seq) stays. tg2's payload differs from its change's in a space.
	for _, q := range []string{
		`INSERT INTO changes (change_id, showroom_id, origin, entity, row_id, op, payload, at, receipt, version, rseq, actor)
			SELECT 'again-m3', showroom_id, origin, entity, row_id, op, payload, at, receipt, 2, NULL, actor FROM changes WHERE change_id = 'old-ad'`,
		`UPDATE rows SET change_id = 'again-m3', version = 2 WHERE entity = 'manager' AND row_id = 'm3'`,
		`UPDATE rows SET payload = payload || ' ' WHERE entity = 'target' AND row_id = 'tg2'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	held := func(db *sql.DB) string {
		t.Helper()
		var s string
		if err := db.QueryRow(sqlRowsAsHeld).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := held(db)
	var m3Seq, tg2Seq int64
	var m3Payload, tg2Payload string
	if err := db.QueryRow(`SELECT seq, payload FROM rows WHERE row_id = 'm3'`).Scan(&m3Seq, &m3Payload); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT seq, payload FROM rows WHERE row_id = 'tg2'`).Scan(&tg2Seq, &tg2Payload); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := held(s.db); after != before {
		t.Errorf("rows migrated:\n%s\nwant\n%s", after, before)
	}
	var own int
	if err := s.db.QueryRow(`SELECT count(*) FROM row_states WHERE payload IS NOT NULL`).Scan(&own); err != nil || own != 1 {
		t.Errorf("%d states keep a payload of their own, %v; want 1 (tg2's)", own, err)
	}
	states, err := s.RowStates(ctx, "*")
	if err != nil || states["manager/m3"] != "again-m3" || states["target/tg2"] != "old-aj" {
		t.Errorf("RowStates: m3 %q, tg2 %q, %v", states["manager/m3"], states["target/tg2"], err)
	}

	// m3's state sent again keeps its place; tg2's sent as the log has it
	// is a new state, which takes the log's payload and a place of its own.
	cred, err := s.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []protocol.Change{
		{ID: "third-m3", Entity: "manager", RowID: "m3", Op: "upsert", Payload: json.RawMessage(m3Payload), At: "x", Version: 3, RSeq: 14},
		{ID: "next-tg2", Entity: "target", RowID: "tg2", Op: "upsert", Payload: json.RawMessage(tg2Payload[:len(tg2Payload)-1]), At: "x", Version: 2, RSeq: 15},
	} {
		if res, err := s.PushFrom(ctx, cred, cred.ID, []protocol.Change{c}); err != nil || res[0].Status != protocol.Applied {
			t.Fatalf("%s: %v %+v", c.ID, err, res)
		}
	}
	var seq, logSeq int64
	var change, payload string
	var ownPayload sql.NullString
	if err := s.db.QueryRow(`SELECT seq, change_id FROM rows WHERE row_id = 'm3'`).Scan(&seq, &change); err != nil || seq != m3Seq || change != "third-m3" {
		t.Errorf("m3 sent again: seq %d, change %s, %v; want seq %d, change third-m3", seq, change, err, m3Seq)
	}
	if err := s.db.QueryRow(`SELECT r.seq, r.payload, c.seq, s.payload FROM rows r JOIN changes c ON c.change_id = 'next-tg2'
		JOIN row_states s ON s.entity = r.entity AND s.row_id = r.row_id WHERE r.row_id = 'tg2'`).Scan(&seq, &payload, &logSeq, &ownPayload); err != nil ||
		seq == tg2Seq || seq != logSeq || payload != tg2Payload[:len(tg2Payload)-1] || ownPayload.Valid {
		t.Errorf("tg2's next state: seq %d (log %d, was %d), payload %q, own %v, %v", seq, logSeq, tg2Seq, payload, ownPayload, err)
	}
}

package hq

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/sqliteuri"
	"kaohe/sync/protocol"
)

// stagedAt is the schema 4 fixture (schema4Fixture) migrated up to schema
// version v and open as a plain database, for a test to add what an HQ of
// that version held; and the fixture showroom's token.
func stagedAt(t *testing.T, v int) (string, *sql.DB, string) {
	t.Helper()
	path := copyFixture(t, schema4Fixture)
	db, err := sql.Open("sqlite3", sqliteuri.File(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := migrate(context.Background(), db, v); err != nil {
		t.Fatal(err)
	}
	var have int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&have); err != nil || have != v {
		t.Fatalf("staged at version %d, %v; want %d", have, err, v)
	}
	b, err := os.ReadFile(schema4Fixture + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct{ Token string }
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	return path, db, fx.Token
}

// numbersBetween is which change each number from lo to hi of cred's
// sequence was, as a database of schema 7 answers.
func numbersBetween(t *testing.T, db *sql.DB, cred string, lo, hi int64) map[int64]string {
	t.Helper()
	rows, err := db.Query(`SELECT rseq, change_id FROM replica_seen WHERE credential = ? AND rseq BETWEEN ? AND ?`, cred, lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var n int64
		var id string
		if err := rows.Scan(&n, &id); err != nil {
			t.Fatal(err)
		}
		out[n] = id
	}
	return out
}

// TestMigratedReplicaRunsAnswerAlike: an HQ of schema 7 kept a row per
// number of a replica's sequence; migrated, it keeps them as runs and
// answers every question of them as before: which change each number
// was (replica_seen, as read, and as a push reads a range of them), the
// highest number (ReplicaSeq), and a copy's refusal.
func TestMigratedReplicaRunsAnswerAlike(t *testing.T) {
	ctx := context.Background()
	path, db, token := stagedAt(t, 7)
	var cred string
	if err := db.QueryRow(`SELECT id FROM credentials WHERE kind = 'showroom'`).Scan(&cred); err != nil {
		t.Fatal(err)
	}
	// Besides the fixture's 1 to 13: runs after gaps, a number alone, and
	// another credential's numbers, one with ids JSON must escape.
	for _, n := range []struct {
		cred string
		rseq int64
		id   string
	}{{cred, 20, "s20"}, {cred, 21, "s21"}, {cred, 22, "s22"}, {cred, 30, "s30"}, {cred, 32, "s32"}, {cred, 33, "s33"},
		{"other", 1, `quo"te`}, {"other", 2, `back\slash`}, {"other", 3, "王\x01"}, {"other", 7, "o7"}} {
		if _, err := db.Exec(`INSERT INTO replica_seen (credential, rseq, change_id) VALUES (?, ?, ?)`, n.cred, n.rseq, n.id); err != nil {
			t.Fatal(err)
		}
	}
	all := func(db *sql.DB) string {
		t.Helper()
		var s string
		if err := db.QueryRow(`SELECT group_concat(credential || ' ' || rseq || '=' || change_id, char(10))
			FROM (SELECT * FROM replica_seen ORDER BY credential, rseq)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := all(db)
	ranges := [][2]int64{{1, 13}, {1, 100}, {5, 21}, {14, 19}, {22, 31}, {31, 31}, {32, 40}, {34, 50}, {2, 7}}
	was := map[string]map[int64]string{}
	for _, c := range []string{cred, "other"} {
		for _, r := range ranges {
			was[fmt.Sprint(c, r)] = numbersBetween(t, db, c, r[0], r[1])
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := all(s.db); after != before {
		t.Errorf("replica_seen migrated:\n%s\nwant\n%s", after, before)
	}
	var runs int
	if err := s.db.QueryRow(`SELECT count(*) FROM replica_runs`).Scan(&runs); err != nil || runs != 6 {
		t.Errorf("%d runs, %v; want 6 (1-13, 20-22, 30, 32-33; 1-3, 7)", runs, err)
	}
	for _, c := range []Credential{{ID: cred, Kind: KindShowroom}, {ID: "other", Kind: KindShowroom}} {
		for _, r := range ranges {
			var got map[int64]string
			err := s.tx(ctx, func(tx *txn) error {
				seen, err := s.replicaNumbers(tx, c, []protocol.Change{{RSeq: r[1]}, {RSeq: r[0]}})
				got = seen.known
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := was[fmt.Sprint(c.ID, r)]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s numbers %d to %d: %v; want %v", c.ID, r[0], r[1], got, want)
			}
		}
	}
	for c, want := range map[string]int64{cred: 33, "other": 7, "nobody": 0} {
		if got, err := s.ReplicaSeq(ctx, Credential{ID: c}); err != nil || got != want {
			t.Errorf("ReplicaSeq(%s) = %d, %v; want %d", c, got, err, want)
		}
	}

	// The showroom's next change, numbered on from 13, is noted; one under a
	// number held for another change is a copy's.
	sc, err := s.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(kaohe.Actual{ID: "ac14", ManagerID: "m3", Metric: kaohe.DefaultMetrics()[0].Code, Year: 2026, Month: 1, Value: 7})
	next := protocol.Change{ID: "c14", Entity: kaohe.EntActual, RowID: "ac14", Op: "upsert", Payload: p, At: "x", Version: 1, RSeq: 14}
	if res, err := s.PushFrom(ctx, sc, sc.ID, []protocol.Change{next}); err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("the next change: %v %+v", err, res)
	}
	copied := next
	copied.ID, copied.RSeq = "c21", 21
	if _, err := s.PushFrom(ctx, sc, sc.ID, []protocol.Change{copied}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("a migrated number with another change: %v; want a copy's refusal", err)
	}
	if got := numbersBetween(t, s.db, cred, 13, 20); !reflect.DeepEqual(got, map[int64]string{13: "old-an", 14: "c14", 20: "s20"}) {
		t.Errorf("numbers 13 to 20 after the push: %v", got)
	}
}

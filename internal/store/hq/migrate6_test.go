package hq

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
)

// schema4Fixture is an HQ database written by the HQ of schema 4 (before
// migrations 5 and 6), through its push path: showroom SH01 with managers
// m1 "D001" and m2 "d001" both live, m3 "E001", training t1, two targets of
// m3 for sales 2026 (tg1, tg2), two attendances of m3 at t1 (at1, at2) and
// two draft assessments of m3 for 2026-H1 (as1, as2). Its .json beside it
// holds the showroom's token and id.
const schema4Fixture = "testdata/hq-schema4.sqlite"

// copyFixture copies a database file to a temporary folder.
func copyFixture(t *testing.T, from string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "hq.db")
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// TestMigratedKeysAreTheRegistrys: once an HQ of schema 4 is migrated,
// every live row holds the natural key the registry gives it
// (kaohe.Entity.NaturalKey, as the push path computes it), the rows that
// share one (kept: nothing is lost) included; rows stored before keys were
// kept at all get theirs too.
func TestMigratedKeysAreTheRegistrys(t *testing.T) {
	ctx := context.Background()
	for _, keyless := range []bool{false, true} {
		path := copyFixture(t, schema4Fixture)
		if keyless { // as rows written before schema 3 kept natural keys
			var db *sql.DB
			path, db, _ = stagedAt(t, 5)
			if _, err := db.ExecContext(ctx, `UPDATE rows SET natural_key = ''`); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT entity, row_id, showroom_id, payload, natural_key FROM rows WHERE deleted = 0`)
		if err != nil {
			t.Fatal(err)
		}
		perKind := map[string]int{}
		for rows.Next() {
			var entity, id, showroom, payload, key string
			if err := rows.Scan(&entity, &id, &showroom, &payload, &key); err != nil {
				t.Fatal(err)
			}
			e, err := kaohe.EntityOf(entity)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.Decode([]byte(payload))
			if err != nil {
				t.Fatalf("%s/%s: %v", entity, id, err)
			}
			if want := naturalKey(entity, "upsert", r.Value, showroom); key != want {
				t.Errorf("keyless %v: %s/%s holds key %q; the registry gives %q", keyless, entity, id, key, want)
			}
			if key != "" {
				perKind[entity]++
			}
		}
		rows.Close()
		want := map[string]int{kaohe.EntManager: 3, kaohe.EntTarget: 2, kaohe.EntAttendance: 2, kaohe.EntAssessment: 2}
		for k, n := range want {
			if perKind[k] != n {
				t.Errorf("keyless %v: %d %s rows keyed; want %d (%v)", keyless, perKind[k], k, n, perKind)
			}
		}
		s.Close()
	}
}

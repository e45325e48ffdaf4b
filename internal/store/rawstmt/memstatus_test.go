package rawstmt

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"kaohe/internal/store/sqliteuri"
)

// SQLite keeps no statistics of its memory in this process: with them, every
// allocation takes a global mutex.
func TestNoMemoryStatistics(t *testing.T) {
	dir, err := os.MkdirTemp("", "kaohe-rawstmt") // not t.TempDir: see open in rawstmt_test.go
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db, err := sql.Open("sqlite3", sqliteuri.File(filepath.Join(dir, "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (a TEXT); INSERT INTO t SELECT hex(randomblob(500)) FROM generate_series(1, 1000)`); err != nil {
		// generate_series may be missing: a recursive CTE then.
		if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS t (a TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT hex(randomblob(500)) FROM n`); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1000 {
		t.Fatalf("%d rows (%v)", n, err)
	}
	if used := memoryUsed(); used != 0 {
		t.Errorf("SQLite counts its memory: %d bytes", used)
	}
}

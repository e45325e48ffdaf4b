package sqliteuri_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"kaohe/internal/store/sqliteuri"
)

// TestFileOpensTheNamedPath writes a database under folder names SQLite's
// URI syntax would misread and checks the file is where it was asked for,
// and nowhere else.
func TestFileOpensTheNamedPath(t *testing.T) {
	for _, name := range []string{"展厅 #1", "100% 完成", "who?", "a b", "客户经理考核", "x%23y", "q?a=b#c"} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "kaohe.db")
			db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?_journal_mode=WAL&_busy_timeout=1000")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('ok')`); err != nil {
				t.Fatalf("File(%q): %v", path, err)
			}
			var mode string
			db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
			db.Close()
			if mode != "wal" {
				t.Errorf("journal_mode = %q; the parameters were lost", mode)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("File(%q) did not write the named file: %v", path, err)
			}
			var stray []string
			filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && filepath.Dir(p) != dir {
					stray = append(stray, p)
				}
				return nil
			})
			if len(stray) > 0 {
				t.Errorf("File(%q) also wrote %v", path, stray)
			}
			db, _ = sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
			var v string
			if err := db.QueryRow(`SELECT v FROM t`).Scan(&v); err != nil || v != "ok" {
				t.Errorf("reopened: %q, %v", v, err)
			}
			db.Close()
		})
	}
}

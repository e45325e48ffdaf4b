package hq

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"kaohe/internal/store/sqliteuri"
)

// A new HQ database has pages of pageSize and is in WAL mode from its
// first byte; one made with another page size keeps it and opens as ever.
func TestNewDatabasesHaveTheirPageSize(t *testing.T) {
	ctx := context.Background()
	pragmas := func(path string) (int, string) {
		t.Helper()
		db, err := sql.Open("sqlite3", sqliteuri.File(path))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var size int
		var mode string
		if err := db.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		return size, mode
	}

	fresh := filepath.Join(t.TempDir(), "hq.db")
	s, err := Open(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if size, mode := pragmas(fresh); size != pageSize || mode != "wal" {
		t.Errorf("a new HQ database: page size %d, journal %s; want %d, wal", size, mode, pageSize)
	}

	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", sqliteuri.File(old))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA page_size = 4096; CREATE TABLE before_hq (a)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddShowroom(ctx, "SH01", "上海展厅", ""); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if size, mode := pragmas(old); size != 4096 || mode != "wal" {
		t.Errorf("an older database: page size %d, journal %s; want 4096 kept, wal", size, mode)
	}
}

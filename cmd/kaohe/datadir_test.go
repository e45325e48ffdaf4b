package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/store"
)

// TestMigrateDataDir: an old folder's database (with rows still in its WAL),
// backups and documents arrive in the new folder; the old one stays as a
// dated backup; a second start and a folder that already has data are left
// alone.
func TestMigrateDataDir(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	old := filepath.Join(root, "Roaming", "kaohe")
	dir := filepath.Join(root, "Local", "kaohe")
	s, err := store.Open(ctx, filepath.Join(old, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, map[string]string{"probe": "旧数据"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"backups/kaohe-20260101-000000.db", "documents/证书 #1.pdf"} {
		os.MkdirAll(filepath.Join(old, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(old, f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Copy the folder while the WAL still holds the row, as a crashed app leaves it.
	crashed := filepath.Join(root, "crashed")
	if err := copyTree(old, crashed); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"kaohe.db-wal", "kaohe.db-shm"} {
		if b, err := os.ReadFile(filepath.Join(old, f)); err == nil {
			os.WriteFile(filepath.Join(crashed, f), b, 0o644)
		}
	}
	s.Close()
	os.RemoveAll(old)
	if err := os.Rename(crashed, old); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	moved, err := migrateDataDir(ctx, old, dir, now)
	if err != nil || !moved {
		t.Fatalf("migrateDataDir = %v, %v; want moved", moved, err)
	}
	n, err := store.Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := n.Meta(ctx, "probe"); v != "旧数据" {
		t.Errorf("moved database: probe = %q; want 旧数据", v)
	}
	n.Close()
	for _, f := range []string{"backups/kaohe-20260101-000000.db", "documents/证书 #1.pdf"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || string(b) != f {
			t.Errorf("%s: %q, %v", f, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(old+".moved-20261201", "kaohe.db")); err != nil {
		t.Errorf("the old folder is not kept as a backup: %v", err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the old folder is still in place: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kaohe.db.part")); !os.IsNotExist(err) {
		t.Errorf("a .part file is left: %v", err)
	}

	// Once only: the next start finds nothing to move.
	if moved, err := migrateDataDir(ctx, old, dir, now); moved || err != nil {
		t.Errorf("second start: %v, %v; want nothing done", moved, err)
	}
	// A new folder that already has a database is never overwritten.
	other := filepath.Join(root, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "kaohe.db"), []byte("new"), 0o644)
	if moved, err := migrateDataDir(ctx, dir, other, now); moved || err != nil {
		t.Errorf("into a folder with data: %v, %v; want nothing done", moved, err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "kaohe.db")); string(b) != "new" {
		t.Errorf("existing database overwritten")
	}
}

package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOddDataPaths: a data folder with '#', '%', '?', spaces and Chinese
// holds the database, its backups and a restore, at exactly that path.
func TestOddDataPaths(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "展厅 #1", "100% 完成?")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kaohe.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	if err := s.SetMeta(ctx, map[string]string{"probe": "一"}); err != nil {
		t.Fatal(err)
	}
	b, err := s.Backup(ctx, filepath.Join(dir, "备份 #"), 3)
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := s.SetMeta(ctx, map[string]string{"probe": "二"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at %q: %v", path, err)
	}
	if _, err := Restore(ctx, b.Path, path, filepath.Join(dir, "备份 #")); err != nil {
		t.Fatalf("Restore(%q): %v", b.Path, err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Meta(ctx, "probe"); v != "一" {
		t.Errorf("after restore probe = %q; want 一", v)
	}
	entries, _ := os.ReadDir(filepath.Dir(filepath.Dir(dir)))
	if len(entries) != 1 {
		t.Errorf("files outside the data folder: %v", entries)
	}
}

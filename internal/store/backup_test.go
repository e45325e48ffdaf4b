package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

func TestBackupRotateAndRestore(t *testing.T) {
	s := newStore(t)
	dir := filepath.Join(t.TempDir(), "backups")
	addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)

	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)
	s.Now = func() time.Time { return now }
	first, err := s.Backup(ctx, dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Daily: not due an hour later, due a day later.
	now = now.Add(time.Hour)
	if did, err := s.BackupIfDue(ctx, dir, 3, 24*time.Hour); err != nil || did {
		t.Errorf("BackupIfDue after 1h = %v, %v; want no backup", did, err)
	}
	for i := 0; i < 4; i++ {
		now = now.Add(25 * time.Hour)
		if did, err := s.BackupIfDue(ctx, dir, 3, 24*time.Hour); err != nil || !did {
			t.Fatalf("BackupIfDue after 25h = %v, %v", did, err)
		}
	}
	list, _ := ListBackups(dir)
	if len(list) != 3 {
		t.Errorf("kept %d backups; want 3", len(list))
	}
	if _, err := os.Stat(first.Path); !os.IsNotExist(err) {
		t.Errorf("the oldest backup was not pruned")
	}

	// Work goes on after the backup; a restore brings back the backup's state
	// and keeps the replaced database beside it.
	addManager(t, s, "D002", "李玥", kaohe.Level1, kaohe.EduCollege)
	path := s.Path()
	s.Close()
	if err := Restore(ctx, list[0].Path, path); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, _ := r.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(rows) != 1 || rows[0].EmployeeNo != "D001" {
		t.Errorf("after restore: %+v", rows)
	}
	kept, err := Open(ctx, path+".before-restore")
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	if rows, _ := kept.ListManagers(ctx, kaohe.ManagerFilter{}); len(rows) != 2 {
		t.Errorf("the replaced database was not kept whole: %d managers", len(rows))
	}

	// A file that is not a database is refused and changes nothing.
	junk := filepath.Join(t.TempDir(), "kaohe-20260101-000000.db")
	os.WriteFile(junk, []byte("not a database"), 0o644)
	if err := Restore(ctx, junk, path); err == nil {
		t.Errorf("restoring junk was accepted")
	}
	if res, _ := r.IntegrityCheck(ctx); res != "ok" {
		t.Errorf("database damaged by a refused restore: %s", res)
	}
}

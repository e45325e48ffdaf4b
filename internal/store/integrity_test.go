package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
)

// damage overwrites pages of a closed database file in the middle (never the
// header page), as a failing disk or a crash of the PC's storage does.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pages := st.Size() / 4096
	if pages < 8 {
		t.Fatalf("database of %d pages is too small to damage meaningfully", pages)
	}
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	for p := int64(2); p < pages; p += 3 {
		f.WriteAt(junk, p*4096)
	}
}

// TestDamagedDatabaseNoticed: a database with pages overwritten is refused
// when opened, with err.db_corrupt (said with the way out), and the newest
// backup that passes the check is found; a backup of a database damaged
// while open is refused and leaves no file behind.
func TestDamagedDatabaseNoticed(t *testing.T) {
	s := newStore(t)
	for i := 0; i < 300; i++ {
		addManager(t, s, fmt.Sprintf("D%04d", i), "王小明", kaohe.Level1, kaohe.EduCollege)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	good, err := s.Backup(ctx, dir, 5)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()

	damage(t, path)
	_, err = Open(ctx, path)
	if !IsCorrupt(err) {
		t.Fatalf("Open of a damaged database = %v; want err.db_corrupt", err)
	}
	if err := CheckFile(ctx, path); !IsCorrupt(err) {
		t.Errorf("CheckFile = %v", err)
	}
	// A damaged backup newer than the good one is passed over.
	bad := filepath.Join(dir, "kaohe-20991231-235959.db")
	data, _ := os.ReadFile(path)
	os.WriteFile(bad, data, 0o600)
	b, ok := NewestGoodBackup(ctx, dir)
	if !ok || b.Path != good.Path {
		t.Errorf("newest good backup = %+v, %v; want %s", b, ok, good.Path)
	}
	if _, err := Restore(ctx, b.Path, path, dir); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("after restoring the good backup: %v", err)
	}
	if n := count(t, s2, `SELECT count(*) FROM managers`); n != 300 {
		t.Errorf("%d managers after the restore; want 300", n)
	}
	// Damaged while open (the disk fails under a running app): the next
	// backup refuses, and no backup file is made of it.
	s2.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	damage(t, path)
	before, _ := ListBackups(dir)
	if _, err := s2.Backup(ctx, dir, 5); !IsCorrupt(err) {
		t.Errorf("backup of a damaged database = %v; want err.db_corrupt", err)
	}
	after, _ := ListBackups(dir)
	if len(after) != len(before) {
		t.Errorf("%d backups after a refused one; had %d", len(after), len(before))
	}
	s2.Close()
}

// TestOpenUncheckedLeavesTheCheckToTheBackup: the window opens a damaged
// database of the current schema without reading it all (the first frame
// does not wait), and the start-up backup that follows refuses it as
// damaged, copying nothing; a damaged database that would be migrated is
// refused at once.
func TestOpenUncheckedLeavesTheCheckToTheBackup(t *testing.T) {
	s := newStore(t)
	for i := 0; i < 300; i++ {
		addManager(t, s, fmt.Sprintf("D%04d", i), "王小明", kaohe.Level1, kaohe.EduCollege)
	}
	path := s.Path()
	s.Close()
	// Pages at the end of the file (the managers' rows), away from the
	// schema: a damaged schema stops any open at once.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	for p := st.Size()/4096 - 1; p > st.Size()/4096*2/3; p -= 2 {
		f.WriteAt(junk, p*4096)
	}
	f.Close()
	if _, err := Open(ctx, path); !IsCorrupt(err) {
		t.Fatalf("Open of the damaged database = %v; want err.db_corrupt", err)
	}

	u, err := OpenUnchecked(ctx, path)
	if err != nil {
		t.Fatalf("OpenUnchecked of a damaged database of the current schema = %v; want it opened, the check left for later", err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	if _, err := u.Backup(ctx, dir, 5); !IsCorrupt(err) {
		t.Errorf("the start-up backup of a damaged database = %v; want err.db_corrupt", err)
	}
	if list, _ := ListBackups(dir); len(list) != 0 {
		t.Errorf("a damaged database was backed up: %v", list)
	}
	if _, err := u.w.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, SchemaVersion-1)); err != nil {
		t.Fatal(err)
	}
	u.Close()
	if u, err := OpenUnchecked(ctx, path); !IsCorrupt(err) {
		if u != nil {
			u.Close()
		}
		t.Errorf("OpenUnchecked of a damaged database that needs migrating = %v; want err.db_corrupt", err)
	}
	os.WriteFile(path, []byte("not a database, but long enough to have a header of sorts........................................................"), 0o600)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if _, err := OpenUnchecked(ctx, path); kaohe.ErrorCode(err) == "" {
		t.Errorf("OpenUnchecked of a file that is no database = %v; want a domain error", err)
	}
}

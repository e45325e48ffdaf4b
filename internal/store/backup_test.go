package store

import (
	"database/sql"
	"fmt"
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

	// Work goes on after the backup; a restore brings back the backup's
	// state, in place (the store stays open and usable), saves the replaced
	// database first as a new backup, and keeps its unsent changes.
	addManager(t, s, "D002", "李玥", kaohe.Level1, kaohe.EduCollege)
	res, err := s.RestoreFrom(ctx, list[0].Path, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kept != 2 || len(res.Unapplied) != 0 { // D002 and its level
		t.Errorf("kept %d unsent changes, %d unapplied; want 2 and 0", res.Kept, len(res.Unapplied))
	}
	rows, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(rows) != 2 {
		t.Errorf("after restore: %d managers; want D001 from the backup and D002 kept from the replaced database", len(rows))
	}
	if n, _ := s.PendingCount(ctx); n != 4 {
		t.Errorf("%d changes queued after restore; want all 4", n)
	}
	kept, err := Open(ctx, res.Saved.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	if rows, _ := kept.ListManagers(ctx, kaohe.ManagerFilter{}); len(rows) != 2 {
		t.Errorf("the replaced database was not saved whole: %d managers", len(rows))
	}
	after, _ := ListBackups(dir)
	if len(after) != 4 || after[0].Path != res.Saved.Path {
		t.Errorf("restore must add the saved copy as the newest backup and delete none: %d backups, newest %s", len(after), after[0].Path)
	}

	// A file that is not a database is refused and changes nothing.
	junk := filepath.Join(t.TempDir(), "kaohe-20260101-000000.db")
	os.WriteFile(junk, []byte("not a database"), 0o644)
	if _, err := s.RestoreFrom(ctx, junk, dir); kaohe.ErrorKey(err) != "err.db_not_database" {
		t.Errorf("restoring junk = %v", err)
	}
	if res, _ := s.IntegrityCheck(ctx); res != "ok" {
		t.Errorf("database damaged by a refused restore: %s", res)
	}
	if rows, _ := s.ListManagers(ctx, kaohe.ManagerFilter{}); len(rows) != 2 {
		t.Errorf("a refused restore changed the data: %d managers", len(rows))
	}
}

// TestBackupsOrderedByNumberNotClock: a backup made while the clock was a
// year ahead is not taken for the newest forever, nor are newer ones pruned
// in its favour; with the clock a year behind, backups still fall due.
func TestBackupsOrderedByNumberNotClock(t *testing.T) {
	s := newStore(t)
	dir := filepath.Join(t.TempDir(), "backups")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)
	s.Now = func() time.Time { return now }
	if _, err := s.Backup(ctx, dir, 3); err != nil {
		t.Fatal(err)
	}
	now = now.AddDate(1, 0, 0) // the clock jumps a year ahead
	ahead, err := s.Backup(ctx, dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	now = now.AddDate(-1, 0, 1) // and is set right again, a day later
	addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)
	if did, err := s.BackupIfDue(ctx, dir, 3, 24*time.Hour); err != nil || !did {
		t.Fatalf("with the newest backup dated a year ahead, BackupIfDue = %v, %v; want a backup", did, err)
	}
	if did, _ := s.BackupIfDue(ctx, dir, 3, 24*time.Hour); did {
		t.Errorf("nothing changed since the last backup, yet another was made")
	}
	var last BackupInfo
	for i := 0; i < 3; i++ {
		now = now.Add(25 * time.Hour)
		addManager(t, s, fmt.Sprintf("E%03d", i), "员工", kaohe.Level1, kaohe.EduVocational)
		if last, err = s.Backup(ctx, dir, 3); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := ListBackups(dir)
	if len(list) != 3 || list[0].Path != last.Path {
		t.Fatalf("backups = %+v; want the 3 made last, newest first", list)
	}
	for _, b := range list {
		if b.Path == ahead.Path {
			t.Errorf("the backup dated a year ahead outlived newer ones")
		}
	}
	for i := 1; i < len(list); i++ {
		if list[i-1].No <= list[i].No {
			t.Errorf("backups not ordered by number: %d before %d", list[i-1].No, list[i].No)
		}
	}
}

// TestRestoreRefusesOtherDatabases: an enrolled showroom takes back only
// its own data: another showroom's backup, an HQ-mode database and a
// database of no known kind are refused, and nothing is touched.
func TestRestoreRefusesOtherDatabases(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	mine := newStore(t)
	sr, _ := mine.Showroom(ctx)
	if err := mine.Enrolled(ctx, sr, "http://hq", "token-a", "replica-a"); err != nil {
		t.Fatal(err)
	}
	addManager(t, mine, "D001", "张喆", kaohe.Level1, kaohe.EduVocational)

	other := newStore(t) // another showroom, enrolled
	osr, _ := other.Showroom(ctx)
	osr.Code = "BJ01"
	other.Enrolled(ctx, osr, "http://hq", "token-b", "replica-b")
	otherBackup, err := other.Backup(ctx, filepath.Join(t.TempDir(), "o"), 0)
	if err != nil {
		t.Fatal(err)
	}
	hqm := newStore(t)
	if err := hqm.EnrolledHQ(ctx, "http://hq", "token-h", "replica-h"); err != nil {
		t.Fatal(err)
	}
	hqBackup, _ := hqm.Backup(ctx, filepath.Join(t.TempDir(), "h"), 0)
	plain := filepath.Join(t.TempDir(), "plain.db")
	db, _ := sql.Open("sqlite3", "file:"+plain)
	db.Exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); PRAGMA user_version = 3`)
	db.Close()

	for _, c := range []struct{ path, key string }{
		{otherBackup.Path, "err.restore_foreign"},
		{hqBackup.Path, "err.restore_hq"},
		{plain, "err.restore_not_kaohe"},
	} {
		if _, err := mine.RestoreFrom(ctx, c.path, dir); kaohe.ErrorKey(err) != c.key {
			t.Errorf("restore %s = %v; want %s", filepath.Base(c.path), err, c.key)
		}
	}
	if rows, _ := mine.ListManagers(ctx, kaohe.ManagerFilter{}); len(rows) != 1 {
		t.Errorf("a refused restore changed the data: %d managers", len(rows))
	}
	if list, _ := ListBackups(dir); len(list) != 0 {
		t.Errorf("a refused restore made %d backups", len(list))
	}
	// HQ mode takes no showroom's backup either.
	own, _ := mine.Backup(ctx, dir, 0)
	if _, err := hqm.RestoreFrom(ctx, own.Path, dir); kaohe.ErrorKey(err) != "err.restore_not_hq" {
		t.Errorf("HQ mode restoring a showroom's backup = %v", err)
	}
	// Its own backup restores, and the enrollment stays the install's.
	if _, err := mine.RestoreFrom(ctx, own.Path, dir); err != nil {
		t.Fatal(err)
	}
	if tok, _ := mine.Meta(ctx, MetaToken); tok != "token-a" {
		t.Errorf("token after restore = %q", tok)
	}
	if need, _ := mine.NeedsRecovery(ctx); !need {
		t.Errorf("a restored showroom must recover from HQ before it sends")
	}
}

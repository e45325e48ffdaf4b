package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/sqliteuri"
)

// Backup files are named kaohe-YYYYMMDD-HHMMSS.db for people to read; the
// name decides nothing. Each backup carries in its own meta table its number
// (one more than the highest in the folder), when it was made and a mark of
// the data it holds: backups are ordered by that number, so a PC clock that
// was wrong when one was made cannot make the newest look oldest.
const (
	backupPrefix = "kaohe-"
	backupSuffix = ".db"
	backupLayout = "20060102-150405"

	metaBackupNo   = "backup_no"
	metaBackupAt   = "backup_at"
	metaBackupMark = "backup_mark"
)

// BackupInfo describes one backup file.
type BackupInfo struct {
	Path string
	No   int64     // its number: higher is newer (0 for a backup of an older build)
	Time time.Time // when it was made, by the clock of the time
	Size int64
	Mark string // the data it holds (the newest audit entry), to tell whether anything changed since
}

// Backup copies the live database into dir with SQLite's online backup API
// (a consistent snapshot while the app keeps working), checks the copy, and
// keeps only the newest keep backups (keep <= 0 keeps all). It never
// overwrites a file.
func (s *Store) Backup(ctx context.Context, dir string, keep int) (BackupInfo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil { // backups hold the same secrets
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	list, err := ListBackups(dir)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	no := int64(1)
	for _, b := range list {
		no = max(no, b.No+1)
	}
	now := s.Now()
	final := filepath.Join(dir, backupPrefix+now.Format(backupLayout)+backupSuffix)
	for i := 1; fileExists(final); i++ {
		final = filepath.Join(dir, fmt.Sprintf("%s%s-%d%s", backupPrefix, now.Format(backupLayout), i, backupSuffix))
	}
	if err := quickCheck(ctx, s.w, s.path); err != nil { // a backup of a damaged database would pass for a good one
		return BackupInfo{}, err
	}
	tmp := final + ".part"
	os.Remove(tmp)
	if err := PrivateFile(tmp); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	mark, err := s.mark(ctx)
	if err != nil {
		os.Remove(tmp)
		return BackupInfo{}, corruptOr(err, s.path)
	}
	if err := s.copyTo(ctx, tmp); err != nil {
		os.Remove(tmp)
		return BackupInfo{}, corruptOr(err, s.path)
	}
	if err := stampBackup(ctx, tmp, no, now, mark); err != nil {
		removeDB(tmp)
		return BackupInfo{}, corruptOr(fmt.Errorf("backup: %w", err), s.path)
	}
	if err := checkFile(ctx, tmp); err != nil {
		removeDB(tmp)
		return BackupInfo{}, corruptOr(fmt.Errorf("backup: %w", err), s.path)
	}
	if err := os.Rename(tmp, final); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	st, err := os.Stat(final)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := pruneBackups(dir, keep); err != nil {
		return BackupInfo{}, err
	}
	return BackupInfo{Path: final, No: no, Time: now, Size: st.Size(), Mark: mark}, nil
}

// mark names the data as it is now: the newest audit entry (every write
// adds one), so two backups of unchanged data have the same mark.
func (s *Store) mark(ctx context.Context) (string, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM audit`).Scan(&n)
	return strconv.FormatInt(n, 10), err
}

// stampBackup writes a backup's number, time and mark into the copy itself.
func stampBackup(ctx context.Context, path string, no int64, at time.Time, mark string) error {
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?_journal_mode=DELETE")
	if err != nil {
		return err
	}
	defer db.Close()
	for k, v := range map[string]string{metaBackupNo: strconv.FormatInt(no, 10), metaBackupAt: at.UTC().Format(time.RFC3339Nano), metaBackupMark: mark} {
		if _, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return err
		}
	}
	return nil
}

// BackupIfDue makes a backup when the newest one (by number) was made at
// least every ago. If the clock now reads earlier than when the newest was
// made, the clock was wrong then or is now: a backup is due if the data
// changed since, so a wrong clock never stops the backups.
func (s *Store) BackupIfDue(ctx context.Context, dir string, keep int, every time.Duration) (bool, error) {
	list, err := ListBackups(dir)
	if err != nil {
		return false, err
	}
	if len(list) > 0 {
		newest, now := list[0], s.Now()
		switch {
		case now.Before(newest.Time):
			mark, err := s.mark(ctx)
			if err != nil {
				return false, err
			}
			if mark == newest.Mark {
				return false, nil
			}
		case now.Sub(newest.Time) < every:
			return false, nil
		}
	}
	_, err = s.Backup(ctx, dir, keep)
	return err == nil, err
}

func (s *Store) copyTo(ctx context.Context, path string) error {
	dst, err := sql.Open("sqlite3", sqliteuri.File(path))
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := s.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	return dconn.Raw(func(d any) error {
		return sconn.Raw(func(sc any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", sc.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for {
				done, err := b.Step(256)
				if err != nil {
					b.Finish()
					return err
				}
				if done {
					break
				}
			}
			return b.Finish()
		})
	})
}

// checkFile opens a database file read-only and runs the integrity check.
func checkFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return corruptOr(fmt.Errorf("check %s: %w", filepath.Base(path), err), path)
	}
	if res != "ok" {
		return kaohe.Errorf(kaohe.EINTERNAL, "err.db_corrupt", "Path", path, "Detail", res)
	}
	var v int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v < 1 || v > SchemaVersion {
		return fmt.Errorf("check %s: not a kaohe database of a known version (%d)", filepath.Base(path), v)
	}
	return nil
}

// ListBackups returns the backups in dir, newest (highest number) first.
func ListBackups(dir string) ([]BackupInfo, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []BackupInfo
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, backupPrefix) || !strings.HasSuffix(n, backupSuffix) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		b := BackupInfo{Path: filepath.Join(dir, n), Size: info.Size()}
		if !readBackupMeta(&b) {
			// A backup of an older build: its time is in its name.
			stem := strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)
			t, err := time.ParseInLocation(backupLayout, stem[:min(len(stem), len(backupLayout))], time.Local)
			if err != nil {
				continue
			}
			b.Time = t
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].No != out[j].No {
			return out[i].No > out[j].No
		}
		return out[i].Path > out[j].Path
	})
	return out, nil
}

// readBackupMeta reads a backup's number, time and mark from the file.
func readBackupMeta(b *BackupInfo) bool {
	db, err := sql.Open("sqlite3", sqliteuri.File(b.Path)+"?mode=ro")
	if err != nil {
		return false
	}
	defer db.Close()
	rows, err := db.Query(`SELECT key, value FROM meta WHERE key IN (?, ?, ?)`, metaBackupNo, metaBackupAt, metaBackupMark)
	if err != nil {
		return false
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if rows.Scan(&k, &v) != nil {
			return false
		}
		switch k {
		case metaBackupNo:
			b.No, _ = strconv.ParseInt(v, 10, 64)
		case metaBackupAt:
			b.Time, _ = time.Parse(time.RFC3339Nano, v)
		case metaBackupMark:
			b.Mark = v
		}
	}
	return rows.Err() == nil && b.No > 0
}

func pruneBackups(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	list, err := ListBackups(dir)
	if err != nil {
		return err
	}
	for _, b := range list[min(keep, len(list)):] {
		if err := os.Remove(b.Path); err != nil {
			return fmt.Errorf("prune backups: %w", err)
		}
	}
	return nil
}

func removeDB(path string) {
	for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + ext)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

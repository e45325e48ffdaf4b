package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/sqliteuri"
)

// Backup files are named kaohe-YYYYMMDD-HHMMSS.db so that names sort by time.
const (
	backupPrefix = "kaohe-"
	backupSuffix = ".db"
	backupLayout = "20060102-150405"
)

// BackupInfo describes one backup file.
type BackupInfo struct {
	Path string
	Time time.Time
	Size int64
}

// Backup copies the live database into dir with SQLite's online backup API
// (a consistent snapshot while the app keeps working), checks the copy, and
// keeps only the newest keep backups.
func (s *Store) Backup(ctx context.Context, dir string, keep int) (BackupInfo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil { // backups hold the same secrets
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
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
	if err := s.copyTo(ctx, tmp); err != nil {
		os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := checkFile(ctx, tmp); err != nil {
		os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
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
	return BackupInfo{Path: final, Time: now, Size: st.Size()}, nil
}

// BackupIfDue makes a backup when the newest one in dir is older than every.
func (s *Store) BackupIfDue(ctx context.Context, dir string, keep int, every time.Duration) (bool, error) {
	list, err := ListBackups(dir)
	if err != nil {
		return false, err
	}
	if len(list) > 0 && s.Now().Sub(list[0].Time) < every {
		return false, nil
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

// ListBackups returns the backups in dir, newest first.
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
		stem := strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)
		t, err := time.ParseInLocation(backupLayout, stem[:min(len(stem), len(backupLayout))], time.Local)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, BackupInfo{Path: filepath.Join(dir, n), Time: t, Size: info.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path > out[j].Path })
	return out, nil
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

// Restore replaces the database at dbPath with a backup. The database must
// be closed. The backup is checked first, and the database being replaced is
// kept beside it as dbPath + ".before-restore", so a restore loses nothing.
func Restore(ctx context.Context, backupPath, dbPath string) error {
	if err := checkFile(ctx, backupPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(backupPath, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if fileExists(dbPath) {
		// Fold any WAL into the old file so the kept copy is whole.
		if old, err := sql.Open("sqlite3", sqliteuri.File(dbPath)); err == nil {
			old.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			old.Close()
		}
		if err := copyFile(dbPath, dbPath+".before-restore"); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("restore: keep current database: %w", err)
		}
	}
	for _, ext := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

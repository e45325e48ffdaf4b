package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// checkDataDir refuses a data folder that is a file, or whose path runs
// through a file, before anything creates or opens the database in it: the
// system's own words ("not a directory"; on Windows "the system cannot find
// the path", said as 找不到文件) do not tell what is wrong.
func checkDataDir(dir string) error {
	clean := filepath.Clean(dir)
	for p := clean; ; {
		if st, err := os.Stat(p); err == nil {
			if st.IsDir() {
				return nil
			}
			return kaohe.Errorf(kaohe.EINVALID, "err.data_dir_is_file", "Dir", dir, "Path", p, "Part", p != clean)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
}

// migrateDataDir moves the data of an older version from old to dir once:
// the database (its WAL folded in first), backups and documents are copied,
// and old is renamed to old.moved-YYYYMMDD, which stays as the backup. It does
// nothing when old holds no database or dir already has one, so it never
// overwrites data and runs only once.
func migrateDataDir(ctx context.Context, old, dir string, now time.Time) (moved bool, err error) {
	if old == "" || filepath.Clean(old) == filepath.Clean(dir) {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(old, "kaohe.db")); err != nil {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "kaohe.db")); err == nil {
		return false, nil
	}
	s, err := store.Open(ctx, filepath.Join(old, "kaohe.db"))
	if err != nil {
		return false, fmt.Errorf("move data from %s: %w", old, err)
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into kaohe.db
		return false, fmt.Errorf("move data from %s: %w", old, err)
	}
	if err := copyTree(old, dir); err != nil {
		return false, fmt.Errorf("move data from %s to %s: %w", old, dir, err)
	}
	backup := old + ".moved-" + now.Format("20060102")
	if err := os.Rename(old, backup); err != nil {
		return true, fmt.Errorf("move data: keep %s: %w", old, err)
	}
	return true, nil
}

// copyTree copies the files under src into dst; the database comes last and
// through a .part file, so an interrupted copy leaves no database at dst and
// the next start tries again.
func copyTree(src, dst string) error {
	var db string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		switch {
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		case rel == "kaohe.db":
			db = p
			return nil
		case rel == "kaohe.db-wal" || rel == "kaohe.db-shm":
			return nil // folded into kaohe.db by the checkpoint
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
	if err != nil {
		return err
	}
	part := filepath.Join(dst, "kaohe.db.part")
	if err := copyFile(db, part); err != nil {
		return err
	}
	return os.Rename(part, filepath.Join(dst, "kaohe.db"))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
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

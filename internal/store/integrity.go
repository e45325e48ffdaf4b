package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/sqliteuri"
)

// quickCheck runs SQLite's PRAGMA quick_check (every page and index
// structure, without cross-checking each index entry: about a second for a
// large showroom) and says a damaged database as err.db_corrupt, which the
// window answers by offering the newest good backup. It runs when a store
// opens and before every backup, so no backup is ever made of a damaged
// database.
func quickCheck(ctx context.Context, db *sql.DB, path string) error {
	rows, err := db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return corruptOr(err, path)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return corruptOr(err, path)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return corruptOr(err, path)
	}
	if len(problems) > 0 {
		return kaohe.Errorf(kaohe.EINTERNAL, "err.db_corrupt", "Path", path, "Detail", strings.Join(problems, "; "))
	}
	return nil
}

// corruptOr says SQLite's words for a damaged or foreign file as domain
// errors; anything else passes through.
func corruptOr(err error, path string) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "malformed") || strings.Contains(msg, "disk image"):
		return kaohe.Errorf(kaohe.EINTERNAL, "err.db_corrupt", "Path", path, "Detail", msg)
	case strings.Contains(msg, "not a database"):
		return kaohe.Errorf(kaohe.EINVALID, "err.db_not_database", "Path", path)
	}
	return err
}

// IsCorrupt tells whether err says the database is damaged.
func IsCorrupt(err error) bool {
	var ke *kaohe.Error
	return errors.As(err, &ke) && ke.Key == "err.db_corrupt"
}

// CheckFile quick-checks the database file at path, read-only.
func CheckFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	return quickCheck(ctx, db, path)
}

// NewestGoodBackup is the newest backup in dir that passes the check, for
// the way out of a damaged database; ok is false when there is none.
func NewestGoodBackup(ctx context.Context, dir string) (BackupInfo, bool) {
	list, err := ListBackups(dir)
	if err != nil {
		return BackupInfo{}, false
	}
	for _, b := range list {
		if checkFile(ctx, b.Path) == nil {
			return b, true
		}
	}
	return BackupInfo{}, false
}

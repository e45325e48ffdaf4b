package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	sqlite3 "github.com/mattn/go-sqlite3"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/sqliteuri"
)

// Meta keys of this database as a replica.
const (
	MetaReplica    = "replica_id"      // the identity HQ gave this database at enrollment
	MetaReplicaSeq = "replica_seq"     // the last number given in its gap-free sequence
	MetaRecover    = "recover_pending" // set after a restore: recover from HQ before the next push
)

// What a recovery after a restore takes from HQ.
const (
	recoverRows       = "rows"     // the rows HQ holds that the backup lacks
	recoverRowsAndSeq = "rows+seq" // and the replica's sequence goes on after what HQ has seen
)

// syncMetaKeys are what a restore keeps of the replaced database when both
// are this showroom's: the credential and keys are the install's, not the
// backup's (the backup may predate a new enrollment).
var syncMetaKeys = []string{MetaHQURL, MetaToken, MetaReplica, "showroom_key", "hq_public_key"}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Saved BackupInfo // the replaced database, saved first as a backup
	Kept  int        // its changes not yet sent to HQ, kept in the restored one
	// Unapplied are kept changes the restored data refuses for now (the row
	// they edit came after the backup, say): they stay queued for HQ, wait to
	// be applied here once the recovery from HQ brings what they need, and
	// are listed here.
	Unapplied []Change
}

// dbInfo is what a restore checks of a database file.
type dbInfo struct {
	role, showroomID, showroomCode, token string
}

// inspect checks that path is a sound Kaohe database of a known version and
// reads whose it is.
func inspect(ctx context.Context, path string) (dbInfo, error) {
	var info dbInfo
	notKaohe := kaohe.Errorf(kaohe.EINVALID, "err.restore_not_kaohe", "File", path)
	if _, err := os.Stat(path); err != nil {
		return info, err // said in the user's language like every missing file
	}
	if err := checkFile(ctx, path); err != nil {
		if kaohe.ErrorCode(err) != kaohe.EINTERNAL || IsCorrupt(err) {
			return info, err // damaged, or not a database at all: said as such
		}
		return info, notKaohe
	}
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
	if err != nil {
		return info, notKaohe
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'outbox', 'managers', 'audit', 'showrooms')`).Scan(&n); err != nil || n != 5 {
		return info, notKaohe
	}
	get := func(k string) string {
		var v string
		db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, k).Scan(&v)
		return v
	}
	info.role, info.showroomID, info.token = get("role"), get(metaShowroomID), get(MetaToken)
	if info.role == "" {
		info.role = RoleShowroom
	}
	db.QueryRowContext(ctx, `SELECT code FROM showrooms WHERE id = ?`, info.showroomID).Scan(&info.showroomCode)
	return info, nil
}

// RestoreFrom replaces this database's content with a backup's, in place:
// the Store stays open and valid, so whatever holds it (the window, the sync
// engine once restarted) goes on with the restored data. Nothing is lost:
//   - a backup that is not this showroom's (another showroom's, HQ's, not a
//     Kaohe database) is refused before anything is touched;
//   - the current database is first saved as a new backup in backupDir
//     (never overwriting a file);
//   - its changes not yet sent to HQ are kept: queued again and applied to
//     the restored rows (any that cannot be are listed in the result);
//   - the enrollment (credential, replica identity, keys) stays the
//     install's, the replica's sequence goes on from the higher number, and
//     the next sync first recovers from HQ every row HQ holds that the
//     backup lacks (HQ is the copy of record).
func (s *Store) RestoreFrom(ctx context.Context, backupPath, backupDir string) (RestoreResult, error) {
	var res RestoreResult
	in, err := inspect(ctx, backupPath)
	if err != nil {
		return res, err
	}
	cur, err := inspect(ctx, s.path)
	if err != nil {
		return res, err
	}
	switch {
	case in.role == RoleHQ && cur.role != RoleHQ:
		return res, kaohe.Errorf(kaohe.EINVALID, "err.restore_hq")
	case in.role != RoleHQ && cur.role == RoleHQ:
		return res, kaohe.Errorf(kaohe.EINVALID, "err.restore_not_hq")
	case cur.role == RoleShowroom && cur.token != "" && in.showroomID != cur.showroomID:
		// An enrolled showroom takes back only its own data; a fresh install
		// (not enrolled) may take any showroom's backup to start from.
		have := in.showroomCode
		if have == "" {
			have = in.showroomID
		}
		return res, kaohe.Errorf(kaohe.EINVALID, "err.restore_foreign", "Have", have, "Want", cur.showroomCode)
	}
	res.Saved, err = s.Backup(ctx, backupDir, 0)
	if err != nil {
		return res, err
	}

	conn, err := s.w.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	defer s.changed() // also when it stops half-way: what was read before is stale
	if err := copyInto(ctx, conn, backupPath); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	if err := migrateConn(ctx, conn); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	// What the replaced database knew goes in: its saved copy is attached.
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS old`, sqliteuri.File(res.Saved.Path)+"?mode=ro"); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE old`)
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	tx := &Tx{ctx: ctx, tx: sqlTx, s: s, actor: "restore", now: s.Now().UTC()}
	if err := tx.mergeReplaced(cur, &res); err != nil {
		sqlTx.Rollback()
		return res, fmt.Errorf("restore: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	return res, nil
}

// mergeReplaced brings into the restored data what only the replaced
// database (attached as old) had: its unsent changes, what it had sent, its
// enrollment, the replica's sequence; and asks for a recovery from HQ.
func (tx *Tx) mergeReplaced(cur dbInfo, res *RestoreResult) error {
	// Changes the replaced database had sent or HQ had refused (out of its
	// queue) are so here too: the refusals with their reasons, then out of
	// the queue.
	if _, err := tx.exec(`UPDATE outbox SET refused = o.refused
		FROM old.outbox o WHERE o.change_id = outbox.change_id AND o.refused IS NOT NULL AND outbox.` + sqlQueued); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM main.outbox_queue WHERE seq IN (SELECT m.seq FROM main.outbox m JOIN old.outbox o ON o.change_id = m.change_id
		WHERE NOT EXISTS (SELECT 1 FROM old.outbox_queue oq WHERE oq.seq = o.seq))`); err != nil {
		return err
	}
	// Row counters never go back: a row the replaced database had written
	// further keeps its higher counter, so a write made here after the restore
	// is newer still. Its state is not here (the change id stays empty): the
	// recovery from HQ, or a kept change, brings it.
	if _, err := tx.exec(`INSERT INTO row_versions (entity, row_id, version, change_id) SELECT entity, row_id, version, '' FROM old.row_versions WHERE true
		ON CONFLICT (entity, row_id) DO UPDATE SET version = excluded.version, change_id = '' WHERE excluded.version > row_versions.version`); err != nil {
		return err
	}
	// Its unsent changes the backup lacks are queued again, in their order.
	kept, err := queryAll(tx.ctx, tx.tx, func(sc scanner) (Change, error) {
		var c Change
		var p string
		var rseq sql.NullInt64
		err := sc.Scan(&c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.Created, &c.Version, &rseq, &c.By)
		c.Payload, c.RSeq = json.RawMessage(p), rseq.Int64
		return c, err
	}, `SELECT o.change_id, o.entity, o.row_id, o.op, o.payload, o.created_at, o.version, q.rseq, o.actor
		FROM old.outbox_queue q JOIN old.outbox o ON o.seq = q.seq
		WHERE NOT EXISTS (SELECT 1 FROM main.outbox m WHERE m.change_id = o.change_id)
		ORDER BY q.seq`)
	if err != nil {
		return err
	}
	dropped := 0
	for _, c := range kept {
		if taken, err := tx.accountTakenByBackup(c); err != nil {
			return err
		} else if taken {
			dropped++
			if err := tx.audit("account.merged", kaohe.EntAccount, c.RowID, mustJSON(map[string]string{"dropped": c.ID})); err != nil {
				return err
			}
			continue
		}
		ins, err := tx.exec(`INSERT INTO outbox (change_id, entity, row_id, op, payload, created_at, version, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Entity, c.RowID, c.Op, string(c.Payload), c.Created, c.Version, c.By)
		if err != nil {
			return err
		}
		if c.RSeq > 0 {
			// Queued by the insert; its number goes with it.
			seq, err := ins.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE outbox_queue SET rseq = ? WHERE seq = ?`, c.RSeq, seq); err != nil {
				return err
			}
		}
		// The restored rows get the change too: the row as its writer (this
		// install) last wrote it, if that is newer than the backup's. One
		// that cannot be applied yet (its parent came after the backup) waits
		// for the recovery from HQ to bring the parent.
		ok, err := tx.applyRemote(c, true)
		if err != nil {
			return err
		}
		if !ok {
			if have, haveID, _ := tx.rowVersion(c.Entity, c.RowID); haveID != c.ID && !Newer(have, haveID, c.Version, c.ID) {
				res.Unapplied = append(res.Unapplied, c)
			}
		}
	}
	res.Kept = len(kept) - dropped
	if cur.token != "" {
		// The install's enrollment stays; the backup's may be older.
		for _, k := range syncMetaKeys {
			if _, err := tx.exec(`INSERT INTO meta (key, value) SELECT key, value FROM old.meta WHERE key = ?
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`INSERT INTO meta (key, value) SELECT 'showroom_id', value FROM old.meta WHERE key = 'showroom_id'
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`); err != nil {
			return err
		}
	}
	var oldSeq, newSeq int64
	tx.queryRow(`SELECT coalesce((SELECT CAST(value AS INTEGER) FROM old.meta WHERE key = ?), 0)`, MetaReplicaSeq).Scan(&oldSeq)
	tx.queryRow(`SELECT coalesce((SELECT CAST(value AS INTEGER) FROM main.meta WHERE key = ?), 0)`, MetaReplicaSeq).Scan(&newSeq)
	if err := tx.setMeta(MetaReplicaSeq, strconv.FormatInt(max(oldSeq, newSeq), 10)); err != nil {
		return err
	}
	if cur.role == RoleHQ {
		// HQ mode holds a replica of everything: pull it all again (newer
		// states win by their counters, the rest is a replay).
		if err := tx.setMeta(MetaPullCursor, "0"); err != nil {
			return err
		}
	} else {
		// The replaced database's sequence is known here when it was
		// enrolled: the restored one goes on from it, and a copy of either
		// still collides with the other at HQ. A fresh install restoring a
		// backup does not know how far its sequence went: it goes on after
		// what HQ has seen of it.
		mode := recoverRows
		if cur.token == "" {
			mode = recoverRowsAndSeq
		}
		if err := tx.setMeta(MetaRecover, mode); err != nil {
			return err
		}
	}
	return tx.audit("restore", "", "", mustJSON(map[string]any{"saved": filepath.Base(res.Saved.Path), "kept": len(kept), "unapplied": len(res.Unapplied)}))
}

// copyInto copies the database at path over the one on conn with SQLite's
// backup API, in one step: readers see the old content or the new, never a
// mix, and the live database keeps its WAL mode.
func copyInto(ctx context.Context, conn *sql.Conn, path string) error {
	src, err := sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer src.Close()
	sconn, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	return conn.Raw(func(d any) error {
		return sconn.Raw(func(sc any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", sc.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			done, err := b.Step(-1)
			if err != nil {
				b.Finish()
				return err
			}
			if !done {
				b.Finish()
				return errors.New("backup did not finish")
			}
			return b.Finish()
		})
	})
}

// Restore replaces the database file at dbPath with a backup, for the
// command line: it opens the database (creating it if missing) and restores
// into it with RestoreFrom, so the same checks hold and nothing is lost.
func Restore(ctx context.Context, backupPath, dbPath, backupDir string) (RestoreResult, error) {
	s, err := Open(ctx, dbPath)
	if IsCorrupt(err) || kaohe.ErrorKey(err) == "err.db_not_database" {
		// A damaged database cannot be read: it is set aside whole (never
		// overwritten) and the backup goes into a fresh one, which recovers
		// from HQ what it can, sequence included.
		if err := setAside(dbPath); err != nil {
			return RestoreResult{}, fmt.Errorf("restore: %w", err)
		}
		s, err = Open(ctx, dbPath)
	}
	if err != nil {
		return RestoreResult{}, err
	}
	res, err := s.RestoreFrom(ctx, backupPath, backupDir)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// setAside renames a damaged database file (and its WAL) to the first free
// dbPath.damaged-N.
func setAside(dbPath string) error {
	for i := 1; ; i++ {
		to := fmt.Sprintf("%s.damaged-%d", dbPath, i)
		if fileExists(to) {
			continue
		}
		for _, ext := range []string{"-wal", "-shm"} {
			if fileExists(dbPath + ext) {
				if err := os.Rename(dbPath+ext, to+ext); err != nil {
					return err
				}
			}
		}
		return os.Rename(dbPath, to)
	}
}

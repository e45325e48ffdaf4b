package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Sync state keys in meta.
const (
	MetaHQURL      = "hq_url"
	MetaToken      = "hq_token"
	MetaPullCursor = "pull_cursor"
	MetaLastSync   = "last_sync"
	MetaLastError  = "last_sync_error"
)

// Meta returns a meta value ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta sets meta values in one transaction.
func (s *Store) SetMeta(ctx context.Context, kv map[string]string) error {
	return s.Update(ctx, "sync", func(tx *Tx) error {
		for k, v := range kv {
			if err := tx.setMeta(k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func (tx *Tx) setMeta(k, v string) error {
	_, err := tx.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v)
	return err
}

// Outcome of a pushed change at HQ.
type Outcome struct {
	ChangeID string
	Refused  string // empty when HQ applied it (or had already)
}

// MarkPushed records HQ's answers for pushed changes: applied ones leave the
// queue, refused ones leave it too but keep their reason for the user.
func (s *Store) MarkPushed(ctx context.Context, outcomes []Outcome) error {
	return s.Update(ctx, "sync", func(tx *Tx) error {
		ts := stamp(tx.now)
		for _, o := range outcomes {
			if o.Refused == "" {
				if _, err := tx.exec(`UPDATE outbox SET sent_at = ? WHERE change_id = ? AND sent_at IS NULL`, ts, o.ChangeID); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.exec(`UPDATE outbox SET refused = ? WHERE change_id = ?`, o.Refused, o.ChangeID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Refused returns the changes HQ refused, newest first.
func (s *Store) Refused(ctx context.Context) ([]Change, error) {
	return queryAll(ctx, s.r, func(sc scanner) (Change, error) {
		var c Change
		var p string
		err := sc.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.Created, &c.Refused)
		c.Payload = json.RawMessage(p)
		return c, err
	}, `SELECT seq, change_id, entity, row_id, op, payload, created_at, refused FROM outbox WHERE refused IS NOT NULL ORDER BY seq DESC`)
}

// PullCursor returns how far this database has applied HQ's changes.
func (s *Store) PullCursor(ctx context.Context) (int64, error) {
	v, err := s.Meta(ctx, MetaPullCursor)
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// ApplyRemote applies changes written elsewhere (HQ's, or, in an HQ
// replica, the showrooms') and moves the pull cursor, all in one
// transaction: a pull interrupted at any point applies all or nothing.
// Applying is idempotent: a change seen twice changes nothing the second
// time. Remote changes are audited but never go back into the outbox.
func (s *Store) ApplyRemote(ctx context.Context, source string, changes []Change, cursor int64) error {
	return s.Update(ctx, source, func(tx *Tx) error {
		for _, c := range changes {
			if err := tx.applyChange(c); err != nil {
				return fmt.Errorf("apply %s %s: %w", c.Entity, c.RowID, err)
			}
		}
		if cursor > 0 {
			return tx.setMeta(MetaPullCursor, strconv.FormatInt(cursor, 10))
		}
		return nil
	})
}

// NoteSync records the end of a sync attempt.
func (s *Store) NoteSync(ctx context.Context, at time.Time, syncErr string) error {
	kv := map[string]string{MetaLastError: syncErr}
	if syncErr == "" {
		kv[MetaLastSync] = at.UTC().Format(time.RFC3339)
	}
	return s.SetMeta(ctx, kv)
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"kaohe/internal/kaohe"
)

// Sync state keys in meta.
const (
	MetaHQURL      = "hq_url"
	MetaToken      = "hq_token"
	MetaPullCursor = "pull_cursor"
	MetaLastSync   = "last_sync"
	MetaLastError  = "last_sync_error"
	MetaPublicURL  = "hq_public_url" // HQ's public verify address (kaohe.HQInfo)
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
	_, err := s.ApplyRemoteRefused(ctx, source, changes, cursor)
	return err
}

// Refusal is a remote change this database skipped, and why.
type Refusal struct {
	Change Change
	Err    error
}

// ApplyRemoteRefused is ApplyRemote that also returns the changes skipped
// for breaking a local rule (they are audited all the same), for a report
// beside an imported bundle.
func (s *Store) ApplyRemoteRefused(ctx context.Context, source string, changes []Change, cursor int64) ([]Refusal, error) {
	var refused []Refusal
	err := s.Update(ctx, source, func(tx *Tx) error {
		refused = refused[:0]
		for _, c := range changes {
			// Each change in its own savepoint: one that breaks a local rule
			// is skipped and audited, never blocking the rest of the queue.
			if _, err := tx.tx.ExecContext(tx.ctx, `SAVEPOINT apply`); err != nil {
				return err
			}
			err := tx.applyChange(c)
			var ke *kaohe.Error
			switch {
			case err == nil:
			case errors.As(err, &ke):
				if _, rerr := tx.tx.ExecContext(tx.ctx, `ROLLBACK TO apply`); rerr != nil {
					return rerr
				}
				if aerr := tx.audit("sync.refused", c.Entity, c.RowID, mustJSON(map[string]string{"change": c.ID, "reason": err.Error()})); aerr != nil {
					return aerr
				}
				refused = append(refused, Refusal{Change: Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID}, Err: err})
			default:
				return fmt.Errorf("apply %s %s: %w", c.Entity, c.RowID, err)
			}
			if _, err := tx.tx.ExecContext(tx.ctx, `RELEASE apply`); err != nil {
				return err
			}
		}
		if cursor > 0 {
			return tx.setMeta(MetaPullCursor, strconv.FormatInt(cursor, 10))
		}
		return nil
	})
	return refused, err
}

// NoteSync records the end of a sync attempt.
func (s *Store) NoteSync(ctx context.Context, at time.Time, syncErr string) error {
	kv := map[string]string{MetaLastError: syncErr}
	if syncErr == "" {
		kv[MetaLastSync] = at.UTC().Format(time.RFC3339)
	}
	return s.SetMeta(ctx, kv)
}

// showroomTables are the local tables whose rows carry a showroom: those of
// every synced kind that is not reference data.
var showroomTables = func() []string {
	var out []string
	for _, e := range kaohe.Entities() {
		if !e.Shared && e.Name != kaohe.EntShowroom && !slices.Contains(out, e.Table) {
			out = append(out, e.Table)
		}
	}
	return out
}()

// Enrolled makes HQ's showroom this database's own, with the credential to
// sync. Rows written before enrolling (under a showroom id made locally)
// move to HQ's id, in the tables and in the changes still queued, so
// nothing written offline is lost or refused.
func (s *Store) Enrolled(ctx context.Context, sr kaohe.Showroom, hqURL, token string) error {
	return s.Update(ctx, "enroll", func(tx *Tx) error {
		old, err := tx.ShowroomID()
		if err != nil && kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
			return err
		}
		if old != "" && old != sr.ID {
			for _, t := range showroomTables {
				if _, err := tx.exec(`UPDATE `+t+` SET showroom_id = ? WHERE showroom_id = ?`, sr.ID, old); err != nil {
					return err
				}
			}
			if _, err := tx.exec(`UPDATE outbox SET payload = json_set(payload, '$.showroom_id', ?)
				WHERE sent_at IS NULL AND json_extract(payload, '$.showroom_id') = ?`, sr.ID, old); err != nil {
				return err
			}
			if _, err := tx.exec(`DELETE FROM showrooms WHERE id = ?`, old); err != nil {
				return err
			}
		}
		if err := tx.adoptAccounts(sr.ID); err != nil {
			return err
		}
		ts := stamp(tx.now)
		if _, err := tx.exec(`INSERT INTO showrooms (id, showroom_id, code, name, region, city, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, region = excluded.region, city = excluded.city, updated_at = excluded.updated_at`,
			sr.ID, sr.ID, sr.Code, sr.Name, sr.Region, sr.City, ts, ts); err != nil {
			return err
		}
		for k, v := range map[string]string{metaShowroomID: sr.ID, MetaHQURL: hqURL, MetaToken: token} {
			if err := tx.setMeta(k, v); err != nil {
				return err
			}
		}
		return tx.audit("enroll", kaohe.EntShowroom, sr.ID, mustJSON(map[string]string{"code": sr.Code, "hq": hqURL, "previous": old}))
	})
}

// EnrolledHQ makes this database HQ's replica of every showroom (the review
// group's desktop app), with the credential to sync.
func (s *Store) EnrolledHQ(ctx context.Context, hqURL, token string) error {
	return s.Update(ctx, "enroll", func(tx *Tx) error {
		if err := tx.SetRole(RoleHQ); err != nil {
			return err
		}
		for k, v := range map[string]string{MetaHQURL: hqURL, MetaToken: token} {
			if err := tx.setMeta(k, v); err != nil {
				return err
			}
		}
		return tx.audit("enroll", "hq", "", mustJSON(map[string]string{"hq": hqURL}))
	})
}

// Role returns this database's role.
func (s *Store) Role(ctx context.Context) (string, error) {
	v, err := s.Meta(ctx, "role")
	if v == "" {
		v = RoleShowroom
	}
	return v, err
}

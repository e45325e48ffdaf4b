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
	"kaohe/internal/store/rawstmt"
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
	// Seq is the change's place in the outbox (Change.Seq) when the caller
	// knows it, 0 when not: an applied change is then found by its
	// primary key instead of its id's index, in the order sent.
	Seq int64
	// Waiting is HQ's reason for a change it cannot judge until it
	// publishes the reference data the change names (kaohe.Waits): the
	// change stays unsent, to be sent again, and the reason is kept for the
	// user.
	Waiting string
}

// MarkPushed records HQ's answers for pushed changes: applied ones leave the
// queue, refused ones leave it too but keep their reason for the user.
func (s *Store) MarkPushed(ctx context.Context, outcomes []Outcome) error {
	return s.Update(ctx, "sync", func(tx *Tx) error { return tx.markPushed(outcomes) })
}

// NextToSend records HQ's answers for changes sent before (as MarkPushed
// does) and returns the next changes to send: up to limit unsent ones after
// seq, in write order. Those without a number in this replica's sequence
// get the next ones, in write order, as NumberPending numbers them, a batch
// at a time (numberRead): a number is stored before its change leaves, so a
// change sent again keeps it. One transaction, so one commit per batch
// sent; with limit 0 it only records the answers.
func (s *Store) NextToSend(ctx context.Context, answered []Outcome, seq int64, limit int) ([]Change, error) {
	var out []Change
	err := s.Update(ctx, "sync", func(tx *Tx) error {
		if err := tx.markPushed(answered); err != nil {
			return err
		}
		if limit <= 0 {
			return nil
		}
		var err error
		if out, err = tx.readPending(seq, limit); err != nil {
			return err
		}
		return tx.numberRead(out)
	})
	return out, err
}

// readPending reads up to limit unsent changes after seq, as
// PendingChangesAfter does, in one call into SQLite (rawstmt): through
// database/sql each of a change's ten values was a call of its own, each
// text a string allocated and boxed, and reading a first sync's batches
// cost about as much as SQLite's own work in them. The texts share one
// buffer per batch.
func (tx *Tx) readPending(seq int64, limit int) ([]Change, error) {
	c, err := rawstmt.Handle(tx.ctx, tx.tx)
	if err != nil {
		return nil, err
	}
	st, err := c.Prepare(sqlPendingAfter)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rows, err := st.Query(seq, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]Change, 0, rows.Len())
	for rows.Next() {
		// The columns of sqlPendingAfter, as scanPending reads them.
		c := Change{Seq: rows.Int(), ID: rows.Text(), Entity: rows.Text(), RowID: rows.Text(), Op: rows.Text(), Payload: rows.Bytes(),
			Created: rows.Text(), Version: rows.Int()}
		c.RSeq, _ = rows.NullInt()
		c.By = rows.Text()
		out = append(out, c)
	}
	return out, rows.Err()
}

// numberRead gives the changes of a batch just read (the first unsent ones
// after a seq, in write order) that have no number yet the next ones of
// this replica's sequence, in write order, as numberPending would, and
// sets them in the batch. A run of them at consecutive seqs (a first send
// holds nothing else) is numbered by one UPDATE of that range, which costs
// SQLite about half of numberPending's join of the batch's seqs with
// their ranks; a batch of many runs (changes deleted or sent between
// them) is numbered by numberPending.
func (tx *Tx) numberRead(batch []Change) error {
	type run struct{ first, last int } // indexes into batch
	var runs []run
	for i := range batch {
		if batch[i].RSeq != 0 {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].last == i-1 && batch[i-1].Seq == batch[i].Seq-1 {
			runs[n-1].last = i
			continue
		}
		runs = append(runs, run{i, i})
	}
	if len(runs) == 0 {
		return nil
	}
	var last int64
	if err := tx.queryRow(`SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0)`, MetaReplicaSeq).Scan(&last); err != nil {
		return err
	}
	next := last
	if len(runs) > maxNumberRuns {
		if err := tx.numberPending(batch[0].Seq-1, len(batch)); err != nil {
			return err
		}
		for i := range batch {
			if batch[i].RSeq == 0 {
				next++
				batch[i].RSeq = next
			}
		}
		return nil
	}
	for _, r := range runs {
		first, end := batch[r.first].Seq, batch[r.last].Seq
		// rseq = next+1 for the run's first change, and on by seq.
		res, err := tx.exec(sqlNumberRun, next+1-first, first, end)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != end-first+1 {
			return fmt.Errorf("numbering changes %d to %d: %d numbered (%v)", first, end, n, err)
		}
		for i := r.first; i <= r.last; i++ {
			next++
			batch[i].RSeq = next
		}
	}
	return tx.setMeta(MetaReplicaSeq, strconv.FormatInt(next, 10))
}

// maxNumberRuns: more runs than this in a batch are numbered in one
// statement (numberPending).
const maxNumberRuns = 8

const sqlNumberRun = `UPDATE outbox_queue SET rseq = seq + ? WHERE seq BETWEEN ? AND ? AND rseq IS NULL`

func (tx *Tx) markPushed(outcomes []Outcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	var applied []Outcome
	rolled := false
	for _, o := range outcomes {
		if o.Waiting != "" && o.Refused == "" {
			if _, err := tx.exec(`UPDATE outbox SET waiting = ? WHERE change_id = ? AND `+sqlQueued, o.Waiting, o.ChangeID); err != nil {
				return err
			}
			continue
		}
		if o.Refused == "" {
			applied = append(applied, o)
			continue
		}
		if _, err := tx.exec(`UPDATE outbox SET refused = ? WHERE change_id = ?`, o.Refused, o.ChangeID); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM outbox_queue WHERE seq = (SELECT seq FROM outbox WHERE change_id = ?)`, o.ChangeID); err != nil {
			return err
		}
		if err := tx.rollBackRefused(o); err != nil {
			return err
		}
		rolled = true
	}
	if len(applied) > 0 {
		if err := tx.markSent(applied); err != nil {
			return err
		}
	}
	if rolled {
		// A decision rolled back may free the way for HQ's own.
		return tx.retryPending()
	}
	return nil
}

// markSent marks changes HQ applied as sent (out of the queue), in one
// statement for the batch, not one per change. Those whose outbox seq the
// caller gave are found by it (the primary key, in the order they were
// read: the change_id index, visited in the ids' random order, cost about
// half as much again as the whole batch's other writes), and only where
// that row still holds that change; the others, and any not found so (the
// outbox replaced meanwhile), by their change id.
func (tx *Tx) markSent(applied []Outcome) error {
	bySeq := make([]byte, 0, 1+len(applied)*48)
	bySeq = append(bySeq, '{')
	var byID []string
	for _, o := range applied {
		if o.Seq <= 0 {
			byID = append(byID, o.ChangeID)
			continue
		}
		if len(bySeq) > 1 {
			bySeq = append(bySeq, ',')
		}
		bySeq = append(bySeq, '"')
		bySeq = strconv.AppendInt(bySeq, o.Seq, 10)
		bySeq = append(bySeq, '"', ':')
		id, err := json.Marshal(o.ChangeID)
		if err != nil {
			return err
		}
		bySeq = append(bySeq, id...)
	}
	bySeq = append(bySeq, '}')
	if seqs := len(applied) - len(byID); seqs > 0 {
		res, err := tx.exec(sqlMarkSentBySeq, string(bySeq))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n < int64(seqs) {
			// Some were not where the caller saw them (or were marked
			// already): by their ids, which finds what is left.
			byID = byID[:0]
			for _, o := range applied {
				byID = append(byID, o.ChangeID)
			}
		}
	}
	if len(byID) == 0 {
		return nil
	}
	ids, err := json.Marshal(byID)
	if err != nil {
		return err
	}
	_, err = tx.exec(sqlMarkSent, string(ids))
	return err
}

// The change found by seq is checked for its id (+: by the primary key,
// not the change_id index).
const (
	sqlMarkSent      = `DELETE FROM outbox_queue WHERE seq IN (SELECT seq FROM outbox WHERE change_id IN (SELECT value FROM json_each(?)))`
	sqlMarkSentBySeq = `DELETE FROM outbox_queue WHERE seq IN (SELECT o.seq FROM json_each(?) AS a JOIN outbox o ON o.seq = CAST(a.key AS INTEGER) AND +o.change_id = a.value)`
)

// rolledBackTables are HQ's decisions an HQ-mode replica records first
// locally: one HQ refuses (another reviewer's decision came first, say)
// is taken back here, so the replica shows what HQ holds; the refusal stays
// listed on the Sync screen for its author.
var rolledBackTables = map[string]string{kaohe.EntDecision: "decisions", kaohe.EntApplicationEvent: "decisions",
	kaohe.EntExemption: "exemptions", kaohe.EntFiling: "filings"}

func (tx *Tx) rollBackRefused(o Outcome) error {
	role, err := tx.Role()
	if err != nil || role != RoleHQ {
		return err
	}
	var entity, rowID, payload string
	if err := tx.queryRow(`SELECT entity, row_id, payload FROM outbox WHERE change_id = ?`, o.ChangeID).Scan(&entity, &rowID, &payload); err != nil {
		return nil // not ours
	}
	table, ok := rolledBackTables[entity]
	if !ok {
		return nil
	}
	if _, err := tx.exec(`DELETE FROM `+table+` WHERE id = ?`, rowID); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM row_versions WHERE entity = ? AND row_id = ? AND change_id = ?`, entity, rowID, o.ChangeID); err != nil {
		return err
	}
	return tx.audit("sync.rolled_back", entity, rowID, mustJSON(map[string]string{"change": o.ChangeID, "reason": o.Refused, "row": payload}))
}

// Refused returns the changes HQ refused, newest first.
func (s *Store) Refused(ctx context.Context) ([]Change, error) {
	return queryAll(ctx, s.r, func(sc scanner) (Change, error) {
		var c Change
		var p string
		err := sc.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.Created, &c.Refused)
		c.Payload = json.RawMessage(p)
		return c, err
	}, sqlRefused)
}

// sqlRefused reads the refused changes through the partial index
// outbox_refused: the outbox holds every unsent change too.
const sqlRefused = `SELECT seq, change_id, entity, row_id, op, payload, created_at, refused FROM outbox WHERE refused IS NOT NULL ORDER BY seq DESC`

// Waiting returns the changes that wait, unsent, for reference data HQ has
// not published (Outcome.Waiting), newest first, with HQ's reason in
// Refused; and how many they are. Each goes again with every sync until HQ
// takes it in.
func (s *Store) Waiting(ctx context.Context, limit int) ([]Change, int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE waiting IS NOT NULL AND `+sqlWaitingQueued).Scan(&n); err != nil || n == 0 {
		return nil, n, err
	}
	out, err := queryAll(ctx, s.r, func(sc scanner) (Change, error) {
		var c Change
		var p string
		err := sc.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.Created, &c.Refused)
		c.Payload = json.RawMessage(p)
		return c, err
	}, `SELECT seq, change_id, entity, row_id, op, payload, created_at, waiting FROM outbox
		WHERE waiting IS NOT NULL AND `+sqlWaitingQueued+` ORDER BY seq DESC LIMIT ?`, limit)
	return out, n, err
}

// sqlWaitingQueued: a waiting change still queued, probed for each of the
// few waiting ones (the outbox_waiting index), not by visiting the queue.
const sqlWaitingQueued = `EXISTS (SELECT 1 FROM outbox_queue q WHERE q.seq = outbox.seq)`

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
// Which state of a row is newest is decided by the row's counter (its
// writer's), never by arrival order or a clock: an older state arriving
// late changes nothing, a replay changes nothing. A change that cannot be
// applied yet (its parent has not arrived, or a local rule refuses it for
// now) waits in remote_pending and is tried again after every pull, never
// blocking the rest. Remote changes are audited but never go back into the
// outbox.
func (s *Store) ApplyRemote(ctx context.Context, source string, changes []Change, cursor int64) error {
	_, err := s.ApplyRemoteRefused(ctx, source, changes, cursor)
	return err
}

// Refusal is a remote change this database skipped, and why.
type Refusal struct {
	Change Change
	Err    error
}

// ApplyRemoteRefused is ApplyRemote that also returns the changes of the
// batch a local rule refused (audited, and waiting to be tried again all the
// same), for a report beside an imported bundle.
func (s *Store) ApplyRemoteRefused(ctx context.Context, source string, changes []Change, cursor int64) ([]Refusal, error) {
	var refused []Refusal
	err := s.Update(ctx, source, func(tx *Tx) error {
		refused = refused[:0]
		tx.refusals = &refused
		applied := false
		for _, c := range changes {
			ok, err := tx.applyRemote(c, true)
			if err != nil {
				return err
			}
			applied = applied || ok
		}
		tx.refusals = nil
		if applied {
			if err := tx.retryPending(); err != nil {
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

// applyRemote applies one remote change if it is newer than what this
// database holds of its row, each in its own savepoint. It reports whether
// the change was applied; one refused by a local rule is parked (when park
// is set) and audited, never failing the transaction.
func (tx *Tx) applyRemote(c Change, park bool) (bool, error) {
	have, haveID, err := tx.rowVersion(c.Entity, c.RowID)
	if err != nil {
		return false, err
	}
	if haveID == c.ID {
		return false, tx.unpark(c.ID) // a replay
	}
	if haveID != "" && !Newer(c.Version, c.ID, have, haveID) {
		// An older state than the one held: logged at its writer, superseded here.
		if err := tx.unpark(c.ID); err != nil {
			return false, err
		}
		return false, tx.audit("sync.stale", c.Entity, c.RowID, mustJSON(map[string]any{"change": c.ID, "version": c.Version, "have": have}))
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `SAVEPOINT apply`); err != nil {
		return false, err
	}
	// A row entered here for the same natural key, never sent (after a
	// restore, before the recovery ran), becomes an edit of this one.
	tw, err := tx.takeTwin(c)
	if err != nil {
		return false, err
	}
	if err = tx.applyHeld(c); err == nil {
		if _, err := tx.exec(`INSERT INTO row_versions (entity, row_id, version, change_id) VALUES (?, ?, ?, ?)
			ON CONFLICT (entity, row_id) DO UPDATE SET version = excluded.version, change_id = excluded.change_id`,
			c.Entity, c.RowID, c.Version, c.ID); err != nil {
			return false, err
		}
		// Older states of the row still waiting are superseded.
		if _, err := tx.exec(`DELETE FROM remote_pending WHERE entity = ? AND row_id = ? AND (version < ? OR change_id = ?)`,
			c.Entity, c.RowID, c.Version, c.ID); err != nil {
			return false, err
		}
		if tw != nil {
			err = tx.foldTwin(c, tw)
		}
	}
	var ke *kaohe.Error
	switch {
	case err == nil:
	case errors.As(err, &ke):
		if _, rerr := tx.tx.ExecContext(tx.ctx, `ROLLBACK TO apply`); rerr != nil {
			return false, rerr
		}
		if tx.refusals != nil {
			*tx.refusals = append(*tx.refusals, Refusal{Change: Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID}, Err: err})
		}
		if park {
			res, perr := tx.exec(`INSERT INTO remote_pending (change_id, entity, row_id, op, payload, version, at, reason, parked)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(parked), 0) + 1 FROM remote_pending))
				ON CONFLICT (change_id) DO NOTHING`, c.ID, c.Entity, c.RowID, c.Op, string(c.Payload), c.Version, c.Created, err.Error())
			if perr != nil {
				return false, perr
			}
			if n, _ := res.RowsAffected(); n > 0 {
				if aerr := tx.audit("sync.refused", c.Entity, c.RowID, mustJSON(map[string]string{"change": c.ID, "reason": err.Error()})); aerr != nil {
					return false, aerr
				}
			}
		}
	default:
		return false, fmt.Errorf("apply %s %s: %w", c.Entity, c.RowID, err)
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `RELEASE apply`); err != nil {
		return false, err
	}
	return err == nil, nil
}

func (tx *Tx) unpark(changeID string) error {
	_, err := tx.exec(`DELETE FROM remote_pending WHERE change_id = ?`, changeID)
	return err
}

// retryPending tries the parked changes again, in their order of arrival,
// until a pass applies none: a child waits for its parent, a decision for
// the one before it.
func (tx *Tx) retryPending() error {
	for pass := 0; pass < 100; pass++ {
		waiting, err := queryAll(tx.ctx, tx.tx, func(sc scanner) (Change, error) {
			var c Change
			var p string
			err := sc.Scan(&c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.Version, &c.Created)
			c.Payload = json.RawMessage(p)
			return c, err
		}, `SELECT change_id, entity, row_id, op, payload, version, at FROM remote_pending ORDER BY parked`)
		if err != nil {
			return err
		}
		progress := false
		for _, c := range waiting {
			ok, err := tx.applyRemote(c, false)
			if err != nil {
				return err
			}
			progress = progress || ok
		}
		if !progress {
			return nil
		}
	}
	return nil
}

// RetryPending tries the pulled changes still waiting again, if any.
func (s *Store) RetryPending(ctx context.Context) error {
	if n, err := s.PendingRemote(ctx); err != nil || n == 0 {
		return err
	}
	return s.Update(ctx, "总部同步", func(tx *Tx) error { return tx.retryPending() })
}

// PendingRemote counts the pulled changes waiting to be applied.
func (s *Store) PendingRemote(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM remote_pending`).Scan(&n)
	return n, err
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
func (s *Store) Enrolled(ctx context.Context, sr kaohe.Showroom, hqURL, token, replica string) error {
	return s.Update(ctx, "enroll", func(tx *Tx) error {
		old, err := tx.ShowroomID()
		if err != nil && kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
			return err
		}
		dropped, err := tx.dropStandIns()
		if err != nil {
			return err
		}
		if old != "" && old != sr.ID {
			for _, t := range showroomTables {
				if _, err := tx.exec(`UPDATE `+t+` SET showroom_id = ? WHERE showroom_id = ?`, sr.ID, old); err != nil {
					return err
				}
			}
			if _, err := tx.exec(`UPDATE outbox SET payload = json_set(payload, '$.showroom_id', ?)
				WHERE `+sqlUnsent+` AND json_extract(payload, '$.showroom_id') = ?`, sr.ID, old); err != nil {
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
		if err := tx.newReplica(replica); err != nil {
			return err
		}
		// A fresh install enrolled as a showroom HQ already knows (a
		// reinstall, a replaced PC, a reissued code) gets the showroom's rows
		// back, its accounts with them, before it sends anything; a new
		// showroom's recovery finds nothing. Rows only: the credential is
		// new, so HQ has seen no number of its sequence, and a copy taken
		// before the first sync must still collide with the original (a
		// sequence going on after what HQ has seen would let it through).
		if err := tx.setMeta(MetaRecover, recoverRows); err != nil {
			return err
		}
		return tx.audit("enroll", kaohe.EntShowroom, sr.ID, mustJSON(map[string]any{"code": sr.Code, "hq": hqURL, "previous": old, "replica": replica,
			"stand_ins_dropped": dropped}))
	})
}

// newReplica makes this database the replica HQ enrolled: its identity, and
// a sequence that starts again (changes not sent yet are numbered anew when
// sent under the new credential).
func (tx *Tx) newReplica(replica string) error {
	if err := tx.setMeta(MetaReplica, replica); err != nil {
		return err
	}
	if err := tx.setMeta(MetaReplicaSeq, "0"); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM meta WHERE key = ?`, MetaRecover); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE outbox_queue SET rseq = NULL`)
	return err
}

// NumberPending gives every change about to be sent that has no number yet
// the next ones of this replica's gap-free sequence, in write order. A
// change keeps its number when sent again, so HQ can tell a resend from
// another database using the same numbers (a copy).
func (s *Store) NumberPending(ctx context.Context) error {
	return s.Update(ctx, "sync", func(tx *Tx) error { return tx.numberPending(0, -1) })
}

// numberPending numbers, as NumberPending, the changes without a number
// among the first limit unsent ones after seq (a negative limit: all).
func (tx *Tx) numberPending(seq int64, limit int) error {
	var last int64
	if err := tx.queryRow(`SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0)`, MetaReplicaSeq).Scan(&last); err != nil {
		return err
	}
	res, err := tx.exec(sqlNumberPending, last, seq, limit)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return tx.setMeta(MetaReplicaSeq, strconv.FormatInt(last+n, 10))
	}
	return nil
}

const sqlNumberPending = `UPDATE outbox_queue SET rseq = ? + n.rn FROM
	(SELECT seq, row_number() OVER (ORDER BY seq) AS rn FROM
		(SELECT seq, rseq FROM outbox_queue WHERE seq > ? ORDER BY seq LIMIT ?)
		WHERE rseq IS NULL) AS n
	WHERE outbox_queue.seq = n.seq`

// NeedsRecovery says whether this database was restored and must recover
// from HQ what the backup lacks before it sends anything.
func (s *Store) NeedsRecovery(ctx context.Context) (bool, error) {
	v, err := s.Meta(ctx, MetaRecover)
	return v != "", err
}

// ApplyRecovered applies rows of this showroom as HQ holds them (after a
// restore): each one newer than what this database holds of it is written,
// by the row counters, so a change made here and not yet sent stays.
func (s *Store) ApplyRecovered(ctx context.Context, changes []Change) error {
	return s.Update(ctx, "总部恢复", func(tx *Tx) error {
		for _, c := range changes {
			if _, err := tx.applyRemote(c, true); err != nil {
				return err
			}
		}
		return tx.retryPending()
	})
}

// FinishRecovery ends a recovery and syncing goes on as usual. A database
// restored on a fresh install (which cannot know how far its sequence went)
// goes on after the highest number HQ has seen from it; one restored in
// place goes on from the replaced database's own, so that a copy of either
// still collides with the other at HQ.
func (s *Store) FinishRecovery(ctx context.Context, hqSeq int64) error {
	return s.Update(ctx, "总部恢复", func(tx *Tx) error {
		var last int64
		if err := tx.queryRow(`SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0)`, MetaReplicaSeq).Scan(&last); err != nil {
			return err
		}
		var mode string
		if err := tx.queryRow(`SELECT coalesce((SELECT value FROM meta WHERE key = ?), '')`, MetaRecover).Scan(&mode); err != nil {
			return err
		}
		if mode == recoverRowsAndSeq && hqSeq > last {
			// HQ saw numbers this database does not know of (the replaced
			// database's, lost with it): the sequence goes on after them, and
			// changes numbered here since the backup are numbered anew.
			if _, err := tx.exec(`UPDATE outbox_queue SET rseq = NULL WHERE rseq > ?`, last); err != nil {
				return err
			}
			if err := tx.setMeta(MetaReplicaSeq, strconv.FormatInt(hqSeq, 10)); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`DELETE FROM meta WHERE key = ?`, MetaRecover); err != nil {
			return err
		}
		return tx.audit("recover", "", "", mustJSON(map[string]int64{"hq_seq": hqSeq}))
	})
}

// EnrolledHQ makes this database HQ's replica of every showroom (the review
// group's desktop app), with the credential to sync.
func (s *Store) EnrolledHQ(ctx context.Context, hqURL, token, replica string) error {
	return s.Update(ctx, "enroll", func(tx *Tx) error {
		if err := tx.SetRole(RoleHQ); err != nil {
			return err
		}
		if err := tx.accountsToHQ(); err != nil {
			return err
		}
		if err := tx.newReplica(replica); err != nil {
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

// RowStates returns, for every row this database holds a counter of, the
// change that wrote its current state ("entity/row id" → change id): two
// replicas holding the same rows in the same states have equal maps.
func (s *Store) RowStates(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	rows, err := s.r.QueryContext(ctx, `SELECT entity, row_id, change_id FROM row_versions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e, id, c string
		if err := rows.Scan(&e, &id, &c); err != nil {
			return nil, err
		}
		out[e+"/"+id] = c
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"kaohe/internal/kaohe"
)

// Change is one outbox entry: a local write waiting to be sent to HQ.
type Change struct {
	Seq     int64           `json:"seq"`
	ID      string          `json:"change_id"`
	Entity  string          `json:"entity"`
	RowID   string          `json:"row_id"`
	Op      string          `json:"op"`
	Payload json.RawMessage `json:"payload"`
	Created string          `json:"created_at"`
	Version int64           `json:"version,omitempty"` // the row's counter at its writer: higher is newer
	RSeq    int64           `json:"rseq,omitempty"`    // this replica's gap-free number of the change, once read to be sent
	Refused string          `json:"-"`                 // HQ's reason, for a refused change
	By      string          `json:"by,omitempty"`      // who made it: the account "姓名（工号）", or the machine work
}

// PendingChanges returns up to limit unsent changes in write order.
func (s *Store) PendingChanges(ctx context.Context, limit int) ([]Change, error) {
	return s.PendingChangesAfter(ctx, 0, limit)
}

// PendingChangesAfter returns up to limit unsent changes after seq.
func (s *Store) PendingChangesAfter(ctx context.Context, seq int64, limit int) ([]Change, error) {
	return queryAll(ctx, s.r, scanPending, sqlPendingAfter, seq, limit)
}

const sqlPendingAfter = `SELECT o.seq, o.change_id, o.entity, o.row_id, o.op, o.payload, o.created_at, o.version, q.rseq, o.actor
	FROM outbox_queue q JOIN outbox o ON o.seq = q.seq WHERE q.seq > ? ORDER BY q.seq LIMIT ?`

// A change's send state (migration 13): outbox_queue holds a row for each
// change neither sent nor refused, with its number once given; a change is
// sent when HQ applied it (out of the queue, not refused), refused when
// refused is set. Conditions on an outbox row, for queries of the outbox:
const (
	sqlQueued = `seq IN (SELECT seq FROM outbox_queue)`                           // to be sent
	sqlUnsent = `(refused IS NOT NULL OR seq IN (SELECT seq FROM outbox_queue))`  // not applied by HQ: queued or refused
	sqlSent   = `(refused IS NULL AND seq NOT IN (SELECT seq FROM outbox_queue))` // applied by HQ
)

func scanPending(sc scanner) (Change, error) {
	var c Change
	var p string
	var rseq sql.NullInt64
	err := sc.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.Created, &c.Version, &rseq, &c.By)
	c.Payload = json.RawMessage(p)
	c.RSeq = rseq.Int64
	return c, err
}

// PendingCount returns how many changes wait to be sent.
func (s *Store) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox_queue`).Scan(&n)
	return n, err
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	Seq   int64  `json:"seq"`
	At    string `json:"at"`
	Actor string `json:"actor"`
	// ActorID is the account behind Actor, "" for machine work.
	ActorID string `json:"actor_id"`
	Action  string `json:"action"`
	Entity  string `json:"entity"`
	RowID   string `json:"row_id"`
	Detail  string `json:"detail"`
}

// Audit returns the audit trail of a row (entity and rowID), or the latest
// entries when both are empty, newest first.
func (s *Store) Audit(ctx context.Context, entity, rowID string, limit int) ([]AuditEntry, error) {
	q := `SELECT seq, at, actor, actor_id, action, entity, row_id, detail FROM audit`
	var args []any
	if entity != "" {
		q += ` WHERE entity = ? AND row_id = ?`
		args = append(args, entity, rowID)
	}
	args = append(args, limit)
	return queryAll(ctx, s.r, func(sc scanner) (AuditEntry, error) {
		var e AuditEntry
		err := sc.Scan(&e.Seq, &e.At, &e.Actor, &e.ActorID, &e.Action, &e.Entity, &e.RowID, &e.Detail)
		return e, err
	}, q+` ORDER BY seq DESC LIMIT ?`, args...)
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict
// ("ok" when sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := s.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	return res, err
}

// AuditLines lists the newest audit lines the filter chooses, at most limit,
// newest first.
func (s *Store) AuditLines(ctx context.Context, f kaohe.AuditFilter, limit int) ([]kaohe.AuditLine, error) {
	q := `SELECT at, showroom_id, actor, action, entity, row_id FROM audit WHERE entity <> ''`
	var args []any
	if f.ShowroomID != "" {
		q += ` AND showroom_id = ?`
		args = append(args, f.ShowroomID)
	}
	if p := strings.TrimSpace(f.Person); p != "" {
		q += ` AND instr(lower(actor), lower(?)) > 0`
		args = append(args, p)
	}
	if !f.From.IsZero() {
		q += ` AND at >= ?`
		args = append(args, f.From.String())
	}
	if !f.To.IsZero() {
		q += ` AND at < ?`
		args = append(args, f.To.AddDays(1).String())
	}
	args = append(args, limit)
	return queryAll(ctx, s.r, func(sc scanner) (kaohe.AuditLine, error) {
		var l kaohe.AuditLine
		err := sc.Scan(&l.At, &l.ShowroomID, &l.By, &l.Action, &l.Entity, &l.RowID)
		return l, err
	}, q+` ORDER BY seq DESC LIMIT ?`, args...)
}

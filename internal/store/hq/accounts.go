package hq

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/google/uuid"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// ShowroomAccount is a showroom's account as HQ holds it, with HQ's word on
// it; never the password's hash.
type ShowroomAccount struct {
	kaohe.Account
	ShowroomCode string `json:"showroom_code"`
	BlockReason  string `json:"block_reason"`
	BlockedBy    string `json:"blocked_by"`
}

// ShowroomAccounts lists a showroom's accounts (by its code), by employee
// number.
func (s *Store) ShowroomAccounts(ctx context.Context, code string) ([]ShowroomAccount, error) {
	var sid string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM showrooms WHERE code = ?`, strings.TrimSpace(code)).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.payload, coalesce(b.payload, '') FROM rows r
		LEFT JOIN rows b ON b.entity = ? AND b.row_id = r.row_id AND b.deleted = 0
		WHERE r.entity = ? AND +r.showroom_id = ? AND r.deleted = 0
		ORDER BY lower(json_extract(r.payload, '$.employee_no'))`, kaohe.EntAccountBlock, kaohe.EntAccount, sid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ShowroomAccount
	for rows.Next() {
		var p, bp string
		if err := rows.Scan(&p, &bp); err != nil {
			return nil, err
		}
		a := ShowroomAccount{ShowroomCode: code}
		if err := json.Unmarshal([]byte(p), &a.Account); err != nil {
			return nil, err
		}
		a.PasswordHash = ""
		if bp != "" {
			var b kaohe.AccountBlockRow
			if err := json.Unmarshal([]byte(bp), &b); err != nil {
				return nil, err
			}
			a.BlockedByHQ, a.BlockReason, a.BlockedBy = b.Blocked, b.Reason, b.By
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// BlockAccount records HQ's word on a showroom's account (found by the
// showroom's code and the employee number): blocked, it cannot sign in at
// its showroom after the showroom's next sync; unblocked, it can again (if
// its showroom has not disabled it). by names who decided.
func (s *Store) BlockAccount(ctx context.Context, code, employeeNo string, blocked bool, reason, by string) (ShowroomAccount, error) {
	as, err := s.ShowroomAccounts(ctx, code)
	if err != nil {
		return ShowroomAccount{}, err
	}
	var acc *ShowroomAccount
	for i := range as {
		if strings.EqualFold(as[i].EmployeeNo, strings.TrimSpace(employeeNo)) {
			acc = &as[i]
		}
	}
	if acc == nil {
		return ShowroomAccount{}, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "account", "Key", employeeNo)
	}
	b := kaohe.AccountBlockRow{AccountBlock: kaohe.AccountBlock{ID: acc.ID, AccountID: acc.ID, Blocked: blocked,
		Reason: strings.TrimSpace(reason), By: by}, ShowroomID: acc.ShowroomID}
	if err := b.Validate(); err != nil {
		return *acc, err
	}
	p, err := json.Marshal(b)
	if err != nil {
		return *acc, err
	}
	err = s.tx(ctx, func(tx *txn) error {
		_, err := s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntAccountBlock, RowID: acc.ID, Op: "upsert",
			Payload: p, At: s.stamp(), By: by}, acc.ShowroomID, acc.ID, KindHQ, "admin")
		return err
	})
	acc.BlockedByHQ, acc.BlockReason, acc.BlockedBy = blocked, b.Reason, by
	return *acc, err
}

// AuditLine is one change HQ holds, as its audit shows it: when, who made
// it (as the change named them), from where (a showroom, or HQ), what.
type AuditLine struct {
	Seq      int64  `json:"seq"`
	At       string `json:"at"`
	By       string `json:"by"`
	Origin   string `json:"origin"` // showroom or hq
	Showroom string `json:"showroom"`
	Entity   string `json:"entity"`
	RowID    string `json:"row_id"`
	Op       string `json:"op"`
}

// Audit lists the changes of a showroom (by code; "" for every showroom and
// the reference data) written on or after since (RFC 3339 date or time, ""
// for all), in the order HQ received them, at most limit (0: all).
func (s *Store) Audit(ctx context.Context, code, since string, limit int) ([]AuditLine, error) {
	q := `SELECT c.seq, c.at, c.actor, c.origin, coalesce(s.code, ''), c.entity, c.row_id, c.op FROM changes c
		LEFT JOIN showrooms s ON s.id = c.showroom_id WHERE c.at >= ?`
	args := []any{since}
	if code = strings.TrimSpace(code); code != "" {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM showrooms WHERE code = ?`, code).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
		}
		q += ` AND s.code = ?`
		args = append(args, code)
	}
	q += ` ORDER BY c.seq`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditLine
	for rows.Next() {
		var l AuditLine
		if err := rows.Scan(&l.Seq, &l.At, &l.By, &l.Origin, &l.Showroom, &l.Entity, &l.RowID, &l.Op); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

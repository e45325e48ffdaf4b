package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kaohe/internal/kaohe"
)

const accountCols = `a.id, a.showroom_id, a.name, a.employee_no, a.role, a.password_hash, a.disabled, coalesce(b.blocked, 0)`

const accountFrom = ` FROM accounts a LEFT JOIN account_blocks b ON b.id = a.id AND b.deleted_at IS NULL`

func scanAccount(sc scanner) (kaohe.Account, error) {
	var a kaohe.Account
	var disabled, blocked int
	err := sc.Scan(&a.ID, &a.ShowroomID, &a.Name, &a.EmployeeNo, &a.Role, &a.PasswordHash, &disabled, &blocked)
	a.Disabled, a.BlockedByHQ = disabled != 0, blocked != 0
	return a, err
}

// accountAudit is what the audit trail keeps of an account write: never the
// password's hash.
func accountAudit(a kaohe.Account) string {
	return mustJSON(map[string]any{"name": a.Name, "employee_no": a.EmployeeNo, "role": a.Role, "disabled": a.Disabled})
}

// ownShowroomOrNone is this database's showroom id, or "" before it has one
// (the first account is made before enrolling; it moves to the showroom's id
// when there is one, see adoptAccounts).
func (tx *Tx) ownShowroomOrNone() (string, error) {
	id, err := tx.ShowroomID()
	if kaohe.ErrorCode(err) == kaohe.ENOTFOUND {
		return "", nil
	}
	return id, err
}

// SaveAccount creates or updates an account (hash already made: the store
// never sees a password). The employee number is unique among the
// install's live accounts.
func (tx *Tx) SaveAccount(a kaohe.Account) (kaohe.Account, error) {
	a.Name = strings.TrimSpace(a.Name)
	a.EmployeeNo = strings.TrimSpace(a.EmployeeNo)
	kept := false // the account keeps its number
	if a.ID != "" {
		old, err := tx.account(a.ID)
		if err != nil {
			return a, err
		}
		kept = kaohe.SameEmployeeNo(old.EmployeeNo, a.EmployeeNo)
		a.ShowroomID = old.ShowroomID
		if a.PasswordHash == "" {
			a.PasswordHash = old.PasswordHash
		}
	} else {
		sid, err := tx.ownShowroomOrNone()
		if err != nil {
			return a, err
		}
		a.ID, a.ShowroomID = tx.newID(), sid
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	// Unique by kaohe.EmployeeNoKey, as HQ keeps it (numbers are ASCII:
	// SQLite's lower() is exact). A number kept as it was is no second one,
	// even where an account saved before numbers were compared whatever
	// their case holds it too (HQ accepts such a change alike).
	if !kept {
		var other string
		err := tx.queryRow(`SELECT id FROM accounts WHERE showroom_id = ? AND lower(employee_no) = ? AND deleted_at IS NULL AND id <> ?`,
			a.ShowroomID, kaohe.EmployeeNoKey(a.EmployeeNo), a.ID).Scan(&other)
		if err == nil {
			return a, kaohe.Errorf(kaohe.ECONFLICT, "err.account_taken", "Value", a.EmployeeNo).OnField("employee_no")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return a, err
		}
	}
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO accounts (id, showroom_id, name, employee_no, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, employee_no = excluded.employee_no, role = excluded.role,
		password_hash = excluded.password_hash, disabled = excluded.disabled, updated_at = excluded.updated_at`,
		a.ID, a.ShowroomID, a.Name, a.EmployeeNo, string(a.Role), a.PasswordHash, boolInt(a.Disabled), ts, ts); err != nil {
		return a, err
	}
	blocked := a.BlockedByHQ
	a.BlockedByHQ = false // HQ's word travels in its own row
	entity := kaohe.EntAccount
	if role, err := tx.Role(); err != nil {
		return a, err
	} else if role == RoleHQ && a.ShowroomID == "" {
		entity = kaohe.EntHQAccount // HQ's people: every HQ PC gets them from HQ
	}
	if err := tx.logChangeAudit(entity, a.ID, OpUpsert, "account.save", a, accountAudit(a)); err != nil {
		return a, err
	}
	a.BlockedByHQ = blocked
	return a, nil
}

// BlockAccount records HQ's word on an account (HQ mode).
func (tx *Tx) BlockAccount(b kaohe.AccountBlock) error {
	acc, err := tx.account(b.AccountID)
	if err != nil {
		return err
	}
	b.ID = acc.ID
	if err := b.Validate(); err != nil {
		return err
	}
	if err := tx.putBlock(acc.ShowroomID, b); err != nil {
		return err
	}
	return tx.logChange(kaohe.EntAccountBlock, b.ID, OpUpsert, "account.block", struct {
		kaohe.AccountBlock
		ShowroomID string `json:"showroom_id"`
	}{b, acc.ShowroomID})
}

func (tx *Tx) putBlock(showroomID string, b kaohe.AccountBlock) error {
	ts := stamp(tx.now)
	_, err := tx.exec(`INSERT INTO account_blocks (id, showroom_id, account_id, blocked, reason, blocked_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET blocked = excluded.blocked, reason = excluded.reason,
		blocked_by = excluded.blocked_by, updated_at = excluded.updated_at, deleted_at = NULL`,
		b.ID, showroomID, b.AccountID, boolInt(b.Blocked), b.Reason, b.By, ts, ts)
	return err
}

// applyAccount writes an account synced from elsewhere (HQ's replica, or a
// showroom's own accounts coming back after a reinstall).
func (tx *Tx) applyAccount(op string, a kaohe.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if op != OpDelete {
		if err := tx.yieldLocalAccount(a); err != nil {
			return err
		}
	}
	return tx.upsert("accounts", a.ID, op, cols{"showroom_id": a.ShowroomID, "name": a.Name, "employee_no": a.EmployeeNo,
		"role": string(a.Role), "password_hash": a.PasswordHash, "disabled": boolInt(a.Disabled)})
}

// yieldLocalAccount makes way for an account HQ holds (recovered after a
// reinstall, or pulled) when this install has another live account with its
// employee number: the one made at the first-run set-up of a fresh install,
// before it enrolled as the showroom it was. The person is the same, and
// their account is HQ's: its id (which records and HQ's blocks name), role
// and password hash, so they sign in as before. The local one, never sent to
// HQ, goes with its queued changes, so nothing is duplicated at HQ. An
// account HQ already had under another id is not replaced: the incoming one
// is refused (and waits) instead.
func (tx *Tx) yieldLocalAccount(a kaohe.Account) error {
	var local string
	err := tx.queryRow(`SELECT id FROM accounts WHERE showroom_id = ? AND lower(employee_no) = lower(?) AND id <> ? AND deleted_at IS NULL`,
		a.ShowroomID, a.EmployeeNo, a.ID).Scan(&local)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var sent int
	if err := tx.queryRow(`SELECT count(*) FROM outbox WHERE entity IN (?, ?) AND row_id = ? AND `+sqlSent,
		kaohe.EntAccount, kaohe.EntHQAccount, local).Scan(&sent); err != nil {
		return err
	}
	if sent > 0 {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.account_taken", "Value", a.EmployeeNo).OnField("employee_no")
	}
	for _, q := range []string{
		`DELETE FROM outbox WHERE entity IN ('` + kaohe.EntAccount + `', '` + kaohe.EntHQAccount + `') AND row_id = ? AND ` + sqlUnsent,
		`DELETE FROM row_versions WHERE entity IN ('` + kaohe.EntAccount + `', '` + kaohe.EntHQAccount + `') AND row_id = ?`,
		`DELETE FROM login_failures WHERE account_id = ?`,
		`DELETE FROM accounts WHERE id = ?`,
	} {
		if _, err := tx.exec(q, local); err != nil {
			return err
		}
	}
	return tx.audit("account.merged", kaohe.EntAccount, a.ID, mustJSON(map[string]string{"replaced": local, "employee_no": a.EmployeeNo, "name": a.Name}))
}

// accountTakenByBackup reports whether a kept change (restore) is an
// account whose employee number the restored data already has under
// another id: the backup's account is the person's, with the password they
// know, and the kept one (a fresh install's set-up account) is dropped.
func (tx *Tx) accountTakenByBackup(c Change) (bool, error) {
	if (c.Entity != kaohe.EntAccount && c.Entity != kaohe.EntHQAccount) || c.Op == OpDelete {
		return false, nil
	}
	var a kaohe.Account
	if err := kaohe.DecodeStrict(c.Payload, &a); err != nil {
		return false, nil // judged like any kept change
	}
	var n int
	err := tx.queryRow(`SELECT count(*) FROM accounts WHERE lower(employee_no) = lower(?) AND id <> ? AND deleted_at IS NULL
		AND showroom_id IN (?, coalesce((SELECT value FROM meta WHERE key = 'showroom_id'), ''))`, a.EmployeeNo, a.ID, a.ShowroomID).Scan(&n)
	return n > 0, err
}

// applyAccountBlock writes HQ's word on an account.
func (tx *Tx) applyAccountBlock(b kaohe.AccountBlockRow) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return tx.putBlock(b.ShowroomID, b.AccountBlock)
}

// accountsToHQ makes the accounts made before this database enrolled as
// HQ's replica (the first-run set-up's, a showroom manager's role then)
// HQ's people: HQ's admin, queued again as HQ accounts, so every HQ PC gets
// them (or, when HQ already has the employee number, the one HQ holds
// replaces it at the first pull).
func (tx *Tx) accountsToHQ() error {
	if _, err := tx.exec(`DELETE FROM outbox WHERE entity = ? AND `+sqlQueued+` AND json_extract(payload, '$.showroom_id') = ''`, kaohe.EntAccount); err != nil {
		return err
	}
	as, err := queryAll(tx.ctx, tx.tx, scanAccount, `SELECT `+accountCols+accountFrom+` WHERE a.showroom_id = '' AND a.deleted_at IS NULL`)
	if err != nil {
		return err
	}
	for _, a := range as {
		if !a.Role.HQ() {
			a.Role = kaohe.RoleHQAdmin
		}
		if _, err := tx.SaveAccount(a); err != nil {
			return err
		}
	}
	return nil
}

// adoptAccounts moves the accounts made before this database had a showroom
// to showroom id, in the table and in the changes still queued.
func (tx *Tx) adoptAccounts(id string) error {
	if _, err := tx.exec(`UPDATE accounts SET showroom_id = ? WHERE showroom_id = ''`, id); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE outbox SET payload = json_set(payload, '$.showroom_id', ?)
		WHERE `+sqlUnsent+` AND entity = ? AND json_extract(payload, '$.showroom_id') = ''`, id, kaohe.EntAccount)
	return err
}

func (tx *Tx) account(id string) (kaohe.Account, error) {
	a, err := scanAccount(tx.queryRow(`SELECT `+accountCols+accountFrom+` WHERE a.id = ? AND a.deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("account", id)
	}
	return a, err
}

// Accounts lists this install's own accounts (in HQ mode, HQ's), by
// employee number.
func (s *Store) Accounts(ctx context.Context) ([]kaohe.Account, error) {
	return queryAll(ctx, s.r, scanAccount, `SELECT `+accountCols+accountFrom+`
		WHERE a.deleted_at IS NULL AND a.showroom_id IN ('', coalesce((SELECT value FROM meta WHERE key = 'showroom_id'), ''))
		ORDER BY a.employee_no`)
}

// AllAccounts lists every account this database holds, of every showroom
// (HQ mode), by showroom and employee number.
func (s *Store) AllAccounts(ctx context.Context) ([]kaohe.Account, error) {
	return queryAll(ctx, s.r, scanAccount, `SELECT `+accountCols+accountFrom+` WHERE a.deleted_at IS NULL ORDER BY a.showroom_id, a.employee_no`)
}

// AccountByEmployeeNo finds one of the install's own accounts.
func (s *Store) AccountByEmployeeNo(ctx context.Context, no string) (kaohe.Account, error) {
	a, err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountCols+accountFrom+`
		WHERE a.deleted_at IS NULL AND a.employee_no = ?
		AND a.showroom_id IN ('', coalesce((SELECT value FROM meta WHERE key = 'showroom_id'), ''))`, strings.TrimSpace(no)))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("account", no)
	}
	return a, err
}

// HasAccounts reports whether the install has any account of its own yet
// (none: the first-run set-up is due).
func (s *Store) HasAccounts(ctx context.Context) (bool, error) {
	as, err := s.Accounts(ctx)
	return len(as) > 0, err
}

// LoginFailures returns an account's wrong passwords in a row and when the
// last was.
func (s *Store) LoginFailures(ctx context.Context, accountID string) (int, time.Time, error) {
	var n int
	var last string
	err := s.r.QueryRowContext(ctx, `SELECT count, last_at FROM login_failures WHERE account_id = ?`, accountID).Scan(&n, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	t, _ := time.Parse(time.RFC3339Nano, last)
	return n, t, nil
}

// LoginFailed counts one more wrong password in a row and returns the count.
// Local only: neither synced nor in the outbox.
func (tx *Tx) LoginFailed(accountID string) (int, error) {
	if _, err := tx.exec(`INSERT INTO login_failures (account_id, count, last_at) VALUES (?, 1, ?)
		ON CONFLICT (account_id) DO UPDATE SET count = count + 1, last_at = excluded.last_at`, accountID, stamp(tx.now)); err != nil {
		return 0, err
	}
	var n int
	err := tx.queryRow(`SELECT count FROM login_failures WHERE account_id = ?`, accountID).Scan(&n)
	if err != nil {
		return 0, err
	}
	return n, tx.audit("login.failed", kaohe.EntAccount, accountID, mustJSON(map[string]int{"in_a_row": n}))
}

// LoginSucceeded clears the account's failures and records the sign-in.
func (tx *Tx) LoginSucceeded(accountID string) error {
	if _, err := tx.exec(`DELETE FROM login_failures WHERE account_id = ?`, accountID); err != nil {
		return err
	}
	return tx.audit("login", kaohe.EntAccount, accountID, "{}")
}

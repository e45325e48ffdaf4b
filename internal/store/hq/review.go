package hq

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/google/uuid"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Issuer is the name on certificates: the policy's review group.
const Issuer = "客户经理绩效考核实施小组"

// grant follows a recorded third-review pass: the level-change event and the
// signed certificate, as HQ changes for the applicant's showroom. The
// decision was checked (kaohe.CheckDecision, which includes CheckGrant)
// before it was recorded.
func (s *Store) grant(tx *txn, led *ledger, d kaohe.Decision, showroom, credential string) error {
	v, ok, err := led.Application(d.AppID)
	if err != nil || !ok {
		return kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
	}
	mgr, ok, err := led.Manager(v.ManagerID)
	if err != nil || !ok {
		return kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
	}
	sr, _, err := rowOf[kaohe.Showroom](tx, kaohe.EntShowroom, showroom)
	if err != nil {
		return err
	}
	history, err := led.LevelHistory(v.ManagerID)
	if err != nil {
		return err
	}
	lcID, certID := kaohe.GrantIDs(d.ID)
	lc := kaohe.Grant(v, kaohe.CurrentLevel(history), d, lcID)
	if err := lc.Validate(); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM rows WHERE entity = ? AND json_extract(payload, '$.serial') LIKE ?`,
		kaohe.EntCertificate, kaohe.SerialFor(d.Date.Year, 0)[:8]+"%").Scan(&n); err != nil {
		return err
	}
	cert := kaohe.Certificate{ID: certID, ShowroomID: showroom, ManagerID: v.ManagerID, AppID: v.ID,
		Serial: kaohe.SerialFor(d.Date.Year, n+1), Level: v.TargetLevel, HolderName: mgr.Name, Showroom: sr.Name,
		GrantedOn: d.Date, Issuer: Issuer, VerifyCode: secret(8, codeAlphabet)}
	keyID, _, priv, err := s.signingKeyTx(tx)
	if err != nil {
		return err
	}
	cert.Sign(keyID, priv)
	for _, r := range []struct {
		entity, id string
		row        any
	}{{kaohe.EntLevelChange, lc.ID, lc}, {kaohe.EntCertificate, cert.ID, cert}} {
		p, _ := json.Marshal(r.row)
		if _, err := s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: r.entity, RowID: r.id, Op: "upsert",
			Payload: p, At: s.stamp()}, showroom, v.ManagerID, KindHQ, credential); err != nil {
			return err
		}
		led.recorded(r.entity, r.id, v.ManagerID)
	}
	return nil
}

// RecordLevel records a level HQ sets outside a review (定级: the level a
// person held before the system) for a manager HQ holds, checked by
// kaohe.CheckLevelDecision by HQ's own date; the showroom gets it as HQ's
// level change. The same change again (same id and content) changes
// nothing.
func (s *Store) RecordLevel(ctx context.Context, lc kaohe.LevelChange) (kaohe.LevelChange, error) {
	out, err := s.RecordLevels(ctx, []kaohe.LevelChange{lc})
	if len(out) == 1 {
		lc = out[0]
	}
	return lc, err
}

// RecordLevels records several such levels in one transaction, in order:
// all of them or none (a level set two steps up that fails at the second
// leaves the first unrecorded).
func (s *Store) RecordLevels(ctx context.Context, lcs []kaohe.LevelChange) ([]kaohe.LevelChange, error) {
	out := append([]kaohe.LevelChange(nil), lcs...)
	for i := range out {
		if out[i].ID == "" {
			out[i].ID = uuid.Must(uuid.NewV7()).String()
		}
	}
	err := s.tx(ctx, func(tx *txn) error {
		for _, lc := range out {
			if err := s.recordLevel(tx, lc); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func (s *Store) recordLevel(tx *txn, lc kaohe.LevelChange) error {
	if had, ok, err := rowOf[kaohe.LevelChange](tx, kaohe.EntLevelChange, lc.ID); err != nil || ok {
		if err == nil && had != lc {
			err = kaohe.ErrReadOnly
		}
		return err
	}
	e, _ := kaohe.EntityOf(kaohe.EntLevelChange)
	if err := e.CheckIDFree(func(m string) (bool, error) {
		_, ok, err := tx.storedRow(m, lc.ID)
		return ok, err
	}); err != nil {
		return err
	}
	led := newLedger(tx, s.today())
	showroom, err := s.showroomOfRow(tx, kaohe.Ref{Entity: kaohe.EntManager, ID: lc.ManagerID})
	if err != nil {
		return err
	}
	levels, err := led.Levels()
	if err != nil {
		return err
	}
	h, err := led.LevelHistory(lc.ManagerID)
	if err != nil {
		return err
	}
	if err := kaohe.CheckLevelDecision(levels, h, lc, led.Today()); err != nil {
		return err
	}
	p, _ := json.Marshal(lc)
	_, err = s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntLevelChange, RowID: lc.ID, Op: "upsert",
		Payload: p, At: s.stamp()}, showroom, lc.ManagerID, KindHQ, "admin")
	return err
}

// signingKeyTx reads HQ's newest key inside a transaction (the store has
// one connection: a read outside it would wait for this one).
func (s *Store) signingKeyTx(tx *txn) (string, ed25519.PublicKey, ed25519.PrivateKey, error) {
	var id, pubS, privS string
	if err := tx.QueryRow(`SELECT id, public, private FROM keys ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&id, &pubS, &privS); err != nil {
		return "", nil, nil, kaohe.Errorf(kaohe.ECONFLICT, "err.no_signing_key")
	}
	pub, _ := base64.StdEncoding.DecodeString(pubS)
	priv, err := s.privateKey(id, privS)
	return id, pub, priv, err
}

// Revoke withdraws a certificate with a reason; the showroom gets the change.
func (s *Store) Revoke(ctx context.Context, serial, reason string) (kaohe.Certificate, error) {
	var c kaohe.Certificate
	if strings.TrimSpace(reason) == "" {
		return c, kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("reason")
	}
	err := s.tx(ctx, func(tx *txn) error {
		var p, showroom string
		err := tx.QueryRow(`SELECT payload, showroom_id FROM rows WHERE entity = ? AND json_extract(payload, '$.serial') = ?`, kaohe.EntCertificate, serial).Scan(&p, &showroom)
		if err != nil {
			return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "certificate", "Key", serial)
		}
		json.Unmarshal([]byte(p), &c)
		c.Revoked, c.RevokedWhy = true, reason
		raw, _ := json.Marshal(c)
		_, err = s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntCertificate, RowID: c.ID, Op: "upsert",
			Payload: raw, At: s.stamp()}, showroom, c.ManagerID, KindHQ, "admin")
		return err
	})
	return c, err
}

// Verify looks a certificate up by serial and checks it against the code
// and HQ's keys.
func (s *Store) Verify(ctx context.Context, serial, code string) (kaohe.Certificate, kaohe.Verdict, error) {
	var c kaohe.Certificate
	var p string
	err := s.db.QueryRowContext(ctx, `SELECT payload FROM rows WHERE entity = ? AND json_extract(payload, '$.serial') = ? AND deleted = 0`,
		kaohe.EntCertificate, strings.ToUpper(strings.TrimSpace(serial))).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return c, kaohe.Unknown, nil
	}
	if err != nil {
		return c, "", err
	}
	json.Unmarshal([]byte(p), &c)
	keys, err := s.PublicKeys(ctx)
	if err != nil {
		return c, "", err
	}
	return c, c.Verify(code, keys), nil
}

// Levels is the level reference data HQ holds, or the policy's.
func (s *Store) Levels(ctx context.Context) (kaohe.Levels, error) {
	var out kaohe.Levels
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		out, err = levels(tx)
		return err
	})
	return out, err
}

// ManagerByNo finds a live manager HQ holds by her showroom's code and her
// employee number (whatever its case or spacing: kaohe.SameEmployeeNo).
func (s *Store) ManagerByNo(ctx context.Context, code, employeeNo string) (kaohe.Manager, error) {
	var m kaohe.Manager
	var sid string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM showrooms WHERE code = ?`, strings.TrimSpace(code)).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return m, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
	}
	if err != nil {
		return m, err
	}
	rows, err := s.db.QueryContext(ctx, sqlKindOfShowroom, kaohe.EntManager, sid)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return m, err
		}
		var v kaohe.Manager
		if err := json.Unmarshal([]byte(p), &v); err != nil {
			return m, err
		}
		if kaohe.SameEmployeeNo(v.EmployeeNo, employeeNo) {
			return v, nil
		}
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	return m, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "manager", "Key", employeeNo)
}

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

// rowOf reads a row's current state at HQ.
func rowOf[T any](tx *txn, entity, id string) (T, bool, error) {
	var v T
	var p string
	err := tx.QueryRow(`SELECT payload FROM rows WHERE entity = ? AND row_id = ? AND deleted = 0`, entity, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	return v, true, json.Unmarshal([]byte(p), &v)
}

// rowsWhere reads the current state of the rows of entities whose payload
// field equals value, in the order they were written.
func rowsWhere[T any](tx *txn, field, value string, entities ...string) ([]T, error) {
	q := `SELECT payload FROM rows WHERE deleted = 0 AND json_extract(payload, '$.` + field + `') = ? AND entity IN (?` + strings.Repeat(", ?", len(entities)-1) + `) ORDER BY seq`
	args := []any{value}
	for _, e := range entities {
		args = append(args, e)
	}
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(p), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// levels is the level reference data HQ has sent, or the policy's.
func levels(tx *txn) (kaohe.Levels, error) {
	rows, err := tx.Query(`SELECT payload FROM rows WHERE entity = ? AND deleted = 0 ORDER BY row_id`, kaohe.EntLevel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out kaohe.Levels
	for rows.Next() {
		var p string
		rows.Scan(&p)
		var li kaohe.LevelInfo
		if json.Unmarshal([]byte(p), &li) == nil {
			out = append(out, li)
		}
	}
	if len(out) == 0 {
		return kaohe.DefaultLevels(), nil
	}
	return out, rows.Err()
}

// review replays an application's decisions as HQ holds them.
func review(tx *txn, appID string) (kaohe.Application, kaohe.Review, error) {
	app, ok, err := rowOf[kaohe.Application](tx, kaohe.EntApplication, appID)
	if err != nil {
		return app, kaohe.Review{}, err
	}
	if !ok {
		return app, kaohe.Review{}, kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
	}
	ds, err := rowsWhere[kaohe.Decision](tx, "application_id", appID, kaohe.EntApplicationEvent, kaohe.EntDecision)
	if err != nil {
		return app, kaohe.Review{}, err
	}
	r, err := kaohe.Replay(ds)
	if err != nil {
		return app, r, err
	}
	if app.Exemption != kaohe.ExemptionNone {
		app.Exemption = kaohe.ExemptionRequested
		ex, err := rowsWhere[kaohe.Exemption](tx, "application_id", appID, kaohe.EntExemption)
		if err != nil {
			return app, r, err
		}
		if len(ex) > 0 {
			app.Exemption = map[bool]kaohe.ExemptionStatus{true: kaohe.ExemptionApproved, false: kaohe.ExemptionRejected}[ex[len(ex)-1].Approved]
		}
	}
	return app, r, nil
}

// checkHQ enforces the review procedure on HQ's decisions before they are
// written: a decision must be the application's next legal step (nothing
// skipped, nothing twice, the third review only after probation), a
// first-review pass needs the education or an approved exemption, and an
// exemption is decided once, for an application that asked for one.
func (s *Store) checkHQ(tx *txn, c protocol.Change) error {
	switch c.Entity {
	case kaohe.EntDecision:
		var d kaohe.Decision
		if err := json.Unmarshal(c.Payload, &d); err != nil {
			return kaohe.Errorf(kaohe.EINVALID, "err.bad_payload", "Entity", c.Entity, "Detail", err.Error())
		}
		if !d.Stage.HQOwned() {
			return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_owner", "Entity", string(d.Stage))
		}
		app, r, err := review(tx, d.AppID)
		if err != nil {
			return err
		}
		if _, err := r.Apply(d); err != nil {
			return err
		}
		if d.Stage == kaohe.StageFirst && d.Pass {
			ls, err := levels(tx)
			if err != nil {
				return err
			}
			li, err := ls.Get(app.TargetLevel)
			if err != nil {
				return err
			}
			if !kaohe.CheckEducation(app.Education, li, app.Exemption).CanPass() {
				return kaohe.Errorf(kaohe.ECONFLICT, "err.exemption_not_approved")
			}
		}
	case kaohe.EntExemption:
		var e kaohe.Exemption
		if err := json.Unmarshal(c.Payload, &e); err != nil {
			return kaohe.Errorf(kaohe.EINVALID, "err.bad_payload", "Entity", c.Entity, "Detail", err.Error())
		}
		app, _, err := review(tx, e.AppID)
		if err != nil {
			return err
		}
		if app.Exemption != kaohe.ExemptionRequested {
			return kaohe.Errorf(kaohe.ECONFLICT, "err.no_exemption_request")
		}
		if e.DecidedBy == "" || e.Date.IsZero() {
			return kaohe.Errorf(kaohe.EINVALID, "err.decider_required").OnField("decided_by")
		}
	case kaohe.EntFiling:
		var f kaohe.Filing
		if err := json.Unmarshal(c.Payload, &f); err != nil {
			return kaohe.Errorf(kaohe.EINVALID, "err.bad_payload", "Entity", c.Entity, "Detail", err.Error())
		}
		a, ok, err := rowOf[kaohe.Assessment](tx, kaohe.EntAssessment, f.AssessmentID)
		if err != nil {
			return err
		}
		if !ok || a.Status != kaohe.AssessSubmitted {
			return kaohe.Errorf(kaohe.ECONFLICT, "err.not_submitted")
		}
		if prior, _ := rowsWhere[kaohe.Filing](tx, "assessment_id", f.AssessmentID, kaohe.EntFiling); len(prior) > 0 {
			return kaohe.Errorf(kaohe.ECONFLICT, "err.duplicate", "Detail", f.AssessmentID)
		}
	case kaohe.EntLevelChange, kaohe.EntCertificate:
		// Granted by the server when the third review passes, never sent.
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.granted_by_server", "Entity", c.Entity)
	}
	return nil
}

// grant follows a recorded third-review pass: the level-change event and the
// signed certificate, as HQ changes for the applicant's showroom.
func (s *Store) grant(tx *txn, c protocol.Change, showroom, credential string) error {
	if c.Entity != kaohe.EntDecision {
		return nil
	}
	var d kaohe.Decision
	json.Unmarshal(c.Payload, &d)
	if d.Stage != kaohe.StageThird || !d.Pass {
		return nil
	}
	app, _, err := review(tx, d.AppID)
	if err != nil {
		return err
	}
	mgr, ok, err := rowOf[kaohe.Manager](tx, kaohe.EntManager, app.ManagerID)
	if err != nil || !ok {
		return kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
	}
	sr, _, err := rowOf[kaohe.Showroom](tx, kaohe.EntShowroom, showroom)
	if err != nil {
		return err
	}
	history, err := rowsWhere[kaohe.LevelChange](tx, "manager_id", app.ManagerID, kaohe.EntLevelAssignment, kaohe.EntLevelChange)
	if err != nil {
		return err
	}
	by := strings.Join(d.DecidedBy, "、")
	lc := kaohe.LevelChange{ID: uuid.Must(uuid.NewV7()).String(), ManagerID: app.ManagerID, From: kaohe.CurrentLevel(history),
		To: app.TargetLevel, Date: d.Date, Reason: "三审通过，授予等级", DecidedBy: by, AppID: app.ID}
	if err := lc.Validate(); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM rows WHERE entity = ? AND json_extract(payload, '$.serial') LIKE ?`,
		kaohe.EntCertificate, kaohe.SerialFor(d.Date.Year, 0)[:8]+"%").Scan(&n); err != nil {
		return err
	}
	cert := kaohe.Certificate{ID: uuid.Must(uuid.NewV7()).String(), ShowroomID: showroom, ManagerID: app.ManagerID, AppID: app.ID,
		Serial: kaohe.SerialFor(d.Date.Year, n+1), Level: app.TargetLevel, HolderName: mgr.Name, Showroom: sr.Name,
		GrantedOn: d.Date, Issuer: Issuer, VerifyCode: secret(8, codeAlphabet)}
	keyID, _, priv, err := s.signingKeyTx(tx)
	if err != nil {
		return err
	}
	cert.Sign(keyID, priv)
	for _, v := range []struct {
		entity, id string
		row        any
	}{{kaohe.EntLevelChange, lc.ID, lc}, {kaohe.EntCertificate, cert.ID, cert}} {
		p, _ := json.Marshal(v.row)
		if _, err := s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: v.entity, RowID: v.id, Op: "upsert",
			Payload: p, At: s.stamp()}, showroom, KindHQ, credential); err != nil {
			return err
		}
	}
	return nil
}

// signingKeyTx reads HQ's newest key inside a transaction (the store has
// one connection: a read outside it would wait for this one).
func (s *Store) signingKeyTx(tx *txn) (string, ed25519.PublicKey, ed25519.PrivateKey, error) {
	var id, pubS, privS string
	if err := tx.QueryRow(`SELECT id, public, private FROM keys ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&id, &pubS, &privS); err != nil {
		return "", nil, nil, kaohe.Errorf(kaohe.ECONFLICT, "err.no_signing_key")
	}
	pub, _ := base64.StdEncoding.DecodeString(pubS)
	priv, _ := base64.StdEncoding.DecodeString(privS)
	return id, pub, priv, nil
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
			Payload: raw, At: s.stamp()}, showroom, KindHQ, "admin")
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

package store

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"

	"kaohe/internal/kaohe"
)

const certificateCols = `id, showroom_id, manager_id, application_id, serial, level, holder_name, showroom_name, granted_on, issuer, verify_code, key_id, signature, revoked, revoked_reason`

func scanCertificate(sc scanner) (kaohe.Certificate, error) {
	var c kaohe.Certificate
	err := sc.Scan(&c.ID, &c.ShowroomID, &c.ManagerID, &c.AppID, &c.Serial, &c.Level, &c.HolderName, &c.Showroom,
		dateCol{&c.GrantedOn}, &c.Issuer, &c.VerifyCode, &c.KeyID, &c.Signature, &c.Revoked, &c.RevokedWhy)
	return c, err
}

// SaveCertificate stores a certificate record issued by HQ.
func (tx *Tx) SaveCertificate(c kaohe.Certificate) (kaohe.Certificate, error) {
	m, err := tx.manager(c.ManagerID)
	if err != nil {
		return c, err
	}
	if c.Serial == "" || c.VerifyCode == "" || !c.Level.Valid() || c.GrantedOn.IsZero() {
		return c, kaohe.Errorf(kaohe.EINVALID, "err.bad_certificate")
	}
	if c.ID == "" {
		c.ID = tx.newID()
	}
	c.ShowroomID = m.ShowroomID
	ts := stamp(tx.now)
	if _, err := tx.exec(`INSERT INTO certificates (`+certificateCols+`, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET revoked = excluded.revoked, revoked_reason = excluded.revoked_reason, updated_at = excluded.updated_at`,
		c.ID, c.ShowroomID, c.ManagerID, c.AppID, c.Serial, int(c.Level), c.HolderName, c.Showroom, c.GrantedOn.String(), c.Issuer,
		c.VerifyCode, c.KeyID, c.Signature, boolInt(c.Revoked), c.RevokedWhy, ts, ts); err != nil {
		return c, err
	}
	return c, tx.logChange("certificate", c.ID, OpUpsert, "certificate.save", c)
}

// Certificates returns a manager's certificates (all when ""), newest first.
func (s *Store) Certificates(ctx context.Context, managerID string) ([]kaohe.Certificate, error) {
	q := `SELECT ` + certificateCols + ` FROM certificates WHERE deleted_at IS NULL`
	var args []any
	if managerID != "" {
		q += ` AND manager_id = ?`
		args = append(args, managerID)
	}
	return queryAll(ctx, s.r, scanCertificate, q+` ORDER BY granted_on DESC, serial DESC`, args...)
}

// CertificateBySerial returns one certificate.
func (s *Store) CertificateBySerial(ctx context.Context, serial string) (kaohe.Certificate, error) {
	c, err := scanCertificate(s.r.QueryRowContext(ctx, `SELECT `+certificateCols+` FROM certificates WHERE serial = ? AND deleted_at IS NULL`, serial))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("certificate", serial)
	}
	return c, err
}

// CertificatePrint is one print of a certificate.
// CertificatePrint is one print of a certificate.
type CertificatePrint = kaohe.CertificatePrint

// LogCertificatePrint records a print of a certificate and says whether it
// is a reprint (副本): every print after the first is.
func (tx *Tx) LogCertificatePrint(certID string) (CertificatePrint, error) {
	var showroom string
	if err := tx.queryRow(`SELECT showroom_id FROM certificates WHERE id = ? AND deleted_at IS NULL`, certID).Scan(&showroom); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return CertificatePrint{}, notFound("certificate", certID)
		}
		return CertificatePrint{}, err
	}
	var before int
	if err := tx.queryRow(`SELECT count(*) FROM certificate_prints WHERE certificate_id = ?`, certID).Scan(&before); err != nil {
		return CertificatePrint{}, err
	}
	p := CertificatePrint{ID: NewID(), CertID: certID, Copy: before > 0, PrintedBy: tx.actor, At: stamp(tx.now)}
	if _, err := tx.exec(`INSERT INTO certificate_prints (id, showroom_id, certificate_id, copy, printed_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, showroom, certID, boolInt(p.Copy), p.PrintedBy, p.At); err != nil {
		return p, err
	}
	return p, tx.logChange("certificate_print", p.ID, OpUpsert, "certificate.print", p)
}

// HQKeys returns HQ's public keys by id, as received by sync.
func (s *Store) HQKeys(ctx context.Context) (map[string]ed25519.PublicKey, error) {
	ks, err := queryAll(ctx, s.r, func(sc scanner) (kaohe.HQKey, error) {
		var k kaohe.HQKey
		err := sc.Scan(&k.ID, &k.Public)
		return k, err
	}, `SELECT id, public FROM hq_keys`)
	out := map[string]ed25519.PublicKey{}
	for _, k := range ks {
		if b, err := base64.StdEncoding.DecodeString(k.Public); err == nil && len(b) == ed25519.PublicKeySize {
			out[k.ID] = b
		}
	}
	return out, err
}

// PutHQKey stores one of HQ's public keys (HQ reference data).
func (tx *Tx) PutHQKey(k kaohe.HQKey) error {
	if _, err := tx.exec(`INSERT OR IGNORE INTO hq_keys (id, public, created_at) VALUES (?, ?, ?)`, k.ID, k.Public, stamp(tx.now)); err != nil {
		return err
	}
	return tx.logChange(kaohe.EntHQKey, k.ID, OpUpsert, "hq_key.put", k)
}

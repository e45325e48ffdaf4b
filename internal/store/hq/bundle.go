package hq

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"io"

	"kaohe/internal/kaohe"
	"kaohe/sync/bundle"
	"kaohe/sync/protocol"
)

// ShowroomKeys are the public keys a showroom's bundles may be signed with:
// those of its live credentials.
func (s *Store) ShowroomKeys(ctx context.Context, showroomID string) []ed25519.PublicKey {
	rows, err := s.db.QueryContext(ctx, `SELECT public_key FROM credentials WHERE showroom_id = ? AND kind = ? AND revoked_at IS NULL AND public_key <> ''`,
		showroomID, KindShowroom)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []ed25519.PublicKey
	for rows.Next() {
		var k string
		rows.Scan(&k)
		if b, err := base64.StdEncoding.DecodeString(k); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// ImportBundle applies a showroom's checked bundle exactly as its pushes
// would be: the same ownership checks, and replays change nothing.
func (s *Store) ImportBundle(ctx context.Context, b bundle.Bundle) ([]protocol.Result, error) {
	var revoked bool
	if err := s.db.QueryRowContext(ctx, `SELECT revoked_at IS NOT NULL FROM showrooms WHERE id = ?`, b.ShowroomID).Scan(&revoked); err != nil || revoked {
		return nil, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.unauthorized")
	}
	return s.Push(ctx, Credential{ID: "bundle", Kind: KindShowroom, ShowroomID: b.ShowroomID}, b.Changes)
}

// ExportBundle gathers everything HQ has for a showroom (its decisions,
// certificates and the reference data) and which of its changes HQ holds,
// for the showroom to import offline.
func (s *Store) ExportBundle(ctx context.Context, code string) (bundle.Bundle, ed25519.PrivateKey, error) {
	var id string
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM showrooms WHERE code = ?`, code).Scan(&id); err != nil {
		return bundle.Bundle{}, nil, kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
	}
	b := bundle.Bundle{Kind: bundle.ToShowroom, ShowroomID: id, Created: s.stamp()}
	cred := Credential{Kind: KindShowroom, ShowroomID: id}
	for cursor := int64(0); ; {
		resp, err := s.Pull(ctx, cred, cursor, protocol.MaxBatch)
		if err != nil {
			return b, nil, err
		}
		b.Changes = append(b.Changes, resp.Changes...)
		cursor, b.Cursor = resp.Cursor, resp.Cursor
		if !resp.More {
			break
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT change_id FROM changes WHERE showroom_id = ? AND origin = ?`, id, KindShowroom)
	if err != nil {
		return b, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		rows.Scan(&c)
		b.Acked = append(b.Acked, c)
	}
	_, _, priv, err := s.SigningKey(ctx)
	return b, priv, err
}

// PublicKeys are all of HQ's public keys by id: certificates and bundles
// signed with an older key stay verifiable after a rotation.
func (s *Store) PublicKeys(ctx context.Context) (map[string]ed25519.PublicKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, public FROM keys`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ed25519.PublicKey{}
	for rows.Next() {
		var id, k string
		rows.Scan(&id, &k)
		b, _ := base64.StdEncoding.DecodeString(k)
		out[id] = b
	}
	return out, rows.Err()
}

// ImportFile checks a showroom's bundle file against the showroom's keys
// and applies it.
func (s *Store) ImportFile(ctx context.Context, r io.Reader) (bundle.Bundle, []protocol.Result, error) {
	b, err := bundle.Read(r, bundle.ToHQ, func(id string) []ed25519.PublicKey { return s.ShowroomKeys(ctx, id) })
	if err != nil {
		return b, nil, err
	}
	res, err := s.ImportBundle(ctx, b)
	return b, res, err
}

// ExportFile writes HQ's signed bundle for a showroom.
func (s *Store) ExportFile(ctx context.Context, code string, w io.Writer) (int, error) {
	b, key, err := s.ExportBundle(ctx, code)
	if err != nil {
		return 0, err
	}
	return len(b.Changes), bundle.Write(w, b, key)
}

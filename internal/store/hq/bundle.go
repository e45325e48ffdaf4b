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

// bundleCredential names, in the change log, the changes that came in a
// bundle (their replica numbers are checked when they come online).
const bundleCredential = "bundle"

// Imported sums up one bundle imported at HQ: how many changes were new,
// how many HQ held already, and the refused ones with their reasons (the
// first MaxRefusedKept of them; Refused counts them all).
type Imported struct {
	ShowroomID          string
	Applied, Duplicates int
	Refused             int
	Refusals            []protocol.Result
}

// MaxRefusedKept bounds the refusals an import keeps to report.
const MaxRefusedKept = 1000

// ImportFile checks a showroom's bundle file against the showroom's keys and
// applies it batch by batch exactly as its pushes would be: the same
// ownership checks, and replays change nothing. Nothing is applied before
// the whole file has proven genuine.
func (s *Store) ImportFile(ctx context.Context, r io.Reader) (Imported, error) {
	f, err := bundle.Open(r, bundle.ToHQ, func(id string) []ed25519.PublicKey { return s.ShowroomKeys(ctx, id) }, bundle.DefaultLimits)
	if err != nil {
		return Imported{}, err
	}
	defer f.Close()
	sum := Imported{ShowroomID: f.ShowroomID}
	var revoked bool
	if err := s.db.QueryRowContext(ctx, `SELECT revoked_at IS NOT NULL FROM showrooms WHERE id = ?`, f.ShowroomID).Scan(&revoked); err != nil || revoked {
		return sum, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.unauthorized")
	}
	cred := Credential{ID: bundleCredential, Kind: KindShowroom, ShowroomID: f.ShowroomID}
	err = f.Read(func(cs []protocol.Change) error {
		res, err := s.Push(ctx, cred, cs)
		for _, r := range res {
			switch r.Status {
			case protocol.Applied:
				sum.Applied++
			case protocol.Duplicate:
				sum.Duplicates++
			case protocol.Refused:
				sum.Refused++
				if len(sum.Refusals) < MaxRefusedKept {
					sum.Refusals = append(sum.Refusals, r)
				}
			}
		}
		return err
	}, nil)
	return sum, err
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

// ExportFile writes HQ's signed bundle for a showroom.
func (s *Store) ExportFile(ctx context.Context, code string, w io.Writer) (int, error) {
	b, key, err := s.ExportBundle(ctx, code)
	if err != nil {
		return 0, err
	}
	return len(b.Changes), bundle.Write(w, b, key)
}

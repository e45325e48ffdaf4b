// Package bundle is the offline path: a signed, gzip-compressed file of
// changes that a showroom writes for HQ (or HQ for a showroom) and the other
// side imports from a USB stick or a watched folder. Ed25519 signatures let
// the importer refuse a tampered or foreign file. Standard library only.
package bundle

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Kinds of bundle.
const (
	ToHQ       = "showroom-to-hq"
	ToShowroom = "hq-to-showroom"
)

// Ext is the file extension of bundles.
const Ext = ".kaohe"

// Bundle is one file's content.
type Bundle struct {
	Format     string            `json:"format"` // "kaohe-bundle"
	Version    int               `json:"version"`
	Kind       string            `json:"kind"`
	ShowroomID string            `json:"showroom_id"`
	Created    string            `json:"created"`
	Changes    []protocol.Change `json:"changes"`
	Cursor     int64             `json:"cursor,omitempty"` // HQ → showroom: the pull cursor after these
	Acked      []string          `json:"acked,omitempty"`  // HQ → showroom: the showroom's changes HQ holds
	Signature  string            `json:"signature"`
}

const format = "kaohe-bundle"

// signed is what the signature covers: the bundle without its signature.
func (b Bundle) signed() []byte {
	b.Signature = ""
	raw, _ := json.Marshal(b)
	return raw
}

// Write signs b with key and writes it compressed.
func Write(w io.Writer, b Bundle, key ed25519.PrivateKey) error {
	b.Format, b.Version = format, protocol.Version
	b.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, b.signed()))
	zw := gzip.NewWriter(w)
	if err := json.NewEncoder(zw).Encode(b); err != nil {
		return err
	}
	return zw.Close()
}

// Read opens a bundle and checks it: the format, the version, the kind
// expected, and the signature against the keys trusted for its showroom.
// Anything else, tampered or foreign, is refused.
func Read(r io.Reader, kind string, trusted func(showroomID string) []ed25519.PublicKey) (Bundle, error) {
	var b Bundle
	zr, err := gzip.NewReader(io.LimitReader(r, 1<<30))
	if err != nil {
		return b, kaohe.Errorf(kaohe.EINVALID, "err.bundle_bad")
	}
	data, err := io.ReadAll(io.LimitReader(zr, 4<<30))
	if err != nil {
		return b, kaohe.Errorf(kaohe.EINVALID, "err.bundle_bad")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil || b.Format != format {
		return b, kaohe.Errorf(kaohe.EINVALID, "err.bundle_bad")
	}
	if b.Version != protocol.Version {
		return b, kaohe.Errorf(kaohe.ECONFLICT, "err.upgrade", "Detail", "bundle")
	}
	if b.Kind != kind {
		return b, kaohe.Errorf(kaohe.EINVALID, "err.bundle_kind")
	}
	sig, err := base64.StdEncoding.DecodeString(b.Signature)
	if err != nil {
		return b, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.bundle_signature")
	}
	for _, k := range trusted(b.ShowroomID) {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, b.signed(), sig) {
			return b, nil
		}
	}
	return b, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.bundle_signature")
}

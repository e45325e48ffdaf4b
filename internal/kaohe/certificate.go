package kaohe

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
)

// Verdict is what a certificate check says: never a bare "valid".
type Verdict string

// Verdicts.
const (
	Genuine Verdict = "genuine" // signed by HQ, content unchanged, not revoked
	Revoked Verdict = "revoked" // genuine but withdrawn by HQ
	Forged  Verdict = "forged"  // the content or signature does not match
	Unknown Verdict = "unknown" // no such serial, or the code does not match
)

// SerialFor formats a certificate serial: KH-2026-000123.
func SerialFor(year, n int) string { return fmt.Sprintf("KH-%d-%06d", year, n) }

// Sign signs the certificate's canonical fields with HQ's key.
func (c *Certificate) Sign(keyID string, key ed25519.PrivateKey) {
	c.KeyID = keyID
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.CanonicalFields()))
}

// Verify checks a certificate as presented (the fields a reader sees and
// the code they typed or scanned) against HQ's public keys by key id.
func (c Certificate) Verify(code string, keys map[string]ed25519.PublicKey) Verdict {
	if c.Serial == "" || !strings.EqualFold(strings.TrimSpace(code), c.VerifyCode) {
		return Unknown
	}
	key, ok := keys[c.KeyID]
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if !ok || err != nil || !ed25519.Verify(key, c.CanonicalFields(), sig) {
		return Forged
	}
	if c.Revoked {
		return Revoked
	}
	return Genuine
}

// HQKey is one of HQ's public signing keys.
type HQKey struct {
	ID     string `json:"id"`
	Public string `json:"public"` // base64 Ed25519
}

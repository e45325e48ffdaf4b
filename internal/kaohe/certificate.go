package kaohe

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/url"
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

// CertificatePrint is one print of a certificate at a showroom: the first
// is the original, later ones are marked 副本.
type CertificatePrint struct {
	ID        string `json:"id"`
	CertID    string `json:"certificate_id"`
	Copy      bool   `json:"copy"`
	PrintedBy string `json:"printed_by"`
	At        string `json:"created_at"`
}

// HQInfoID is the row id of HQ's one HQInfo row.
const HQInfoID = "hq"

// HQInfo is what HQ publishes about itself to every showroom.
type HQInfo struct {
	// PublicURL is HQ's public address (https://…); a certificate's QR code
	// is PublicURL/verify/SERIAL?code=CODE.
	PublicURL string `json:"public_url"`
}

// VerifyURL is the address a certificate's QR code carries, or "" when HQ's
// public address is not known (a certificate printed before enrolling).
func VerifyURL(publicURL, serial, code string) string {
	publicURL = strings.TrimRight(strings.TrimSpace(publicURL), "/")
	if publicURL == "" || serial == "" {
		return ""
	}
	return publicURL + "/verify/" + url.PathEscape(serial) + "?code=" + url.QueryEscape(code)
}

// ValidPublicURL checks HQ's public address: an absolute http(s) URL
// without query or fragment.
func ValidPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Errorf(EINVALID, "err.bad_public_url", "Value", s)
	}
	return nil
}

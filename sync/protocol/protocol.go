// Package protocol is the sync wire format shared by the app and the HQ
// server: JSON types, paths, headers and the version. Standard library only.
package protocol

import "encoding/json"

// Version is the schema version both ends must share; a mismatch is refused
// with "please upgrade" before anything is read or written.
const Version = 1

// Headers and paths.
const (
	HeaderVersion = "X-Kaohe-Schema"
	PathHealth    = "/healthz"
	PathEnroll    = "/api/v1/enroll"
	PathPush      = "/api/v1/push"
	PathPull      = "/api/v1/pull"
	PathBundle    = "/api/v1/bundle" // HQ's changes for the caller as a signed bundle
)

// Limits.
const (
	MaxBatch     = 5000     // changes per push or pull
	MaxBodyBytes = 32 << 20 // request body after gzip is undone
)

// Change is one write at its writer: the row as it now is.
type Change struct {
	ID      string          `json:"id"`     // unique; replays are recognised by it
	Entity  string          `json:"entity"` // kaohe.Ent…
	RowID   string          `json:"row_id"`
	Op      string          `json:"op"` // upsert or delete
	Payload json.RawMessage `json:"payload"`
	At      string          `json:"at"` // when written, RFC 3339
	Seq     int64           `json:"seq,omitempty"`
}

// EnrollRequest trades a one-time code for a credential.
type EnrollRequest struct {
	Version   int    `json:"version"`
	Code      string `json:"code"`
	PublicKey string `json:"public_key"` // base64 Ed25519: HQ checks the caller's offline bundles with it
}

// EnrollResponse carries the credential, shown once.
type EnrollResponse struct {
	ShowroomID   string `json:"showroom_id"` // empty for an HQ credential
	ShowroomCode string `json:"showroom_code"`
	ShowroomName string `json:"showroom_name"`
	Token        string `json:"token"`
	HQPublicKey  string `json:"hq_public_key"` // base64 Ed25519, checks HQ's bundles and certificates
}

// PushRequest sends a batch of the caller's changes.
type PushRequest struct {
	Version int      `json:"version"`
	Changes []Change `json:"changes"`
}

// Result statuses of a pushed change.
const (
	Applied   = "applied"
	Duplicate = "duplicate" // seen before: nothing done, as good as applied
	Refused   = "refused"   // not applied, with a reason; never retried
)

// Result answers one pushed change.
type Result struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Code    string `json:"code,omitempty"`    // kaohe error code for a refusal
	Message string `json:"message,omitempty"` // why (the error's key and arguments)
}

// PushResponse answers every change of a batch, in order.
type PushResponse struct {
	Results []Result `json:"results"`
}

// PullRequest asks for HQ's changes after a cursor.
type PullRequest struct {
	Version int   `json:"version"`
	Cursor  int64 `json:"cursor"`
	Limit   int   `json:"limit"`
}

// PullResponse carries changes in order and the cursor to store with them.
type PullResponse struct {
	Changes []Change `json:"changes"`
	Cursor  int64    `json:"cursor"`
	More    bool     `json:"more"`
}

// Error is every refusal's body. Key and Args let the caller show the
// reason in its user's language.
type Error struct {
	Code    string         `json:"code"` // kaohe error code or "upgrade"
	Key     string         `json:"key,omitempty"`
	Args    map[string]any `json:"args,omitempty"`
	Message string         `json:"message"`
}

// CodeUpgrade is the error code of a version mismatch.
const CodeUpgrade = "upgrade"

// CodeRateLimited is the error code of too many attempts (HTTP 429, with
// Retry-After).
const CodeRateLimited = "rate_limited"

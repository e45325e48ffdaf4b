// Package protocol is the sync wire format shared by the app and the HQ
// server: JSON types, paths, headers and the version. Standard library only.
package protocol

import "encoding/json"

// Version is the schema version both ends must share; a mismatch is refused
// with "please upgrade" before anything is read or written.
const Version = 4

// Headers and paths.
const (
	HeaderVersion = "X-Kaohe-Schema"
	PathHealth    = "/healthz"
	PathEnroll    = "/api/v1/enroll"
	PathPush      = "/api/v1/push"
	PathPull      = "/api/v1/pull"
	PathBundle    = "/api/v1/bundle"  // HQ's changes for the caller as a signed bundle
	PathConfirm   = "/api/v1/confirm" // the app has stored its credential: the code is used up
	PathRecover   = "/api/v1/recover" // after a restore: the caller's own rows as HQ holds them
)

// Limits.
const (
	MaxBatch     = 5000     // changes per push or pull
	MaxBodyBytes = 32 << 20 // request body after gzip is undone
	// MaxPageBytes is the payload bytes HQ puts in one pull or recover
	// page before it stops (a page holds at least one change, which is
	// never over MaxBodyBytes); MaxAnswerBytes is the most an app reads of
	// an answer after gzip is undone, so a broken HQ or proxy cannot make
	// it inflate gigabytes.
	MaxPageBytes   = 16 << 20
	MaxAnswerBytes = MaxBodyBytes + MaxPageBytes + 16<<20
)

// Change is one write at its writer: the row as it now is.
type Change struct {
	ID      string          `json:"id"`     // unique; replays are recognised by it
	Entity  string          `json:"entity"` // kaohe.Ent…
	RowID   string          `json:"row_id"`
	Op      string          `json:"op"` // upsert or delete
	Payload json.RawMessage `json:"payload"`
	At      string          `json:"at"` // when written, RFC 3339, for people; it decides nothing
	Seq     int64           `json:"seq,omitempty"`
	// Version is the row's counter at its one writer, bumped on every write:
	// of two states of a row the higher version is the newer (equal ones,
	// which only a copied database makes, are settled by the higher ID).
	Version int64 `json:"version,omitempty"`
	// RSeq numbers the change in its sender's gap-free sequence (one per
	// enrolled database): HQ tells a copy by a number reused for another change.
	RSeq int64 `json:"rseq,omitempty"`
	// By names who made the change, as records name a person: "董喆（D001）",
	// or the machine work's name. It travels with the change, so HQ's audit
	// names the person without an audit row of its own.
	By string `json:"by,omitempty"`
}

// EnrollRequest trades a one-time code for a credential.
type EnrollRequest struct {
	Version   int    `json:"version"`
	Code      string `json:"code"`
	PublicKey string `json:"public_key"` // base64 Ed25519: HQ checks the caller's offline bundles with it
	// RequestID is random per enrollment attempt: a retry of the same request
	// (an answer lost on the way) gets the same credential again.
	RequestID string `json:"request_id,omitempty"`
}

// EnrollResponse carries the credential, shown once.
type EnrollResponse struct {
	ShowroomID   string `json:"showroom_id"` // empty for an HQ credential
	ShowroomCode string `json:"showroom_code"`
	ShowroomName string `json:"showroom_name"`
	Token        string `json:"token"`
	HQPublicKey  string `json:"hq_public_key"` // base64 Ed25519, checks HQ's bundles and certificates
	Replica      string `json:"replica"`       // this database's identity as HQ's replica; sent with every push
}

// PushRequest sends a batch of the caller's changes.
type PushRequest struct {
	Version int    `json:"version"`
	Replica string `json:"replica,omitempty"` // the sender's replica id from enrollment
	// After names the last change of the batch the sender sent before this
	// one in the same pass, while that batch may still be on its way or
	// being applied (pipelined pushes): HQ applies this batch only once it
	// has answered that change, waiting for it a while, and otherwise
	// refuses the whole request (CodeOutOfOrder), nothing applied. "" when
	// the sender has the answers of everything it sent before.
	After   string   `json:"after,omitempty"`
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

// RecoverRequest asks, after a restore, for the current state of every row
// the caller's showroom wrote that HQ holds, after a cursor.
type RecoverRequest struct {
	Version int   `json:"version"`
	Cursor  int64 `json:"cursor"`
	Limit   int   `json:"limit"`
}

// RecoverResponse carries rows as changes (op delete for a deleted row),
// with their versions, and the highest number of the caller's sequence HQ
// has seen, after which the restored database numbers its changes.
type RecoverResponse struct {
	Changes    []Change `json:"changes"`
	Cursor     int64    `json:"cursor"`
	More       bool     `json:"more"`
	ReplicaSeq int64    `json:"replica_seq"`
}

// ConfirmRequest says the app has stored its credential.
type ConfirmRequest struct {
	Version int    `json:"version"`
	Replica string `json:"replica"`
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

// CodeOutOfOrder is the error code (HTTP 409, key err.push_out_of_order) of
// a push whose PushRequest.After HQ has not answered: nothing was applied;
// the sender sends it again once it has the earlier batch's answer.
const CodeOutOfOrder = "out_of_order"

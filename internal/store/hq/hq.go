// Package hq is the HQ server's database: showrooms, enrollment codes and
// hashed credentials, the log of every synced change (whose sequence is the
// pull cursor) and the current state of every row. Ownership (one writer per
// row) is enforced here, per change, before anything is written.
package hq

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/rawstmt"
	"kaohe/internal/store/sqliteuri"
	"kaohe/sync/protocol"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the HQ database.
type Store struct {
	db *sql.DB
	// rdb reads what needs no transaction on connections of its own (WAL
	// readers), so a request's token is checked while a push holds db's
	// one writer: a pipelined batch is then read and decoded while the
	// batch before it is written, not after.
	rdb *sql.DB
	// ckpt checkpoints the WAL on a connection of its own, out of the
	// writer's way (checkpoint.go).
	ckpt                *checkpointer
	ckptIdle, ckptEvery time.Duration
	// Now is HQ's clock: its today (decision dates, probation, an
	// assessment's submitted_on, certificates' dates), its stamps and code
	// expiry. Set it with WithClock at Open, so that the periods HQ seeds on
	// its first start are of its own year too.
	Now func() time.Time

	// The signing keys' file (UseKeyFile): path, passphrase, private keys.
	keyPath, keyPass string
	privs            map[string]string
}

// Option sets up the HQ database Open opens.
type Option func(*Store)

// WithClock makes now HQ's clock from the start (Store.Now), before a new
// HQ seeds this year's assessment periods: a test or a demo runs on its own
// day, whatever the machine's year.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.Now = now
		}
	}
}

// Open opens or creates the HQ database.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	q.Set("_foreign_keys", "on")
	// A page cache that holds a sync's working set of the indexes: with
	// SQLite's default of 2 MiB each pushed row read index pages back from
	// the file.
	q.Set("_cache_size", "-65536")
	// HQ's database holds every showroom's data and credentials' hashes:
	// its owner's only (SQLite's -wal and -shm take the file's mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		fi, err := f.Stat()
		f.Close()
		if err == nil && fi.Size() == 0 {
			if err := create(path); err != nil {
				return nil, err
			}
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Chmod(p, 0o600)
		}
	}
	db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer; the server's requests queue here
	s := &Store{db: db, Now: time.Now, ckptIdle: checkpointIdle, ckptEvery: checkpointEvery}
	for _, o := range opts {
		o(s)
	}
	if err := migrate(ctx, db, -1); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.seed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	rq := url.Values{}
	rq.Set("_busy_timeout", "10000")
	rq.Set("_query_only", "1")
	rq.Set("_cache_size", "-8192")
	if s.rdb, err = sql.Open("sqlite3", sqliteuri.File(path)+"?"+rq.Encode()); err != nil {
		db.Close()
		return nil, err
	}
	s.rdb.SetMaxOpenConns(2)
	if s.ckpt, err = startCheckpointer(ctx, path, db, s.ckptIdle, s.ckptEvery); err != nil {
		s.rdb.Close()
		db.Close()
		return nil, err
	}
	return s, nil
}

// pageSize is the page size of a new HQ database. A first sync adds to
// the end of several b-trees at once (the log, its indexes, the rows and
// theirs) and each commit writes every page it touched to the WAL, the
// interior pages again and again: with 16 KiB pages a commit writes fewer,
// fuller pages, and a sync costs HQ's writer about a sixth less
// (docs/BENCHMARKS.md). A database made before keeps its own size.
const pageSize = 16384

// create makes an empty database file a new HQ database of pageSize in
// WAL mode, before its first table fixes the page size for good.
func create(path string) error {
	db, err := sql.Open("sqlite3", sqliteuri.File(path))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf(`PRAGMA page_size = %d; PRAGMA journal_mode = WAL`, pageSize))
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	s.ckpt.close()
	s.rdb.Close()
	s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return s.db.Close()
}

// migrate brings db's schema up to version upTo (every migration for -1;
// a test stages an older HQ with fewer).
func migrate(ctx context.Context, db *sql.DB, upTo int) error {
	var have int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&have); err != nil {
		return err
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	if have > len(names) {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.db_newer", "Have", have, "Want", len(names))
	}
	if upTo >= 0 && upTo < len(names) {
		names = names[:max(upTo, have)]
	}
	for i, n := range names[have:] {
		body, _ := migrations.ReadFile(n)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", n, err)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, have+i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) stamp() string { return s.Now().UTC().Format(time.RFC3339Nano) }

// today is HQ's day by its clock, on the policy's calendar (kaohe.Today),
// whatever zone the machine is kept in.
func (s *Store) today() kaohe.Date { return kaohe.Today(s.Now()) }

func hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// secret returns n random bytes, base32-free letters for codes people type.
func secret(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	out := make([]byte, n)
	for i, c := range b {
		out[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(out)
}

const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// Credential kinds.
const (
	KindShowroom = "showroom"
	KindHQ       = "hq"
)

// Showroom is a showroom HQ knows.
type Showroom struct {
	ID, Code, Name, Region string
	Revoked                bool
}

// AddShowroom registers a showroom and returns a one-time enrollment code.
// It also records the showroom as HQ reference data for the showroom to pull.
func (s *Store) AddShowroom(ctx context.Context, code, name, region string) (Showroom, string, error) {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if code == "" || name == "" {
		return Showroom{}, "", kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("code")
	}
	sr := Showroom{ID: uuid.Must(uuid.NewV7()).String(), Code: code, Name: name, Region: region}
	var enroll string
	err := s.tx(ctx, func(tx *txn) error {
		if _, err := tx.Exec(`INSERT INTO showrooms (id, code, name, region, created_at) VALUES (?, ?, ?, ?, ?)`, sr.ID, code, name, region, s.stamp()); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return kaohe.Errorf(kaohe.ECONFLICT, "err.duplicate", "Detail", code)
			}
			return err
		}
		var err error
		if enroll, err = s.newCode(tx, KindShowroom, sr.ID, name); err != nil {
			return err
		}
		payload, _ := json.Marshal(kaohe.Showroom{ID: sr.ID, Code: code, Name: name, Region: region})
		_, err = s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntShowroom, RowID: sr.ID, Op: "upsert",
			Payload: payload, At: s.stamp()}, sr.ID, "", KindHQ, "admin")
		return err
	})
	return sr, enroll, err
}

// CodeLifetime is how long an enrollment code stays valid unused.
const CodeLifetime = 14 * 24 * time.Hour

// codeExpired says whether an enrollment code's expiry, as stored (RFC
// 3339, any zone or precision), has come at now. The instants are compared,
// not their texts: "…:00Z" sorts after "…:00.5Z" though it is earlier, and
// a zone's offset reorders any two. One that cannot be read has expired.
func codeExpired(expires sql.NullString, now time.Time) bool {
	if !expires.Valid {
		return false
	}
	at, err := time.Parse(time.RFC3339Nano, expires.String)
	return err != nil || !now.Before(at)
}

// newCode stores a fresh one-time enrollment code and returns it.
func (s *Store) newCode(tx *txn, kind, showroomID, name string) (string, error) {
	code := secret(12, codeAlphabet)
	_, err := tx.Exec(`INSERT INTO enroll_codes (code_hash, kind, showroom_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		hash(code), kind, showroomID, name, s.stamp(), s.Now().Add(CodeLifetime).UTC().Format(time.RFC3339Nano))
	return code, err
}

// AddHQUser issues a one-time enrollment code for an HQ credential (the
// review group's desktop app in HQ mode).
func (s *Store) AddHQUser(ctx context.Context, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", kaohe.Errorf(kaohe.EINVALID, "err.required").OnField("name")
	}
	var code string
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		code, err = s.newCode(tx, KindHQ, "", name)
		return err
	})
	return code, err
}

// HQUser is an HQ user's enrollment: a code waiting, or a credential.
type HQUser struct {
	Name, Credential, Status string // Status: waiting (code not used), active, revoked, expired
	Created                  string
}

// HQUsers lists HQ users' credentials and their codes not used yet.
func (s *Store) HQUsers(ctx context.Context) ([]HQUser, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, id, CASE WHEN revoked_at IS NOT NULL THEN 'revoked' ELSE 'active' END, created_at, NULL
		FROM credentials WHERE kind = ? AND (used_at IS NOT NULL OR code_hash = '')
		UNION ALL
		SELECT name, '', 'waiting', created_at, expires_at
		FROM enroll_codes WHERE kind = ? AND used_at IS NULL
		ORDER BY 1, 4`, KindHQ, KindHQ)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HQUser
	for rows.Next() {
		var u HQUser
		var expires sql.NullString
		if err := rows.Scan(&u.Name, &u.Credential, &u.Status, &u.Created, &expires); err != nil {
			return nil, err
		}
		if u.Credential == "" && codeExpired(expires, s.Now()) {
			u.Status = "expired"
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RevokeHQUser revokes an HQ user (by name, or by credential id): every
// credential of it and its codes not used yet. It returns how many.
func (s *Store) RevokeHQUser(ctx context.Context, who string) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *txn) error {
		ts := s.stamp()
		res, err := tx.Exec(`UPDATE credentials SET revoked_at = ? WHERE kind = ? AND revoked_at IS NULL AND (name = ? OR id = ?)`, ts, KindHQ, who, who)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		res, err = tx.Exec(`UPDATE enroll_codes SET used_at = ? WHERE kind = ? AND used_at IS NULL AND name = ?`, ts, KindHQ, who)
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		n += m
		if n == 0 {
			return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "hq-user", "Key", who)
		}
		return nil
	})
	return int(n), err
}

// NewShowroomCode gives a showroom another enrollment code, for another
// install of it (a copied database enrolled again as a new install); its
// credentials stay.
func (s *Store) NewShowroomCode(ctx context.Context, code string) (string, error) {
	var enroll string
	err := s.tx(ctx, func(tx *txn) error {
		var id, name string
		var revoked bool
		if err := tx.QueryRow(`SELECT id, name, revoked_at IS NOT NULL FROM showrooms WHERE code = ?`, strings.TrimSpace(code)).Scan(&id, &name, &revoked); err != nil {
			return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
		}
		if revoked {
			return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.enroll_revoked")
		}
		var err error
		enroll, err = s.newCode(tx, KindShowroom, id, name)
		return err
	})
	return enroll, err
}

// ReissueShowroom gives a showroom a fresh enrollment code: its credentials
// and unused codes are revoked (a lost PC, a copy to be re-enrolled as a new
// install), and a revoked showroom is taken back into service.
func (s *Store) ReissueShowroom(ctx context.Context, code string) (string, error) {
	var enroll string
	err := s.tx(ctx, func(tx *txn) error {
		var id, name string
		if err := tx.QueryRow(`SELECT id, name FROM showrooms WHERE code = ?`, strings.TrimSpace(code)).Scan(&id, &name); err != nil {
			return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
		}
		ts := s.stamp()
		if _, err := tx.Exec(`UPDATE credentials SET revoked_at = ? WHERE showroom_id = ? AND revoked_at IS NULL`, ts, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE enroll_codes SET used_at = ? WHERE showroom_id = ? AND used_at IS NULL`, ts, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE showrooms SET revoked_at = NULL WHERE id = ?`, id); err != nil {
			return err
		}
		var err error
		enroll, err = s.newCode(tx, KindShowroom, id, name)
		return err
	})
	return enroll, err
}

// Showrooms lists the showrooms.
func (s *Store) Showrooms(ctx context.Context) ([]Showroom, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, region, revoked_at IS NOT NULL FROM showrooms ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Showroom
	for rows.Next() {
		var sr Showroom
		if err := rows.Scan(&sr.ID, &sr.Code, &sr.Name, &sr.Region, &sr.Revoked); err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// RevokeShowroom revokes a showroom's credentials: its requests are refused.
func (s *Store) RevokeShowroom(ctx context.Context, code string) error {
	return s.tx(ctx, func(tx *txn) error {
		var id string
		if err := tx.QueryRow(`SELECT id FROM showrooms WHERE code = ?`, code).Scan(&id); err != nil {
			return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", "showroom", "Key", code)
		}
		ts := s.stamp()
		if _, err := tx.Exec(`UPDATE showrooms SET revoked_at = ? WHERE id = ?`, ts, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE enroll_codes SET used_at = ? WHERE showroom_id = ? AND used_at IS NULL`, ts, id); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE credentials SET revoked_at = ? WHERE showroom_id = ? AND revoked_at IS NULL`, ts, id)
		return err
	})
}

// Credential is an authenticated caller.
type Credential struct {
	ID, Kind, ShowroomID, Name string
}

// Enroll trades a one-time code for a credential; the token is returned
// (to the one request, and to its retries) and only its hash is kept.
//
// It is idempotent: a retry with the same requestID (the answer was lost)
// gets the same credential, for the token is derived from HQ's secret, the
// code and the request id. The code is used up only when the credential is
// first used (Confirm, or any authenticated request), so an attempt whose
// answer never arrived does not burn it; a new attempt with another request
// id replaces a credential never used. Codes expire after CodeLifetime; a
// revoked showroom's code enrolls nothing.
func (s *Store) Enroll(ctx context.Context, code, publicKey string, requestID ...string) (protocol.EnrollResponse, error) {
	var resp protocol.EnrollResponse
	reqID := ""
	if len(requestID) > 0 {
		reqID = strings.TrimSpace(requestID[0])
	}
	if reqID == "" {
		reqID = uuid.Must(uuid.NewV7()).String() // not retryable: a fresh credential
	}
	// Both are kept with the credential: the caller's choice, bounded.
	if err := kaohe.CheckID(reqID); err != nil {
		return resp, err
	}
	if pub, err := base64.StdEncoding.DecodeString(publicKey); publicKey != "" && (err != nil || len(pub) != ed25519.PublicKeySize) {
		return resp, kaohe.Errorf(kaohe.EINVALID, "err.bad_request", "Detail", "public_key")
	}
	codeHash := hash(strings.ToUpper(strings.TrimSpace(code)))
	err := s.tx(ctx, func(tx *txn) error {
		var kind, showroom, name string
		var expires sql.NullString
		err := tx.QueryRow(`SELECT kind, showroom_id, name, expires_at FROM enroll_codes WHERE code_hash = ? AND used_at IS NULL`,
			codeHash).Scan(&kind, &showroom, &name, &expires)
		if err != nil {
			return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.enroll_code")
		}
		if codeExpired(expires, s.Now()) {
			return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.enroll_code_expired", "Days", int(CodeLifetime/(24*time.Hour)))
		}
		if showroom != "" {
			var revoked bool
			if err := tx.QueryRow(`SELECT revoked_at IS NOT NULL, code, name FROM showrooms WHERE id = ?`, showroom).Scan(&revoked, &resp.ShowroomCode, &resp.ShowroomName); err != nil {
				return err
			}
			if revoked {
				return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.enroll_revoked")
			}
		}
		secretKey, err := s.enrollSecret(tx)
		if err != nil {
			return err
		}
		token := deriveToken(secretKey, codeHash, reqID)
		var credID string
		err = tx.QueryRow(`SELECT id FROM credentials WHERE code_hash = ? AND request_id = ? AND token_hash = ? AND revoked_at IS NULL`,
			codeHash, reqID, hash(token)).Scan(&credID)
		if errors.Is(err, sql.ErrNoRows) {
			// A new attempt: one never used before it gives way.
			ts := s.stamp()
			if _, err := tx.Exec(`UPDATE credentials SET revoked_at = ? WHERE code_hash = ? AND used_at IS NULL AND revoked_at IS NULL`, ts, codeHash); err != nil {
				return err
			}
			credID = uuid.Must(uuid.NewV7()).String()
			_, err = tx.Exec(`INSERT INTO credentials (id, kind, showroom_id, name, token_hash, public_key, created_at, code_hash, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				credID, kind, showroom, name, hash(token), publicKey, ts, codeHash, reqID)
		}
		if err != nil {
			return err
		}
		resp.Token, resp.ShowroomID, resp.Replica = token, showroom, credID
		return nil
	})
	if err != nil {
		return resp, err
	}
	_, pub, _, err := s.SigningKey(ctx)
	if err == nil {
		resp.HQPublicKey = base64.StdEncoding.EncodeToString(pub)
	}
	return resp, err
}

// enrollSecret is HQ's secret the enrollment tokens are derived from,
// made on first use.
func (s *Store) enrollSecret(tx *txn) ([]byte, error) {
	var v string
	err := tx.QueryRow(`SELECT value FROM meta WHERE key = 'enroll_secret'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		v = base64.StdEncoding.EncodeToString(b)
		_, err = tx.Exec(`INSERT INTO meta (key, value) VALUES ('enroll_secret', ?)`, v)
	}
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(v)
}

func deriveToken(key []byte, codeHash, requestID string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(codeHash + "\x00" + requestID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Authenticate returns the credential of a token, refusing unknown and
// revoked ones alike. A credential's first use uses up the code it came
// from (the app has stored it), and retires any other attempt of that code.
func (s *Store) Authenticate(ctx context.Context, token string) (Credential, error) {
	var c Credential
	var used bool
	var codeHash string
	err := s.rdb.QueryRowContext(ctx, `SELECT id, kind, showroom_id, name, used_at IS NOT NULL, code_hash FROM credentials WHERE token_hash = ? AND revoked_at IS NULL`, hash(token)).
		Scan(&c.ID, &c.Kind, &c.ShowroomID, &c.Name, &used, &codeHash)
	if err != nil {
		return c, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.unauthorized")
	}
	if !used {
		err = s.tx(ctx, func(tx *txn) error {
			ts := s.stamp()
			if _, err := tx.Exec(`UPDATE credentials SET used_at = ? WHERE id = ? AND used_at IS NULL`, ts, c.ID); err != nil {
				return err
			}
			if codeHash == "" {
				return nil
			}
			if _, err := tx.Exec(`UPDATE enroll_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL`, ts, codeHash); err != nil {
				return err
			}
			_, err := tx.Exec(`UPDATE credentials SET revoked_at = ? WHERE code_hash = ? AND id <> ? AND used_at IS NULL AND revoked_at IS NULL`, ts, codeHash, c.ID)
			return err
		})
	}
	return c, err
}

func (s *Store) tx(ctx context.Context, fn func(*txn) error) error {
	sqlTx, err := s.db.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return err
	}
	tx := &txn{Tx: sqlTx, stmts: map[string]*sql.Stmt{}, owners: map[rowKey]string{}, known: map[rowKey]*storedRow{},
		keys: map[string][]rowKey{}, keyDirty: map[string]bool{}, moved: map[rowKey]bool{}}
	ended := false
	defer func() {
		// fn panicked: its statements are finalized and its transaction
		// rolled back, or the one connection stayed in it for good (the
		// transaction ignores ctx) and every later write waited forever.
		if !ended {
			tx.closeRaws()
			sqlTx.Rollback()
		}
	}()
	err = fn(tx)
	if err == nil {
		err = tx.writeReceipts(s)
	}
	ended = true
	tx.closeRaws()
	if err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	s.ckpt.committed()
	return nil
}

// txn is a transaction that prepares each statement once: a push batch runs
// the same few statements for every change.
type txn struct {
	*sql.Tx
	stmts  map[string]*sql.Stmt
	owners map[rowKey]string     // showroom of a row, looked up in this transaction
	known  map[rowKey]*storedRow // stored state (nil: none) as prefetched for a batch
	// Natural keys as prefetched for a batch (key → the live rows holding
	// it), and what the transaction has written since: the keys it gave
	// rows and the rows it wrote. A prefetched answer stands only while
	// neither touches it.
	keys     map[string][]rowKey
	keyDirty map[string]bool
	moved    map[rowKey]bool
	at       string // when the transaction first logged a change
	// The receipts (receipts) the transaction's changes are logged under,
	// one a credential, numbered from the next free one; written, those a
	// change refers to, at its end (writeReceipts).
	receipts map[string]int64
	lastID   int64 // the highest receipt number before the transaction's
	firstSeq int64 // the transaction's first change logged (0: none)
	// The statements a change runs for itself (sqlLogChange, sqlRowState),
	// each a single call into SQLite (rawstmt), on the transaction's
	// connection, prepared at the transaction's first change and
	// finalized at its end.
	conn           rawstmt.Conn
	logRaw, rowRaw *rawstmt.Stmt
	raws           []*rawstmt.Stmt // every one prepared, to finalize
}

// rowKey names a row HQ holds: its entity and id. A key of two strings,
// not one joined: a batch looks rows up several times a change.
type rowKey struct{ entity, id string }

// stamp is the time the transaction's changes are logged as received: one
// for all of them.
func (t *txn) stamp(s *Store) string {
	if t.at == "" {
		t.at = s.stamp()
	}
	return t.at
}

// receipt is the number of the receipt the transaction's changes from
// credential are logged under; the first asked fixes the time they are
// received (stamp).
func (t *txn) receipt(s *Store, credential string) (int64, error) {
	if id, ok := t.receipts[credential]; ok {
		return id, nil
	}
	t.stamp(s)
	if t.receipts == nil {
		if err := t.QueryRow(`SELECT coalesce(max(id), 0) FROM receipts`).Scan(&t.lastID); err != nil {
			return 0, err
		}
		t.receipts = map[string]int64{}
	}
	id := t.lastID + int64(len(t.receipts)) + 1
	t.receipts[credential] = id
	return id, nil
}

// writeReceipts stores, at the end of the transaction, its receipts that
// a change it logged refers to: not one of a batch of replays (nothing
// logged), nor one whose changes were rolled back (a grant that failed).
// A change rolled back gives its number back, so the changes kept are
// those from the first logged on.
func (t *txn) writeReceipts(s *Store) error {
	if t.firstSeq == 0 {
		return nil
	}
	for credential, id := range t.receipts {
		if _, err := t.Exec(sqlWriteReceipt, id, t.stamp(s), credential, t.firstSeq, id); err != nil {
			return err
		}
	}
	return nil
}

const sqlWriteReceipt = `INSERT INTO receipts (id, received_at, credential)
	SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM changes WHERE seq >= ? AND receipt = ?)`

func (t *txn) stmt(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.Tx.Prepare(q)
	if err == nil {
		t.stmts[q] = st
	}
	return st, err
}

// recordStmts are the two statements of recordKeyed as rawstmt runs them
// on the transaction's connection, prepared on first use.
func (t *txn) recordStmts() (log, row *rawstmt.Stmt, err error) {
	if t.rowRaw != nil {
		return t.logRaw, t.rowRaw, nil
	}
	if t.logRaw == nil {
		if t.logRaw, err = t.raw(sqlLogChange); err != nil {
			return nil, nil, err
		}
	}
	if t.rowRaw, err = t.raw(sqlRowState); err != nil {
		return nil, nil, err
	}
	return t.logRaw, t.rowRaw, nil
}

// raw prepares q for rawstmt on the transaction's connection.
func (t *txn) raw(q string) (*rawstmt.Stmt, error) {
	if t.conn == 0 {
		c, err := rawstmt.Handle(context.Background(), t.Tx)
		if err != nil {
			return nil, err
		}
		t.conn = c
	}
	st, err := t.conn.Prepare(q)
	if err == nil {
		t.raws = append(t.raws, st)
	}
	return st, err
}

// closeRaws finalizes the transaction's raw statements, while it holds the
// connection.
func (t *txn) closeRaws() {
	for _, st := range t.raws {
		st.Close()
	}
	t.raws, t.logRaw, t.rowRaw = nil, nil, nil
}

// Exec runs a cached statement.
func (t *txn) Exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// Query runs a cached statement.
func (t *txn) Query(q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// QueryRow runs a cached statement for one row.
func (t *txn) QueryRow(q string, args ...any) *sql.Row {
	st, err := t.stmt(q)
	if err != nil {
		return t.Tx.QueryRow(q, args...)
	}
	return st.QueryRow(args...)
}

// record appends a change to the log and updates the row's current state;
// fresh is false when the change was applied before (a replay), in which
// case nothing is written. parent is the row it refers to
// (kaohe.Row.Refs()[0]), "" for none. Which state of a row is current is
// decided by the row's counter (c.Version, bumped by the row's one writer),
// never by a clock or by arrival: a state that arrives after a newer one is
// logged, but the newer state stays. HQ's own writes (admin commands,
// grants) come with no counter and take the next one of the row. The state
// HQ holds already, sent again, keeps the row's place in the order it was
// written (its parent's children replay in that order); only its counter
// moves.
func (s *Store) record(tx *txn, c protocol.Change, showroom, parent, origin, credential string) (fresh bool, err error) {
	var key string
	if e, err := kaohe.EntityOf(c.Entity); err == nil && c.Op != "delete" {
		if row, err := e.Decode(c.Payload); err == nil {
			key = naturalKey(c.Entity, c.Op, row.Value, showroom)
		}
	}
	return s.recordKeyed(tx, c, showroom, parent, key, origin, credential)
}

// recordKeyed is record of a change whose natural key (naturalKey) the
// caller has found already.
func (s *Store) recordKeyed(tx *txn, c protocol.Change, showroom, parent, key, origin, credential string) (fresh bool, err error) {
	if c.Version <= 0 {
		if c.Version, err = nextVersion(tx, c.Entity, c.RowID); err != nil {
			return false, err
		}
	}
	log, state, err := tx.recordStmts()
	if err != nil {
		return false, err
	}
	receipt, err := tx.receipt(s, credential)
	if err != nil {
		return false, err
	}
	log.Text(c.ID).Text(showroom).Text(origin).Text(c.Entity).Text(c.RowID).Text(c.Op).TextBytes(c.Payload).Text(c.At).
		Int(receipt).Int(c.Version)
	if c.RSeq > 0 {
		log.Int(c.RSeq)
	} else {
		log.Null()
	}
	res, err := log.Text(c.By).Run()
	if err != nil {
		return false, err
	}
	if res.Changes == 0 {
		return false, nil
	}
	seq := res.InsertID
	if tx.firstSeq == 0 {
		tx.firstSeq = seq
	}
	row := rowKey{c.Entity, c.RowID}
	delete(tx.known, row) // read again if asked: the write may or may not win
	if c.Op == "delete" {
		delete(tx.owners, row) // a deleted row is no one's to refer to
	}
	tx.moved[row] = true
	if key != "" {
		tx.keyDirty[key] = true
	}
	_, err = state.Text(c.Entity).Text(c.RowID).Text(showroom).Text(parent).Int(int64(boolInt(c.Op == "delete"))).
		Int(seq).Int(c.Version).Text(key).TextBytes(c.Payload).Text(c.ID).Run()
	return err == nil, err
}

// nextVersion is the counter HQ's own write of a row takes: the next of
// the row's. (A function of its own: Scan's pointer into recordKeyed's
// change made every change escape to the heap.)
func nextVersion(tx *txn, entity, id string) (int64, error) {
	var v int64
	err := tx.QueryRow(`SELECT coalesce(max(version), 0) + 1 FROM rows WHERE entity = ? AND row_id = ?`, entity, id).Scan(&v)
	return v, err
}

// The two writes of each change HQ applies: its entry in the log, unless
// the log has it (a replay), and its row's state, unless the row holds a
// newer one.
const (
	sqlLogChange = `INSERT INTO changes (change_id, showroom_id, origin, entity, row_id, op, payload, at, receipt, version, rseq, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (change_id) DO NOTHING`
	// The row's state: the log entry that wrote it (its payload and id
	// are the log's), and its place in the order rows were written (seq),
	// which a state sent again keeps. ?9 and ?10 are the change's payload
	// and id, to compare with the state held.
	sqlRowState = `INSERT INTO row_states (entity, row_id, showroom_id, parent, deleted, seq, wrote, version, natural_key)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)
		ON CONFLICT (entity, row_id) DO UPDATE SET deleted = excluded.deleted,
			seq = CASE WHEN excluded.deleted = row_states.deleted
				AND ?9 = coalesce(row_states.payload, (SELECT payload FROM changes WHERE seq = row_states.wrote))
				THEN row_states.seq ELSE excluded.seq END,
			wrote = excluded.wrote, payload = NULL, version = excluded.version, natural_key = excluded.natural_key,
			parent = excluded.parent
		WHERE excluded.version > row_states.version
			OR (excluded.version = row_states.version AND ?10 > (SELECT change_id FROM changes WHERE seq = row_states.wrote))`
)

// naturalKey is what must be unique among the live rows of an entity (""
// when nothing is), read from the row as decoded (v, a pointer to the
// entity's type), as the entity's one definition declares it
// (kaohe.Entity.NaturalKey): a manager's employee number in its showroom,
// an actual's manager, metric, year and month, a target's manager, metric
// and year…
func naturalKey(entity, op string, v any, showroom string) string {
	if op == "delete" {
		return ""
	}
	e, err := kaohe.EntityOf(entity)
	if err != nil {
		return ""
	}
	return e.NaturalKey(v, showroom)
}

// sqlNaturalKeyTaken asks who holds a natural key among the live rows: NULL
// for nobody, 1 when the row asked about is one of them, else 0. Its
// repeated "natural_key is not empty" condition lets SQLite use the partial
// index rows_natural_key; without it each change scanned the whole table
// and a 100,000-change sync took minutes.
const sqlNaturalKeyTaken = `SELECT max(entity = ? AND row_id = ?) FROM rows WHERE natural_key = ? AND natural_key <> '' AND deleted = 0`

// checkUnique refuses a row that would be a second live one with the same
// natural key (two managers with one employee number in a showroom, two
// targets of a manager for one metric and year), with the entity's coded
// refusal (kaohe.Entity.Duplicate). A row that holds the key already keeps
// it: rows an older HQ stored with one key (D001 and d001 before keys
// ignored case; two targets before targets had a key) stay, and a change
// to one of them that leaves its key as it is, is no second row. Only a
// new row, or one moving onto the key, is refused.
func (s *Store) checkUnique(tx *txn, c protocol.Change, key string, v any) error {
	if key == "" {
		return nil
	}
	self := rowKey{c.Entity, c.RowID}
	if holders, ok := tx.keys[key]; ok && !tx.keyDirty[key] {
		fresh := true
		for _, h := range holders {
			fresh = fresh && !tx.moved[h]
		}
		if fresh { // the prefetched answer still stands
			if len(holders) == 0 || slices.Contains(holders, self) {
				return nil
			}
			return duplicateOf(c.Entity, v)
		}
	}
	var holds sql.NullBool
	if err := tx.QueryRow(sqlNaturalKeyTaken, c.Entity, c.RowID, key).Scan(&holds); err != nil {
		return err
	}
	if !holds.Valid || holds.Bool {
		return nil
	}
	return duplicateOf(c.Entity, v)
}

// duplicateOf is the entity's refusal of a row whose natural key another
// live row holds.
func duplicateOf(entity string, v any) error {
	e, err := kaohe.EntityOf(entity)
	if err != nil {
		return err
	}
	return e.Duplicate(v)
}

// prefetchKeys reads, in one query, which live rows hold the natural keys
// a batch's rows would take (a manager's keyed by the sender's showroom,
// as prepare found them; another showroom's key is looked up when asked).
func prefetchKeys(tx *txn, b *Batch) error {
	if len(b.keys) == 0 {
		return nil
	}
	rows, err := tx.Query(sqlKeysTaken, b.keysJSON)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[string][]rowKey{}
	for rows.Next() {
		var k string
		var h rowKey
		if err := rows.Scan(&k, &h.entity, &h.id); err != nil {
			return err
		}
		found[k] = append(found[k], h)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range b.keys {
		tx.keys[k] = found[k]
	}
	return nil
}

// sqlKeysTaken is sqlNaturalKeyTaken for many keys at once.
const sqlKeysTaken = `SELECT natural_key, entity, row_id FROM rows WHERE natural_key IN (SELECT value FROM json_each(?)) AND natural_key <> '' AND deleted = 0`

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SigningKey returns HQ's newest Ed25519 key (id, public, private),
// creating the first on demand.
func (s *Store) SigningKey(ctx context.Context) (string, ed25519.PublicKey, ed25519.PrivateKey, error) {
	var id, pubS, privS string
	err := s.db.QueryRowContext(ctx, `SELECT id, public, private FROM keys ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&id, &pubS, &privS)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.NewKey(ctx); err != nil {
			return "", nil, nil, err
		}
		return s.SigningKey(ctx)
	}
	if err != nil {
		return "", nil, nil, err
	}
	pub, _ := base64.StdEncoding.DecodeString(pubS)
	priv, err := s.privateKey(id, privS)
	return id, pub, priv, err
}

// NewKey makes a new signing key (key rotation: older keys keep verifying).
func (s *Store) NewKey(ctx context.Context) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	id := uuid.Must(uuid.NewV7()).String()
	privCol, err := s.storePrivate(id, priv)
	if err != nil {
		return "", err
	}
	// The public half goes to every showroom as reference data, so certificates
	// signed with it can be checked offline, also after a rotation.
	err = s.tx(ctx, func(tx *txn) error {
		if _, err := tx.Exec(`INSERT INTO keys (id, public, private, created_at) VALUES (?, ?, ?, ?)`, id,
			base64.StdEncoding.EncodeToString(pub), privCol, s.stamp()); err != nil {
			return err
		}
		p, _ := json.Marshal(kaohe.HQKey{ID: id, Public: base64.StdEncoding.EncodeToString(pub)})
		_, err := s.record(tx, protocol.Change{ID: uuid.Must(uuid.NewV7()).String(), Entity: kaohe.EntHQKey, RowID: id, Op: "upsert",
			Payload: p, At: s.stamp()}, "", "", KindHQ, "admin")
		return err
	})
	return id, err
}

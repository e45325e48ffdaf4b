// Package store keeps a showroom's (or HQ's replica of) records in SQLite. It
// is the only package that sees SQL. Every write validates through
// internal/kaohe first, and adds an outbox change and an audit row in the
// same transaction as the write itself.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	sqlite3 "github.com/mattn/go-sqlite3"

	"kaohe/internal/kaohe"
	_ "kaohe/internal/store/rawstmt" // SQLite without its memory statistics (a mutex at every allocation)
	"kaohe/internal/store/sqliteuri"
)

//go:embed migrations/*.sql
var migrations embed.FS

// SchemaVersion is the number of the newest migration this build knows.
var SchemaVersion = func() int {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	return len(names)
}()

// Store is an open database. Writes go through one connection (SQLite has
// one writer), reads through a pool of read-only connections, so the window
// stays responsive while sync writes.
type Store struct {
	path string
	w    *sql.DB
	r    *sql.DB

	// Now is the clock; tests replace it.
	Now func() time.Time
	// RowIDs, when set, makes the ids of new rows instead of NewID: the demo
	// sets a seeded source so the same demo has the same ids in every
	// database (the HQ demo and the showroom demo tell one story).
	RowIDs func() string

	// writes counts the write transactions committed through this Store (a
	// restore counts too): derived state cached for reading (managers) is
	// kept for one count. Another process's writes are not counted; the
	// window reads again after its own next write or sync, as it does.
	writes   atomic.Uint64
	managers managerCache
}

// changed says that the data changed: the caches of derived state are stale.
func (s *Store) changed() { s.writes.Add(1) }

// Open opens (creating if needed) the database at path and brings its
// schema up to date. A database from a newer build is refused, and so is a
// damaged one (PRAGMA quick_check).
func Open(ctx context.Context, path string) (*Store, error) { return open(ctx, path, true) }

// OpenUnchecked is Open for the window's start, without the integrity check
// when the schema is current: the check reads the whole file (36 s for the
// 10,000-manager demo on a loaded machine) and would delay the first frame.
// The caller checks soon after: Backup checks before it copies, and the
// window's start-up backup runs once the window is on screen. A database
// whose schema must be migrated is checked first all the same: nothing is
// migrated unchecked.
func OpenUnchecked(ctx context.Context, path string) (*Store, error) { return open(ctx, path, false) }

func open(ctx context.Context, path string, check bool) (*Store, error) {
	if err := mkdirFor(path); err != nil {
		return nil, err
	}
	if err := PrivateFile(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL") // a power cut keeps every committed row
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite3", sqliteuri.File(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{path: path, w: w, Now: time.Now}
	if !check {
		var have int
		if err := w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&have); err != nil {
			w.Close()
			return nil, corruptOr(err, path)
		}
		check = have < SchemaVersion
	}
	if check {
		if err := quickCheck(ctx, w, path); err != nil { // never migrate, or work on, a damaged file
			w.Close()
			return nil, err
		}
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	rq := url.Values{}
	rq.Set("_foreign_keys", "on")
	rq.Set("_busy_timeout", "10000")
	rq.Set("_query_only", "1")
	r, err := sql.Open("sqlite3", sqliteuri.File(path)+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	return s, nil
}

// Path returns the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database, checkpointing the WAL into the main file.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	_, _ = s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	return migrateConn(ctx, conn)
}

// migrateConn brings the schema of the database on conn up to date.
func migrateConn(ctx context.Context, conn *sql.Conn) error {
	return migrateConnTo(ctx, conn, SchemaVersion)
}

// migrateConnTo brings the schema of the database on conn up to version
// want (tests make databases of an older schema with it).
func migrateConnTo(ctx context.Context, conn *sql.Conn, want int) error {
	var have int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if have > SchemaVersion {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.db_newer", "Have", have, "Want", SchemaVersion)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for i, name := range names {
		v := i + 1
		if v <= have {
			continue
		}
		if v > want {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// Tx is one write transaction. Its methods validate, write, and log the
// change to the outbox and the audit trail; all of it commits or none.
type Tx struct {
	ctx     context.Context
	tx      *sql.Tx
	s       *Store
	actor   string
	actorID string // the account behind actor, "" for machine work
	now     time.Time
	role    string
	stmts   map[string]*sql.Stmt
	// refusals, when set, collects the remote changes a local rule refuses.
	refusals *[]Refusal
	// quiet, when set, keeps applyChange from auditing: a local write
	// applied through it is audited as that write.
	quiet bool
	// twin, while set, makes the remote row being written a twin of the
	// row holding its natural key (applyHeld).
	twin bool
	// lastChange is the id of the change the transaction logged last
	// (zero: none yet), which the next one follows (changeID).
	lastChange uuid.UUID
}

// Update runs fn in one write transaction on behalf of actor (the process
// writing, for the audit trail: "sync", "enroll"…). It commits when fn
// returns nil. A person's write goes through UpdateAs.
func (s *Store) Update(ctx context.Context, actor string, fn func(*Tx) error) error {
	return s.update(ctx, actor, "", fn)
}

// UpdateAs runs fn in one write transaction on behalf of a signed-in
// account (or the machine): the audit trail names it and keeps its id.
func (s *Store) UpdateAs(ctx context.Context, a kaohe.Actor, fn func(*Tx) error) error {
	id := ""
	if a.IsPerson() {
		id = a.AccountID
	}
	return s.update(ctx, a.String(), id, fn)
}

func (s *Store) update(ctx context.Context, actor, actorID string, fn func(*Tx) error) error {
	if strings.TrimSpace(actor) == "" {
		actor = "system"
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Once begun, a write runs to its end on a context that cannot be
	// cancelled: a short transaction should commit whole rather than stop
	// half-way, and go-sqlite3 starts a watcher goroutine for every statement
	// run with a cancellable context, which made batch writes 5x slower.
	ctx = context.WithoutCancel(ctx)
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{ctx: ctx, tx: sqlTx, s: s, actor: actor, actorID: actorID, now: s.Now().UTC()}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.changed()
	return nil
}

// Actor returns who the transaction writes for.
func (tx *Tx) Actor() string { return tx.actor }

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(tx.ctx, args...)
	return res, mapErr(err)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	st, err := tx.stmt(query)
	if err != nil {
		// Let the error surface from Scan, as QueryRow does.
		return tx.tx.QueryRowContext(tx.ctx, query, args...)
	}
	return st.QueryRowContext(tx.ctx, args...)
}

// stmt returns a statement prepared once per transaction: preparing
// dominated the cost of batch writes (the demo, applying a sync batch). The
// statements close with the transaction.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// Change ops.
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

// Roles of a database: a showroom's own, or HQ's replica of every showroom.
const (
	RoleShowroom = "showroom"
	RoleHQ       = "hq"
)

// logChange adds the outbox change and the audit entry for a write of row
// (the whole row, as it now is) in the same transaction. Only rows this
// database's role owns go to the outbox: a showroom never sends HQ's rows.
func (tx *Tx) logChange(entity, rowID, op, action string, row any) error {
	return tx.logChangeAudit(entity, rowID, op, action, row, "")
}

// logChangeAudit is logChange with what the audit keeps of the row ("": the
// whole row), for rows holding what no audit should (a password's hash).
func (tx *Tx) logChangeAudit(entity, rowID, op, action string, row any, detail string) error {
	if op == OpDelete { // only what the kind's writer may delete (HQ refuses the rest)
		e, err := kaohe.EntityOf(entity)
		if err != nil {
			return err
		}
		if err := e.CheckDeletable(); err != nil {
			return err
		}
	}
	payload, err := json.Marshal(row)
	if err != nil {
		return fmt.Errorf("log %s: %w", entity, err)
	}
	role, err := tx.Role()
	if err != nil {
		return err
	}
	if kaohe.OwnedByHQ(entity) == (role == RoleHQ) {
		// This database is the row's one writer: its counter goes up by one,
		// and that, not the clock, makes this state newer than the last.
		id := tx.changeID() // time-ordered by this PC's clock: unique, and deciding nothing
		version, err := tx.bumpVersion(entity, rowID, id)
		if err != nil {
			return fmt.Errorf("version %s: %w", entity, err)
		}
		if _, err := tx.exec(`INSERT INTO outbox (change_id, entity, row_id, op, payload, created_at, version, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, entity, rowID, op, string(payload), stamp(tx.now), version, tx.actor); err != nil {
			return fmt.Errorf("outbox %s: %w", entity, err)
		}
	}
	if detail == "" {
		detail = string(payload)
	}
	showroom := ""
	if role == RoleHQ { // HQ mode's audit view filters HQ's work on a showroom's rows by it
		showroom = tx.showroomOfApplied(Change{Entity: entity, RowID: rowID})
	}
	return tx.auditIn(showroom, tx.actor, tx.actorID, action, entity, rowID, detail)
}

// bumpVersion raises a row's counter by one for a local write and returns it.
func (tx *Tx) bumpVersion(entity, rowID, changeID string) (int64, error) {
	var v int64
	err := tx.queryRow(`INSERT INTO row_versions (entity, row_id, version, change_id) VALUES (?, ?, 1, ?)
		ON CONFLICT (entity, row_id) DO UPDATE SET version = version + 1, change_id = excluded.change_id
		RETURNING version`, entity, rowID, changeID).Scan(&v)
	return v, err
}

// rowVersion returns a row's counter here and the change that wrote it (0
// and "" for a row never written or received).
func (tx *Tx) rowVersion(entity, rowID string) (int64, string, error) {
	var v int64
	var id string
	err := tx.queryRow(`SELECT version, change_id FROM row_versions WHERE entity = ? AND row_id = ?`, entity, rowID).Scan(&v, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return v, id, err
}

// Newer says whether a state (version, change id) is newer than another: the
// higher counter wins; equal counters (only a copied database makes them)
// are settled by the change id, so every replica settles them alike.
func Newer(v int64, id string, thanV int64, thanID string) bool {
	if v != thanV {
		return v > thanV
	}
	return id > thanID
}

// Role returns this database's role; a database is a showroom's until set.
func (tx *Tx) Role() (string, error) {
	if tx.role != "" {
		return tx.role, nil
	}
	err := tx.queryRow(`SELECT value FROM meta WHERE key = 'role'`).Scan(&tx.role)
	if errors.Is(err, sql.ErrNoRows) {
		tx.role, err = RoleShowroom, nil
	}
	return tx.role, err
}

// SetRole sets this database's role.
func (tx *Tx) SetRole(role string) error {
	if role != RoleShowroom && role != RoleHQ {
		return kaohe.Errorf(kaohe.EINVALID, "err.bad_role", "Value", role)
	}
	tx.role = role
	_, err := tx.exec(`INSERT INTO meta (key, value) VALUES ('role', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, role)
	return err
}

// Audit adds an audit row for something that is not a row's write (a
// restore, an export), on behalf of the transaction's actor.
func (tx *Tx) Audit(action, entity, rowID, detail string) error {
	return tx.audit(action, entity, rowID, detail)
}

func (tx *Tx) audit(action, entity, rowID, detail string) error {
	return tx.auditIn("", tx.actor, tx.actorID, action, entity, rowID, detail)
}

// auditIn is audit naming the showroom of the row and who acted.
func (tx *Tx) auditIn(showroom, actor, actorID, action, entity, rowID, detail string) error {
	if _, err := tx.exec(`INSERT INTO audit (at, actor, actor_id, action, entity, row_id, detail, showroom_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		stamp(tx.now), actor, actorID, action, entity, rowID, detail, showroom); err != nil {
		return fmt.Errorf("audit %s: %w", entity, err)
	}
	return nil
}

// NewID returns a new globally unique, time-ordered id (UUIDv7).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// newID is the id of a new row: the store's RowIDs source, or NewID.
func (tx *Tx) newID() string {
	if tx.s.RowIDs != nil {
		return tx.s.RowIDs()
	}
	return NewID()
}

// NewIDAt returns a new UUIDv7 for the time t (the store's clock, which
// tests set wrong on purpose): its 48-bit millisecond time from t, the rest
// random, so ids stay unique whatever the clock says.
func NewIDAt(t time.Time) string {
	u := uuid.Must(uuid.NewRandom())
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = 0x70 | (u[6] & 0x0f) // version 7
	u[8] = 0x80 | (u[8] & 0x3f) // RFC 4122 variant
	return u.String()
}

// changeID is the id of the transaction's next change: the first one
// NewIDAt of the transaction's time, each later one the one before plus
// one. A transaction's changes then have ids in the order it logged them,
// as they leave the outbox, and HQ adds each to the end of its index of
// change ids; random ids within one millisecond put each of a big
// transaction's changes (an import, the demo) on a page of its own there,
// and a first sync wrote that index's pages again at every batch. Ids stay
// as unique as NewIDAt's: a random start, with 2^61 after it to count.
func (tx *Tx) changeID() string {
	u := tx.lastChange
	if u == (uuid.UUID{}) {
		u = uuid.MustParse(NewIDAt(tx.now))
		u[8] &^= 0x20 // the counter's top bit clear: it never wraps
	} else {
		n := binary.BigEndian.Uint64(u[8:]) + 1 // the variant bits stay: the counter has 2^61 to go
		binary.BigEndian.PutUint64(u[8:], n)
	}
	tx.lastChange = u
	return u.String()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// mkdirFor makes path's folder, readable by its owner only: the database
// holds the sync token and the showroom's private key.
func mkdirFor(path string) error {
	dir := filepath.Dir(path)
	if dir == "" || dir == "." {
		return nil
	}
	return os.MkdirAll(dir, 0o700)
}

// PrivateFile creates path if missing and makes it and SQLite's companion
// files (-wal, -shm, which SQLite creates with the main file's mode)
// readable and writable by the owner only (0600). On Windows the mode bits
// do little; the per-user data folder is what keeps others out there.
func PrivateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		err := os.Chmod(p, 0o600)
		if p != path && inUse(err) {
			continue // open in another of our processes, which made it private
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// mapErr turns constraint violations into domain conflicts, so callers see
// "already exists" rather than a driver message.
func mapErr(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return kaohe.Errorf(kaohe.ECONFLICT, "err.duplicate", "Detail", se.Error())
		case sqlite3.ErrConstraintForeignKey:
			return kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
		}
	}
	return err
}

// dateArg is a Date as stored: "2006-01-02", or NULL for the zero date.
func dateArg(d kaohe.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// dateCol scans a nullable date column.
type dateCol struct{ d *kaohe.Date }

func (c dateCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.d = kaohe.Date{}
		return nil
	case string:
		d, err := kaohe.ParseDate(x)
		*c.d = d
		return err
	case []byte:
		d, err := kaohe.ParseDate(string(x))
		*c.d = d
		return err
	}
	return fmt.Errorf("date column: unexpected %T", v)
}

// jsonCol scans a JSON text column into v.
type jsonCol struct{ v any }

func (c jsonCol) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return fmt.Errorf("json column: unexpected %T", v)
	}
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, c.v)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with plain data types
	}
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func notFound(what, key string) error {
	return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", what, "Key", key)
}

// snapshot runs reads that must agree (several queries making one answer)
// in one read transaction: a write committed meanwhile is seen by all of
// them or by none.
func (s *Store) snapshot(ctx context.Context, read func(q querier) error) error {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return read(tx)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

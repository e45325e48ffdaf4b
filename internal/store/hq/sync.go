package hq

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Push applies a batch of the caller's changes in one transaction and
// answers each: applied, duplicate (seen before: nothing done) or refused
// with the domain's coded reason. A refusal never stops the rest of the
// batch.
func (s *Store) Push(ctx context.Context, cred Credential, changes []protocol.Change) ([]protocol.Result, error) {
	return s.PushFrom(ctx, cred, "", changes)
}

// PushFrom is Push from a named replica (the database the credential was
// enrolled for; "" when the sender does not say). A batch from a second
// database under the same credential — a copy, told by a number of the
// replica's sequence that HQ already holds for another change — is refused
// whole, with nothing written.
func (s *Store) PushFrom(ctx context.Context, cred Credential, replica string, changes []protocol.Change) ([]protocol.Result, error) {
	return s.PushBatch(ctx, cred, replica, NewBatch(cred, changes))
}

// PushBatch is PushFrom of a batch made already (NewBatch). A batch made
// for another credential's kind or showroom is prepared again for cred's.
func (s *Store) PushBatch(ctx context.Context, cred Credential, replica string, b *Batch) ([]protocol.Result, error) {
	changes := b.changes
	results := make([]protocol.Result, len(changes))
	if replica != "" && replica != cred.ID {
		return nil, kaohe.Errorf(kaohe.ECONFLICT, "err.replica_copy")
	}
	if !b.preparedFor(cred) {
		b.prepare(cred)
	}
	err := s.tx(ctx, func(tx *txn) error {
		if err := checkNotRevoked(tx, cred); err != nil {
			return err
		}
		// Sized for the batch: they hold an entry or two per change.
		tx.known = make(map[rowKey]*storedRow, 2*len(changes))
		tx.owners = make(map[rowKey]string, len(changes))
		tx.moved = make(map[rowKey]bool, len(changes))
		tx.keys = make(map[string][]rowKey, len(changes))
		tx.keyDirty = make(map[string]bool, len(changes))
		led := newLedger(tx, s.today())
		if err := led.prefetch(b); err != nil {
			return err
		}
		if err := prefetchKeys(tx, b); err != nil {
			return err
		}
		seen, err := prefetch(tx, b)
		if err != nil {
			return err
		}
		if err := prefetchOwners(tx, b); err != nil {
			return err
		}
		seenNos, err := s.replicaNumbers(tx, cred, changes)
		if err != nil {
			return err
		}
		for i, c := range changes {
			p := &b.alone[i]
			// An id no writer makes is refused before anything notes it,
			// not even its number in the sender's sequence.
			if p.idErr != nil {
				results[i] = refusal(c.ID, p.idErr)
				continue
			}
			if err := seenNos.check(tx, cred, c); err != nil {
				return err
			}
			if seen[c.ID] { // a replay: judged when it was first applied
				results[i] = protocol.Result{ID: c.ID, Status: protocol.Duplicate}
				continue
			}
			r := protocol.Result{ID: c.ID, Status: protocol.Applied}
			a, err := s.check(tx, led, cred, c, b.decoded[i].row, p)
			if err == nil {
				if a.showroom == cred.ShowroomID { // as prepare found it
					a.key = p.key
				} else {
					a.key = naturalKey(c.Entity, c.Op, a.row.Value, a.showroom)
				}
				err = s.checkUnique(tx, c, a.key, a.row.Value)
			}
			if err == nil {
				var fresh bool
				if fresh, err = s.apply(tx, led, c, a, cred); err == nil && !fresh {
					r.Status = protocol.Duplicate
				}
			}
			if err == nil {
				if b.repeats {
					seen[c.ID] = true // the same change twice in a batch
				}
			} else if ke := coded(err); ke == nil {
				return err // a fault of ours: the whole batch is retried
			} else {
				// A change HQ holds is a duplicate, whatever it is judged
				// now: prefetch asked only of the changes whose row HQ
				// holds (a replay's row is stored), so one naming another
				// row is asked here. One that passes is a duplicate by
				// its log entry (recordKeyed).
				logged, lerr := changeLogged(tx, c.ID)
				switch {
				case lerr != nil:
					return lerr
				case logged:
					r = protocol.Result{ID: c.ID, Status: protocol.Duplicate}
				default:
					r = refusal(c.ID, ke)
				}
			}
			results[i] = r
		}
		return seenNos.write(tx)
	})
	return results, err
}

// checkNotRevoked refuses, inside the batch's write transaction, a
// credential revoked since its request was authenticated: a push read,
// decoded or waiting for the batch before it while HQ revoked the showroom
// (or the HQ user) writes nothing. One read by primary key a batch. HQ's
// own writers (a bundle, the demo's seed) have no credential row.
func checkNotRevoked(tx *txn, cred Credential) error {
	if cred.ID == "" || cred.ID == bundleCredential {
		return nil
	}
	var revoked bool
	err := tx.QueryRow(sqlRevoked, cred.ID).Scan(&revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil && revoked {
		err = kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.credential_revoked")
	}
	return err
}

const sqlRevoked = `SELECT revoked_at IS NOT NULL FROM credentials WHERE id = ?`

// coded is the domain's refusal err is (a *kaohe.Error in its chain), nil
// for a fault. (A function of its own: the target errors.As is given is
// allocated where it is declared, and a batch's loop would allocate one
// for every change.)
func coded(err error) *kaohe.Error {
	var ke *kaohe.Error
	errors.As(err, &ke)
	return ke
}

// refusal is the answer to a refused change: the domain's code, and its
// key and arguments.
func refusal(id string, err error) protocol.Result {
	var ke *kaohe.Error
	errors.As(err, &ke)
	return protocol.Result{ID: id, Status: protocol.Refused, Code: ke.Code, Message: ke.Error()}
}

// The statements a push runs per batch or per change; each uses an index
// (TestPerChangeQueriesUseTheirIndex).
const (
	// The numbers from lo to hi HQ holds, of the runs (replica_runs) that
	// end from lo up to the first that ends at hi or after: those after it
	// begin after hi, for runs never overlap.
	sqlReplicaNumbers = `SELECT r.first + j.key, j.value FROM replica_runs r, json_each(r.change_ids) j
		WHERE r.credential = ?1 AND r.last BETWEEN ?2 AND coalesce((SELECT min(last) FROM replica_runs WHERE credential = ?1 AND last >= ?3), ?3)
			AND r.first + j.key BETWEEN ?2 AND ?3`
	sqlSeenChanges  = `SELECT change_id FROM changes WHERE change_id IN (SELECT value FROM json_each(?))`
	sqlChangeLogged = `SELECT 1 FROM changes WHERE change_id = ?`
	// The batch's pairs joined to the rows' key, each looked up as read: no
	// temporary b-tree of them first, as "(entity, row_id) IN (SELECT …)"
	// built (a pair given twice is read twice; both readers keep one).
	sqlPrefetchRows = `SELECT r.entity, r.row_id, r.showroom_id, r.payload, r.deleted
		FROM json_each(?) j CROSS JOIN rows r ON r.entity = j.value ->> 0 AND r.row_id = j.value ->> 1`
	sqlPrefetchOwners = `SELECT r.entity, r.row_id, r.showroom_id
		FROM json_each(?) j CROSS JOIN rows r ON r.entity = j.value ->> 0 AND r.row_id = j.value ->> 1 WHERE r.deleted = 0`
	sqlStoredRow = `SELECT showroom_id, payload, deleted FROM rows WHERE entity = ? AND row_id = ?`
	// One kind of a showroom's live rows (its managers): the kind's rows
	// by the rows' key, not the showroom's by rows_showroom_seq ("+" keeps
	// SQLite from choosing it), for a kind has far fewer rows than a
	// showroom.
	sqlKindOfShowroom = `SELECT payload FROM rows WHERE entity = ? AND +showroom_id = ? AND deleted = 0`
	sqlRowShowroom    = `SELECT showroom_id FROM rows WHERE entity = ? AND row_id = ? AND deleted = 0`
)

// replicaSeen is which change each number of a replica's sequence was, for
// the numbers of one batch.
type replicaSeen struct {
	cred  string
	known map[int64]string
	fresh []numbered // numbers first seen in this batch, and their changes: written by write
}

// replicaNumbers reads, in one query, which changes the numbers a batch
// carries were when HQ saw them before.
func (s *Store) replicaNumbers(tx *txn, cred Credential, changes []protocol.Change) (*replicaSeen, error) {
	r := &replicaSeen{cred: cred.ID, known: make(map[int64]string, len(changes))}
	if cred.ID == "" || cred.ID == bundleCredential {
		r.cred = "" // a bundle's changes are numbered again when they come online
		return r, nil
	}
	lo, hi := int64(0), int64(0)
	for _, c := range changes {
		if c.RSeq > 0 && (lo == 0 || c.RSeq < lo) {
			lo = c.RSeq
		}
		hi = max(hi, c.RSeq)
	}
	if hi == 0 {
		return r, nil
	}
	rows, err := tx.Query(sqlReplicaNumbers, cred.ID, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		var id string
		if err := rows.Scan(&n, &id); err != nil {
			return nil, err
		}
		r.known[n] = id
	}
	return r, rows.Err()
}

// check notes the change's number in its replica's sequence, and refuses a
// number HQ holds for another change: two databases are sending under one
// credential.
func (r *replicaSeen) check(tx *txn, cred Credential, c protocol.Change) error {
	if c.RSeq <= 0 || r.cred == "" {
		return nil
	}
	had, ok := r.known[c.RSeq]
	switch {
	case !ok:
		r.known[c.RSeq] = c.ID
		r.fresh = append(r.fresh, numbered{c.RSeq, c.ID})
	case had != c.ID:
		return kaohe.Errorf(kaohe.ECONFLICT, "err.replica_copy")
	}
	return nil
}

// write stores the numbers first seen in the batch: each run of
// consecutive numbers among them (the whole batch, as a replica sends
// one) as one row of replica_runs.
func (r *replicaSeen) write(tx *txn) error {
	fresh := r.fresh
	r.fresh = nil
	if !slices.IsSortedFunc(fresh, byRSeq) {
		slices.SortFunc(fresh, byRSeq)
	}
	for len(fresh) > 0 {
		n := 1
		for n < len(fresh) && fresh[n].rseq == fresh[n-1].rseq+1 {
			n++
		}
		ids := make([]string, n)
		for i, f := range fresh[:n] {
			ids[i] = f.change
		}
		if _, err := tx.Exec(sqlRunSeen, r.cred, fresh[n-1].rseq, fresh[0].rseq, jsonStrings(ids)); err != nil {
			return err
		}
		fresh = fresh[n:]
	}
	return nil
}

func byRSeq(a, b numbered) int { return cmp.Compare(a.rseq, b.rseq) }

const sqlRunSeen = `INSERT INTO replica_runs (credential, last, first, change_ids) VALUES (?, ?, ?, ?)`

// Logged says whether HQ's log holds a change cred sent. Another
// credential's change is not cred's to name: answering for it would tell
// one showroom what another has sent.
func (s *Store) Logged(ctx context.Context, cred Credential, changeID string) (bool, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM changes c JOIN receipts r ON r.id = c.receipt
		WHERE c.change_id = ? AND r.credential = ?`, changeID, cred.ID).Scan(&n)
	return n > 0, err
}

// ReplicaSeq returns the highest number of a credential's sequence HQ has
// seen (0 for none).
func (s *Store) ReplicaSeq(ctx context.Context, cred Credential) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(last), 0) FROM replica_runs WHERE credential = ?`, cred.ID).Scan(&n)
	return n, err
}

// accepted is a change that passed check: its row, showroom and parent.
type accepted struct {
	entity   *kaohe.Entity
	row      kaohe.Row
	showroom string
	parent   string
	key      string // naturalKey
	existed  bool   // HQ held the row before (live or deleted)
}

// check decides whether the caller may write the change, by the entity's
// one definition (kaohe.EntityOf): who writes it, which showroom it belongs
// to (found from the stored rows it refers to, never from the payload), and
// the domain's rule for it. What it finds of the change by itself
// (checkAlone), found before the transaction, comes first.
func (s *Store) check(tx *txn, led *ledger, cred Credential, c protocol.Change, row kaohe.Row, p *alone) (accepted, error) {
	if p.err != nil {
		return accepted{}, p.err
	}
	e, from := p.entity, writerOf(cred.Kind)
	a := accepted{entity: e, row: row}
	// The row as stored: it keeps its showroom, and the rule sees it.
	stored, exists, err := tx.storedRow(c.Entity, c.RowID)
	if err != nil {
		return a, err
	}
	a.existed = exists
	refs := p.refs
	switch {
	case e.Shared:
	case e.Root:
		a.showroom = cred.ShowroomID
		if exists {
			a.showroom = stored.showroom
		}
	case len(refs) == 0:
		return a, kaohe.Errorf(kaohe.EINVALID, "err.missing_reference")
	default:
		a.parent = refs[0].ID
		for i, ref := range refs {
			sr, err := s.showroomOfRow(tx, ref)
			if err != nil {
				return a, err
			}
			if i == 0 {
				a.showroom = sr
			} else if sr != a.showroom {
				return a, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.other_showroom")
			}
		}
	}
	if cred.Kind == KindShowroom && (a.showroom != cred.ShowroomID || e.Shared) {
		return a, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.other_showroom")
	}
	if f, has := row.ShowroomField(); (has && f != a.showroom) || (exists && stored.showroom != a.showroom) {
		return a, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.other_showroom")
	}
	if exists && stored.deleted {
		return a, kaohe.ErrReadOnly // a deleted row stays deleted
	}
	if !exists {
		if err := e.CheckIDFree(func(m string) (bool, error) {
			_, ok, err := tx.storedRow(m, c.RowID)
			return ok, err
		}); err != nil {
			return a, err
		}
	}
	var prior *kaohe.Row
	if exists {
		p, err := e.Decode([]byte(stored.payload))
		if err != nil {
			return a, err
		}
		prior = &p
	}
	return a, e.Accept(kaohe.Incoming{Ledger: led, From: from, Delete: c.Op == "delete"}, row, prior)
}

// storedRow is the state HQ holds of a row.
type storedRow struct {
	showroom, payload string
	deleted           bool
}

// prefetch reads, in at most two queries for the whole batch, the stored
// state of the rows the changes write (tx.known), and which of the changes
// HQ has seen. A change's own lookups then cost no query.
//
// Only the changes whose row HQ holds are asked about: HQ logs a change
// and writes its row in one transaction and never deletes a row, so a
// change it has seen has its row stored — a replay, however it comes
// (the same batch again, a batch cut and sent again, sent again after its
// row changed). A change whose row is not stored is then new, but for one
// that names another row than the one it was logged with: it is found a
// duplicate by its log entry (recordKeyed), or when refused
// (changeLogged). A first sync asks nothing.
func prefetch(tx *txn, b *Batch) (map[string]bool, error) {
	for _, k := range b.rowsAsked { // the changes' rows and their table mates' (prepare)
		tx.known[k] = nil // absent unless found below
	}
	rows, err := tx.Query(sqlPrefetchRows, b.rowsJSON)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k rowKey
		var r storedRow
		if err := rows.Scan(&k.entity, &k.id, &r.showroom, &r.payload, &r.deleted); err != nil {
			rows.Close()
			return nil, err
		}
		tx.known[k] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range b.changes {
		if tx.known[rowKey{c.Entity, c.RowID}] != nil {
			ids = append(ids, c.ID)
		}
	}
	// The batch notes its changes in seen only when an id comes twice in it.
	size := len(ids)
	if b.repeats {
		size = len(b.changes)
	}
	seen := make(map[string]bool, size)
	if len(ids) == 0 {
		return seen, nil
	}
	rows, err = tx.Query(sqlSeenChanges, string(jsonStrings(ids)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		seen[id] = true
	}
	return seen, rows.Err()
}

// changeLogged says whether HQ's log holds a change.
func changeLogged(tx *txn, id string) (bool, error) {
	var one int
	err := tx.QueryRow(sqlChangeLogged, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// prefetchOwners reads, in one query for a batch, the showrooms of the
// stored rows its rows refer to (tx.owners, as showroomOfRow finds them);
// a row referred to that is not stored yet is looked up when asked, for the
// batch may bring it. The rows asked about are all the batch refers to
// (prepare): a batch's transaction knows no owner before this.
func prefetchOwners(tx *txn, b *Batch) error {
	if b.refsJSON == "" {
		return nil
	}
	rows, err := tx.Query(sqlPrefetchOwners, b.refsJSON)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k rowKey
		var sr string
		if err := rows.Scan(&k.entity, &k.id, &sr); err != nil {
			return err
		}
		tx.owners[k] = sr
	}
	return rows.Err()
}

// storedRow returns the stored state of a row: from the batch's prefetch,
// or read now for a row this batch has written since.
func (t *txn) storedRow(entity, id string) (storedRow, bool, error) {
	if r, ok := t.known[rowKey{entity, id}]; ok {
		if r == nil {
			return storedRow{}, false, nil
		}
		return *r, true, nil
	}
	var r storedRow
	err := t.QueryRow(sqlStoredRow, entity, id).Scan(&r.showroom, &r.payload, &r.deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// showroomOfRow is the showroom of a stored row, refusing a reference to a
// row HQ does not hold.
func (s *Store) showroomOfRow(tx *txn, ref kaohe.Ref) (string, error) {
	key := rowKey{ref.Entity, ref.ID}
	if sr, ok := tx.owners[key]; ok { // most rows of a batch share a manager
		return sr, nil
	}
	var sr string
	err := tx.QueryRow(sqlRowShowroom, ref.Entity, ref.ID).Scan(&sr)
	if errors.Is(err, sql.ErrNoRows) || ref.ID == "" {
		return "", kaohe.Errorf(kaohe.EINVALID, "err.missing_reference", "Entity", ref.Entity, "ID", ref.ID)
	}
	if err == nil {
		tx.owners[key] = sr
	}
	return sr, err
}

// notHQOnly keeps HQ's own people's accounts (kaohe.Entity.HQOnly) from
// what a showroom is sent.
var notHQOnly = func() string {
	q := ""
	for _, e := range kaohe.HQOnlyEntities() {
		q += ` AND entity <> '` + e + `'`
	}
	return q
}()

// Pull returns the changes after cursor a caller may read: for a showroom,
// HQ's changes for it and the reference data; for HQ, everything.
func (s *Store) Pull(ctx context.Context, cred Credential, cursor int64, limit int) (protocol.PullResponse, error) {
	if limit <= 0 || limit > protocol.MaxBatch {
		limit = protocol.MaxBatch
	}
	q := `SELECT seq, change_id, entity, row_id, op, payload, at, version, actor FROM changes WHERE seq > ?`
	args := []any{cursor}
	if cred.Kind == KindShowroom {
		q += ` AND origin = 'hq' AND showroom_id IN (?, '')` + notHQOnly
		args = append(args, cred.ShowroomID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY seq LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	defer rows.Close()
	resp := protocol.PullResponse{Cursor: cursor}
	size := 0 // the page's payload bytes (protocol.MaxPageBytes)
	for rows.Next() {
		var c protocol.Change
		var p string
		if err := rows.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &c.Op, &p, &c.At, &c.Version, &c.By); err != nil {
			return resp, err
		}
		c.Payload = json.RawMessage(p)
		if len(resp.Changes) == limit || len(resp.Changes) > 0 && size+len(p) > protocol.MaxPageBytes {
			resp.More = true
			break
		}
		size += len(p)
		resp.Changes = append(resp.Changes, c)
		resp.Cursor = c.Seq
	}
	return resp, rows.Err()
}

// Stats counts the live rows per table per showroom code.
func (s *Store) Stats(ctx context.Context) (map[string]map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.code, r.entity, count(*) FROM rows r JOIN showrooms s ON s.id = r.showroom_id
		WHERE r.deleted = 0 GROUP BY s.code, r.entity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var code, entity string
		var n int
		if err := rows.Scan(&code, &entity, &n); err != nil {
			return nil, err
		}
		if out[code] == nil {
			out[code] = map[string]int{}
		}
		t := entity
		if e, err := kaohe.EntityOf(entity); err == nil {
			t = e.Table
		}
		out[code][t] += n
	}
	return out, rows.Err()
}

// apply records an accepted change; fresh is false for a replay. An HQ
// decision and the grant it may cause stand or fall together.
func (s *Store) apply(tx *txn, led *ledger, c protocol.Change, a accepted, cred Credential) (fresh bool, err error) {
	d, ok := a.row.Value.(*kaohe.Decision)
	grants := ok && c.Entity == kaohe.EntDecision && d.Stage == kaohe.StageThird && d.Pass
	if !grants {
		fresh, err = s.recordKeyed(tx, c, a.showroom, a.parent, a.key, cred.Kind, cred.ID)
		if err == nil && fresh && !a.existed && c.Op == "upsert" {
			led.added(c.Entity, c.RowID, a.parent, a.row.Value)
			// A row HQ did not hold is stored now, live, with the showroom
			// check found: what showroomOfRow would read of it. A batch
			// bringing a manager and rows of hers asks no query for them.
			tx.owners[rowKey{c.Entity, c.RowID}] = a.showroom
		} else if err == nil {
			led.recorded(c.Entity, c.RowID, a.parent)
		}
		return fresh, err
	}
	if _, err := tx.Exec(`SAVEPOINT change`); err != nil {
		return false, err
	}
	fresh, err = s.recordKeyed(tx, c, a.showroom, a.parent, a.key, cred.Kind, cred.ID)
	if err == nil && fresh {
		led.recorded(c.Entity, c.RowID, a.parent)
		err = s.grant(tx, led, *d, a.showroom, cred.ID)
	}
	if err != nil {
		if _, rerr := tx.Exec(`ROLLBACK TO change`); rerr != nil {
			return false, rerr
		}
	}
	if _, rerr := tx.Exec(`RELEASE change`); rerr != nil {
		return false, rerr
	}
	return fresh, err
}

// Recover returns, after a showroom restored a backup, the current state of
// every row its showroom wrote that HQ holds (deleted ones as deletes), with
// their versions, in the order HQ wrote them, after cursor; and the highest
// number of the caller's sequence HQ has seen. HQ is the copy of record.
func (s *Store) Recover(ctx context.Context, cred Credential, cursor int64, limit int) (protocol.RecoverResponse, error) {
	resp := protocol.RecoverResponse{Cursor: cursor}
	if cred.Kind != KindShowroom {
		return resp, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_owner", "Entity", "recover")
	}
	if limit <= 0 || limit > protocol.MaxBatch {
		limit = protocol.MaxBatch
	}
	var err error
	if resp.ReplicaSeq, err = s.ReplicaSeq(ctx, cred); err != nil {
		return resp, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.seq, c.change_id, r.entity, r.row_id, r.deleted, coalesce(r.payload, c.payload), c.at, r.version, c.actor
		FROM row_states r JOIN changes c ON c.seq = r.wrote
		WHERE r.showroom_id = ? AND c.origin = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`, cred.ShowroomID, KindShowroom, cursor, limit+1)
	if err != nil {
		return resp, err
	}
	defer rows.Close()
	size := 0 // the page's payload bytes (protocol.MaxPageBytes)
	for rows.Next() {
		var c protocol.Change
		var deleted bool
		var p string
		if err := rows.Scan(&c.Seq, &c.ID, &c.Entity, &c.RowID, &deleted, &p, &c.At, &c.Version, &c.By); err != nil {
			return resp, err
		}
		if !kaohe.OwnedByShowroom(c.Entity) {
			continue
		}
		if len(resp.Changes) == limit || len(resp.Changes) > 0 && size+len(p) > protocol.MaxPageBytes {
			resp.More = true
			break
		}
		size += len(p)
		c.Op, c.Payload = "upsert", json.RawMessage(p)
		if deleted {
			c.Op = "delete"
		}
		resp.Changes = append(resp.Changes, c)
		resp.Cursor = c.Seq
	}
	return resp, rows.Err()
}

// Confirm notes that the caller has stored its credential (Authenticate
// did the work); a replica id that is not the credential's is refused.
func (s *Store) Confirm(ctx context.Context, cred Credential, replica string) error {
	if replica != "" && replica != cred.ID {
		return kaohe.Errorf(kaohe.ECONFLICT, "err.replica_copy")
	}
	return nil
}

// sqlRowStatesOf: a showroom's rows and the reference data, by
// rows_showroom_seq.
const sqlRowStatesOf = ` WHERE showroom_id IN (?, '')`

// RowStates returns, for every row HQ holds for a showroom (its own rows, and
// the reference data every showroom gets; every row when showroomID is
// "*"), the change that wrote its current state ("entity/row id" → change id).
func (s *Store) RowStates(ctx context.Context, showroomID string) (map[string]string, error) {
	q, args := `SELECT entity, row_id, change_id FROM rows`, []any{}
	if showroomID != "*" {
		q += sqlRowStatesOf + notHQOnly
		args = append(args, showroomID)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var e, id, c string
		if err := rows.Scan(&e, &id, &c); err != nil {
			return nil, err
		}
		out[e+"/"+id] = c
	}
	return out, rows.Err()
}

// RowPayload reads a row's current state at HQ into v.
func (s *Store) RowPayload(ctx context.Context, entity, id string, v any) error {
	var p string
	if err := s.db.QueryRowContext(ctx, `SELECT payload FROM rows WHERE entity = ? AND row_id = ?`, entity, id).Scan(&p); err != nil {
		return kaohe.Errorf(kaohe.ENOTFOUND, "err.not_found", "What", entity, "Key", id)
	}
	return json.Unmarshal([]byte(p), v)
}

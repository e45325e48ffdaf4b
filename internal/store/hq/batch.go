package hq

import (
	"runtime"
	"sync"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// Batch is a push's changes with what can be found of them before the
// write transaction (NewBatch): their payloads decoded, and all of the
// batch's judgement that reads nothing stored. A batch's transaction is
// HQ's one writer, and a pipelined batch waits for the one before it
// anyway: what is found here is found while that one is written, not
// after.
type Batch struct {
	changes []protocol.Change
	decoded []decoded
	// What follows is found for a credential's kind and showroom (prepare);
	// PushBatch prepares the batch again for another credential's.
	kind, showroom string
	alone          []alone
	// repeats says whether a change id comes twice in the batch: the
	// second is a duplicate of the first, whatever HQ held before.
	repeats bool
	// The lists the batch's prefetches hand json_each, with the rows they
	// ask about: each change's row and its table mates' (prefetch), the
	// rows the changes refer to (prefetchOwners), the natural keys in the
	// sender's showroom (prefetchKeys), and the managers and assessments
	// the rules will ask about (ledger.prefetch).
	rowsAsked             []rowKey
	rowsJSON              string
	refsJSON              string
	keys                  []string
	keysJSON              string
	managers, assessments []string
	managersJSON          string
	assessmentsJSON       string
}

// alone is what a change is found to be by itself, before anything
// stored is read.
type alone struct {
	idErr  error         // checkIDs
	err    error         // check's judgement of the change by itself (checkAlone)
	entity *kaohe.Entity // the change's entity, when err is nil
	refs   []kaohe.Ref   // the decoded row's references
	key    string        // its natural key in the sender's showroom (naturalKey)
}

// NewBatch decodes the payloads of a push from cred, on every core for a
// large one, and finds what the batch's transaction needs of them that
// reads nothing stored. It needs no transaction: a server does this for a
// pipelined batch while the one before it is written.
func NewBatch(cred Credential, changes []protocol.Change) *Batch {
	b := &Batch{changes: changes, decoded: decodeAll(changes)}
	b.prepare(cred)
	return b
}

// prepare finds, for cred's kind and showroom, what the batch's
// transaction needs that reads nothing stored.
func (b *Batch) prepare(cred Credential) {
	b.kind, b.showroom = cred.Kind, cred.ShowroomID
	n := len(b.changes)
	b.alone = make([]alone, n)
	ids := make(map[string]struct{}, n)
	b.repeats = false
	pairs := make([][2]string, 0, n)
	b.rowsAsked = make([]rowKey, 0, n)
	var refs [][2]string
	asked := map[rowKey]bool{}
	b.keys = make([]string, 0, n)
	b.managers, b.assessments = nil, nil
	for i, c := range b.changes {
		a, d := &b.alone[i], b.decoded[i]
		a.idErr = checkIDs(c)
		if _, twice := ids[c.ID]; twice {
			b.repeats = true
		}
		ids[c.ID] = struct{}{}
		a.entity, a.err = checkAlone(cred.Kind, c, d)
		// The rows prefetch reads: the change's, and its table mates'
		// (CheckIDFree asks of a new row).
		pairs = append(pairs, [2]string{c.Entity, c.RowID})
		b.rowsAsked = append(b.rowsAsked, rowKey{c.Entity, c.RowID})
		if e, err := kaohe.EntityOf(c.Entity); err == nil {
			for _, m := range e.TableMates() {
				pairs = append(pairs, [2]string{m, c.RowID})
				b.rowsAsked = append(b.rowsAsked, rowKey{m, c.RowID})
			}
		}
		switch v := d.row.Value.(type) {
		case *kaohe.Assessment:
			b.managers, b.assessments = append(b.managers, v.ManagerID), append(b.assessments, v.ID)
		case *kaohe.LevelChange:
			b.managers = append(b.managers, v.ManagerID)
		}
		if d.err != nil {
			continue
		}
		if d.row.E != nil {
			a.refs = d.row.Refs()
			for _, ref := range a.refs {
				key := rowKey{ref.Entity, ref.ID}
				if ref.ID != "" && !asked[key] {
					asked[key] = true
					refs = append(refs, [2]string{ref.Entity, ref.ID})
				}
			}
		}
		if d.row.Value != nil {
			if a.key = naturalKey(c.Entity, c.Op, d.row.Value, cred.ShowroomID); a.key != "" {
				b.keys = append(b.keys, a.key)
			}
		}
	}
	b.rowsJSON = jsonPairs(pairs)
	b.refsJSON = ""
	if len(refs) > 0 {
		b.refsJSON = jsonPairs(refs)
	}
	b.keysJSON, b.managersJSON, b.assessmentsJSON = "", "", ""
	if len(b.keys) > 0 {
		b.keysJSON = jsonStrings(b.keys)
	}
	if len(b.managers) > 0 {
		b.managersJSON = jsonStrings(b.managers)
	}
	if len(b.assessments) > 0 {
		b.assessmentsJSON = jsonStrings(b.assessments)
	}
}

// preparedFor says whether the batch was prepared for cred's kind and
// showroom, all that prepare reads of a credential.
func (b *Batch) preparedFor(cred Credential) bool {
	return b.alone != nil && b.kind == cred.Kind && b.showroom == cred.ShowroomID
}

// checkAlone is the part of check that reads nothing stored, in check's
// order: the change's operation and stamps, its entity and who writes it
// (the credential's kind), its payload as decoded, and the payload's id.
func checkAlone(kind string, c protocol.Change, d decoded) (*kaohe.Entity, error) {
	if c.Op != "upsert" && c.Op != "delete" || len(c.At) > kaohe.MaxAtLen {
		return nil, kaohe.Errorf(kaohe.EINVALID, "err.bad_change")
	}
	if err := kaohe.CheckBy(c.By); err != nil {
		return nil, err
	}
	e, err := kaohe.EntityOf(c.Entity)
	if err != nil {
		return nil, err
	}
	if e.Writer != writerOf(kind) {
		return nil, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_owner", "Entity", c.Entity)
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.row.ID() != c.RowID {
		return nil, kaohe.Errorf(kaohe.EINVALID, "err.bad_change")
	}
	return e, nil
}

// writerOf is who a credential of kind writes as.
func writerOf(kind string) kaohe.Writer {
	if kind == KindHQ {
		return kaohe.ByHQ
	}
	return kaohe.ByShowroom
}

// checkIDs refuses a change whose id or row id no writer makes
// (kaohe.CheckID).
func checkIDs(c protocol.Change) error {
	if err := kaohe.CheckID(c.ID); err != nil {
		return err
	}
	return kaohe.CheckID(c.RowID)
}

// decoded is a change's payload read strictly by its entity's definition
// (kaohe.Entity.Decode), or why it could not be.
type decoded struct {
	row kaohe.Row
	err error
}

// decodeAll decodes the payloads of a batch, on every core for a large
// one: decoding reads nothing stored, so it needs no transaction.
func decodeAll(changes []protocol.Change) []decoded {
	out := make([]decoded, len(changes))
	one := func(i int) {
		e, err := kaohe.EntityOf(changes[i].Entity)
		if err != nil {
			out[i].err = err
			return
		}
		out[i].row, out[i].err = e.Decode(changes[i].Payload)
	}
	workers := min(runtime.GOMAXPROCS(0), len(changes)/256)
	if workers <= 1 {
		for i := range changes {
			one(i)
		}
		return out
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(changes); i += workers {
				one(i)
			}
		}()
	}
	wg.Wait()
	return out
}

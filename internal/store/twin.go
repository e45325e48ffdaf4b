package store

import (
	"encoding/json"
	"strings"

	"kaohe/internal/kaohe"
)

// foldable are the kinds of which a showroom keeps one row per natural key
// (the registry's, kaohe.Entity.KeyFields: one actual per manager, metric
// and month, one target per manager, metric and year, one attendance per
// training and manager) and that nothing refers to: a second row with the
// same key can be folded into the first. The key's fields are the table's
// columns and the payload's JSON fields alike.
var foldable = func() map[string]*kaohe.Entity {
	m := map[string]*kaohe.Entity{}
	for _, name := range []string{kaohe.EntActual, kaohe.EntTarget, kaohe.EntAttendance} {
		e, err := kaohe.EntityOf(name)
		if err != nil || len(e.KeyFields()) == 0 || e.KeyPerShowroom() {
			panic("store: " + name + " has no natural key of its own")
		}
		m[name] = e
	}
	return m
}()

// twin is a row written here, never sent, that holds the natural key of a
// row arriving from HQ: the same figure entered again after a restore, before
// the recovery from HQ brought the row HQ holds.
type twin struct {
	rowID   string
	payload json.RawMessage // its state as last written here
}

// takeTwin finds the local-only row holding c's natural key and removes it
// with its unsent changes, so that c can be applied; foldTwin then writes
// its state onto c's row. A row HQ has seen (or may have: a change numbered
// for a push whose answer was lost) is never taken: the clash then stays a
// refusal, shown to the user with both rows kept.
func (tx *Tx) takeTwin(c Change) (*twin, error) {
	e, ok := foldable[c.Entity]
	if !ok || c.Op != OpUpsert {
		return nil, nil
	}
	var t twin
	var err error
	if t.rowID, err = tx.keyHolder(c.Entity, string(c.Payload), c.RowID); err != nil || t.rowID == "" {
		return nil, err
	}
	var seen, unsent int
	var last string
	// Seen: sent or refused (out of the queue), or numbered; unsent: queued
	// and never numbered.
	if err := tx.queryRow(`SELECT count(*) FILTER (WHERE q.seq IS NULL OR q.rseq IS NOT NULL),
		count(*) FILTER (WHERE q.seq IS NOT NULL AND q.rseq IS NULL),
		coalesce((SELECT payload FROM outbox WHERE entity = ?1 AND row_id = ?2 AND op = 'upsert' ORDER BY seq DESC LIMIT 1), '')
		FROM outbox o LEFT JOIN outbox_queue q ON q.seq = o.seq WHERE o.entity = ?1 AND o.row_id = ?2`, c.Entity, t.rowID).Scan(&seen, &unsent, &last); err != nil {
		return nil, err
	}
	var received int
	if err := tx.queryRow(`SELECT count(*) FROM row_versions WHERE entity = ? AND row_id = ?
		AND change_id NOT IN (SELECT change_id FROM outbox WHERE entity = ? AND row_id = ?)`, c.Entity, t.rowID, c.Entity, t.rowID).Scan(&received); err != nil {
		return nil, err
	}
	if seen > 0 || unsent == 0 || received > 0 || last == "" {
		return nil, nil
	}
	t.payload = json.RawMessage(last)
	for _, q := range []string{
		`DELETE FROM ` + e.Table + ` WHERE id = ?2`,
		`DELETE FROM outbox WHERE entity = ?1 AND row_id = ?2`,
		`DELETE FROM row_versions WHERE entity = ?1 AND row_id = ?2`,
	} {
		if _, err := tx.exec(q, c.Entity, t.rowID); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// foldTwin writes the twin's state (the value entered here, newer than HQ's)
// onto the row c brought, as this install's edit of it: HQ's row keeps its
// id and gets the value, and no second row for the key exists anywhere.
func (tx *Tx) foldTwin(c Change, t *twin) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(t.payload, &fields); err != nil {
		return err
	}
	id, _ := json.Marshal(c.RowID)
	fields["id"] = id
	payload, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	tx.quiet = true // the local write below is audited as such
	err = tx.applyChange(Change{ID: c.ID, Entity: c.Entity, RowID: c.RowID, Op: OpUpsert, Payload: payload})
	tx.quiet = false
	if err != nil {
		return err
	}
	if err := tx.audit("sync.merged", c.Entity, t.rowID, mustJSON(map[string]string{"into": c.RowID, "change": c.ID})); err != nil {
		return err
	}
	return tx.logChange(c.Entity, c.RowID, OpUpsert, strings.ReplaceAll(c.Entity, "_", ".")+".merged", json.RawMessage(payload))
}

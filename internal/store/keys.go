package store

import (
	"database/sql"
	"errors"
	"fmt"

	"kaohe/internal/kaohe"
)

// sqlKeyHolder is, for each kind whose natural key is its own (not an
// employee number in a showroom), the query finding the live row that
// holds a row's key, from the row's JSON (?2) and other than row ?1: the
// registry's key fields are the table's columns and the payload's fields
// alike, and the table's unique index covers them
// (TestUniqueIndexesAreTheRegistrysKeys). The app's writes find the row
// to change by it, so they never make a second row HQ would refuse. The
// key's row comes first (its twin column empty), else a twin of it (a
// second row HQ holds under the key: applyHeld), in the index's order.
var sqlKeyHolder = func() map[string]string {
	m := map[string]string{}
	for _, e := range kaohe.Entities() {
		if len(e.KeyFields()) == 0 || e.KeyPerShowroom() {
			continue
		}
		q := `SELECT id FROM ` + e.Table + ` WHERE deleted_at IS NULL AND id <> ?1`
		for _, col := range e.KeyFields() {
			q += ` AND ` + col + ` = json_extract(?2, '$.` + col + `')`
		}
		m[e.Name] = q + ` ORDER BY twin LIMIT 1`
	}
	return m
}()

// twinTables are the tables of the kinds sqlKeyHolder knows, whose rows
// may be twins (column twin).
var twinTables = func() map[string]bool {
	m := map[string]bool{}
	for name := range sqlKeyHolder {
		e, _ := kaohe.EntityOf(name)
		m[e.Table] = true
	}
	return m
}()

// applyHeld applies a remote change (applyChange). A row whose natural key
// another live row here holds, one HQ holds as it is here (received from
// HQ, or every change of it applied by HQ), is written as that row's twin:
// HQ sent it, so HQ holds both (two rows an older HQ stored under one key,
// kept by its migration 6), and this database keeps what HQ holds instead
// of leaving it waiting for good. Against a row with a change HQ has not
// taken (unsent, numbered for a push whose answer was lost, or refused)
// the pulled row waits as before: the clash is the user's to see. A twin
// written again without a clash is the key's row again.
func (tx *Tx) applyHeld(c Change) error {
	err := tx.applyChange(c)
	if _, keyed := sqlKeyHolder[c.Entity]; err == nil || !keyed || kaohe.ErrorKey(err) != "err.duplicate" {
		return err
	}
	holder, herr := tx.keyHolder(c.Entity, string(c.Payload), c.RowID)
	if herr != nil || holder == "" {
		return errors.Join(err, herr)
	}
	var unsent int
	if herr := tx.queryRow(`SELECT count(*) FROM outbox WHERE entity = ? AND row_id = ? AND `+sqlUnsent,
		c.Entity, holder).Scan(&unsent); herr != nil || unsent > 0 {
		return errors.Join(err, herr)
	}
	tx.twin = true
	defer func() { tx.twin = false }()
	return tx.applyChange(c)
}

// keyHolder returns the id of the live row of entity, other than except,
// holding the natural key of the row whose JSON is payload; "" for none.
func (tx *Tx) keyHolder(entity, payload, except string) (string, error) {
	q, ok := sqlKeyHolder[entity]
	if !ok {
		return "", fmt.Errorf("store: %s has no natural key of its own", entity)
	}
	var id string
	err := tx.queryRow(q, except, payload).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

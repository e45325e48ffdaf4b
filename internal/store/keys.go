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
// to change by it, so they never make a second row HQ would refuse.
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
		m[e.Name] = q
	}
	return m
}()

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

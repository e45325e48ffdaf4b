package store

import (
	"testing"

	"kaohe/internal/kaohe"
)

// TestOnlyDeletableKindsAreQueuedAsDeletes: the outbox takes a delete
// only of a kind the registry lets its writer delete (a manager entered by
// mistake); a delete of any other kind — which HQ would refuse with
// err.not_deletable — is refused before anything is queued, so no store
// method can start sending one.
func TestOnlyDeletableKindsAreQueuedAsDeletes(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	before := count(t, s, `SELECT count(*) FROM outbox`)
	for _, e := range kaohe.Entities() {
		if e.Writer != kaohe.ByShowroom || e.CheckDeletable() == nil {
			continue
		}
		err := s.Update(ctx, "test", func(tx *Tx) error { return tx.logChange(e.Name, "x1", OpDelete, "test.delete", struct{}{}) })
		if kaohe.ErrorKey(err) != "err.not_deletable" {
			t.Errorf("a delete of %s queued: %v", e.Name, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM outbox`); n != before {
		t.Errorf("%d refused deletes queued", n-before)
	}
	if err := s.Update(ctx, "test", func(tx *Tx) error { return tx.logChange(kaohe.EntManager, m.ID, OpDelete, "test.delete", m) }); err != nil {
		t.Errorf("a manager's delete: %v", err)
	}
}

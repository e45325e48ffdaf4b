package store

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"kaohe/internal/kaohe"
)

// A transaction's changes leave the outbox in id order (HQ appends each to
// its index of change ids instead of scattering a big import over it); every
// id is a UUIDv7 of the transaction's time, and no two are the same, also
// between transactions in one millisecond.
func TestChangeIDsFollowTheOutbox(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "A001", "甲", kaohe.Level1, kaohe.EduBachelor)
	for round := 0; round < 3; round++ { // the store's clock stands still: one millisecond
		err := s.Update(ctx, "test", func(tx *Tx) error {
			for month := 1; month <= 12; month++ {
				if _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026-round, month, int64(100*month)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	changes, err := s.PendingChanges(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	ms := s.Now().UnixMilli()
	seen := map[string]bool{}
	var inOrder, runs int
	for i, c := range changes {
		u, err := uuid.Parse(c.ID)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("change %d: id %q is no UUIDv7 (%v)", i, c.ID, err)
		}
		var at int64
		for _, b := range u[:6] {
			at = at<<8 | int64(b)
		}
		if at != ms {
			t.Errorf("change %d: id %s of %v, the transaction ran at %v", i, c.ID, time.UnixMilli(at), s.Now())
		}
		if seen[c.ID] {
			t.Fatalf("change %d: id %s twice", i, c.ID)
		}
		seen[c.ID] = true
		if i > 0 && changes[i-1].ID < c.ID {
			inOrder++
		} else {
			runs++
		}
	}
	// Within each of the four transactions (the manager's, then three of
	// twelve actuals) every id follows the one before: at most three steps
	// down, where a transaction's random start falls below the last one's.
	if runs > 4 || len(changes) < 38 {
		t.Errorf("%d changes, %d in order, %d runs: a transaction's ids are not in its order", len(changes), inOrder, runs)
	}
}

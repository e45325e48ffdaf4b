package store

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"kaohe/internal/kaohe"
)

// pendingIDs returns the ids of the outbox's changes after the first skip.
func pendingIDs(t *testing.T, s *Store, skip int) []uuid.UUID {
	t.Helper()
	changes, err := s.PendingChanges(ctx, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []uuid.UUID
	for _, c := range changes[skip:] {
		u, err := uuid.Parse(c.ID)
		if err != nil {
			t.Fatalf("id %q: %v", c.ID, err)
		}
		out = append(out, u)
	}
	return out
}

func msOf(u uuid.UUID) int64 {
	var at int64
	for _, b := range u[:6] {
		at = at<<8 | int64(b)
	}
	return at
}

// sixActuals writes six figures of m in one transaction: six changes.
func sixActuals(t *testing.T, s *Store, m kaohe.Manager, value int64, before func(tx *Tx)) {
	t.Helper()
	err := s.Update(ctx, "test", func(tx *Tx) error {
		if before != nil {
			before(tx)
		}
		for month := 1; month <= 6; month++ {
			if _, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, month, value+int64(month)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Over many transactions in the same millisecond and with the PC's clock
// going back and forth, every change id is unique; within a transaction
// each is the one before plus one, all of the transaction's time; each
// transaction starts a UUIDv7 of RFC 4122's variant with its counter's top
// bit clear (so 2^61 follow before the variant's bits could change).
func TestChangeIDsOverManyTransactions(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "A001", "甲", kaohe.Level1, kaohe.EduBachelor)
	base := s.Now()
	seen := map[uuid.UUID]int{}
	skip := len(pendingIDs(t, s, 0))
	for i := 0; i < 64; i++ {
		now := base // the first 24 in one millisecond
		if i >= 24 && i < 48 {
			now = base.Add(-time.Duration(i-23) * 37 * time.Millisecond) // the clock runs back
		} else if i >= 48 {
			now = base.Add(time.Duration(i%3) * time.Millisecond)
		}
		s.Now = func() time.Time { return now }
		sixActuals(t, s, m, int64(i)*100, nil)
		ids := pendingIDs(t, s, skip)
		skip += len(ids)
		if len(ids) < 6 {
			t.Fatalf("transaction %d logged %d changes", i, len(ids))
		}
		first := ids[0]
		if first.Version() != 7 || first.Variant() != uuid.RFC4122 || first[8]&0x20 != 0 {
			t.Errorf("transaction %d starts at %s: version %d, variant %v, counter's top bit %v", i, first, first.Version(), first.Variant(), first[8]&0x20 != 0)
		}
		for j, u := range ids {
			if msOf(u) != now.UnixMilli() {
				t.Errorf("transaction %d, change %d: id of %v, the transaction ran at %v", i, j, time.UnixMilli(msOf(u)), now)
			}
			if k, dup := seen[u]; dup {
				t.Fatalf("transaction %d, change %d: id %s was transaction %d's", i, j, u, k)
			}
			seen[u] = i
			if j > 0 {
				prev := ids[j-1]
				if string(prev[:8]) != string(u[:8]) || binary.BigEndian.Uint64(u[8:]) != binary.BigEndian.Uint64(prev[8:])+1 {
					t.Errorf("transaction %d: %s after %s is not the next", i, u, prev)
				}
			}
		}
	}
}

// The counter carries through all of its bytes, and from the highest start
// a transaction can be given the ids stay UUIDv7s of RFC 4122's variant:
// reached through changeID itself, its last id set where a transaction
// 2^56 or 2^61 changes long would have brought it.
func TestChangeIDCounterCarries(t *testing.T) {
	s := newStore(t)
	m := addManager(t, s, "A001", "甲", kaohe.Level1, kaohe.EduBachelor)
	for _, low := range []uint64{0x9EFF_FFFF_FFFF_FFFE, 0x9FFF_FFFF_FFFF_FFFF, 0x80FF_FFFF_FFFF_FFFB} {
		skip := len(pendingIDs(t, s, 0))
		var high [8]byte
		sixActuals(t, s, m, int64(low%1000), func(tx *Tx) {
			u := uuid.MustParse(NewIDAt(tx.now))
			copy(high[:], u[:8])
			binary.BigEndian.PutUint64(u[8:], low)
			tx.lastChange = u
		})
		for j, u := range pendingIDs(t, s, skip) {
			want := low + uint64(j) + 1
			if string(u[:8]) != string(high[:]) || binary.BigEndian.Uint64(u[8:]) != want {
				t.Errorf("after %x, change %d: %s; want the low bits %x", low, j, u, want)
			}
			if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
				t.Errorf("after %x, change %d: %s is version %d, variant %v", low, j, u, u.Version(), u.Variant())
			}
		}
	}
}

// A copy of a showroom's database (a second PC started from the file)
// makes change ids of its own: the same transaction in the same
// millisecond on both sends none of the same ids, so HQ can never take
// one PC's change for a replay of the other's and drop it. Nothing of the
// last id made is kept in the file.
func TestCopiedDatabaseMakesItsOwnIDs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kaohe.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	err = s.Update(ctx, "test", func(tx *Tx) error {
		if _, err := tx.SetShowroom(kaohe.Showroom{Code: "SH01", Name: "上海徐汇展厅"}); err != nil {
			return err
		}
		return tx.PutLevels(kaohe.DefaultLevels())
	})
	if err != nil {
		t.Fatal(err)
	}
	m := addManager(t, s, "A001", "甲", kaohe.Level1, kaohe.EduBachelor)
	sixActuals(t, s, m, 0, nil)
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var ids [2][]uuid.UUID
	for i, p := range []string{path, copyPath} {
		s, err := Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		s.Now = func() time.Time { return now }
		skip := len(pendingIDs(t, s, 0))
		sixActuals(t, s, m, 500, nil)
		ids[i] = pendingIDs(t, s, skip)
		s.Close()
	}
	if len(ids[0]) != len(ids[1]) || len(ids[0]) < 6 {
		t.Fatalf("%d and %d changes", len(ids[0]), len(ids[1]))
	}
	mine := map[uuid.UUID]bool{}
	for _, u := range ids[0] {
		mine[u] = true
	}
	for _, u := range ids[1] {
		if mine[u] {
			t.Errorf("the copy made id %s too", u)
		}
	}
}

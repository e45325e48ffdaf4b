package store

import (
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

// Everyone's list is kept between reads, and never shown stale: a write
// here, a write through another connection to the file (another process),
// a level change and the day a planned leave takes effect each show.
func TestManagersListKeptIsNeverStale(t *testing.T) {
	s := newStore(t)
	a := addManager(t, s, "D001", "张喆", kaohe.Level1, kaohe.EduCollege)
	list := func() []kaohe.ManagerLevel {
		t.Helper()
		ms, err := s.ListManagers(ctx, kaohe.ManagerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	if ms := list(); len(ms) != 1 || ms[0].Level != kaohe.Level1 {
		t.Fatalf("list = %+v", ms)
	}
	// The caller's copy is its own.
	ms := list()
	ms[0].Name = "改掉"
	if got := list()[0].Name; got != "张喆" {
		t.Errorf("a caller's change reached the kept list: %q", got)
	}
	addManager(t, s, "D002", "李芳", kaohe.Level2, kaohe.EduCollege)
	if ms := list(); len(ms) != 2 || ms[1].Level != kaohe.Level2 {
		t.Errorf("after adding D002 (level 2): %+v", ms)
	}

	// Another connection to the same file: its writes are not counted here.
	other, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Now = s.Now
	if err := other.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.RecordLevelChange(kaohe.LevelChange{ManagerID: a.ID, From: kaohe.Level1, To: kaohe.Level2, Date: kaohe.D(2026, 6, 1), Reason: "总部评定", DecidedBy: "评审小组"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := list()[0].Level; got != kaohe.Level2 {
		t.Errorf("D001 promoted by another connection shows level %d", got)
	}
	m, _ := s.Manager(ctx, a.ID)
	m.LeftOn = kaohe.D(2026, 12, 31) // a planned leave
	if err := other.Update(ctx, "test", func(tx *Tx) error { _, err := tx.UpdateManager(m.Manager); return err }); err != nil {
		t.Fatal(err)
	}
	if got := list()[0].Status; got != kaohe.StatusActive {
		t.Errorf("before the planned leave D001 is %s", got)
	}
	later := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return later }
	if got := list()[0].Status; got != kaohe.StatusLeft {
		t.Errorf("after the leave date D001 is %s", got)
	}
}

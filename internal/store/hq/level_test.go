package hq

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestRecordLevelFollowsTheGrantRule: a level HQ sets outside a review is
// one step up from the current level, to an enabled level, named, dated no
// later than HQ's today, for a manager HQ holds; the same change again
// changes nothing, and a different one under its id is refused.
func TestRecordLevelFollowsTheGrantRule(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	sr, _, err := s.AddShowroom(ctx, "SH01", "上海展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	cred := Credential{ID: "c1", Kind: KindShowroom, ShowroomID: sr.ID}
	m := kaohe.Manager{ID: "m1", ShowroomID: sr.ID, EmployeeNo: "D001", Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive}
	first := kaohe.LevelChange{ID: "lc0", ManagerID: "m1", From: 0, To: kaohe.Level1, Date: kaohe.D(2020, 1, 1), Reason: "入职定级", DecidedBy: "展厅经理"}
	var changes []protocol.Change
	for _, r := range []struct {
		e, id string
		v     any
	}{{kaohe.EntManager, "m1", m}, {kaohe.EntLevelAssignment, "lc0", first}} {
		p, _ := json.Marshal(r.v)
		changes = append(changes, protocol.Change{ID: "c-" + r.id, Entity: r.e, RowID: r.id, Op: "upsert", Payload: p, At: "x"})
	}
	if res, err := s.Push(ctx, cred, changes); err != nil || res[0].Status != protocol.Applied || res[1].Status != protocol.Applied {
		t.Fatalf("push: %+v %v", res, err)
	}
	level := func() kaohe.Level {
		h, err := s.LevelHistory(ctx, "m1")
		if err != nil {
			t.Fatal(err)
		}
		return kaohe.CurrentLevel(h)
	}
	lc := func(id string, from, to kaohe.Level, d kaohe.Date) kaohe.LevelChange {
		return kaohe.LevelChange{ID: id, ManagerID: "m1", From: from, To: to, Date: d, Reason: "总部评定", DecidedBy: "实施小组"}
	}
	for _, bad := range []struct {
		why  string
		c    kaohe.LevelChange
		code string
	}{
		{"two levels at once", lc("x1", 1, 3, kaohe.D(2021, 1, 1)), kaohe.ECONFLICT},
		{"from a level not held", lc("x2", 2, 3, kaohe.D(2021, 1, 1)), kaohe.ECONFLICT},
		{"dated after HQ's today", lc("x3", 1, 2, kaohe.D(2026, 12, 1)), kaohe.EINVALID},
		{"nobody decided it", kaohe.LevelChange{ID: "x5", ManagerID: "m1", From: 1, To: 2, Date: kaohe.D(2021, 1, 1)}, kaohe.EINVALID},
		{"the id of the showroom's level assignment", lc("lc0", 1, 2, kaohe.D(2021, 1, 1)), kaohe.ECONFLICT},
		{"a manager HQ does not hold", kaohe.LevelChange{ID: "x6", ManagerID: "nobody", From: 1, To: 2, Date: kaohe.D(2021, 1, 1), DecidedBy: "实施小组"}, kaohe.EINVALID},
	} {
		if _, err := s.RecordLevel(ctx, bad.c); kaohe.ErrorCode(err) != bad.code {
			t.Errorf("%s: %v, want %s", bad.why, err, bad.code)
		}
	}
	if level() != kaohe.Level1 {
		t.Fatalf("refused levels moved the manager to %d", level())
	}
	for _, c := range []kaohe.LevelChange{lc("l2", 1, 2, kaohe.D(2021, 1, 1)), lc("l3", 2, 3, kaohe.D(2022, 1, 1))} {
		if _, err := s.RecordLevel(ctx, c); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
	}
	if _, err := s.RecordLevel(ctx, lc("l4", 3, 4, kaohe.D(2023, 1, 1))); err == nil {
		t.Error("level 4 (disabled by the policy's reference data) was set")
	}
	if _, err := s.RecordLevel(ctx, lc("l3", 2, 3, kaohe.D(2022, 1, 1))); err != nil {
		t.Errorf("the same level change again: %v", err)
	}
	if _, err := s.RecordLevel(ctx, lc("l3", 2, 3, kaohe.D(2022, 6, 1))); err != kaohe.ErrReadOnly {
		t.Errorf("another state of a recorded level change: %v", err)
	}
	if level() != kaohe.Level3 {
		t.Errorf("level = %d, want 3", level())
	}
}

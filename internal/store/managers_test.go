package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
)

func TestEmployeeNumbersIgnoreCase(t *testing.T) {
	s := newStore(t)
	d1 := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	err := s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "d001", Name: "王堃", Education: kaohe.EduBachelor, HireDate: kaohe.D(2024, 3, 1)}, kaohe.Level1, kaohe.Date{})
		return err
	})
	if kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Fatalf("d001 beside D001: %v; want a conflict", err)
	}
	other := addManager(t, s, "D002", "李喆", kaohe.Level1, kaohe.EduBachelor)
	err = s.Update(ctx, "test", func(tx *Tx) error {
		other.EmployeeNo = " d001"
		_, err := tx.UpdateManager(other)
		return err
	})
	if kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("renaming D002 to d001: %v; want a conflict", err)
	}
	if n := count(t, s, `SELECT count(*) FROM managers WHERE lower(employee_no) = 'd001'`); n != 1 {
		t.Errorf("%d managers numbered d001/D001; want 1", n)
	}
	got, err := s.ManagerByNo(ctx, "d001")
	if err != nil || got.ID != d1.ID {
		t.Errorf("ManagerByNo(d001) = %v, %v; want D001", got.EmployeeNo, err)
	}
}

func TestManagerDatesMakeSense(t *testing.T) {
	s := newStore(t) // today is 2026-11-27
	err := s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D009", Name: "张玥", Education: kaohe.EduBachelor, HireDate: kaohe.D(2026, 12, 1)}, kaohe.Level1, kaohe.Date{})
		return err
	})
	var ke *kaohe.Error
	if !errors.As(err, &ke) || ke.Key != "err.hire_in_future" || ke.Field != "hire_date" {
		t.Fatalf("hired tomorrow: %v; want err.hire_in_future on hire_date", err)
	}
	if n := count(t, s, `SELECT count(*) FROM managers`); n != 0 {
		t.Errorf("%d managers stored after the refusal", n)
	}

	// A leave date ahead is a planned leave: still active until the day.
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	m.Status, m.LeftOn = kaohe.StatusLeft, kaohe.D(2030, 6, 30)
	if err := s.Update(ctx, "test", func(tx *Tx) error { _, err := tx.UpdateManager(m); return err }); err != nil {
		t.Fatal(err)
	}
	active, _ := s.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusActive})
	if len(active) != 1 || active[0].Status != kaohe.StatusActive || active[0].LeftOn != kaohe.D(2030, 6, 30) {
		t.Fatalf("after planning a leave for 2030: active = %+v; want D001 active with the date kept", active)
	}
	if left, _ := s.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusLeft}); len(left) != 0 {
		t.Errorf("left before the day: %d", len(left))
	}
	// The day comes.
	s.Now = func() time.Time { return time.Date(2030, 7, 1, 9, 0, 0, 0, time.Local) }
	left, _ := s.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusLeft})
	if len(left) != 1 || left[0].Status != kaohe.StatusLeft {
		t.Errorf("after the leave date: left = %+v", left)
	}
	if one, _ := s.Manager(ctx, m.ID); one.Status != kaohe.StatusLeft {
		t.Errorf("Manager after the leave date: status %s", one.Status)
	}
}

func TestDeletingAManagerWithHistoryIsRefused(t *testing.T) {
	s := newStore(t)
	mistake := addManager(t, s, "D098", "误录", kaohe.Level1, kaohe.EduBachelor)
	if err := s.Update(ctx, "test", func(tx *Tx) error { return tx.DeleteManager(mistake.ID) }); err != nil {
		t.Fatalf("deleting a manager entered by mistake: %v", err)
	}
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	if err := s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.SaveRewardPenalty(kaohe.RewardPenalty{ManagerID: m.ID, Type: kaohe.RewardBonus, Amount: 2000, Reason: "季度销售第一", Date: kaohe.D(2026, 4, 1), DecidedBy: "王经理"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, "test", func(tx *Tx) error { return tx.DeleteManager(m.ID) })
	var ke *kaohe.Error
	if !errors.As(err, &ke) || ke.Key != "err.manager_has_history" {
		t.Fatalf("deleting a manager with a reward: %v; want err.manager_has_history", err)
	}
	if n := count(t, s, `SELECT count(*) FROM managers WHERE id = ? AND deleted_at IS NULL`, m.ID); n != 1 {
		t.Errorf("the manager with history is gone")
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE row_id = ? AND op = 'delete'`, m.ID); n != 0 {
		t.Errorf("a deletion went into the outbox")
	}
	// Monthly figures alone are a history too: she worked here.
	f := addManager(t, s, "D097", "周业", kaohe.Level1, kaohe.EduBachelor)
	if err := s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.SetActual(f.ID, kaohe.MetricSales, 2026, 3, 86000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, "test", func(tx *Tx) error { return tx.DeleteManager(f.ID) })
	if kaohe.ErrorKey(err) != "err.manager_has_history" || !strings.Contains(i18n.Error(kaohe.LangZh, err), "业绩 1 条") {
		t.Errorf("deleting a manager with an actual figure: %v", err)
	}
}

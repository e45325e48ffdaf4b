package store

import (
	"fmt"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
)

// BenchmarkCreateManager measures one write transaction: a manager, its
// level assignment, their outbox and audit rows, with a full fsync.
func BenchmarkCreateManager(b *testing.B) {
	s, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Update(ctx, "b", func(tx *Tx) error { _, err := tx.SetShowroom(kaohe.Showroom{Code: "B", Name: "基准"}); return err })
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		err := s.Update(ctx, "b", func(tx *Tx) error {
			_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: fmt.Sprintf("E%07d", i), Name: "张喆", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 1))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListManagers10k measures the managers list of a 10,000-person
// database with the levels derived from the change events.
func BenchmarkListManagers10k(b *testing.B) {
	s, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, "b", func(tx *Tx) error {
		if _, err := tx.SetShowroom(kaohe.Showroom{Code: "B", Name: "基准"}); err != nil {
			return err
		}
		for i := 0; i < 10000; i++ {
			if _, err := tx.CreateManager(kaohe.Manager{EmployeeNo: fmt.Sprintf("E%05d", i), Name: "王堃", Education: kaohe.EduCollege, HireDate: kaohe.D(2026, 1, 1)}, kaohe.Level1, kaohe.D(2026, 1, 1)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := cpuNow()
	for b.Loop() {
		rows, err := s.ListManagers(ctx, kaohe.ManagerFilter{})
		if err != nil || len(rows) != 10000 {
			b.Fatal(len(rows), err)
		}
	}
	b.ReportMetric(float64((cpuNow()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

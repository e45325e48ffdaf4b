package demo

import (
	"path/filepath"
	"testing"

	"kaohe/internal/store"
)

// BenchmarkSeed measures seeding a showroom of 1,000 managers with two
// years of data (each manager ~70 rows, each with its outbox and audit row).
func BenchmarkSeed1000(b *testing.B) {
	for b.Loop() {
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Seed(ctx, s, Options{Today: today, Managers: 1000}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

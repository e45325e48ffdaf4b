//go:build linux

package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// BenchmarkSendOutbox100k is the showroom's side of a first sync's push
// without the network: the demo's ~100k changes read in batches of 2,000
// by NextToSend, each batch's answers recorded two batches later (as the
// engine records them with two batches at HQ), then the last ones by
// MarkPushed. cpu-ms/sync is the process's CPU time while it runs
// (comparable under load, where wall times are not). The demo is made once
// per run (KAOHE_BENCH_OUTBOX=FILE: a demo database to copy instead).
func BenchmarkSendOutbox100k(b *testing.B) {
	ctx := context.Background()
	src := os.Getenv("KAOHE_BENCH_OUTBOX")
	if src == "" {
		src = filepath.Join(b.TempDir(), "demo.db")
		s, err := store.Open(ctx, src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := demo.Seed(ctx, s, demo.Options{Today: kaohe.D(2026, 11, 27), Managers: 1450}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	template, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	var cpus, wall time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "sr.db")
		if err := os.WriteFile(path, template, 0o600); err != nil {
			b.Fatal(err)
		}
		s, err := store.OpenUnchecked(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		cpu0, start := cpuTime(), time.Now()
		b.StartTimer()
		var queue [][]store.Outcome
		var seq int64
		n = 0
		for {
			var answered []store.Outcome
			if len(queue) == 2 {
				answered, queue = queue[0], queue[1:]
			}
			batch, err := s.NextToSend(ctx, answered, seq, 2000)
			if err != nil {
				b.Fatal(err)
			}
			if len(batch) == 0 {
				break
			}
			n += len(batch)
			seq = batch[len(batch)-1].Seq
			outs := make([]store.Outcome, len(batch))
			for i, c := range batch {
				outs[i] = store.Outcome{ChangeID: c.ID, Seq: c.Seq}
			}
			queue = append(queue, outs)
		}
		for _, q := range queue {
			if err := s.MarkPushed(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		cpus += cpuTime() - cpu0
		wall += time.Since(start)
		if left, _ := s.PendingCount(ctx); left != 0 {
			b.Fatalf("%d changes left unsent", left)
		}
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "changes")
	b.ReportMetric(float64(cpus.Milliseconds())/float64(b.N), "cpu-ms/sync")
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/sync")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

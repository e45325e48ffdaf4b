//go:build linux

package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// BenchmarkHQPush100k is HQ's writer alone: a fresh HQ (the showroom added
// and enrolled) checks and writes the demo showroom's ~100k changes in
// push batches of defaultBatch, decoded beforehand as the server decodes a
// pipelined batch while the one before is written. That writer bounds the
// two-process sync (docs/BENCHMARKS.md); cpu-µs/change is the process's
// CPU time (every thread) while it runs, comparable between builds under
// load where wall times are not; disk-B/change is what the process wrote
// to the disk meanwhile (the log, its checkpoints), which a commit's sync
// waits for on a slow disk, and which no load on the machine changes.
// tx-µs/change is the wall time inside PushBatch (its write transaction,
// HQ's serial part: the next batch waits for it), tx-cpu-µs/change the CPU
// time of the thread that runs it meanwhile (the goroutine is locked to
// its thread; SQLite runs on the caller's), which load changes less.
func BenchmarkHQPush100k(b *testing.B) {
	h := newBenchHQ(b)
	sr := benchShowroom(b, h, "BIG", 1450)
	pending, err := sr.store.NextToSend(ctx, nil, 0, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	token, _ := sr.store.Meta(ctx, store.MetaToken)
	h.real.Close() // the enrolled HQ before any push: each round starts from a copy
	template, err := os.ReadFile(h.real.Path)
	if err != nil {
		b.Fatal(err)
	}
	var batches [][]protocol.Change
	for i := 0; i < len(pending); i += defaultBatch {
		var batch []protocol.Change
		for _, c := range pending[i:min(i+defaultBatch, len(pending))] {
			batch = append(batch, toWire(c))
		}
		batches = append(batches, batch)
	}
	runtime.LockOSThread() // threadCPU is the pushes' thread's
	defer runtime.UnlockOSThread()
	round := 0
	var wall, cpus, txWall, txCPU time.Duration
	var written int64
	for b.Loop() {
		b.StopTimer()
		round++
		path := filepath.Join(b.TempDir(), fmt.Sprintf("hq%d.db", round))
		if err := os.WriteFile(path, template, 0o600); err != nil {
			b.Fatal(err)
		}
		hs, err := hq.Open(ctx, path, hq.WithClock(h.clock.Now))
		if err != nil {
			b.Fatal(err)
		}
		cred, err := hs.Authenticate(ctx, token)
		if err != nil {
			b.Fatal(err)
		}
		decoded := make([]*hq.Batch, len(batches))
		for i, c := range batches {
			decoded[i] = hq.NewBatch(cred, c)
		}
		runtime.GC()
		cpu0, w0 := cpuTime(), writtenBytes(b)
		b.StartTimer()
		start := time.Now()
		var tw, tc time.Duration
		for i, batch := range decoded {
			t0, c0 := time.Now(), threadCPU()
			res, err := hs.PushBatch(ctx, cred, cred.ID, batch)
			tw, tc = tw+time.Since(t0), tc+threadCPU()-c0
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Status != protocol.Applied {
					b.Fatalf("batch %d: %s %s: %s %s", i, r.ID, r.Status, r.Code, r.Message)
				}
			}
		}
		el := time.Since(start)
		b.StopTimer()
		cpu := cpuTime() - cpu0
		w := writtenBytes(b) - w0
		hs.Close()
		per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(len(pending)) }
		b.Logf("round %d: %d changes, %.1f µs/change, %.1f cpu-µs/change, %.1f tx-µs/change, %.1f tx-cpu-µs/change, %d disk-B/change",
			round, len(pending), per(el), per(cpu), per(tw), per(tc), w/int64(len(pending)))
		wall, cpus, written, txWall, txCPU = wall+el, cpus+cpu, written+w, txWall+tw, txCPU+tc
		b.StartTimer()
	}
	n := float64(round * len(pending))
	b.ReportMetric(float64(len(pending)), "changes")
	b.ReportMetric(float64(wall.Microseconds())/n, "µs/change")
	b.ReportMetric(float64(cpus.Microseconds())/n, "cpu-µs/change")
	b.ReportMetric(float64(txWall.Microseconds())/n, "tx-µs/change")
	b.ReportMetric(float64(txCPU.Microseconds())/n, "tx-cpu-µs/change")
	b.ReportMetric(float64(written)/n, "disk-B/change")
}

// writtenBytes is what the process has had written to the disk so far
// (write_bytes of /proc/self/io: the page cache's writes it caused).
func writtenBytes(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no write_bytes in /proc/self/io")
	return 0
}

// threadCPU is the calling thread's CPU time so far, user and system
// (RUSAGE_THREAD).
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	syscall.Getrusage(rusageThread, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

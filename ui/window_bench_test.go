//go:build linux

package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
)

// benchDB returns a demo showroom of n managers, seeded once into the
// folder KAOHE_BENCH_DIR (default: the system's temporary folder) and reused
// by later runs: seeding 10,000 managers takes about a minute.
func benchDB(b *testing.B, n int) string {
	b.Helper()
	dir := os.Getenv("KAOHE_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kaohe-bench")
	}
	dir = filepath.Join(dir, "managers-"+strconv.Itoa(n))
	path := filepath.Join(dir, "kaohe.db")
	if _, err := os.Stat(filepath.Join(dir, "seeded")); err == nil {
		return path
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	s.Now = func() time.Time { return demoToday }
	if _, err := demo.Seed(context.Background(), s, demo.Options{Today: kaohe.DateOf(demoToday), Managers: n}); err != nil {
		b.Fatal(err)
	}
	s.Close()
	if err := os.WriteFile(filepath.Join(dir, "seeded"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// rssMB is the process's resident memory now, from /proc (Linux).
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkWindow builds the real window (Fyne's test driver) over a seeded
// showroom of 20, 1,450 and 10,000 managers and reports, per window opened:
//
//	first-ms   NewWindow until the first screen shows its data
//	switch-ms  the slowest first switch to a screen (built and loaded)
//	again-ms   the slowest switch back to a screen already built
//	search-ms  one keystroke in the managers' search box, list filtered
//	rss-MB     resident memory with every screen built and loaded
//
// and the same times in CPU (…-cpu-ms): on a shared machine the wall
// times also count other processes' work.
//
// Seed first (or let it seed, once):
//
//	go test -run XXX -bench Window -benchtime 3x ./ui/
func BenchmarkWindow(b *testing.B) {
	for _, n := range []int{20, 1450, 10000} {
		b.Run(fmt.Sprintf("managers=%d", n), func(b *testing.B) {
			path := benchDB(b, n)
			benchWindow(b, path)
		})
	}
}

// BenchmarkWindowHQ is BenchmarkWindow in HQ mode: a replica of 500
// showrooms of 20 managers each (10,000 people), the review group's screens.
func BenchmarkWindowHQ(b *testing.B) {
	benchWindow(b, benchHQ(b, 500))
}

// benchHQ returns an HQ replica holding rooms demo showrooms: one showroom
// is seeded, and its changes are applied once per showroom with every id
// made that showroom's own, as a pull from HQ would bring them.
func benchHQ(b *testing.B, rooms int) string {
	b.Helper()
	dir := os.Getenv("KAOHE_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kaohe-bench")
	}
	dir = filepath.Join(dir, "hq-"+strconv.Itoa(rooms))
	path := filepath.Join(dir, "kaohe.db")
	if _, err := os.Stat(filepath.Join(dir, "seeded")); err == nil {
		return path
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	src, err := store.Open(ctx, filepath.Join(dir, "showroom.db"))
	if err != nil {
		b.Fatal(err)
	}
	src.Now = func() time.Time { return demoToday }
	if _, err := demo.Seed(ctx, src, demo.Options{Today: kaohe.DateOf(demoToday)}); err != nil {
		b.Fatal(err)
	}
	room, err := src.Showroom(ctx)
	if err != nil {
		b.Fatal(err)
	}
	changes, err := src.PendingChanges(ctx, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	src.Close()
	os.Remove(filepath.Join(dir, "showroom.db"))

	rep, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer rep.Close()
	if err := rep.EnrolledHQ(ctx, "https://hq.invalid", "bench", "bench-replica"); err != nil {
		b.Fatal(err)
	}
	ids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	for k := 0; k < rooms; k++ {
		// Every id ends in the showroom's number: unique across showrooms.
		own := func(s string) string {
			return ids.ReplaceAllStringFunc(s, func(id string) string { return id[:len(id)-3] + fmt.Sprintf("%03x", k) })
		}
		sr := room
		sr.ID, sr.Code, sr.Name = own(room.ID), fmt.Sprintf("SH%03d", k+1), fmt.Sprintf("%s %03d", room.Name, k+1)
		payload, _ := json.Marshal(sr)
		batch := []store.Change{{ID: own(store.NewID()), Entity: kaohe.EntShowroom, RowID: sr.ID, Op: store.OpUpsert, Payload: payload}}
		for _, c := range changes {
			c.ID, c.RowID, c.Payload = own(c.ID), own(c.RowID), json.RawMessage(own(string(c.Payload)))
			batch = append(batch, c)
		}
		if err := rep.ApplyRemote(ctx, "bench", batch, 0); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "seeded"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchWindow(b *testing.B, path string) {
	a := test.NewTempApp(b)
	if err := SetLanguage(kaohe.LangZh); err != nil {
		b.Fatal(err)
	}
	var first, sw, again, search, rss float64
	var firstCPU, swCPU, againCPU, searchCPU float64
	slowest := ""
	for b.Loop() {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		svc := service.New(s, b.TempDir())
		svc.Now = func() time.Time { return demoToday }

		signInAs(b, svc, "D001", "manager-demo")
		t0 := startWatch()
		w := NewWindow(Params{App: a, Service: svc, DocDir: b.TempDir(), DataDir: b.TempDir(),
			OpenFile: func(string) {}, Now: func() time.Time { return demoToday }})
		w.Resize(w.Canvas().Size())
		w.Wait()
		first, firstCPU = t0.read()

		sw, again, swCPU, againCPU = 0, 0, 0, 0
		for pass := 0; pass < 2; pass++ {
			for i := range w.Tabs.Items {
				t := startWatch()
				w.Tabs.SelectIndex(i)
				w.Wait()
				d, c := t.read()
				if pass == 0 && d > sw {
					sw, slowest = d, w.Tabs.Items[i].Text
				}
				if pass == 0 {
					swCPU = max(swCPU, c)
				} else {
					again, againCPU = max(again, d), max(againCPU, c)
				}
			}
		}

		list := func() *ManagersScreen { return w.Managers }
		w.Open("nav.managers")
		if w.Review != nil { // HQ mode
			list = func() *ManagersScreen { return w.AllManagers }
			w.Open("nav.all_managers")
		}
		w.Wait()
		if n := len(list().Rows()); n == 0 {
			b.Fatal("the managers list is empty")
		}
		keys := []string{"D", "D0", "D00", "D001", "D00", "D0", "D", ""}
		t := startWatch()
		for _, k := range keys {
			list().Search.SetText(k)
			w.Wait()
		}
		search, searchCPU = t.read()
		search, searchCPU = search/float64(len(keys)), searchCPU/float64(len(keys))

		runtime.GC()
		rss = rssMB()
		w.Close()
		s.Close()
	}
	b.ReportMetric(first, "first-ms")
	b.ReportMetric(sw, "switch-ms")
	b.ReportMetric(again, "again-ms")
	b.ReportMetric(search, "search-ms")
	b.ReportMetric(firstCPU, "first-cpu-ms")
	b.ReportMetric(swCPU, "switch-cpu-ms")
	b.ReportMetric(againCPU, "again-cpu-ms")
	b.ReportMetric(searchCPU, "search-cpu-ms")
	b.ReportMetric(rss, "rss-MB")
	b.Logf("slowest first switch: %s", slowest)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuNow is the CPU time (user + system) the process used so far: on a
// shared machine wall time also counts other people's work, CPU time not.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stopwatch measures wall and CPU time from its start.
type stopwatch struct {
	wall time.Time
	cpu  time.Duration
}

func startWatch() stopwatch { return stopwatch{time.Now(), cpuNow()} }

func (s stopwatch) read() (wall, cpu float64) { return ms(time.Since(s.wall)), ms(cpuNow() - s.cpu) }

package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
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

func benchWindow(b *testing.B, path string) {
	a := test.NewTempApp(b)
	if err := SetLanguage(kaohe.LangZh); err != nil {
		b.Fatal(err)
	}
	var first, sw, again, search, rss float64
	slowest := ""
	for b.Loop() {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		svc := service.New(s, b.TempDir())
		svc.Now = func() time.Time { return demoToday }

		signInAs(b, svc, "D001", "manager-demo")
		t0 := time.Now()
		w := NewWindow(Params{App: a, Service: svc, DocDir: b.TempDir(), DataDir: b.TempDir(),
			OpenFile: func(string) {}, Now: func() time.Time { return demoToday }})
		w.Resize(w.Canvas().Size())
		w.Wait()
		first = ms(time.Since(t0))

		sw, again = 0, 0
		for _, pass := range []*float64{&sw, &again} {
			for i := range w.Tabs.Items {
				t := time.Now()
				w.Tabs.SelectIndex(i)
				w.Wait()
				if d := ms(time.Since(t)); d > *pass {
					*pass = d
					if pass == &sw {
						slowest = w.Tabs.Items[i].Text
					}
				}
			}
		}

		w.Open("nav.managers")
		w.Wait()
		keys := []string{"D", "D0", "D00", "D001", "D00", "D0", "D", ""}
		t := time.Now()
		for _, k := range keys {
			w.Managers.Search.SetText(k)
			w.Wait()
		}
		search = ms(time.Since(t)) / float64(len(keys))

		runtime.GC()
		rss = rssMB()
		w.Close()
		s.Close()
	}
	b.ReportMetric(first, "first-ms")
	b.ReportMetric(sw, "switch-ms")
	b.ReportMetric(again, "again-ms")
	b.ReportMetric(search, "search-ms")
	b.ReportMetric(rss, "rss-MB")
	b.Logf("slowest first switch: %s", slowest)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

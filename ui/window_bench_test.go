//go:build linux

package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
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

// benchCached returns the database name seeded once by seed into the folder
// KAOHE_BENCH_DIR (default: the system's temporary folder, kaohe-bench/)
// and reused by later runs. The folder is keyed by the schema version and by
// what the demo seeds (demoVersion, bumped by hand when that changes): a
// database of an older schema is copied and migrated by store.Open, as a
// user's would be, instead of seeded again.
func benchCached(b *testing.B, name string, seed func(path string)) string {
	return benchCachedAt(b, name, 2, seed) // 2: demo accounts at every size
}

// benchCachedAt is benchCached for a database whose content is at
// demoVersion.
func benchCachedAt(b *testing.B, name string, demoVersion int, seed func(path string)) string {
	b.Helper()
	folder := func(schema int) string { return benchFolder(name, schema, demoVersion) }
	dir := folder(store.SchemaVersion)
	path := filepath.Join(dir, "kaohe.db")
	if seeded(dir) {
		return path
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	older := ""
	for v := store.SchemaVersion - 1; v > 0 && older == ""; v-- {
		if seeded(folder(v)) {
			older = filepath.Join(folder(v), "kaohe.db")
		}
	}
	if older != "" {
		if err := copyFile(older, path); err != nil {
			b.Fatal(err)
		}
		s, err := store.Open(context.Background(), path) // migrates
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	} else {
		seed(path)
	}
	if err := os.WriteFile(filepath.Join(dir, "seeded"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchFolder is where benchCached keeps a database.
func benchFolder(name string, schema, demoVersion int) string {
	root := os.Getenv("KAOHE_BENCH_DIR")
	if root == "" {
		root = filepath.Join(os.TempDir(), "kaohe-bench")
	}
	return filepath.Join(root, fmt.Sprintf("%s-schema%d-demo%d", name, schema, demoVersion))
}

func seeded(dir string) bool { _, err := os.Stat(filepath.Join(dir, "seeded")); return err == nil }

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// benchDB returns a demo showroom of n managers: seeding 10,000 managers
// takes a few minutes, once (benchCached).
func benchDB(b *testing.B, n int) string {
	return benchCached(b, "managers-"+strconv.Itoa(n), func(path string) {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		s.Now = func() time.Time { return demoToday }
		if _, err := demo.Seed(context.Background(), s, demo.Options{Today: kaohe.DateOf(demoToday), Managers: n}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	})
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
//	first-ms        NewWindow until the first screen shows its data
//	switch-ms       the slowest first switch to a screen until it is
//	                filled: built, and every read it started in the
//	                background has reached its widgets
//	switch-shown-ms the slowest first switch until it is shown: the screen
//	                is in the window and the UI thread free to paint it,
//	                with its loading note where the data is still coming
//	ui-held-ms      the longest the UI thread was held at once, by a tab
//	                chosen or by one result reaching the widgets (the
//	                longest the window could not repaint or take a click)
//	again-ms        the slowest switch back to a screen already built
//	search-ms       one keystroke in the managers' search box, list filtered
//	rss-MB          resident memory with every screen built and loaded
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
// showrooms of 20 managers each (10,000 people), signed in as a reviewer
// (the review queue, filing, report, managers, audit) and as HQ's admin
// (reference data, accounts).
func BenchmarkWindowHQ(b *testing.B) {
	path := benchHQ(b, 500)
	b.Run("reviewer", func(b *testing.B) { benchWindowAs(b, path, "H002", "reviewer-pw") })
	b.Run("admin", func(b *testing.B) { benchWindowAs(b, path, "H001", "hq-admin-pw") })
}

// BenchmarkBuildHQ times building an HQ replica of 5 showrooms (benchHQ's
// work per showroom), not cached.
func BenchmarkBuildHQ(b *testing.B) {
	for b.Loop() {
		buildHQ(b, filepath.Join(b.TempDir(), "hq.db"), 5)
	}
}

// benchHQ returns an HQ replica holding rooms demo showrooms, as HQ's pulls
// would bring them: one showroom is seeded, and its changes are applied once
// per showroom, each in one transaction (store.ApplyRemote, every rule
// checked), with every id made that showroom's own. Its accounts are HQ's
// admin H001 (hq-admin-pw) and reviewer H002 (reviewer-pw); HQ's reference
// data (levels, template, periods, review group) is the demo's. Built once
// (benchCached).
func benchHQ(b *testing.B, rooms int) string {
	name := "hq-" + strconv.Itoa(rooms)
	return benchCachedAt(b, name, 3, func(path string) {
		// Version 2 lacked HQ's reference data: a copy of it gets that
		// added instead of 18 minutes of building again.
		if old := benchFolder(name, store.SchemaVersion, 2); seeded(old) {
			if err := copyFile(filepath.Join(old, "kaohe.db"), path); err != nil {
				b.Fatal(err)
			}
			addHQReference(b, path)
			return
		}
		buildHQ(b, path, rooms)
	})
}

// addHQReference enters HQ's reference data as HQ's admin would: the
// levels, the scoring template, the review group and the half-year periods
// the demo's assessments are of.
func addHQReference(b *testing.B, path string) {
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return demoToday }
	svc := service.New(s, b.TempDir())
	svc.Now = func() time.Time { return demoToday }
	admin := signInAs(b, svc, "H001", "hq-admin-pw")
	if err := svc.SaveLevels(ctx, admin, kaohe.DefaultLevels()); err != nil {
		b.Fatal(err)
	}
	if err := svc.SaveTemplate(ctx, admin, kaohe.DefaultTemplate()); err != nil {
		b.Fatal(err)
	}
	for _, m := range demo.ReviewGroup() {
		if err := svc.SaveReviewMember(ctx, admin, m); err != nil {
			b.Fatal(err)
		}
	}
	today := kaohe.DateOf(demoToday)
	for y := today.Year - 1; y <= today.Year; y++ {
		for h := 1; h <= 2; h++ {
			p, err := kaohe.StandardPeriod(kaohe.PeriodHalf, y, h)
			if err != nil {
				b.Fatal(err)
			}
			if err := svc.SavePeriod(ctx, admin, p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func buildHQ(b *testing.B, path string, rooms int) {
	ctx := context.Background()
	srcPath := path + ".showroom"
	defer os.Remove(srcPath)
	src, err := store.Open(ctx, srcPath)
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

	rep, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	rep.Now = func() time.Time { return demoToday }
	if err := rep.EnrolledHQ(ctx, "https://hq.invalid", "bench", "bench-replica"); err != nil {
		b.Fatal(err)
	}
	ids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	t0 := time.Now()
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
		if k == 0 || (k+1)%50 == 0 {
			b.Logf("HQ replica: %d of %d showrooms (%d changes each), %.0f s", k+1, rooms, len(batch), time.Since(t0).Seconds())
		}
	}
	// HQ mode's first account is its admin's; the admin adds a reviewer.
	svc := service.New(rep, b.TempDir())
	svc.Now = func() time.Time { return demoToday }
	svc.Sleep = func(time.Duration) {}
	admin, err := svc.Setup(ctx, "孙浩", "H001", "hq-admin-pw")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.SaveAccount(ctx, admin, kaohe.Account{Name: "陈建国", EmployeeNo: "H002", Role: kaohe.RoleReviewer}, "reviewer-pw"); err != nil {
		b.Fatal(err)
	}
	rep.Close()
	addHQReference(b, path)
}

func benchWindow(b *testing.B, path string) { benchWindowAs(b, path, "D001", "manager-demo") }

// benchWindowAs is benchWindow signed in as the account no.
func benchWindowAs(b *testing.B, path, no, pw string) {
	// The window's own soft memory limit, as the app sets it.
	defer LimitMemory()()
	a := test.NewTempApp(b)
	if err := SetLanguage(kaohe.LangZh); err != nil {
		b.Fatal(err)
	}
	var first, sw, again, search, rss, swShown, held float64
	var firstCPU, swCPU, againCPU, searchCPU float64
	slowest := ""
	for b.Loop() {
		s, err := store.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		svc := service.New(s, b.TempDir())
		svc.Now = func() time.Time { return demoToday }

		signInAs(b, svc, no, pw)
		stopProfile := profile(b, "cpu-first.pprof")
		t0 := startWatch()
		w := NewWindow(Params{App: a, Service: svc, DocDir: b.TempDir(), DataDir: b.TempDir(),
			OpenFile: func(string) {}, Now: func() time.Time { return demoToday }})
		w.Resize(w.Canvas().Size())
		firstShown, _ := t0.read()
		w.Wait()
		first, firstCPU = t0.read()
		stopProfile()
		held = max(firstShown, ms(w.e.work.longestApply()))
		b.Logf("first screen %s: %.1f ms wall, %.1f ms CPU (shown %.1f ms, UI thread held ≤ %.1f ms)",
			w.Tabs.Items[w.Tabs.SelectedIndex()].Text, first, firstCPU, firstShown, held)

		sw, again, swCPU, againCPU, swShown = 0, 0, 0, 0, 0
		for pass := 0; pass < 2; pass++ {
			for i := range w.Tabs.Items {
				stopProfile := profile(b, fmt.Sprintf("cpu-%d-%d.pprof", pass, i))
				w.e.work.longestApply()
				t := startWatch()
				w.Tabs.SelectIndex(i)
				// Shown: the tab's screen is in the window and the UI thread
				// is free to paint it — with its loading note where its data
				// is still being read in the background.
				shown, _ := t.read()
				w.Wait()
				// Filled: every read it started has reached its widgets.
				d, c := t.read()
				stopProfile()
				// The longest the UI thread was held at once: choosing the
				// tab, or one result reaching the widgets.
				h := max(shown, ms(w.e.work.longestApply()))
				held = max(held, h)
				if pass == 0 && c > swCPU {
					swCPU, slowest = c, w.Tabs.Items[i].Text
				}
				if pass == 0 {
					sw, swShown = max(sw, d), max(swShown, shown)
				} else {
					again, againCPU = max(again, d), max(againCPU, c)
				}
				b.Logf("pass %d screen %d %s: %.1f ms wall, %.1f ms CPU (shown %.1f ms, UI thread held ≤ %.1f ms)", pass, i, w.Tabs.Items[i].Text, d, c, shown, h)
			}
		}

		list := func() *ManagersScreen { return w.Managers }
		w.Open("nav.managers")
		if w.AllManagers != nil { // HQ mode
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

		// The report's parts read when their tab is first shown.
		if r := w.HQReport; r != nil {
			w.Open("nav.hq_report")
			w.Wait()
			for _, i := range []int{3, 4} {
				t := startWatch()
				r.Sections.SelectIndex(i)
				shown, _ := t.read()
				w.Wait()
				d, c := t.read()
				b.Logf("report tab %s: %.1f ms wall, %.1f ms CPU (shown %.1f ms)", r.Sections.Items[i].Text, d, c, shown)
			}
		}

		// HQ mode's long lists (filing 20,500 rows, audit 20,000): the first
		// keystroke makes the texts searched, the next ones only filter.
		for _, l := range []struct {
			name   string
			search func() *field
		}{
			{"考核备案", func() *field {
				if w.Filing == nil {
					return nil
				}
				return w.Filing.Queue.Search
			}},
			{"操作记录", func() *field {
				if w.Audit == nil {
					return nil
				}
				return w.Audit.List.Search
			}},
		} {
			f := l.search()
			if f == nil {
				continue
			}
			for i, k := range []string{"s", "sh", "sh0", ""} {
				t := startWatch()
				f.SetText(k)
				w.Wait()
				d, c := t.read()
				b.Logf("search %s keystroke %d (%q): %.1f ms wall, %.1f ms CPU", l.name, i+1, k, d, c)
			}
		}

		runtime.GC()
		rss = rssMB()
		heapProfile(b)
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
	b.ReportMetric(swShown, "switch-shown-ms")
	b.ReportMetric(held, "ui-held-ms")
	b.Logf("slowest first switch (CPU): %s", slowest)
}

// profile writes a CPU profile of what runs until the returned func is
// called into KAOHE_BENCH_PROFILE/name, when that folder is set.
func profile(b *testing.B, name string) func() {
	dir := os.Getenv("KAOHE_BENCH_PROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, profileName(b, name)))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// heapProfile writes the live heap into KAOHE_BENCH_PROFILE/heap.pprof, when
// that folder is set, and logs where the resident memory is.
func heapProfile(b *testing.B) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("rss %.0f MB: heap in use %.0f MB, Go runtime total %.0f MB (stacks %.0f MB, GC %.0f MB), released %.0f MB",
		rssMB(), float64(ms.HeapInuse)/1e6, float64(ms.Sys-ms.HeapReleased)/1e6, float64(ms.StackSys)/1e6, float64(ms.GCSys)/1e6, float64(ms.HeapReleased)/1e6)
	dir := os.Getenv("KAOHE_BENCH_PROFILE")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, profileName(b, "heap.pprof")))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// profileName is a profile's file name, after the (sub-)benchmark's.
func profileName(b *testing.B, name string) string {
	return strings.NewReplacer("/", "_", "=", "").Replace(b.Name()) + "-" + name
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

// Package testhq is a real HQ for tests: HQ's database on a real SQLite
// file, served by the real server over httptest, on a clock of its own. A
// test HQ lives on Day (early December 2026, after the demo's today) unless
// told otherwise, so no test depends on the machine's year: HQ seeds that
// year's periods on its first start and judges every date by its day.
//
// Only tests import it (ui/arch_test.go checks that no package does).
package testhq

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/internal/update"
	"kaohe/sync/protocol"
	"kaohe/sync/server"
)

// Day is where a test HQ's clock starts: the demo seeds up to 2026-11-27
// (demo.Options.Today in the tests), and its 2026 second half has not
// ended yet.
var Day = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// Clock is a day on which time passes as it passes for the test: Now is
// the day set plus the time gone by since. Share one between HQ and the
// showrooms' stores (store.Store.Now = clock.Now) for one calendar.
type Clock struct {
	mu    sync.Mutex
	at    time.Time // the day set
	since time.Time // when, by the machine's clock (monotonic)
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{at: t, since: time.Now()} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at.Add(time.Since(c.since))
}

// Set moves the clock to t (back or forth).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = t, time.Now()
}

// AtLeast moves the clock on to t unless it is later already.
func (c *Clock) AtLeast(t time.Time) {
	if c.Now().Before(t) {
		c.Set(t)
	}
}

// Today is the clock's day as a date at midnight UTC, for dates typed.
func (c *Clock) Today() time.Time {
	y, m, d := c.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Options say what HQ to start.
type Options struct {
	Clock *Clock // HQ's clock; nil: a new one on Day
	Path  string // HQ's database file; "": a new one in a temporary folder
	// Releases: serve a folder of published builds (HQ.Publish adds one).
	Releases bool
	// Front, if set, stands between the clients and HQ's handler: faults,
	// refusals, counting (it gets the real handler).
	Front func(hq http.Handler) http.Handler
}

// HQ is a running test HQ. Close (also run at the test's end) stops it.
type HQ struct {
	Store    *hq.Store
	Clock    *Clock
	Path     string
	URL      string // the server's address, as a showroom enrolls with it
	Releases update.Dir
	Server   *httptest.Server
	front    func(http.Handler) http.Handler
	once     *sync.Once
}

// New opens HQ's database on its clock and serves it.
func New(t testing.TB, o Options) *HQ {
	t.Helper()
	if o.Clock == nil {
		o.Clock = NewClock(Day)
	}
	if o.Path == "" {
		o.Path = filepath.Join(t.TempDir(), "hq.db")
	}
	h := &HQ{Clock: o.Clock, Path: o.Path, front: o.Front}
	if o.Releases {
		h.Releases = update.Dir(filepath.Join(t.TempDir(), "releases"))
	}
	h.start(t)
	return h
}

func (h *HQ) start(t testing.TB) {
	t.Helper()
	s, err := hq.Open(context.Background(), h.Path, hq.WithClock(h.Clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = (&server.Server{Store: s, Releases: h.Releases}).Handler()
	if h.front != nil {
		handler = h.front(handler)
	}
	h.Store, h.Server, h.once = s, httptest.NewServer(handler), &sync.Once{}
	h.URL = h.Server.URL
	t.Cleanup(h.Close)
}

// Close stops the server and closes the database (once).
func (h *HQ) Close() {
	h.once.Do(func() {
		h.Server.Close()
		h.Store.Close()
	})
}

// Restart stops HQ and starts it again on the same database file, clock
// and releases, at a new address (URL).
func (h *HQ) Restart(t testing.TB) {
	t.Helper()
	h.Close()
	h.start(t)
}

// Showroom adds a showroom (region 华东片区) and returns its one-time
// enrollment code.
func (h *HQ) Showroom(t testing.TB, code, name string) string {
	t.Helper()
	_, enroll, err := h.Store.AddShowroom(context.Background(), code, name, "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	return enroll
}

// Publish signs a build with HQ's key and publishes it, as kaohe-hq
// release add does (an installer when its name says setup).
func (h *HQ) Publish(t testing.TB, name, version string, body []byte) protocol.Release {
	t.Helper()
	if h.Releases == "" {
		t.Fatal("testhq: Publish on an HQ started without Releases")
	}
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, body, 0o755); err != nil {
		t.Fatal(err)
	}
	id, _, priv, err := h.Store.SigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	kind := protocol.ReleaseExe
	if strings.Contains(name, "setup") {
		kind = protocol.ReleaseInstaller
	}
	r, err := update.Sign(src, version, kind, id, priv, h.Clock.Now().UTC().Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Releases.Publish(src, r); err != nil {
		t.Fatal(err)
	}
	return r
}

// SetShowroomManager has HQ record boss, a showroom's manager it holds at
// her hire's level 1, at level 3 (定级), as `kaohe-hq level set` would: a
// step a year after her hire, and another a year later. From then on she
// is the one who assesses the showroom's level-1 staff
// (kaohe.CheckShowroomAssessor).
func SetShowroomManager(t testing.TB, h *hq.Store, boss kaohe.Manager) {
	t.Helper()
	var steps []kaohe.LevelChange
	for l := kaohe.Level1; l < kaohe.ShowroomManagerLevel; l++ {
		steps = append(steps, kaohe.LevelChange{ManagerID: boss.ID, From: l, To: l + 1, Date: boss.HireDate.AddMonths(12 * int(l)),
			Reason: "总部定级", DecidedBy: "客户经理绩效考核实施小组"})
	}
	if _, err := h.RecordLevels(context.Background(), steps); err != nil {
		t.Fatal(err)
	}
}

package engine

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/internal/testhq"
	"kaohe/sync/client"
	"kaohe/sync/protocol"
)

var ctx = context.Background()

// hqServer is a real HQ server on a real SQLite file, behind a proxy that
// can inject faults.
type hqServer struct {
	t     *testing.T
	store *hq.Store
	real  *testhq.HQ
	proxy *httptest.Server
	fault atomic.Value // func(w, r) bool: true when it handled (broke) the request
	// clock is HQ's: it starts on 2026-12-10, after the tests' decisions
	// (HQ refuses a decision dated after its today), whatever the machine's
	// year, and time passes on it as for the test.
	clock *testhq.Clock
}

// setToday moves HQ's clock on to t (unless it is later already).
func (h *hqServer) setToday(t time.Time) { h.clock.AtLeast(t) }

func newHQ(t *testing.T) *hqServer { return newHQWith(t, testhq.Options{}) }

// newHQWith is newHQ with a releases folder or a front of its own.
func newHQWith(t *testing.T, o testhq.Options) *hqServer {
	t.Helper()
	o.Clock = testhq.NewClock(time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC))
	h := &hqServer{t: t, clock: o.Clock, real: testhq.New(t, o)}
	h.store = h.real.Store
	h.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f, _ := h.fault.Load().(func(http.ResponseWriter, *http.Request) bool); f != nil && f(w, r) {
			return
		}
		target, _ := url.Parse(h.real.URL)
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host, r2.RequestURI = target.Scheme, target.Host, ""
		resp, err := http.DefaultTransport.RoundTrip(r2)
		relay(w, resp, err)
	}))
	t.Cleanup(h.proxy.Close)
	return h
}

// relay hands HQ's answer on to the showroom (a 502 when there was none).
func relay(w http.ResponseWriter, resp *http.Response, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// showroomStore adds a showroom at HQ and opens its new database, on HQ's
// clock (one calendar at both ends); it returns the enrollment code.
func showroomStore(t *testing.T, h *hqServer, code, name, region string) (*store.Store, string) {
	t.Helper()
	_, enrollCode, err := h.store.AddShowroom(ctx, code, name, region)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), code+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = h.clock.Now
	return s, enrollCode
}

// restart stops and starts the server on the same database file.
func (h *hqServer) restart() {
	h.real.Restart(h.t)
	h.store = h.real.Store
}

func (h *hqServer) setFault(f func(http.ResponseWriter, *http.Request) bool) { h.fault.Store(f) }

// showroom is one showroom's app: its database and sync engine.
type showroom struct {
	store  *store.Store
	engine *Engine
	code   string
}

func fastClient(url, token string) *client.Client {
	return client.New(url, token, client.Options{Retries: 3, MinWait: 5 * time.Millisecond, MaxWait: 20 * time.Millisecond, Timeout: 5 * time.Second})
}

// enroll makes a showroom at HQ, enrolls a new database with its code and,
// if seed, fills it with the demo showroom.
func enroll(t *testing.T, h *hqServer, code, name string, seed bool) *showroom {
	t.Helper()
	s, enrollCode := showroomStore(t, h, code, name, "华东片区")
	if _, err := Enroll(ctx, s, h.proxy.URL, enrollCode); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	if seed {
		if _, err := demo.Seed(ctx, s, demo.Options{Today: kaohe.D(2026, 11, 27)}); err != nil {
			t.Fatal(err)
		}
	}
	// Enrolling twice with the same code is refused.
	if _, err := fastClient(h.proxy.URL, "").Enroll(ctx, enrollCode, ""); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("second enrollment = %v", err)
	}
	return &showroom{store: s, engine: &Engine{Store: s, Client: fastClient(h.proxy.URL, token), Batch: 200}, code: code}
}

// localCounts counts a showroom's own rows per table, as HQ's stats name them.
func localCounts(t *testing.T, s *store.Store) map[string]int {
	out := map[string]int{}
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	out["managers"] = len(ms)
	as, _ := s.Assessments(ctx, store.AssessmentFilter{})
	out["assessments"] = len(as)
	apps, _ := s.Applications(ctx, "")
	out["applications"] = len(apps)
	tr, _ := s.Trainings(ctx)
	out["trainings"] = len(tr)
	return out
}

func mustSync(t *testing.T, sr *showroom) {
	t.Helper()
	if err := sr.engine.Sync(ctx); err != nil {
		t.Fatalf("%s sync: %v", sr.code, err)
	}
	if n, _ := sr.store.PendingCount(ctx); n != 0 {
		t.Fatalf("%s: %d changes still pending after sync", sr.code, n)
	}
}

func TestRoundTripTwoShowroomsAndDecisionsBack(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	b := enroll(t, h, "BJ01", "北京朝阳展厅", true)
	mustSync(t, a)
	mustSync(t, b)
	stats, err := h.store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("HQ stats: %v", stats)
	if stats["SH01"]["managers"] != 20 || stats["SH01"]["actuals"] < 500 {
		t.Errorf("HQ stats for SH01 = %v", stats["SH01"])
	}
	for _, sr := range []*showroom{a, b} {
		for table, n := range localCounts(t, sr.store) {
			if got := stats[sr.code][table]; got != n {
				t.Errorf("HQ has %d %s of %s; the showroom %d", got, table, sr.code, n)
			}
		}
	}

	// HQ's review group decides: a first review of A's submitted application.
	apps, _ := a.store.Applications(ctx, "")
	var submitted kaohe.ApplicationView
	for _, v := range apps {
		if v.Review.State == kaohe.AppSubmitted {
			submitted = v
		}
	}
	hqCode, _ := h.store.AddHQUser(ctx, "评审小组")
	hqResp, err := fastClient(h.proxy.URL, "").Enroll(ctx, hqCode, "")
	if err != nil {
		t.Fatal(err)
	}
	hqc := fastClient(h.proxy.URL, hqResp.Token)
	approveExemption(t, hqc, submitted)
	d := kaohe.Decision{ID: store.NewID(), AppID: submitted.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 11, 28),
		DecidedBy: []string{"陈建国（总经理）"}, Comment: "材料齐全"}
	payload, _ := json.Marshal(d)
	res, err := hqc.Push(ctx, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: d.ID, Op: "upsert", Payload: payload, At: time.Now().UTC().Format(time.RFC3339)}})
	if err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("HQ decision push = %+v, %v", res, err)
	}
	mustSync(t, a)
	mustSync(t, b)
	v, _ := a.store.Application(ctx, submitted.ID)
	if v.Review.State != kaohe.AppExam {
		t.Errorf("A's application after HQ's decision: %s; want exam", v.Review.State)
	}
	if _, err := b.store.Application(ctx, submitted.ID); kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		t.Errorf("B received A's application: %v", err)
	}
	// The showroom itself arrived as reference data.
	if sr, _ := a.store.Showroom(ctx); sr.Code != "SH01" || sr.Name != "上海徐汇旗舰展厅" {
		t.Errorf("A's showroom = %+v", sr)
	}
}

func TestFaultsLoseAndDuplicateNothing(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)

	// 1. The connection drops mid-push: the server never sees the first try.
	var drops atomic.Int32
	h.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == protocol.PathPush && drops.Add(1) <= 2 {
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
			return true
		}
		return false
	})
	mustSync(t, a)

	// 2. HQ commits, but the answer is lost: the retry comes back as duplicates.
	m, _ := a.store.ManagerByNo(ctx, "D001")
	mg := m.Manager
	mg.Phone = "13900000001"
	a.store.Update(ctx, "t", func(tx *store.Tx) error { _, err := tx.UpdateManager(mg); return err })
	var lost atomic.Int32
	h.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == protocol.PathPush && lost.Add(1) == 1 {
			target, _ := url.Parse(h.real.URL)
			r2 := r.Clone(r.Context())
			r2.URL.Scheme, r2.URL.Host, r2.RequestURI = target.Scheme, target.Host, ""
			resp, err := http.DefaultTransport.RoundTrip(r2) // committed at HQ …
			if err == nil {
				resp.Body.Close()
			}
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close() // … but the showroom never hears
			return true
		}
		return false
	})
	mustSync(t, a)

	// 3. The pull drops once, and the server restarts between two syncs.
	h.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == protocol.PathPull && lost.Add(1) == 3 {
			http.Error(w, "gateway", http.StatusBadGateway)
			return true
		}
		return false
	})
	h.restart()
	mustSync(t, a)
	h.setFault(nil)

	// 4. A whole batch replayed by hand: every change is a duplicate.
	all, _ := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	var mine []protocol.Change
	for _, c := range all.Changes {
		if c.Entity == kaohe.EntManager {
			mine = append(mine, c)
		}
	}
	token, _ := a.store.Meta(ctx, store.MetaToken)
	res, err := fastClient(h.proxy.URL, token).Push(ctx, mine)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != protocol.Duplicate {
			t.Errorf("replayed change %s: %s", r.ID, r.Status)
		}
	}

	stats, _ := h.store.Stats(ctx)
	for table, n := range localCounts(t, a.store) {
		if got := stats["SH01"][table]; got != n {
			t.Errorf("after faults HQ has %d %s; the showroom %d", got, table, n)
		}
	}
	var phone string
	h.storeRow(t, kaohe.EntManager, m.ID, &phone)
	if phone != "13900000001" {
		t.Errorf("HQ has phone %q; the last write was 13900000001", phone)
	}
	if drops.Load() < 2 || lost.Load() < 3 {
		t.Errorf("faults did not fire: drops %d, lost %d", drops.Load(), lost.Load())
	}
}

// storeRow reads a field of a row's current state at HQ (phone of a manager).
func (h *hqServer) storeRow(t *testing.T, entity, id string, phone *string) {
	all, _ := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	for all.More || len(all.Changes) > 0 {
		for _, c := range all.Changes {
			if c.Entity == entity && c.RowID == id {
				var m kaohe.Manager
				json.Unmarshal(c.Payload, &m)
				*phone = m.Phone
			}
		}
		if !all.More {
			break
		}
		all, _ = h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, all.Cursor, protocol.MaxBatch)
	}
}

// approveExemption has HQ approve an application's education exemption
// when it asked for one, as the review group does before a first review.
func approveExemption(t *testing.T, hqc interface {
	Push(context.Context, []protocol.Change) ([]protocol.Result, error)
}, app kaohe.ApplicationView) {
	t.Helper()
	if app.Exemption == kaohe.ExemptionNone {
		return
	}
	e := kaohe.Exemption{ID: store.NewID(), AppID: app.ID, Approved: true, Date: kaohe.D(2026, 11, 27), DecidedBy: "陈建国（总经理）"}
	p, _ := json.Marshal(e)
	res, err := hqc.Push(ctx, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntExemption, RowID: e.ID, Op: "upsert", Payload: p}})
	if err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("exemption: %+v %v", res, err)
	}
}

// hqPusher pushes as HQ straight into its store.
type hqPusher struct {
	h    *hqServer
	cred hq.Credential
}

func (p hqPusher) Push(_ context.Context, cs []protocol.Change) ([]protocol.Result, error) {
	return p.h.store.Push(ctx, p.cred, cs)
}

// TestStatusSaysWhatTheSyncApplied: the status a sync ends with names the
// kinds of record it wrote here, so the window reads again only those; a
// sync that brought nothing names none.
func TestStatusSaysWhatTheSyncApplied(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	var ended []kaohe.SyncStatus
	a.engine.OnStatus = func(st kaohe.SyncStatus) {
		if st.Running && len(st.Applied) > 0 {
			t.Errorf("a running sync says it applied %v", st.Applied)
		}
		if !st.Running {
			ended = append(ended, st)
		}
	}
	last := func() []string {
		t.Helper()
		if len(ended) == 0 {
			t.Fatal("no status at the end of the sync")
		}
		return ended[len(ended)-1].Applied
	}
	mustSync(t, a) // HQ's reference data comes down
	if got := last(); !slices.Contains(got, kaohe.EntLevel) || !slices.Contains(got, kaohe.EntShowroom) || slices.Contains(got, kaohe.EntManager) {
		t.Errorf("the first sync applied %v; want HQ's reference data (level, showroom…), not the showroom's own managers", got)
	}
	mustSync(t, a)
	if got := last(); got != nil {
		t.Errorf("a sync that brought nothing says it applied %v", got)
	}
	if _, err := h.store.BlockAccount(ctx, "SH01", "W001", true, "离职", "admin"); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	if got := last(); !slices.Equal(got, []string{kaohe.EntAccountBlock}) {
		t.Errorf("after HQ blocked an account the sync applied %v; want [account_block]", got)
	}
	if st := a.engine.Status(ctx); !slices.Equal(st.Applied, []string{kaohe.EntAccountBlock}) {
		t.Errorf("Status after the sync: applied %v", st.Applied)
	}
}

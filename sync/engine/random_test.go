package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// TestRandomizedFaultsConverge: three showrooms and HQ's review group do
// random work while the network drops connections, loses answers and the
// server restarts; PCs' clocks jump a year ahead or behind; a database is
// copied and the copy syncs under the original's credential; a showroom
// restores an older backup between syncs; a fourth showroom enrolls
// through the faulty link; an HQ-mode replica syncs through it too, and
// another is fed HQ's whole log shuffled. After quiet time every showroom
// holds exactly the rows HQ holds for it, in the same states, and both
// HQ-mode replicas hold exactly HQ's rows.
func TestRandomizedFaultsConverge(t *testing.T) {
	seed := uint64(20261127)
	if s := os.Getenv("KAOHE_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (set KAOHE_SEED to replay)", seed)
	r := rand.New(rand.NewPCG(seed, seed*7))
	h := newHQ(t)
	rooms := []*showroom{
		enroll(t, h, "SH01", "上海徐汇旗舰展厅", true),
		enroll(t, h, "BJ01", "北京朝阳展厅", false),
		enroll(t, h, "GZ01", "广州天河展厅", false),
	}
	hqCred := hqCredential(t, h)

	var faulty atomic.Bool
	var fired atomic.Int64
	var dice atomic.Uint64
	dice.Store(seed)
	h.setFault(func(w http.ResponseWriter, req *http.Request) bool {
		if !faulty.Load() {
			return false
		}
		n := dice.Add(0x9e3779b97f4a7c15) >> 60 // a cheap shared die, 0–15
		if n < 6 {
			fired.Add(1)
		}
		switch {
		case n < 3: // drop the connection before HQ sees it
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
			return true
		case n < 5: // HQ handles it, the answer is lost
			resp, err := forward(h, req)
			if err == nil {
				resp.Body.Close()
			}
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
			return true
		case n < 6:
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		return false
	})

	// Every PC's clock, set wrong by turns.
	realNow := time.Now()
	skews := make([]time.Duration, 4)
	for i, sr := range rooms {
		i := i
		sr.store.Now = func() time.Time { return realNow.Add(skews[i]) }
	}
	// HQ mode: the review group's app, a replica of everything.
	replica := hqModeApp(t, h)
	var backups []struct {
		sr   *showroom
		path string
	}
	var clones []*showroom
	late := false

	faulty.Store(true)
	for step := 0; step < 120; step++ {
		sr := rooms[r.IntN(len(rooms))]
		if r.IntN(8) == 0 { // a clock jumps
			skews[slices.Index(rooms, sr)] = []time.Duration{-365 * 24 * time.Hour, 0, 365 * 24 * time.Hour}[r.IntN(3)]
		}
		switch x := r.IntN(40); {
		case x == 0 && len(clones) == 0: // the PC is cloned; the clone works and syncs
			c := copyDB(t, sr.store)
			token, _ := c.Meta(ctx, store.MetaToken)
			clones = append(clones, &showroom{store: c, engine: &Engine{Store: c, Client: fastClient(h.proxy.URL, token)}, code: sr.code + "-copy"})
			// The original works on after the copy was taken (else HQ could not
			// tell the two apart, nor would it matter).
			newManager(t, sr.store, "CPY1")
			newManager(t, c, "CPY2") // and so does the copy
		case x == 1: // a backup, to restore later
			b, err := sr.store.Backup(ctx, t.TempDir(), 0)
			if err != nil {
				t.Fatal(err)
			}
			backups = append(backups, struct {
				sr   *showroom
				path string
			}{sr, b.Path})
		case x == 2 && len(backups) > 0: // a restore of an older backup, between syncs
			b := backups[r.IntN(len(backups))]
			res, err := b.sr.store.RestoreFrom(ctx, b.path, t.TempDir())
			if err != nil {
				t.Fatalf("%s restore: %v", b.sr.code, err)
			}
			t.Logf("step %d: %s restored a backup: %d unsent changes kept, %d not applicable", step, b.sr.code, res.Kept, len(res.Unapplied))
		case x == 3 && !late: // a new showroom enrolls through the faulty link
			late = true
			rooms = append(rooms, enrollLossy(t, h, "SZ01", "深圳南山展厅"))
			sr := rooms[len(rooms)-1]
			sr.store.Now = func() time.Time { return realNow.Add(skews[3]) }
		}
		for _, c := range clones {
			if r.IntN(2) == 0 {
				ms, _ := c.store.ListManagers(ctx, kaohe.ManagerFilter{})
				if len(ms) > 0 {
					m := ms[r.IntN(len(ms))].Manager
					m.Phone = fmt.Sprintf("137%08d", r.IntN(1e8))
					c.store.Update(ctx, "t", func(tx *store.Tx) error { _, err := tx.UpdateManager(m); return err })
				}
			}
		}
		if r.IntN(4) == 0 {
			replica.Sync(ctx) // may fail: faults are on
		}
		switch op := r.IntN(10); {
		case op < 4: // a new manager
			no := fmt.Sprintf("R%03d", step)
			sr.store.Update(ctx, "t", func(tx *store.Tx) error {
				_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: no, Name: "随机" + no, Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 2))
				return err
			})
		case op < 7: // edit someone
			ms, _ := sr.store.ListManagers(ctx, kaohe.ManagerFilter{})
			if len(ms) > 0 {
				m := ms[r.IntN(len(ms))].Manager
				m.Phone = fmt.Sprintf("139%08d", r.IntN(1e8))
				sr.store.Update(ctx, "t", func(tx *store.Tx) error { _, err := tx.UpdateManager(m); return err })
			}
		case op < 8: // an actual figure
			ms, _ := sr.store.ListManagers(ctx, kaohe.ManagerFilter{})
			if len(ms) > 0 {
				m := ms[r.IntN(len(ms))]
				sr.store.Update(ctx, "t", func(tx *store.Tx) error {
					_, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, 1+r.IntN(12), int64(r.IntN(500000)))
					return err
				})
			}
		case op < 9: // HQ's review group decides on a submitted application
			hqDecides(t, h, hqCred, sr)
		default:
			if r.IntN(4) == 0 {
				h.restart()
			}
		}
		if r.IntN(3) == 0 {
			sr.engine.Sync(ctx) // may fail: faults are on
		}
	}

	// Quiet time: no faults; everyone syncs until nothing moves.
	faulty.Store(false)
	for round := 0; round < 2; round++ {
		for _, sr := range rooms {
			mustSync(t, sr)
		}
		if err := replica.Sync(ctx); err != nil {
			t.Fatalf("HQ mode sync: %v", err)
		}
	}
	// The copy syncs under the original's credential: refused whole, and
	// nothing of it reaches HQ (compareStates below finds HQ holding
	// exactly the originals' rows).
	for _, c := range clones {
		if err := c.engine.Sync(ctx); kaohe.ErrorKey(err) != "err.replica_copy" {
			t.Errorf("the copy's sync = %v; want err.replica_copy", err)
		}
	}
	compared := 0
	for _, sr := range rooms {
		compared += compare(t, h, sr)
		compared += compareStates(t, h, sr)
	}
	compared += compareReplica(t, h, replica.Store)
	shuffled := hqReplica(t)
	shuffledInto(t, h, shuffled, r)
	compared += compareReplica(t, h, shuffled)
	t.Logf("%d faults injected, %d rows compared; %d backups, %d clones, late enrollment %v", fired.Load(), compared, len(backups), len(clones), late)
	if fired.Load() < 10 || compared < 1000 {
		t.Errorf("too little exercised: %d faults, %d rows", fired.Load(), compared)
	}
}

// hqModeApp is the review group's app in HQ mode, enrolled with an HQ code.
func hqModeApp(t *testing.T, h *hqServer) *Engine {
	t.Helper()
	code, _ := h.store.AddHQUser(ctx, "评审小组·随机")
	rep, err := store.Open(ctx, filepath.Join(t.TempDir(), "hq-mode.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	if _, err := Enroll(ctx, rep, h.proxy.URL, code); err != nil {
		t.Fatal(err)
	}
	token, _ := rep.Meta(ctx, store.MetaToken)
	return &Engine{Store: rep, Client: fastClient(h.proxy.URL, token), Batch: 300}
}

// enrollLossy enrolls a new showroom through the (faulty) proxy, retrying
// as the app's user would: the same code, until it works.
func enrollLossy(t *testing.T, h *hqServer, code, name string) *showroom {
	t.Helper()
	s, enrollCode := showroomStore(t, h, code, name, "华南片区")
	for try := 0; ; try++ {
		_, err := enrollWith(ctx, s, fastClient(h.proxy.URL, ""), h.proxy.URL, enrollCode, 8)
		if err == nil {
			break
		}
		if try == 5 {
			t.Fatalf("%s: enrollment through the faulty link failed %d times: %v", code, try+1, err)
		}
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	return &showroom{store: s, engine: &Engine{Store: s, Client: fastClient(h.proxy.URL, token), Batch: 200}, code: code}
}

func forward(h *hqServer, req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.URL.Scheme, r2.URL.Host, r2.RequestURI = "http", strings.TrimPrefix(h.real.URL, "http://"), ""
	return http.DefaultTransport.RoundTrip(r2)
}

// hqDecides records a first review for one of the showroom's submitted
// applications that HQ already holds.
func hqDecides(t *testing.T, h *hqServer, cred hq.Credential, sr *showroom) {
	apps, _ := sr.store.Applications(ctx, "")
	for _, a := range apps {
		if a.Review.State != kaohe.AppSubmitted {
			continue
		}
		if h.store.RowPayload(ctx, kaohe.EntApplication, a.ID, &kaohe.Application{}) != nil {
			continue // not at HQ yet
		}
		if a.Exemption != kaohe.ExemptionNone {
			// HQ decides on what it holds: the showroom may not have pulled an
			// exemption HQ approved already, and then HQ refuses a second.
			e := kaohe.Exemption{ID: store.NewID(), AppID: a.ID, Approved: true, Date: kaohe.D(2026, 11, 27), DecidedBy: "陈建国（总经理）"}
			p, _ := json.Marshal(e)
			h.store.Push(ctx, cred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntExemption, RowID: e.ID, Op: "upsert", Payload: p}})
		}
		d := kaohe.Decision{ID: store.NewID(), AppID: a.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 12, 1), DecidedBy: []string{"陈建国"}}
		p, _ := json.Marshal(d)
		h.store.Push(ctx, cred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: d.ID, Op: "upsert", Payload: p}})
		return
	}
}

// compare checks that HQ holds each of the showroom's rows exactly as the
// showroom last wrote it, and that the showroom applied every HQ change
// meant for it.
func compare(t *testing.T, h *hqServer, sr *showroom) int {
	t.Helper()
	local := map[string]string{}
	all, err := sr.store.Audit(ctx, "", "", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all) - 1; i >= 0; i-- { // oldest first: the last write wins
		e := all[i]
		if e.Action == "sync.merged" {
			// Entered again after a restore, it became an edit of HQ's row
			// for the same key (audited as that row's write).
			delete(local, e.Entity+"/"+e.RowID)
			continue
		}
		// A row of its own comes back from HQ only in a recovery after a
		// restore (audited as sync.upsert/delete): then that is its state.
		if kaohe.OwnedByShowroom(e.Entity) && (!strings.HasPrefix(e.Action, "sync.") || e.Action == "sync.upsert" || e.Action == "sync.delete") {
			local[e.Entity+"/"+e.RowID] = e.Detail
		}
	}
	atHQ := map[string]string{}
	resp, _ := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	for {
		for _, c := range resp.Changes {
			atHQ[c.Entity+"/"+c.RowID] = string(c.Payload)
		}
		if !resp.More {
			break
		}
		resp, _ = h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, resp.Cursor, protocol.MaxBatch)
	}
	for k, v := range local {
		if got, ok := atHQ[k]; !ok {
			t.Errorf("%s: HQ lacks %s", sr.code, k)
		} else if strings.HasPrefix(k, kaohe.EntAccount+"/") {
			// An account's audit row keeps no hash: its fields must agree.
			if !jsonSubset(v, got) || !strings.Contains(got, `"password_hash":"$argon2id$`) {
				t.Errorf("%s: %s differs\nHQ:    %s\nlocal: %s", sr.code, k, got, v)
			}
		} else if !jsonEqual(got, v) {
			t.Errorf("%s: %s differs\nHQ:    %s\nlocal: %s", sr.code, k, got, v)
		}
	}
	// Every HQ decision on this showroom's applications is applied here.
	apps, _ := sr.store.Applications(ctx, "")
	mine := map[string]bool{}
	for _, a := range apps {
		mine[a.ID] = true
	}
	want, got := 0, 0
	for k, v := range atHQ {
		if strings.HasPrefix(k, kaohe.EntDecision+"/") {
			var d kaohe.Decision
			json.Unmarshal([]byte(v), &d)
			if mine[d.AppID] {
				want++
			}
		}
	}
	for _, a := range apps {
		for _, d := range a.Review.Decisions {
			if d.Stage.HQOwned() {
				got++
			}
		}
	}
	if got < want {
		t.Errorf("%s applied %d of HQ's %d decisions", sr.code, got, want)
	}
	return len(local)
}

// jsonSubset reports whether every field of object a has the same value in b.
func jsonSubset(a, b string) bool {
	var x, y map[string]any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	for k, v := range x {
		xa, _ := json.Marshal(v)
		ya, _ := json.Marshal(y[k])
		if !bytes.Equal(xa, ya) {
			return false
		}
	}
	return true
}

func jsonEqual(a, b string) bool {
	var x, y any
	json.Unmarshal([]byte(a), &x)
	json.Unmarshal([]byte(b), &y)
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// TestMain runs the killed child when asked to.
func TestMain(m *testing.M) {
	if path := os.Getenv("KAOHE_KILL_CHILD"); path != "" {
		killChild(path)
		return
	}
	os.Exit(m.Run())
}

// TestKilledBetweenWriteAndSync: the app writes, is killed with SIGKILL
// before it syncs, starts again and syncs: HQ gets the write.
func TestKilledBetweenWriteAndSync(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	path := sr.store.Path()
	sr.store.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KAOHE_KILL_CHILD="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n, _ := out.Read(buf)
		if strings.Contains(string(buf[:n]), "written") {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	token, _ := s.Meta(ctx, store.MetaToken)
	e := &Engine{Store: s, Client: fastClient(h.proxy.URL, token)}
	if err := e.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	stats, _ := h.store.Stats(ctx)
	if stats["SH01"]["managers"] != 1 {
		t.Errorf("HQ has %d managers after the restart; want the one written before the kill", stats["SH01"]["managers"])
	}
}

// killChild writes one manager and waits to be killed.
func killChild(path string) {
	s, err := store.Open(ctx, filepath.Clean(path))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := s.Update(ctx, "t", func(tx *store.Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "K001", Name: "被杀进程前写入", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 1))
		return err
	}); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("written")
	time.Sleep(time.Minute)
}

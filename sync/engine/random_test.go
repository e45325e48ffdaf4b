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
// server restarts; after quiet time every showroom and HQ hold exactly the
// same rows.
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

	faulty.Store(true)
	for step := 0; step < 120; step++ {
		sr := rooms[r.IntN(len(rooms))]
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
	}
	compared := 0
	for _, sr := range rooms {
		compared += compare(t, h, sr)
	}
	t.Logf("%d faults injected, %d rows compared", fired.Load(), compared)
	if fired.Load() < 10 || compared < 1000 {
		t.Errorf("too little exercised: %d faults, %d rows", fired.Load(), compared)
	}
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
		approveExemption(t, hqPusher{h, cred}, a)
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
		if kaohe.OwnedByShowroom(e.Entity) && !strings.HasPrefix(e.Action, "sync.") {
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

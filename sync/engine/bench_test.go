package engine

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/testhq"
	"kaohe/sync/client"
	"kaohe/sync/protocol"
)

// benchShowroom enrolls a showroom and fills it with about n changes.
func benchShowroom(b *testing.B, h *hqServer, code string, managers int) *showroom {
	b.Helper()
	_, enrollCode, err := h.store.AddShowroom(ctx, code, code, "")
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), code+".db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.Now = h.clock.Now // the showroom's day is HQ's: nothing it writes is dated after HQ's today
	if _, err := Enroll(ctx, s, h.real.URL, enrollCode); err != nil {
		b.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	if managers > 0 {
		if _, err := demo.Seed(ctx, s, demo.Options{Today: kaohe.D(2026, 11, 27), Managers: managers}); err != nil {
			b.Fatal(err)
		}
	}
	return &showroom{store: s, engine: &Engine{Store: s, Client: client.New(h.real.URL, token, client.Options{}), Batch: protocol.MaxBatch}, code: code}
}

func newBenchHQ(b *testing.B) *hqServer {
	th := testhq.New(b, testhq.Options{})
	return &hqServer{t: &testing.T{}, real: th, store: th.Store, clock: th.Clock}
}

// BenchmarkInitialSync100k: a showroom of ~100k changes syncs to an empty
// HQ (push every change, then pull); changes/s is the push throughput.
func BenchmarkInitialSync100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		h := newBenchHQ(b)
		sr := benchShowroom(b, h, "BIG", 1450)
		n, _ := sr.store.PendingCount(ctx)
		b.StartTimer()
		start := time.Now()
		if err := sr.engine.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.ReportMetric(float64(n), "changes")
		b.ReportMetric(float64(n)/el.Seconds(), "changes/s")
		b.ReportMetric(el.Seconds(), "s/sync")
	}
}

// BenchmarkOneChangeRoundTrip: one local write, then a sync that pushes it
// and pulls (nothing new).
func BenchmarkOneChangeRoundTrip(b *testing.B) {
	h := newBenchHQ(b)
	sr := benchShowroom(b, h, "RT", 20)
	if err := sr.engine.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	m, _ := sr.store.ManagerByNo(ctx, "D001")
	mg := m.Manager
	for i := 0; b.Loop(); i++ {
		mg.Phone = fmt.Sprintf("139%08d", i)
		if err := sr.store.Update(ctx, "b", func(tx *store.Tx) error { _, err := tx.UpdateManager(mg); return err }); err != nil {
			b.Fatal(err)
		}
		if err := sr.engine.Sync(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// Benchmark500Showrooms: 500 enrolled showrooms push a batch of changes and
// pull at the same time; any error fails.
func Benchmark500Showrooms(b *testing.B) {
	h := newBenchHQ(b)
	type cred struct {
		id, token string
		cl        *client.Client // one per showroom, as each app has
	}
	creds := make([]cred, 500)
	for i := range creds {
		_, code, err := h.store.AddShowroom(ctx, fmt.Sprintf("S%03d", i), fmt.Sprintf("展厅%03d", i), "")
		if err != nil {
			b.Fatal(err)
		}
		resp, err := h.store.Enroll(ctx, code, "")
		if err != nil {
			b.Fatal(err)
		}
		creds[i] = cred{resp.ShowroomID, resp.Token, client.New(h.real.URL, resp.Token, client.Options{})}
	}
	round := 0
	for b.Loop() {
		round++
		var wg sync.WaitGroup
		errs := make(chan error, len(creds))
		for i, c := range creds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl := c.cl
				var changes []protocol.Change
				for k := 0; k < 20; k++ {
					id := fmt.Sprintf("m-%d-%d-%d", round, i, k)
					p, _ := json.Marshal(kaohe.Manager{ID: id, ShowroomID: c.id, EmployeeNo: fmt.Sprintf("R%dK%d", round, k), Name: "张喆", Education: kaohe.EduCollege, Status: kaohe.StatusActive})
					changes = append(changes, protocol.Change{ID: "c" + id, Entity: kaohe.EntManager, RowID: id, Op: "upsert", Payload: p, At: "2026-11-27T00:00:00Z"})
				}
				res, err := cl.Push(ctx, changes)
				if err == nil {
					for _, r := range res {
						if r.Status != protocol.Applied {
							err = fmt.Errorf("%s: %s %s", r.ID, r.Status, r.Message)
							break
						}
					}
				}
				if err == nil {
					_, err = cl.Pull(ctx, 0, 100)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	b.ReportMetric(500, "showrooms")
}

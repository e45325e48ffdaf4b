package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/client"
	"kaohe/sync/protocol"
)

// atHQ reads a manager as HQ holds it, and whether it is deleted there.
func atHQ(t *testing.T, h *hqServer, id string) (kaohe.Manager, bool) {
	t.Helper()
	var m kaohe.Manager
	if err := h.store.RowPayload(ctx, kaohe.EntManager, id, &m); err != nil {
		t.Fatalf("HQ lacks manager %s: %v", id, err)
	}
	states, _ := h.store.RowStates(ctx, "*")
	resp, _ := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, 0, protocol.MaxBatch)
	deleted := false
	for _, c := range resp.Changes {
		if c.RowID == id && c.ID == states[kaohe.EntManager+"/"+id] {
			deleted = c.Op == store.OpDelete
		}
	}
	return m, deleted
}

func setPhone(t *testing.T, s *store.Store, id, phone string) {
	t.Helper()
	m, err := s.Manager(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	m.Phone = phone
	if err := s.Update(ctx, "t", func(tx *store.Tx) error { _, err := tx.UpdateManager(m.Manager); return err }); err != nil {
		t.Fatal(err)
	}
}

func newManager(t *testing.T, s *store.Store, no string) kaohe.Manager {
	t.Helper()
	var m kaohe.Manager
	err := s.Update(ctx, "t", func(tx *store.Tx) error {
		var err error
		m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: no, Name: "员工" + no, Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 2))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestClockSkewDecidesNothing: edits made while the PC's clock is a year
// behind, then a year ahead, then right again, each reach HQ and win in the
// order they were made; the delete at the end is the final state. Before
// row counters, the first was dropped and, after the second, every later
// edit and the delete were ignored for a year.
func TestClockSkewDecidesNothing(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	real := time.Now()
	clock := real
	sr.store.Now = func() time.Time { return clock }
	m := newManager(t, sr.store, "S001")
	mustSync(t, sr)
	for _, step := range []struct {
		skew  time.Duration
		phone string
	}{{-365 * 24 * time.Hour, "13900000001"}, {365 * 24 * time.Hour, "13900000002"}, {0, "13900000003"}} {
		clock = real.Add(step.skew)
		setPhone(t, sr.store, m.ID, step.phone)
		mustSync(t, sr)
		if got, _ := atHQ(t, h, m.ID); got.Phone != step.phone {
			t.Errorf("clock %+v: HQ has phone %q; want the edit just made, %q", step.skew, got.Phone, step.phone)
		}
	}
	clock = real.Add(-365 * 24 * time.Hour)
	if err := sr.store.Update(ctx, "t", func(tx *store.Tx) error { return tx.DeleteManager(m.ID) }); err != nil {
		t.Fatal(err)
	}
	mustSync(t, sr)
	if _, deleted := atHQ(t, h, m.ID); !deleted {
		t.Errorf("a delete made with the clock a year behind did not win at HQ")
	}
	// And a late replay of an old state changes nothing.
	old := protocol.Change{ID: store.NewIDAt(real.Add(48 * time.Hour)), Entity: kaohe.EntManager, RowID: m.ID, Op: "upsert", Version: 2}
	old.Payload, _ = json.Marshal(m)
	token, _ := sr.store.Meta(ctx, store.MetaToken)
	cred, _ := h.store.Authenticate(ctx, token)
	if _, err := h.store.Push(ctx, cred, []protocol.Change{old}); err != nil {
		t.Fatal(err)
	}
	if _, deleted := atHQ(t, h, m.ID); !deleted {
		t.Errorf("an older state arriving late brought the deleted manager back")
	}
}

// copyDB copies a live database file the way a cloned PC has it.
func copyDB(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	b, err := s.Backup(ctx, t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.Open(ctx, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestCopiedDatabaseRefused: a cloned database pushing under the
// original's credential is refused whole with a message saying what to do;
// HQ keeps only the original's data; the copy, enrolled again as a new
// install with a new code, sends its own work, and the original never
// notices.
func TestCopiedDatabaseRefused(t *testing.T) {
	h := newHQ(t)
	orig := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	m := newManager(t, orig.store, "C001")
	mustSync(t, orig)
	clone := copyDB(t, orig.store)
	token, _ := clone.Meta(ctx, store.MetaToken)
	cloneEng := &Engine{Store: clone, Client: fastClient(h.proxy.URL, token)}

	setPhone(t, orig.store, m.ID, "13900000001")
	mustSync(t, orig)
	setPhone(t, clone, m.ID, "13900000009") // the same row, edited on the clone
	dup := newManager(t, clone, "C002")
	err := cloneEng.Sync(ctx)
	if kaohe.ErrorKey(err) != "err.replica_copy" {
		t.Fatalf("the copy's sync = %v; want err.replica_copy", err)
	}
	if txt := kaohe.ErrorKey(err); txt == "" {
		t.Fatal("no message key")
	}
	if got, _ := atHQ(t, h, m.ID); got.Phone != "13900000001" {
		t.Errorf("the copy overwrote the original's edit at HQ: %q", got.Phone)
	}
	if stats, _ := h.store.Stats(ctx); stats["SH01"]["managers"] != 1 {
		t.Errorf("HQ has %d managers of SH01 after the copy's push; want the original's 1", stats["SH01"]["managers"])
	}
	if n, _ := clone.PendingCount(ctx); n == 0 {
		t.Errorf("the copy's changes left its queue although HQ refused them")
	}
	// The original goes on as if nothing happened.
	setPhone(t, orig.store, m.ID, "13900000002")
	mustSync(t, orig)

	// The copy becomes a new install with a code of its own (the original's
	// credential stays), and its work arrives.
	code, err := h.store.NewShowroomCode(ctx, "SH01")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Enroll(ctx, clone, h.proxy.URL, code); err != nil {
		t.Fatal(err)
	}
	token, _ = clone.Meta(ctx, store.MetaToken)
	cloneEng = &Engine{Store: clone, Client: fastClient(h.proxy.URL, token)}
	if err := cloneEng.Sync(ctx); err != nil {
		t.Fatalf("the re-enrolled copy: %v", err)
	}
	if err := h.store.RowPayload(ctx, kaohe.EntManager, dup.ID, &kaohe.Manager{}); err != nil {
		t.Errorf("the copy's own new manager did not reach HQ: %v", err)
	}
	mustSync(t, orig)
}

// TestRestoreRecoversFromHQ: a showroom restores a backup older than what
// it synced since: the next sync brings back from HQ every row written after
// the backup, keeps the change made after the restore, and its edits after
// that win at HQ; nothing is duplicated.
func TestRestoreRecoversFromHQ(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	m1 := newManager(t, sr.store, "R001")
	mustSync(t, sr)
	dir := filepath.Join(t.TempDir(), "backups")
	backup, err := sr.store.Backup(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	m2 := newManager(t, sr.store, "R002")
	setPhone(t, sr.store, m1.ID, "13900000001")
	mustSync(t, sr)
	m3 := newManager(t, sr.store, "R003") // not sent before the restore

	res, err := sr.store.RestoreFrom(ctx, backup.Path, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Kept != 2 { // R003 and its level
		t.Errorf("kept %d unsent changes; want 2", res.Kept)
	}
	if _, err := sr.store.Manager(ctx, m2.ID); err == nil {
		t.Fatal("the backup already had R002: the test proves nothing")
	}
	mustSync(t, sr)
	for _, m := range []kaohe.Manager{m1, m2, m3} {
		if _, err := sr.store.Manager(ctx, m.ID); err != nil {
			t.Errorf("%s missing after restore and sync: %v", m.EmployeeNo, err)
		}
	}
	if got, _ := sr.store.Manager(ctx, m1.ID); got.Manager.Phone != "13900000001" {
		t.Errorf("R001's edit after the backup not recovered: phone %q", got.Phone)
	}
	setPhone(t, sr.store, m1.ID, "13900000002")
	mustSync(t, sr)
	if got, _ := atHQ(t, h, m1.ID); got.Phone != "13900000002" {
		t.Errorf("the edit after the restore lost at HQ: %q", got.Phone)
	}
	// Re-creating a manager that was recovered is refused, not duplicated.
	if err := sr.store.Update(ctx, "t", func(tx *store.Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "R002", Name: "重复", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 1, 2))
		return err
	}); err == nil {
		t.Errorf("R002 was created twice at the showroom")
	}
	if stats, _ := h.store.Stats(ctx); stats["SH01"]["managers"] != 3 {
		t.Errorf("HQ has %d managers; want 3", stats["SH01"]["managers"])
	}
	compareStates(t, h, sr)
}

// compareStates checks that the showroom holds every row HQ holds for it,
// each in the state HQ holds, and nothing HQ lacks.
func compareStates(t *testing.T, h *hqServer, sr *showroom) int {
	t.Helper()
	id, _ := sr.store.Showroom(ctx)
	want, err := h.store.RowStates(ctx, id.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sr.store.RowStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	diff := 0
	for k, v := range want {
		if got[k] != v && diff < 5 {
			t.Errorf("%s: %s is in state %q here, %q at HQ", sr.code, k, got[k], v)
			diff++
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && diff < 5 {
			t.Errorf("%s holds %s, which HQ lacks", sr.code, k)
			diff++
		}
	}
	if n, _ := sr.store.PendingRemote(ctx); n != 0 {
		t.Errorf("%s: %d pulled changes still waiting", sr.code, n)
	}
	return len(want)
}

// lossyProxy forwards to HQ but, by a seeded die, drops a request before
// HQ sees it, loses HQ's answer, or sends the request twice.
func lossyProxy(t *testing.T, h *hqServer, seed uint64) (*httptest.Server, *atomic.Int64) {
	var mu atomic.Uint64
	mu.Store(seed)
	var fired atomic.Int64
	target, _ := url.Parse(h.real.URL)
	forwardOnce := func(r *http.Request, body []byte) (*http.Response, error) {
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host, r2.RequestURI = target.Scheme, target.Host, ""
		r2.Body = io.NopCloser(bytes.NewReader(body))
		return http.DefaultTransport.RoundTrip(r2)
	}
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n := mu.Add(0x9e3779b97f4a7c15) >> 61 // 0–7
		hang := func() {
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
		}
		switch n {
		case 0: // lost on the way
			fired.Add(1)
			hang()
			return
		case 1, 2: // HQ handles it; the answer is lost
			fired.Add(1)
			if resp, err := forwardOnce(r, body); err == nil {
				resp.Body.Close()
			}
			hang()
			return
		case 3: // sent twice; the second answer goes back
			fired.Add(1)
			if resp, err := forwardOnce(r, body); err == nil {
				resp.Body.Close()
			}
		}
		resp, err := forwardOnce(r, body)
		relay(w, resp, err)
	}))
	t.Cleanup(p.Close)
	return p, &fired
}

// TestEnrollThroughLossyLink: 12 showrooms enroll through a link that loses
// requests and answers and duplicates requests: every enrollment succeeds,
// each ends with exactly one live credential, and syncs; the code is then
// used up.
func TestEnrollThroughLossyLink(t *testing.T) {
	h := newHQ(t)
	p, fired := lossyProxy(t, h, 20261201)
	for i := 0; i < 12; i++ {
		code := fmt.Sprintf("L%02d", i)
		_, enrollCode, err := h.store.AddShowroom(ctx, code, "展厅"+code, "华东片区")
		if err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(ctx, filepath.Join(t.TempDir(), code+".db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		c := client.New(p.URL, "", client.Options{Retries: 6, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, Timeout: 5 * time.Second})
		if _, err := enrollWith(ctx, s, c, p.URL, enrollCode, 8); err != nil {
			t.Fatalf("%s: enrollment through the lossy link failed: %v", code, err)
		}
		newManager(t, s, code+"01")
		token, _ := s.Meta(ctx, store.MetaToken)
		e := &Engine{Store: s, Client: client.New(p.URL, token, client.Options{Retries: 8, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, Timeout: 5 * time.Second})}
		var serr error
		for try := 0; try < 5; try++ {
			if serr = e.Sync(ctx); serr == nil {
				break
			}
		}
		if serr != nil {
			t.Fatalf("%s: sync after enrollment: %v", code, serr)
		}
		if stats, _ := h.store.Stats(ctx); stats[code]["managers"] != 1 {
			t.Errorf("%s: HQ has %d managers", code, stats[code]["managers"])
		}
		if _, err := h.store.Enroll(ctx, enrollCode, "", store.NewID()); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
			t.Errorf("%s: the code still enrolls after the credential was used: %v", code, err)
		}
	}
	if fired.Load() < 10 {
		t.Errorf("only %d faults fired", fired.Load())
	}
	t.Logf("%d faults on the way", fired.Load())
}

// TestEnrollmentIdempotent: a retry of the same request gets the same
// credential; the code is not used up until the credential is; a revoked
// showroom's code enrolls nothing; reissue gives a fresh code and revokes
// the old credential.
func TestEnrollmentIdempotent(t *testing.T) {
	h := newHQ(t)
	_, code, _ := h.store.AddShowroom(ctx, "SH01", "上海", "华东")
	a, err := h.store.Enroll(ctx, code, "", "req-1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.store.Enroll(ctx, code, "", "req-1")
	if err != nil || b.Token != a.Token || b.Replica != a.Replica {
		t.Fatalf("retry of the same request: %+v %v; want the same credential", b, err)
	}
	// Another attempt before the first credential was used replaces it.
	c, err := h.store.Enroll(ctx, code, "", "req-2")
	if err != nil || c.Token == a.Token {
		t.Fatalf("a new attempt: %+v %v", c, err)
	}
	if _, err := h.store.Authenticate(ctx, a.Token); err == nil {
		t.Errorf("the replaced, never used credential still works")
	}
	if _, err := h.store.Authenticate(ctx, c.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Enroll(ctx, code, "", "req-3"); kaohe.ErrorKey(err) != "err.enroll_code" {
		t.Errorf("the code after its credential was used: %v", err)
	}
	// Reissue: a fresh code; the old credential is revoked.
	fresh, err := h.store.ReissueShowroom(ctx, "SH01")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Authenticate(ctx, c.Token); err == nil {
		t.Errorf("reissue left the old credential working")
	}
	// A revoked showroom's code enrolls nothing.
	if err := h.store.RevokeShowroom(ctx, "SH01"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Enroll(ctx, fresh, "", "req-4"); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("a revoked showroom's code enrolled: %v", err)
	}
	_, code2, _ := h.store.AddShowroom(ctx, "BJ01", "北京", "华北")
	h.store.RevokeShowroom(ctx, "BJ01")
	if _, err := h.store.Enroll(ctx, code2, "", "req-5"); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("a revoked showroom's unused code enrolled: %v", err)
	}
	// An expired code enrolls nothing.
	_, code3, _ := h.store.AddShowroom(ctx, "GZ01", "广州", "华南")
	clock := h.store.Now
	h.store.Now = func() time.Time { return clock().Add(hq.CodeLifetime + time.Hour) }
	if _, err := h.store.Enroll(ctx, code3, "", "req-6"); kaohe.ErrorKey(err) != "err.enroll_code_expired" {
		t.Errorf("an expired code enrolled: %v", err)
	}
	h.store.Now = clock
	// HQ users: listed, and revoked.
	hcode, _ := h.store.AddHQUser(ctx, "评审甲")
	hr, _ := h.store.Enroll(ctx, hcode, "", "req-7")
	if _, err := h.store.Authenticate(ctx, hr.Token); err != nil {
		t.Fatal(err)
	}
	users, _ := h.store.HQUsers(ctx)
	if len(users) != 1 || users[0].Name != "评审甲" || users[0].Status != "active" {
		t.Errorf("hq users = %+v", users)
	}
	if _, err := h.store.RevokeHQUser(ctx, "评审甲"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Authenticate(ctx, hr.Token); err == nil {
		t.Errorf("a revoked HQ user's credential still works")
	}
}

// TestHQModeConvergesShuffled: an HQ-mode replica fed HQ's whole log in a
// shuffled order, in random batches, ends holding exactly HQ's rows: newer
// states win by counter, children wait for their parents.
func TestHQModeConvergesShuffled(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", true)
	mustSync(t, a)
	ms, _ := a.store.ListManagers(ctx, kaohe.ManagerFilter{})
	for i, m := range ms[:5] {
		setPhone(t, a.store, m.ID, fmt.Sprintf("1380000000%d", i))
	}
	a.store.Update(ctx, "t", func(tx *store.Tx) error { return tx.DeleteManager(ms[6].ID) })
	mustSync(t, a)
	for seed := uint64(1); seed <= 3; seed++ {
		rep := hqReplica(t)
		shuffledInto(t, h, rep, rand.New(rand.NewPCG(seed, seed)))
		compareReplica(t, h, rep)
	}
}

// hqReplica is a database in HQ mode, fed by hand.
func hqReplica(t *testing.T) *store.Store {
	rep, err := store.Open(ctx, filepath.Join(t.TempDir(), "replica.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	if err := rep.EnrolledHQ(ctx, "http://hq", "t", "r"); err != nil {
		t.Fatal(err)
	}
	return rep
}

// shuffledInto applies HQ's whole change log to rep in a random order, in
// random batches.
func shuffledInto(t *testing.T, h *hqServer, rep *store.Store, r *rand.Rand) {
	t.Helper()
	var all []store.Change
	for cursor := int64(0); ; {
		resp, err := h.store.Pull(ctx, hq.Credential{Kind: hq.KindHQ}, cursor, protocol.MaxBatch)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range resp.Changes {
			all = append(all, fromWire(c))
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for len(all) > 0 {
		n := min(len(all), 1+r.IntN(200))
		if err := rep.ApplyRemote(ctx, "总部同步", all[:n], 0); err != nil {
			t.Fatal(err)
		}
		all = all[n:]
	}
}

// compareReplica checks an HQ-mode replica holds every row HQ holds, in
// the same state, and nothing else.
func compareReplica(t *testing.T, h *hqServer, rep *store.Store) int {
	t.Helper()
	want, _ := h.store.RowStates(ctx, "*")
	got, _ := rep.RowStates(ctx)
	diff := 0
	for k, v := range want {
		if got[k] != v {
			diff++
			if diff <= 5 {
				t.Errorf("replica: %s in state %q; HQ's is %q", k, got[k], v)
			}
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diff++
			if diff <= 5 {
				t.Errorf("replica holds %s, which HQ lacks", k)
			}
		}
	}
	if n, _ := rep.PendingRemote(ctx); n != 0 {
		t.Errorf("replica: %d changes still waiting", n)
	}
	if diff > 0 {
		t.Errorf("replica differs from HQ in %d of %d rows", diff, len(want))
	}
	return len(want)
}

// TestHQKeepsNaturalKeysUnique: a second live manager with an employee
// number the showroom already uses, and a second actual for one manager,
// metric and month, are refused at HQ (two databases of one showroom, or a
// row re-created after a restore, would otherwise make them).
func TestHQKeepsNaturalKeysUnique(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	m := newManager(t, a.store, "U001")
	if err := a.store.Update(ctx, "t", func(tx *store.Tx) error {
		_, err := tx.SetActual(m.ID, kaohe.MetricSales, 2026, 3, 1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	token, _ := a.store.Meta(ctx, store.MetaToken)
	cred, _ := h.store.Authenticate(ctx, token)
	twin := m
	twin.ID = store.NewID()
	mp, _ := json.Marshal(twin)
	act := kaohe.Actual{ID: store.NewID(), ManagerID: m.ID, Metric: kaohe.MetricSales, Year: 2026, Month: 3, Value: 9}
	ap, _ := json.Marshal(act)
	res, err := h.store.Push(ctx, cred, []protocol.Change{
		{ID: store.NewID(), Entity: kaohe.EntManager, RowID: twin.ID, Op: "upsert", Payload: mp, Version: 1},
		{ID: store.NewID(), Entity: kaohe.EntActual, RowID: act.ID, Op: "upsert", Payload: ap, Version: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, key := range []string{"err.duplicate_employee_no", "err.duplicate_actual"} {
		if res[i].Status != protocol.Refused || !strings.Contains(res[i].Message, key) {
			t.Errorf("change %d: %+v; want refused with %s", i, res[i], key)
		}
	}
	if stats, _ := h.store.Stats(ctx); stats["SH01"]["managers"] != 1 || stats["SH01"]["actuals"] != 1 {
		t.Errorf("HQ stats %v", stats["SH01"])
	}
	// Once a manager entered by mistake (no history: U001's figures are
	// one) is deleted, her number is free again.
	m2 := newManager(t, a.store, "U002")
	mustSync(t, a)
	twin2 := m2
	twin2.ID = store.NewID()
	mp2, _ := json.Marshal(twin2)
	if err := a.store.Update(ctx, "t", func(tx *store.Tx) error { return tx.DeleteManager(m2.ID) }); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	res, _ = h.store.Push(ctx, cred, []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntManager, RowID: twin2.ID, Op: "upsert", Payload: mp2, Version: 1}})
	if res[0].Status != protocol.Applied {
		t.Errorf("the number of a deleted manager: %+v", res[0])
	}
}

// TestHQModeLosingDecisionRolledBack: two reviewers decide the same first
// review; the HQ-mode replica that decided offline loses: its decision is
// taken back there, HQ's stands in its place, and the loser sees HQ's
// reason on its Sync screen's refused list.
func TestHQModeLosingDecisionRolledBack(t *testing.T) {
	h := newHQ(t)
	a := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	m := newManager(t, a.store, "A001")
	var app kaohe.Application
	err := a.store.Update(ctx, "t", func(tx *store.Tx) error {
		var err error
		app, err = tx.SaveApplication(kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2, PersonalInfo: "个人基本情况", Achievements: "主要政绩",
			Report: strings.Repeat("述职报告内容", 600), Education: kaohe.EduCollege})
		if err != nil {
			return err
		}
		_, err = tx.SubmitApplication(app.ID, kaohe.D(2026, 11, 20))
		return err
	})
	if err != nil {
		t.Skipf("cannot make a submitted application here: %v", err)
	}
	mustSync(t, a)
	rep := hqModeApp(t, h)
	if err := rep.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// The replica decides offline: fail.
	if err := rep.Store.Update(ctx, "乙评审", func(tx *store.Tx) error {
		_, err := tx.RecordDecision(kaohe.Decision{AppID: app.ID, Stage: kaohe.StageFirst, Pass: false, Date: kaohe.D(2026, 11, 28), DecidedBy: []string{"乙评审"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Another reviewer's pass reaches HQ first.
	win := kaohe.Decision{ID: store.NewID(), AppID: app.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 11, 27), DecidedBy: []string{"甲评审"}}
	p, _ := json.Marshal(win)
	if res, err := h.store.Push(ctx, hqCredential(t, h), []protocol.Change{{ID: store.NewID(), Entity: kaohe.EntDecision, RowID: win.ID, Op: "upsert", Payload: p}}); err != nil || res[0].Status != protocol.Applied {
		t.Fatalf("the winning decision: %+v %v", res, err)
	}
	if err := rep.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := rep.Store.Application(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	var hqs []kaohe.Decision
	for _, d := range v.Review.Decisions {
		if d.Stage.HQOwned() {
			hqs = append(hqs, d)
		}
	}
	if len(hqs) != 1 || hqs[0].ID != win.ID || !hqs[0].Pass {
		t.Errorf("the replica shows %+v; want HQ's winning pass only", hqs)
	}
	refused, _ := rep.Store.Refused(ctx)
	if len(refused) != 1 || refused[0].Entity != kaohe.EntDecision {
		t.Errorf("refused list %+v; want the losing decision, for its author", refused)
	}
	compareReplica(t, h, rep.Store)
}

// TestFigureEnteredAgainAfterRestore: a showroom restores a backup older
// than a month's actual it had sent, and before the recovery from HQ runs
// the user enters that month's figure again (and a target for the year):
// the sync makes the new entries edits of HQ's rows, so HQ and the showroom
// each end with one actual and one target, holding the values entered last;
// nothing is refused, duplicated or lost.
func TestFigureEnteredAgainAfterRestore(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	m := newManager(t, sr.store, "R001")
	mustSync(t, sr)
	dir := filepath.Join(t.TempDir(), "backups")
	backup, err := sr.store.Backup(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sent kaohe.Actual
	if err := sr.store.Update(ctx, "t", func(tx *store.Tx) (err error) {
		sent, err = tx.SetActual(m.ID, kaohe.MetricSales, 2026, 3, 120000)
		if err == nil {
			_, err = tx.SetTarget(m.ID, kaohe.MetricSales, 2026, 1200000, nil)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, sr)
	if _, err := sr.store.RestoreFrom(ctx, backup.Path, dir); err != nil {
		t.Fatal(err)
	}
	// Entered again, before any sync: the restored data lacks both rows.
	var again kaohe.Actual
	if err := sr.store.Update(ctx, "t", func(tx *store.Tx) (err error) {
		again, err = tx.SetActual(m.ID, kaohe.MetricSales, 2026, 3, 135000)
		if err == nil {
			_, err = tx.SetTarget(m.ID, kaohe.MetricSales, 2026, 1500000, nil)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if again.ID == sent.ID {
		t.Fatal("the restored data still had the actual: the test proves nothing")
	}
	mustSync(t, sr)
	mustSync(t, sr)

	if refused, _ := sr.store.Refused(ctx); len(refused) != 0 {
		t.Errorf("HQ refused %d changes: %s", len(refused), refused[0].Refused)
	}
	stats, _ := h.store.Stats(ctx)
	if stats["SH01"]["actuals"] != 1 || stats["SH01"]["targets"] != 1 {
		t.Errorf("HQ holds %d actuals and %d targets; want one of each", stats["SH01"]["actuals"], stats["SH01"]["targets"])
	}
	var a kaohe.Actual
	if err := h.store.RowPayload(ctx, kaohe.EntActual, sent.ID, &a); err != nil || a.Value != 135000 {
		t.Errorf("HQ's actual = %+v, %v; want HQ's row with the value entered last, 135000", a, err)
	}
	targets, actuals, err := sr.store.Figures(ctx, m.ID, kaohe.MetricSales, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if actuals[2] != 135000 {
		t.Errorf("the showroom's March actual = %d; want 135000", actuals[2])
	}
	if sum := targets.Sum(1, 12); sum != 1500000 {
		t.Errorf("the showroom's target for the year sums to %d; want the 1,500,000 entered last", sum)
	}
	compareStates(t, h, sr)
	compare(t, h, sr)
}

// TestManagerEnteredAgainAfterRestore: after a restore, before the recovery
// ran, a manager HQ already holds is entered again under the same employee
// number. HQ refuses the second one (one employee number per showroom) and
// the Sync screen lists it; HQ's manager waits here, nothing is lost. Once
// the user gives the entry another number, the next sync applies HQ's
// manager although nothing new came from HQ.
func TestManagerEnteredAgainAfterRestore(t *testing.T) {
	h := newHQ(t)
	sr := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	newManager(t, sr.store, "R001")
	mustSync(t, sr)
	dir := filepath.Join(t.TempDir(), "backups")
	backup, err := sr.store.Backup(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	orig := newManager(t, sr.store, "R002")
	mustSync(t, sr)
	if _, err := sr.store.RestoreFrom(ctx, backup.Path, dir); err != nil {
		t.Fatal(err)
	}
	again := newManager(t, sr.store, "R002")
	mustSync(t, sr)
	refused, _ := sr.store.Refused(ctx)
	found := false
	for _, r := range refused {
		found = found || (r.Entity == kaohe.EntManager && r.RowID == again.ID && strings.Contains(r.Refused, "err.duplicate_employee_no"))
	}
	if !found {
		t.Fatalf("the second R002 was not refused as such: %+v", refused)
	}
	if _, err := sr.store.Manager(ctx, again.ID); err != nil {
		t.Errorf("the entry HQ refused is gone: %v", err)
	}
	if stats, _ := h.store.Stats(ctx); stats["SH01"]["managers"] != 2 {
		t.Errorf("HQ has %d managers; want 2", stats["SH01"]["managers"])
	}
	// The user renumbers the entry; HQ's R002 then comes in.
	m, _ := sr.store.Manager(ctx, again.ID)
	m.Manager.EmployeeNo = "R009"
	if err := sr.store.Update(ctx, "t", func(tx *store.Tx) error { _, err := tx.UpdateManager(m.Manager); return err }); err != nil {
		t.Fatal(err)
	}
	mustSync(t, sr)
	if _, err := sr.store.Manager(ctx, orig.ID); err != nil {
		t.Errorf("HQ's R002 still missing here after the entry was renumbered: %v", err)
	}
	if n, _ := sr.store.PendingRemote(ctx); n != 0 {
		t.Errorf("%d pulled changes still waiting", n)
	}
}

// TestCopyTakenBeforeTheFirstSyncRefused: a database copied right after
// enrolling, before its first sync, is still told from the original: both
// recover what HQ holds, number their changes from one, and the second to
// push is refused as a copy.
func TestCopyTakenBeforeTheFirstSyncRefused(t *testing.T) {
	h := newHQ(t)
	orig := enroll(t, h, "SH01", "上海徐汇旗舰展厅", false)
	clone := copyDB(t, orig.store)
	token, _ := clone.Meta(ctx, store.MetaToken)
	cp := &showroom{store: clone, engine: &Engine{Store: clone, Client: fastClient(h.proxy.URL, token)}, code: "SH01-copy"}
	newManager(t, orig.store, "C001")
	newManager(t, clone, "C002")
	mustSync(t, orig)
	if err := cp.engine.Sync(ctx); kaohe.ErrorKey(err) != "err.replica_copy" {
		t.Fatalf("the copy's sync = %v; want err.replica_copy", err)
	}
	if stats, _ := h.store.Stats(ctx); stats["SH01"]["managers"] != 1 {
		t.Errorf("HQ has %d managers; want the original's one", stats["SH01"]["managers"])
	}
}

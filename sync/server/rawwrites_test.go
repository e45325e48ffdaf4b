package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// HQ writes each change's log entry and row state in one call into SQLite
// each (internal/store/rawstmt). These tests attack those two writes over
// HTTP, against the real file.

// training is an honest training of showroom A as the payload a showroom
// sends, title as given.
func (w *world) training(id, title string) protocol.Change {
	tr := w.tA
	tr.ID, tr.Title = id, title
	return w.change(kaohe.EntTraining, tr)
}

// consistent checks that HQ's two writes of every change agree: each row's
// state names a change of the log, of its entity and row, whose number it
// holds (each row here written once), and the log holds each id once.
func (w *world) consistent() {
	w.t.Helper()
	var orphans, twice int
	w.query(`SELECT count(*) FROM rows r LEFT JOIN changes c ON c.change_id = r.change_id
		WHERE c.change_id IS NULL OR c.entity <> r.entity OR c.row_id <> r.row_id OR (r.entity = 'training' AND c.seq <> r.seq)`, &orphans)
	w.query(`SELECT count(*) FROM (SELECT change_id FROM changes GROUP BY change_id HAVING count(*) > 1)`, &twice)
	if orphans != 0 || twice != 0 {
		w.t.Errorf("HQ's log and rows disagree: %d row states without their change, %d ids logged twice", orphans, twice)
	}
}

// TestPushStoresTheBytesSent: what HQ logs and holds for a change is the
// payload as the showroom sent it, byte for byte (escapes, spacing, Chinese,
// characters past the BMP, a title of megabytes), the same in the log and
// the row's state, as database/sql reads it and as SQLite's hex of it; an
// HQ replica pulls the same value. Payloads HQ refuses (invalid UTF-8, NUL,
// control characters) leave nothing.
func TestPushStoresTheBytesSent(t *testing.T) {
	w := newWorld(t)
	tr := w.tA
	tr.ID = "raw1"
	b, _ := json.Marshal(tr)
	spaced := strings.Replace(strings.Replace(string(b), `{"id"`, "{ \"id\" ", 1), `,"showroom_id"`, " ,\n\t\"showroom_id\"", 1)
	payloads := map[string]string{
		"raw1": spaced,
		"raw2": strings.TrimSuffix(strings.Replace(string(b), `"raw1"`, `"raw2"`, 1), "}") + " \r\n}",
	}
	sent := []protocol.Change{w.raw(kaohe.EntTraining, "raw1", payloads["raw1"]), w.raw(kaohe.EntTraining, "raw2", payloads["raw2"])}
	for id, title := range map[string]string{
		"raw3": `\u5f20\u5586 \"引号\" \\ \/ 😀 \ud83d\ude00`,
		"raw4": strings.Repeat("橱柜", 1<<20), // 6 MiB of text
		"raw5": "<b>&amp;</b>",
	} {
		c := w.training(id, "x")
		p := strings.Replace(string(c.Payload), `"title":"x"`, `"title":"`+title+`"`, 1)
		payloads[id] = p
		c.Payload = json.RawMessage(p)
		sent = append(sent, c)
	}
	sent[0].By = "董喆（D001）😀"
	refused := []protocol.Change{
		w.raw(kaohe.EntTraining, "bad1", strings.Replace(payloads["raw5"], "<b>", "\xff\xfe", 1)),
		w.raw(kaohe.EntTraining, "bad2", strings.Replace(payloads["raw5"], "<b>", `\u0000`, 1)),
		w.raw(kaohe.EntTraining, "bad3", strings.Replace(payloads["raw5"], "<b>", `\u001b`, 1)),
	}
	for _, c := range refused {
		status, res, raw := w.send(w.tokenA, []protocol.Change{c})
		if status == 200 && (len(res) != 1 || res[0].Status != protocol.Refused) {
			t.Errorf("%s: %d %s", c.RowID, status, raw)
		}
	}
	for i := range refused {
		refused[i].ID += "-again"
	}
	before := w.held()
	status, res, raw := w.send(w.tokenA, append(refused, sent...))
	if status != 200 {
		t.Fatalf("push: %d %.300s", status, raw)
	}
	for i, r := range res {
		if want := protocol.Applied; i < len(refused) {
			if r.Status != protocol.Refused {
				t.Errorf("%s: %s, want refused", r.ID, r.Status)
			}
		} else if r.Status != want {
			t.Errorf("%s: %s %s, want applied", r.ID, r.Status, r.Message)
		}
	}
	if n := w.held() - before; n != len(sent) {
		t.Errorf("HQ holds %d rows more, want the %d applied", n, len(sent))
	}
	for _, c := range refused {
		var n int
		w.query(`SELECT (SELECT count(*) FROM changes WHERE row_id = '`+c.RowID+`') + (SELECT count(*) FROM rows WHERE row_id = '`+c.RowID+`')`, &n)
		if n != 0 {
			t.Errorf("refused %s: %d rows stored", c.RowID, n)
		}
	}
	for _, c := range sent {
		want := payloads[c.RowID]
		var logged, state, loggedHex, stateHex, actor string
		w.query(`SELECT c.payload, r.payload, hex(c.payload), hex(r.payload), c.actor FROM changes c JOIN rows r ON r.change_id = c.change_id
			WHERE c.change_id = '`+c.ID+`'`, &logged, &state, &loggedHex, &stateHex, &actor)
		if logged != want || state != want {
			t.Errorf("%s: logged %q, state %q; sent %q", c.RowID, clip(logged), clip(state), clip(want))
		}
		if h := strings.ToUpper(hex.EncodeToString([]byte(want))); loggedHex != h || stateHex != h {
			t.Errorf("%s: SQLite holds %s / %s, sent %s", c.RowID, clip(loggedHex), clip(stateHex), clip(h))
		}
		if actor != c.By {
			t.Errorf("%s: actor %q, sent %q", c.RowID, actor, c.By)
		}
	}
	w.consistent()

	// HQ's replica pulls the same values.
	got := map[string]json.RawMessage{}
	for cursor := int64(0); ; {
		_, _, raw := w.post(protocol.PathPull, w.hqToken, []byte(fmt.Sprintf(`{"version":1,"cursor":%d}`, cursor)), false, v1)
		var p protocol.PullResponse
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("pull: %v %.200s", err, raw)
		}
		for _, c := range p.Changes {
			got[c.ID] = c.Payload
		}
		if !p.More {
			break
		}
		cursor = p.Cursor
	}
	for _, c := range sent {
		var a, b bytes.Buffer
		json.Compact(&a, []byte(payloads[c.RowID]))
		json.Compact(&b, got[c.ID])
		var av, bv any
		json.Unmarshal(a.Bytes(), &av)
		json.Unmarshal(b.Bytes(), &bv)
		if fmt.Sprint(av) != fmt.Sprint(bv) {
			t.Errorf("%s pulled as %q, sent %q", c.RowID, clip(b.String()), clip(a.String()))
		}
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s…(%d bytes)", s[:40], len(s))
	}
	return s
}

// TestFaultMidBatchWritesNothing: a fault of HQ's own in the middle of a
// batch (here SQLite refusing a write: a trigger standing for a full disk
// or a constraint, at the log's write or at the row state's, aborting the
// statement, failing it or rolling the transaction back) is answered as
// an error, HQ holds nothing of the batch — not the changes applied before
// it, nor the log entry of the change whose state failed — and the same
// batch sent again applies whole, once.
func TestFaultMidBatchWritesNothing(t *testing.T) {
	w := newWorld(t)
	faults := []string{ // each fails the write of boomN, round N's
		`BEFORE INSERT ON row_states WHEN NEW.row_id = 'boom0' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
		`AFTER INSERT ON row_states WHEN NEW.row_id = 'boom1' BEGIN SELECT RAISE(FAIL, 'disk on fire'); END`,
		`BEFORE INSERT ON changes WHEN NEW.row_id = 'boom2' BEGIN SELECT RAISE(ROLLBACK, 'disk on fire'); END`,
		`AFTER INSERT ON row_states WHEN NEW.row_id = 'boom3' BEGIN SELECT RAISE(ROLLBACK, 'disk on fire'); END`,
	}
	foreign := w.tB
	foreign.ID = "fault-foreign"
	batch := func(round int) []protocol.Change {
		return []protocol.Change{
			w.training(fmt.Sprintf("f%d-1", round), "故障前"),
			w.change(kaohe.EntTraining, foreign), // B's: refused between applied ones
			w.training(fmt.Sprintf("boom%d", round), "故障"),
			w.training(fmt.Sprintf("f%d-2", round), "故障后"),
		}
	}
	for round, fault := range faults {
		w.exec(`CREATE TRIGGER fault ` + fault)
		b := batch(round)
		before := w.stored()
		if status, _, raw := w.send(w.tokenA, b); status == 200 {
			t.Errorf("fault %d: answered %d %.200s, want a fault", round, status, raw)
		}
		if w.stored() != before {
			t.Errorf("fault %d: HQ holds some of a batch that failed", round)
		}
		// An honest push after it, the fault still there: HQ's writer is
		// not left in the failed transaction.
		w.mustApply(w.tokenA, []protocol.Change{w.training(fmt.Sprintf("f%d-between", round), "之间")})
		held := w.held()
		w.exec(`DROP TRIGGER fault`)
		status, res, raw := w.send(w.tokenA, b)
		if status != 200 || len(res) != len(b) {
			t.Fatalf("fault %d, sent again: %d %.200s", round, status, raw)
		}
		for i, r := range res {
			if want := map[bool]string{true: protocol.Refused, false: protocol.Applied}[i == 1]; r.Status != want {
				t.Errorf("fault %d, sent again: %s %s %s, want %s", round, r.ID, r.Status, r.Message, want)
			}
		}
		if n := w.held() - held; n != 3 {
			t.Errorf("fault %d, sent again: %d rows more, want 3", round, n)
		}
		w.consistent()
	}
}

// held is the number of rows HQ holds.
func (w *world) held() (n int) {
	w.t.Helper()
	w.query(`SELECT count(*) FROM rows`, &n)
	return n
}

// exec writes to HQ's file beside the running server, as a maintainer's
// sqlite3 shell would.
func (w *world) exec(q string) {
	w.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+w.path+"?_busy_timeout=10000")
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

// pushCtx pushes changes over HTTP with ctx (the sending PC may go away).
func (w *world) pushCtx(ctx context.Context, token string, changes []protocol.Change) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", w.srv.URL+protocol.PathPush, bytes.NewReader(push(changes...)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(protocol.HeaderVersion, v1)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// TestCancelledPushIsWholeOrNothing: a showroom PC that goes away in the
// middle of a big push (its request cancelled at any moment) leaves HQ
// holding all of the batch or none of it, never a part, log and rows in
// agreement; sent again, the batch is answered whole (applied or
// duplicate) and HQ holds each change once.
func TestCancelledPushIsWholeOrNothing(t *testing.T) {
	w := newWorld(t)
	const n = 2000
	for round, after := range []time.Duration{time.Millisecond, 10 * time.Millisecond, 40 * time.Millisecond, 120 * time.Millisecond} {
		var b []protocol.Change
		for i := 0; i < n; i++ {
			b = append(b, w.training(fmt.Sprintf("c%d-%04d", round, i), "断线"))
		}
		ctx, cancel := context.WithTimeout(context.Background(), after)
		w.pushCtx(ctx, w.tokenA, b)
		cancel()
		// HQ's one writer answers this after the cancelled batch.
		w.mustApply(w.tokenA, []protocol.Change{w.training(fmt.Sprintf("c%d-after", round), "之后")})
		count := func() (logged, held int) {
			like := fmt.Sprintf("c%d-____", round)
			w.query(`SELECT (SELECT count(*) FROM changes WHERE row_id LIKE '`+like+`'), (SELECT count(*) FROM rows WHERE row_id LIKE '`+like+`')`, &logged, &held)
			return
		}
		if logged, held := count(); logged != held || logged != 0 && logged != n {
			t.Errorf("cancelled after %v: HQ logged %d and holds %d of the batch's %d", after, logged, held, n)
		}
		status, res, raw := w.send(w.tokenA, b)
		if status != 200 || len(res) != n {
			t.Fatalf("sent again: %d %.200s", status, raw)
		}
		for _, r := range res {
			if r.Status != protocol.Applied && r.Status != protocol.Duplicate {
				t.Fatalf("sent again: %s %s %s", r.ID, r.Status, r.Message)
			}
		}
		if logged, held := count(); logged != n || held != n {
			t.Errorf("sent again after %v: HQ logged %d and holds %d, want %d", after, logged, held, n)
		}
	}
	w.consistent()
}

// TestConcurrentShowroomsPushAndPull: two showrooms push many batches at
// once while HQ's replica pulls; every change is logged once, its row
// state agrees with it, and a pull at the end sees all of them.
func TestConcurrentShowroomsPushAndPull(t *testing.T) {
	w := newWorld(t)
	const batches, per = 12, 40
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	done := make(chan struct{})
	for _, sr := range []struct {
		token string
		tr    kaohe.Training
	}{{w.tokenA, w.tA}, {w.tokenB, w.tB}} {
		var all [][]protocol.Change
		for b := 0; b < batches; b++ { // built here: w.change is not for many goroutines
			var changes []protocol.Change
			for i := 0; i < per; i++ {
				tr := sr.tr
				tr.ID = fmt.Sprintf("%s-%02d-%02d", sr.tr.ID, b, i)
				tr.Title = strings.Repeat("并", b*100+i)
				tr.Title += "发"
				changes = append(changes, w.change(kaohe.EntTraining, tr))
			}
			all = append(all, changes)
		}
		wg.Add(1)
		go func(token string) {
			defer wg.Done()
			for _, changes := range all {
				status, _, raw := w.post(protocol.PathPush, token, push(changes...), true, v1)
				if status != 200 {
					errs <- fmt.Errorf("push: %d %.200s", status, raw)
					return
				}
				var r protocol.PushResponse
				if err := json.Unmarshal(raw, &r); err != nil {
					errs <- err
					return
				}
				for _, res := range r.Results {
					if res.Status != protocol.Applied {
						errs <- fmt.Errorf("%s: %s %s", res.ID, res.Status, res.Message)
					}
				}
			}
		}(sr.token)
	}
	var pulled sync.WaitGroup
	for p := 0; p < 2; p++ {
		pulled.Add(1)
		go func() {
			defer pulled.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				status, _, raw := w.post(protocol.PathPull, w.hqToken, []byte(`{"version":1,"cursor":0,"limit":500}`), false, v1)
				if status != 200 {
					errs <- fmt.Errorf("pull: %d %.200s", status, raw)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	pulled.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	w.query(`SELECT count(*) FROM rows r JOIN changes c ON c.change_id = r.change_id WHERE r.entity = 'training' AND r.row_id GLOB 't[AB]-*'
		AND r.payload = c.payload AND r.showroom_id = c.showroom_id AND json_extract(r.payload, '$.showroom_id') = r.showroom_id`, &n)
	if n != 2*batches*per {
		t.Errorf("%d trainings held as logged, want %d", n, 2*batches*per)
	}
	w.consistent()
	seen := 0
	for cursor := int64(0); ; {
		_, _, raw := w.post(protocol.PathPull, w.hqToken, []byte(fmt.Sprintf(`{"version":1,"cursor":%d}`, cursor)), false, v1)
		var p protocol.PullResponse
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Changes {
			if c.Entity == kaohe.EntTraining && len(c.RowID) > 3 && (c.RowID[:3] == "tA-" || c.RowID[:3] == "tB-") {
				seen++
			}
		}
		if !p.More {
			break
		}
		cursor = p.Cursor
	}
	if seen != 2*batches*per {
		t.Errorf("the replica pulled %d of the %d trainings", seen, 2*batches*per)
	}
}

// TestOlderDatabaseKeepsItsPagesAndSyncs: an HQ database made before new
// ones got 16 KiB pages (the schema-4 fixture, 4 KiB pages) opens,
// migrates, takes a push whose payloads span several of its pages through
// the raw writes, byte for byte, and is whole afterwards, at its own page
// size.
func TestOlderDatabaseKeepsItsPagesAndSyncs(t *testing.T) {
	w := legacyWorld(t)
	var t1 kaohe.Training
	w.payloadOf(kaohe.EntTraining, "t1", &t1)
	var sent []protocol.Change
	for i, n := range []int{10, 5_000, 40_000} { // up to ten pages of 4 KiB
		tr := t1
		tr.ID, tr.Title = fmt.Sprintf("old%d", i), strings.Repeat("旧", n)
		sent = append(sent, w.change(kaohe.EntTraining, tr))
	}
	w.expect(sent, protocol.Applied, protocol.Applied, protocol.Applied)
	for _, c := range sent {
		var logged, state string
		w.query(`SELECT c.payload, r.payload FROM changes c JOIN rows r ON r.change_id = c.change_id WHERE c.change_id = '`+c.ID+`'`, &logged, &state)
		if logged != string(c.Payload) || state != string(c.Payload) {
			t.Errorf("%s: logged %s, state %s; sent %s", c.RowID, clip(logged), clip(state), clip(string(c.Payload)))
		}
	}
	var size int
	var check string
	w.query(`PRAGMA page_size`, &size)
	w.query(`PRAGMA integrity_check`, &check)
	if size != 4096 || check != "ok" {
		t.Errorf("the older database: page size %d, integrity %q; want 4096 kept, ok", size, check)
	}
	w.consistent()
}

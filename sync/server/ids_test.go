package server

import (
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestDishonestIDs: change and row ids no writer makes — a megabyte long,
// one byte over the bound, with a space, in another script — are
// refused per change with err.bad_id, the honest changes between them
// applied, and nothing of them is stored: no change, no row, not their
// number in the sender's sequence. Control and bidi characters in an id
// refuse the whole request before anything is read; an "after" of a
// megabyte is refused too.
func TestDishonestIDs(t *testing.T) {
	w := newWorld(t)
	act := func(id string, month int) kaohe.Actual {
		return kaohe.Actual{ID: id, ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2025, Month: month, Value: 7}
	}
	honestAct := func(id string, month int) kaohe.Actual { // keys of their own
		a := act(id, month)
		a.Year = 2024
		return a
	}
	huge := strings.Repeat("x", 1<<20)
	long := strings.Repeat("y", kaohe.MaxIDLen+1)
	var changes []protocol.Change
	var want []string
	bad := []struct{ changeID, rowID string }{
		{huge, "ac1"}, {"c-huge-row", huge}, {long, "ac2"}, {"c-long-row", long},
		{"c id", "ac3"}, {"变更", "ac4"}, {"c-row-space", "ac 5"}, {"c-row-script", "行"},
	}
	for i, b := range bad {
		c := w.change(kaohe.EntActual, act(b.rowID, 1+i))
		c.ID, c.RowID, c.RSeq = b.changeID, b.rowID, int64(100+2*i)
		honest := w.change(kaohe.EntActual, honestAct(fmt.Sprintf("ok%d", i), 1+i))
		honest.RSeq = int64(101 + 2*i)
		changes = append(changes, c, honest)
		want = append(want, "bad", protocol.Applied)
	}
	status, res, raw := w.send(w.tokenA, changes)
	if status != 200 || len(res) != len(changes) {
		t.Fatalf("push: %d %.300s", status, raw)
	}
	for i, r := range res {
		if want[i] == protocol.Applied && r.Status != protocol.Applied {
			t.Errorf("honest change %d: %s %s", i, r.Status, r.Message)
		}
		if want[i] == "bad" && (r.Status != protocol.Refused || r.Code != kaohe.EINVALID || !strings.Contains(r.Message, "err.bad_id")) {
			t.Errorf("change %d (id %.20q, row %.20q): %s %s %s; want refused err.bad_id", i, changes[i].ID, changes[i].RowID, r.Status, r.Code, r.Message)
		}
		if r.ID != changes[i].ID {
			t.Errorf("answer %d names %.20q; want the change's own id", i, r.ID)
		}
	}
	check := func(what, q string, want int) {
		t.Helper()
		var n int
		w.query(q, &n)
		if n != want {
			t.Errorf("%s: %d; want %d", what, n, want)
		}
	}
	check("longest change id", `SELECT max(length(change_id)) <= 128 FROM changes`, 1)
	check("longest row id", `SELECT max(length(row_id)) <= 128 FROM rows`, 1)
	check("longest id seen in the sequence", `SELECT coalesce(max(length(change_id)), 0) <= 128 FROM replica_seen`, 1)
	check("refused changes' numbers noted", `SELECT count(*) FROM replica_seen WHERE rseq BETWEEN 100 AND 199 AND rseq % 2 = 0`, 0)
	check("honest changes' numbers noted", `SELECT count(*) FROM replica_seen WHERE rseq BETWEEN 100 AND 199 AND rseq % 2 = 1`, len(bad))
	check("honest rows stored", `SELECT count(*) FROM rows WHERE entity = 'actual' AND row_id LIKE 'ok%'`, len(bad))
	check("refused rows stored", `SELECT count(*) FROM rows WHERE entity = 'actual' AND row_id NOT LIKE 'ok%'`, 0)

	// Control and bidi characters (escaped or not) in an id: the request is
	// refused whole by the envelope's check, or the change alone by
	// CheckID; nothing is stored either way.
	before := w.stored()
	for _, id := range []string{`c\u0001x`, `c\u0000x`, `c\u202ex`, `c\tx`, "c\tx", `c\u007fx`, "c\x7fx", `c\u0085x`, "c\u2028x"} {
		body := fmt.Sprintf(`{"version":%s,"changes":[{"id":"%s","entity":"actual","row_id":"acz","op":"upsert","payload":%s,"at":""}]}`,
			v1, id, js(act("acz", 9)))
		status, e, raw := w.post(protocol.PathPush, w.tokenA, []byte(body), true, v1)
		switch {
		case status == 400 && e.Code == kaohe.EINVALID:
		case status == 200:
			if res := w.results(raw); len(res) != 1 || res[0].Status != protocol.Refused || !strings.Contains(res[0].Message, "err.bad_id") {
				t.Errorf("id %q: %s; want refused err.bad_id", id, raw)
			}
		default:
			t.Errorf("id %q: %d %+v; want 400 invalid or a refusal", id, status, e)
		}
	}
	body := fmt.Sprintf(`{"version":%s,"after":%q,"changes":[]}`, v1, huge)
	if status, e, _ := w.post(protocol.PathPush, w.tokenA, []byte(body), true, v1); status != 400 || e.Key != "err.bad_id" {
		t.Errorf("a megabyte 'after': %d %+v; want 400 err.bad_id", status, e)
	}
	if w.stored() != before {
		t.Errorf("refused requests changed what HQ stores")
	}
}

// TestEnrollBoundsWhatItKeeps: an enrollment's request id and public key
// are kept with the credential, so a megabyte or garbage is refused, and
// the code stays unused for the honest retry.
func TestEnrollBoundsWhatItKeeps(t *testing.T) {
	f := setup(t)
	_, code, err := f.store.AddShowroom(ctx, "GZ01", "广州展厅", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []protocol.EnrollRequest{
		{Code: code, RequestID: strings.Repeat("r", 1000)},
		{Code: code, RequestID: "r\u00e9"},
		{Code: code, PublicKey: strings.Repeat("A", 60000)},
		{Code: code, PublicKey: "not base64"},
	} {
		bad.Version = protocol.Version
		if _, err := f.store.Enroll(ctx, bad.Code, bad.PublicKey, bad.RequestID); kaohe.ErrorCode(err) != kaohe.EINVALID {
			t.Errorf("%.40v: %v; want invalid", bad, err)
		}
	}
	if _, err := f.store.Enroll(ctx, code, "", "r-1"); err != nil {
		t.Errorf("the honest enrollment after: %v", err)
	}
}

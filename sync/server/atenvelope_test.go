package server

import (
	"fmt"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestDishonestAt: a change's "at" (when it was made, shown to people in
// HQ's audit and sent to every HQ replica) is text HQ stores as sent: one
// with a NUL, another control character, a bidirectional override or
// invalid UTF-8 is refused (the push whole, or the change) and nothing
// stored; an honest one is kept
// byte for byte.
func TestDishonestAt(t *testing.T) {
	w := newWorld(t)
	before := w.stored()
	// As JSON on the wire; the last with a byte no UTF-8 has.
	for _, at := range []string{`"2026-12-01T09:00:00Z\u0000"`, `"2026-12-01T09:00:00Z\u001b[2J"`, `"\u202e2026-12-01T09:00:00Z"`, `"\u202E2026"`, "\"2026-12-01T09:00:00Z\xff\""} {
		c := w.change(kaohe.EntActual, kaohe.Actual{ID: "at1", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 6, Value: 1})
		body := fmt.Sprintf(`{"version":1,"changes":[{"id":%q,"entity":%q,"row_id":%q,"op":"upsert","payload":%s,"at":%s}]}`,
			c.ID, c.Entity, c.RowID, c.Payload, at)
		status, _, raw := w.post(protocol.PathPush, w.tokenA, []byte(body), true, v1)
		if status == 200 { // refused whole (400), or this change
			if res := w.results(raw); len(res) != 1 || res[0].Status != protocol.Refused {
				t.Errorf("at %s: %s", at, raw)
			}
		} else if status != 400 {
			t.Errorf("at %s: %d %s", at, status, raw)
		}
	}
	if w.stored() != before {
		t.Error("a refused at changed what HQ stores")
	}
	c := w.change(kaohe.EntActual, kaohe.Actual{ID: "at2", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 7, Value: 1})
	c.At = "2026-12-01T09:00:00.123456789+08:00"
	w.mustApply(w.tokenA, []protocol.Change{c})
	var got string
	w.query(`SELECT at FROM changes WHERE change_id = '`+c.ID+`'`, &got)
	if got != c.At {
		t.Errorf("stored at %q, want %q", got, c.At)
	}
}

package server

import (
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestKeyVariantsAtHQ: a dishonest showroom tries to get a second row of a
// natural key past HQ by spelling the key differently — an employee number
// in another case, with spaces around it, in full-width digits or with a
// no-break space; a metric in capitals or padded; a period's id in lower
// case; a year as text or 2026.0 — each is refused with the domain's code
// and nothing of it stored. Another showroom may use the same employee
// number (numbers are per showroom). A manager entered by mistake, deleted,
// frees her number for a new one, and the deleted row stays deleted.
func TestKeyVariantsAtHQ(t *testing.T) {
	w := newWorld(t)
	A, B := w.tokenA, w.tokenB
	refused := func(token string, c protocol.Change, code, key string) {
		t.Helper()
		status, res, raw := w.send(token, []protocol.Change{c})
		if status != 200 || len(res) != 1 {
			t.Fatalf("push: %d %s", status, raw)
		}
		if r := res[0]; r.Status != protocol.Refused || r.Code != code || !strings.Contains(r.Message, key) {
			t.Errorf("%s %.60s: %s %s %s; want refused %s %s", c.Entity, c.Payload, r.Status, r.Code, r.Message, code, key)
		}
	}
	before := w.stored()
	m := w.mA1
	for i, no := range []string{"a001", "A001 ", " A001", "Ａ001", "A００1", "A001\u00a0", "A001\u3000", "A001\n"} {
		m.ID, m.EmployeeNo = "mv"+string(rune('a'+i)), no
		switch no {
		case "a001":
			refused(A, w.change(kaohe.EntManager, m), kaohe.ECONFLICT, "err.duplicate_employee_no")
		case "A001\n": // a control character: refused by the strict decoding
			refused(A, w.change(kaohe.EntManager, m), kaohe.EINVALID, "")
		default:
			refused(A, w.change(kaohe.EntManager, m), kaohe.EINVALID, "err.bad_employee_no")
		}
	}
	tg := kaohe.Target{ID: "tgv", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Annual: 1200, Months: mustSplit(1200)}
	for i, metric := range []string{strings.ToUpper(kaohe.MetricSales), " " + kaohe.MetricSales, kaohe.MetricSales + " ", kaohe.MetricSales + "\u200b"} {
		v := tg
		v.ID, v.Metric = "tgv"+string(rune('a'+i)), metric
		refused(A, w.change(kaohe.EntTarget, v), kaohe.EINVALID, "")
	}
	for i, year := range []string{`"2026"`, `2026.0`, `2.026e3`} {
		c := w.raw(kaohe.EntTarget, "tgy"+string(rune('a'+i)), mutate(tg, map[string]any{"id": "tgy" + string(rune('a'+i))}))
		c.Payload = []byte(strings.Replace(string(c.Payload), `"year":2026`, `"year":`+year, 1))
		refused(A, c, kaohe.EINVALID, "")
	}
	lower := w.draftA
	lower.ID, lower.PeriodID = "draftLower", strings.ToLower(w.draftA.PeriodID)
	refused(A, w.change(kaohe.EntAssessment, lower), kaohe.EAWAIT, "err.period_unpublished") // no period HQ publishes
	if after := w.stored(); after != before {
		t.Errorf("refused variants changed HQ:\n%s\nwant\n%s", after, before)
	}

	// Numbers are per showroom: B may have an A001 and an a001 of its own
	// (its second one refused).
	mb := w.mB1
	mb.ID, mb.EmployeeNo = "mB-A001", "A001"
	w.mustApply(B, []protocol.Change{w.change(kaohe.EntManager, mb)})
	mb.ID, mb.EmployeeNo = "mB-a001", "a001"
	refused(B, w.change(kaohe.EntManager, mb), kaohe.ECONFLICT, "err.duplicate_employee_no")

	// A manager entered by mistake, deleted, frees her employee number
	// for a new hire; the deleted one may not come back. (A draft cannot
	// be deleted: the app never deletes one, err.not_deletable.)
	oops := kaohe.Manager{ID: "mOops", ShowroomID: w.idA, EmployeeNo: "A050", Name: "误录", Education: kaohe.EduCollege,
		HireDate: kaohe.D(2026, 11, 1), Status: kaohe.StatusActive}
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntManager, oops)})
	del := w.change(kaohe.EntManager, oops)
	del.Op = "delete"
	w.mustApply(A, []protocol.Change{del})
	again := oops
	again.ID, again.Name = "mAgain", "重新录入"
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntManager, again)})
	back := oops
	back.Name = "复活"
	refused(A, w.change(kaohe.EntManager, back), kaohe.ECONFLICT, "err.read_only")
	delDraft := w.change(kaohe.EntAssessment, w.draftA)
	delDraft.Op = "delete"
	refused(A, delDraft, kaohe.EUNAUTHORIZED, "err.not_deletable")
	var live string
	w.query(`SELECT group_concat(row_id || ':' || deleted, ' ') FROM (SELECT * FROM rows WHERE entity = 'manager' AND row_id IN ('mOops', 'mAgain') ORDER BY row_id)`, &live)
	if live != "mAgain:0 mOops:1" {
		t.Errorf("HQ holds %s; want mOops deleted and mAgain live", live)
	}
	var name string
	w.query(`SELECT json_extract(payload, '$.name') FROM rows WHERE entity = 'manager' AND row_id = 'mOops'`, &name)
	if name == back.Name {
		t.Error("the deleted manager came back")
	}
	w.query(`SELECT count(*) || ':' || min(deleted) FROM rows WHERE entity = 'assessment' AND row_id = 'draftA'`, &live)
	if live != "1:0" {
		t.Errorf("the draft after its refused delete: %s; want live", live)
	}
}

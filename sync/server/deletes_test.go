package server

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestDishonestDeletes: the app deletes only a manager entered by mistake
// (and HQ mode retires a period or a review-group member); every other
// kind is corrected, never deleted. A showroom sending the delete of any
// other row of its own — a training, an attendance, a target, a figure, a
// reward, a survey, an account, an assessment, an application, a level
// assignment, a stage, a certificate print — is refused each with
// err.not_deletable, the rest of its batch applying (a manager entered by
// mistake deleted beside them), and HQ holds afterwards what it held:
// every row live, the change log one entry longer, the same statistics.
func TestDishonestDeletes(t *testing.T) {
	w := newWorld(t)
	A := w.tokenA
	score := 88.0
	own := map[string]any{
		kaohe.EntTraining:   w.tA,
		kaohe.EntAttendance: kaohe.Attendance{ID: "atX", TrainingID: "tA", ManagerID: "mA1", Result: kaohe.AttendPassed, Score: &score},
		kaohe.EntTarget:     kaohe.Target{ID: "tgX", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Annual: 1200, Months: mustSplit(1200)},
		kaohe.EntActual:     kaohe.Actual{ID: "acX", ManagerID: "mA1", Metric: kaohe.MetricSales, Year: 2026, Month: 3, Value: 90},
		kaohe.EntReward: kaohe.RewardPenalty{ID: "rwX", ShowroomID: w.idA, ManagerID: "mA1", Type: kaohe.RewardPraise,
			Reason: "客户书面表扬", Date: kaohe.D(2026, 11, 2), DecidedBy: "展厅经理"},
		kaohe.EntResearch: kaohe.MarketResearch{ID: "mrX", ShowroomID: w.idA, ManagerID: "mA1", Kind: kaohe.ResearchCompetitor,
			Date: kaohe.D(2026, 11, 3), Subject: "欧派橱柜", Details: "小区驻点宣传"},
		kaohe.EntCertificatePrint: kaohe.CertificatePrint{ID: "cpX", CertID: w.certA.ID, PrintedBy: "展厅经理", At: "2026-12-01T09:00:00Z"},
		kaohe.EntAccount:          w.accA,
		kaohe.EntAssessment:       w.draftA,
		kaohe.EntApplication:      w.appA,
		kaohe.EntLevelAssignment: kaohe.LevelChange{ID: "lc-mA1", ManagerID: "mA1", To: kaohe.Level1, Date: w.mA1.HireDate,
			Reason: "入职定级", DecidedBy: "展厅经理"},
		kaohe.EntApplicationEvent: kaohe.Decision{ID: "sub-appA", AppID: "appA", Stage: kaohe.StageSubmit, Pass: true,
			Date: kaohe.D(2026, 5, 1), DecidedBy: []string{"展厅经理"}},
	}
	var fresh []protocol.Change
	for _, e := range []string{kaohe.EntAttendance, kaohe.EntTarget, kaohe.EntActual, kaohe.EntReward, kaohe.EntResearch, kaohe.EntCertificatePrint} {
		fresh = append(fresh, w.change(e, own[e]))
	}
	w.mustApply(A, fresh)
	// Every kind a showroom writes that the registry says it never deletes
	// is attacked here: a kind added to the registry is added here too.
	for _, e := range kaohe.Entities() {
		_, attacked := own[e.Name]
		if e.Writer == kaohe.ByShowroom && (e.CheckDeletable() != nil) != attacked {
			t.Errorf("%s: deletable %v, attacked here %v", e.Name, e.CheckDeletable() == nil, attacked)
		}
	}
	// A hire entered by mistake: hers is the one delete the app sends.
	mistake := kaohe.Manager{ID: "mOops", ShowroomID: w.idA, EmployeeNo: "A077", Name: "误录", Education: kaohe.EduCollege,
		HireDate: kaohe.D(2026, 11, 1), Status: kaohe.StatusActive}
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntManager, mistake)})

	before, statsBefore := w.rowsBut("manager", "mOops"), w.stats()
	var changesBefore int
	w.query(`SELECT count(*) FROM changes`, &changesBefore)
	var batch []protocol.Change
	var want []string
	for name, v := range own {
		del := w.change(name, v)
		del.Op = "delete"
		batch = append(batch, del)
		want = append(want, "err.not_deletable")
	}
	del := w.change(kaohe.EntManager, mistake)
	del.Op = "delete"
	batch = append(batch, del)
	want = append(want, protocol.Applied)
	status, res, raw := w.send(A, batch)
	if status != 200 || len(res) != len(batch) {
		t.Fatalf("push: %d %s", status, raw)
	}
	for i, r := range res {
		if want[i] == protocol.Applied && r.Status != protocol.Applied ||
			want[i] != protocol.Applied && (r.Status != protocol.Refused || r.Code != kaohe.EUNAUTHORIZED || !strings.Contains(r.Message, want[i])) {
			t.Errorf("delete of %s %s: %s %s %s; want %s", batch[i].Entity, batch[i].RowID, r.Status, r.Code, r.Message, want[i])
		}
	}

	var changesAfter, live int
	w.query(`SELECT count(*) FROM changes`, &changesAfter)
	if changesAfter != changesBefore+1 {
		t.Errorf("the change log grew by %d; want 1 (the manager entered by mistake)", changesAfter-changesBefore)
	}
	w.query(`SELECT count(*) FROM rows WHERE deleted = 1 AND NOT (entity = 'manager' AND row_id = 'mOops')`, &live)
	if live != 0 {
		t.Errorf("%d rows deleted at HQ besides the manager entered by mistake", live)
	}
	w.query(`SELECT count(*) FROM rows WHERE entity = 'manager' AND row_id = 'mOops' AND deleted = 1`, &live)
	if live != 1 {
		t.Error("the manager entered by mistake was not deleted")
	}
	// What HQ holds is what it held, less the one manager.
	statsBefore[w.codeA()]["managers"]--
	if got := w.stats(); !reflect.DeepEqual(got, statsBefore) {
		t.Errorf("kaohe-hq stats after the refused deletes:\n%v\nwant\n%v", got, statsBefore)
	}
	if after := w.rowsBut("manager", "mOops"); after != before {
		t.Errorf("refused deletes changed HQ's rows:\n%s\nwant\n%s", after, before)
	}
}

// rowsBut is every row HQ holds but one, as stored.
func (w *world) rowsBut(entity, id string) string {
	w.t.Helper()
	var rows string
	w.query(fmt.Sprintf(`SELECT coalesce(group_concat(entity || '/' || row_id || '/' || deleted || '/' || version || '/' || payload, char(10)), '')
		FROM (SELECT * FROM rows WHERE NOT (entity = '%s' AND row_id = '%s') ORDER BY entity, row_id)`, entity, id), &rows)
	return rows
}

// stats is what kaohe-hq stats prints: HQ's live rows per showroom and table.
func (w *world) stats() map[string]map[string]int {
	w.t.Helper()
	s, err := w.store.Stats(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// codeA is showroom A's code, as stats names it.
func (w *world) codeA() string {
	var code string
	w.query(fmt.Sprintf(`SELECT code FROM showrooms WHERE id = '%s'`, w.idA), &code)
	return code
}

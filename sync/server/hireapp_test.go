package server

import (
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestHireLevelNamesNoApplication: a showroom's first level for a new hire
// that names an application — its own submitted one, another showroom's,
// or a megabyte of id — would pass for a grant HQ never made (and the id,
// outside any bound, would be kept and sent to every replica): refused
// with err.level_change_hq_only, nothing of it stored; the same level
// naming none is applied.
func TestHireLevelNamesNoApplication(t *testing.T) {
	w := newWorld(t)
	m := kaohe.Manager{ID: "mA5", ShowroomID: w.idA, EmployeeNo: "A005", Name: "吴桐", Education: kaohe.EduCollege,
		HireDate: kaohe.D(2026, 5, 1), Status: kaohe.StatusActive}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, m)})
	lc := kaohe.LevelChange{ID: "lc-mA5", ManagerID: "mA5", To: kaohe.Level1, Date: m.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"}
	before := w.stored()
	for _, app := range []string{w.appA.ID, "appB-none", strings.Repeat("x", 1<<20)} {
		v := lc
		v.AppID = app
		w.expectCode(w.tokenA, w.change(kaohe.EntLevelAssignment, v), "err.level_change_hq_only")
	}
	if after := w.stored(); after != before {
		t.Error("a refused first level changed what HQ holds")
	}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntLevelAssignment, lc)})
	var app string
	w.query(`SELECT coalesce(json_extract(payload, '$.application_id'), '?') FROM rows WHERE entity = 'level_assignment' AND row_id = 'lc-mA5' AND deleted = 0`, &app)
	if app != "" {
		t.Errorf("the stored first level names application %.20q", app)
	}
}

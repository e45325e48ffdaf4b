package server

import (
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/sync/protocol"
)

// TestDishonestSecondRowOfAKey: a showroom sends, under fresh change and
// row ids, a second target for a manager, metric and year, a second
// attendance of a manager at a training and a second assessment of a
// manager for a period (as its own store never would): each is refused
// with the domain's refusal, per change, the honest changes around them
// applied, and HQ holds one row per key. Inside one batch too, and by
// moving a row onto a key another holds.
func TestDishonestSecondRowOfAKey(t *testing.T) {
	w := newWorld(t)
	A := w.tokenA
	tg := func(id string, year int) kaohe.Target {
		return kaohe.Target{ID: id, ManagerID: "mA1", Metric: kaohe.MetricSales, Year: year, Annual: 1200, Months: mustSplit(1200)}
	}
	at := func(id, training string) kaohe.Attendance {
		return kaohe.Attendance{ID: id, TrainingID: training, ManagerID: "mA1", Result: kaohe.AttendPassed}
	}
	as2 := w.draftA // draftA holds mA1's 2026-H1
	as2.ID, as2.Comment = "draftA2", "第二份"
	w.mustApply(A, []protocol.Change{w.change(kaohe.EntTarget, tg("tg1", 2026)), w.change(kaohe.EntAttendance, at("at1", "tA"))})
	tA2 := w.tA
	tA2.ID = "tA2"
	honestTg := tg("tg-2025", 2025)
	w.expectFor(A, []protocol.Change{
		w.change(kaohe.EntTarget, tg("tg2", 2026)),
		w.change(kaohe.EntTraining, tA2),
		w.change(kaohe.EntAttendance, at("at2", "tA")),
		w.change(kaohe.EntAttendance, at("at3", "tA2")), // another training: its own key
		w.change(kaohe.EntAssessment, as2),
		w.change(kaohe.EntTarget, honestTg),
		// Within the batch: the key honestTg took a moment ago.
		w.change(kaohe.EntTarget, tg("tg3", 2025)),
	}, protocol.Applied+":no", "err.duplicate_target", protocol.Applied, "err.duplicate_attendance", protocol.Applied,
		"err.duplicate_assessment", protocol.Applied, "err.duplicate_target")
	// A row moved onto another's key: refused; the row keeps its own.
	moved := honestTg
	moved.Year = 2026
	movedAt := at("at3", "tA")
	w.expectFor(A, []protocol.Change{w.change(kaohe.EntTarget, moved), w.change(kaohe.EntAttendance, movedAt)},
		protocol.Applied+":no", "err.duplicate_target", "err.duplicate_attendance")

	var got string
	w.query(`SELECT group_concat(entity || ':' || row_id, ' ') FROM (SELECT * FROM rows
		WHERE entity IN ('target', 'attendance', 'assessment') AND deleted = 0 ORDER BY entity, row_id)`, &got)
	if want := "assessment:asA assessment:draftA attendance:at1 attendance:at3 target:tg-2025 target:tg1"; got != want {
		t.Errorf("HQ holds %s\nwant      %s", got, want)
	}
	var dups int
	w.query(`SELECT count(*) FROM (SELECT natural_key FROM rows WHERE natural_key <> '' AND deleted = 0 GROUP BY natural_key HAVING count(*) > 1)`, &dups)
	if dups != 0 {
		t.Errorf("%d natural keys held twice", dups)
	}
	var year, training string
	w.query(`SELECT json_extract(payload, '$.year') FROM rows WHERE entity = 'target' AND row_id = 'tg-2025'`, &year)
	w.query(`SELECT json_extract(payload, '$.training_id') FROM rows WHERE entity = 'attendance' AND row_id = 'at3'`, &training)
	if year != "2025" || training != "tA2" {
		t.Errorf("the refused moves changed the rows: year %s, training %s", year, training)
	}
}

// expectFor pushes a batch with token and checks each answer (the first
// want is a tag, ignored): "applied", or the key of a conflict refusal.
func (w *world) expectFor(token string, changes []protocol.Change, want ...string) {
	w.t.Helper()
	status, res, raw := w.send(token, changes)
	if status != 200 || len(res) != len(changes) {
		w.t.Fatalf("push: %d %s", status, raw)
	}
	want = want[1:]
	for i, r := range res {
		switch {
		case want[i] == protocol.Applied && r.Status != protocol.Applied:
			w.t.Errorf("change %d (%s %s): %s %s; want applied", i, changes[i].Entity, changes[i].RowID, r.Status, r.Message)
		case want[i] != protocol.Applied && (r.Status != protocol.Refused || r.Code != kaohe.ECONFLICT || !strings.Contains(r.Message, want[i])):
			w.t.Errorf("change %d (%s %s): %s %s %s; want refused %s", i, changes[i].Entity, changes[i].RowID, r.Status, r.Code, r.Message, want[i])
		}
	}
}

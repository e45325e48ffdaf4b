package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/protocol"
)

// legacyWorld is a real server over a copy of a database the HQ of schema 4
// wrote (internal/store/hq/testdata/hq-schema4.sqlite: see hq's
// schema4Fixture), migrated by opening it: showroom SH01 holds m1 "D001"
// and m2 "d001" both live, m3 "E001" with two targets for sales 2026 (tg1,
// tg2), two attendances at training t1 (at1, at2) and two draft
// assessments for 2026-H1 (as1, as2), all stored before HQ kept those keys.
func legacyWorld(t *testing.T) *world {
	t.Helper()
	const file = "../../internal/store/hq/testdata/hq-schema4.sqlite"
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hq.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var info struct {
		Token      string `json:"token"`
		ShowroomID string `json:"showroom_id"`
	}
	if b, err = os.ReadFile(file + ".json"); err != nil || json.Unmarshal(b, &info) != nil {
		t.Fatalf("fixture's token: %v", err)
	}
	s, err := hq.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{fixture: &fixture{t: t, store: s, tokenA: info.Token, idA: info.ShowroomID}, path: path,
		today: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return w.today }
	w.srv = newTestServer(s)
	t.Cleanup(func() { w.srv.Close(); s.Close() })
	return w
}

func (w *world) payloadOf(entity, id string, v any) {
	w.t.Helper()
	var p string
	w.query(`SELECT payload FROM rows WHERE entity = '`+entity+`' AND row_id = '`+id+`'`, &p)
	if err := json.Unmarshal([]byte(p), v); err != nil {
		w.t.Fatal(err)
	}
}

// expect pushes a batch as showroom SH01 and checks each answer: "applied",
// or the key of the refusal.
func (w *world) expect(changes []protocol.Change, want ...string) {
	w.t.Helper()
	status, res, raw := w.send(w.tokenA, changes)
	if status != 200 || len(res) != len(changes) {
		w.t.Fatalf("push: %d %s", status, raw)
	}
	for i, r := range res {
		switch {
		case want[i] == protocol.Applied && r.Status != protocol.Applied:
			w.t.Errorf("change %d (%s %s): %s %s; want applied", i, changes[i].Entity, changes[i].RowID, r.Status, r.Message)
		case want[i] != protocol.Applied && (r.Status != protocol.Refused || r.Code != kaohe.ECONFLICT || !strings.Contains(r.Message, want[i])):
			w.t.Errorf("change %d (%s %s): %s %s %s; want refused %s", i, changes[i].Entity, changes[i].RowID, r.Status, r.Code, r.Message, want[i])
		}
	}
}

// TestLegacyEmployeeNumberTwinsAtHQ: after migration 5 made D001 and d001
// one number, the two managers a showroom already held under them are both
// kept, and every later change to either that keeps its number is accepted
// (marked left, a phone, a new target); a third manager with the number is
// refused, renumbering one works, and its new number is then its own.
func TestLegacyEmployeeNumberTwinsAtHQ(t *testing.T) {
	w := legacyWorld(t)
	var m1, m2 kaohe.Manager
	w.payloadOf(kaohe.EntManager, "m1", &m1)
	w.payloadOf(kaohe.EntManager, "m2", &m2)
	if m1.EmployeeNo != "D001" || m2.EmployeeNo != "d001" {
		t.Fatalf("fixture holds %q and %q", m1.EmployeeNo, m2.EmployeeNo)
	}
	left := m1
	left.Status, left.LeftOn = kaohe.StatusLeft, kaohe.D(2026, 11, 30)
	phone := m2
	phone.Phone = "13800000000"
	third := m2
	third.ID, third.EmployeeNo = "m4", "D001"
	target := kaohe.Target{ID: "tg-m2", ManagerID: "m2", Metric: kaohe.MetricSales, Year: 2026, Annual: 1200}
	target.Months, _ = kaohe.SplitAnnual(1200, nil)
	w.expect([]protocol.Change{w.change(kaohe.EntManager, left), w.change(kaohe.EntManager, third),
		w.change(kaohe.EntManager, phone), w.change(kaohe.EntTarget, target)},
		protocol.Applied, "err.duplicate_employee_no", protocol.Applied, protocol.Applied)

	renum := phone
	renum.EmployeeNo = "D002"
	back := left
	back.EmployeeNo = "d002"
	fourth := third
	fourth.ID, fourth.EmployeeNo = "m5", "d001"
	w.expect([]protocol.Change{w.change(kaohe.EntManager, renum), w.change(kaohe.EntManager, back), w.change(kaohe.EntManager, fourth)},
		protocol.Applied, "err.duplicate_employee_no", "err.duplicate_employee_no")
	// The pair is no more: m1 keeps D001 alone, and may still change.
	left.Note = "离职交接完成"
	w.expect([]protocol.Change{w.change(kaohe.EntManager, left)}, protocol.Applied)

	var got string
	w.query(`SELECT group_concat(row_id || ':' || json_extract(payload, '$.employee_no') || ':' || json_extract(payload, '$.status'), ' ')
		FROM (SELECT * FROM rows WHERE entity = 'manager' AND deleted = 0 ORDER BY row_id)`, &got)
	if got != "m1:D001:left m2:D002:active m3:E001:active" {
		t.Errorf("HQ holds managers %s", got)
	}
	var keys string
	w.query(`SELECT group_concat(natural_key, ' ') FROM (SELECT * FROM rows WHERE entity = 'manager' ORDER BY row_id)`, &keys)
	if want := fmt.Sprintf("manager\x00%[1]s\x00d001 manager\x00%[1]s\x00d002 manager\x00%[1]s\x00e001", w.idA); keys != want {
		t.Errorf("keys %q; want %q", keys, want)
	}
	var n int
	w.query(`SELECT count(*) FROM rows WHERE entity = 'target' AND row_id = 'tg-m2' AND deleted = 0`, &n)
	if n != 1 {
		t.Errorf("d001's new target: %d rows", n)
	}
}

// TestLegacyDuplicatesAtHQ: targets, attendances and assessments that
// share a natural key, stored before HQ kept their keys, are all kept by
// migration 6 and stay editable; a new row with such a key is refused with
// the domain's refusal, per change, the rest of the batch applying; a
// deleted twin frees nothing the other holds.
func TestLegacyDuplicatesAtHQ(t *testing.T) {
	w := legacyWorld(t)
	var tg1, tg2 kaohe.Target
	var at1 kaohe.Attendance
	var as1, as2 kaohe.Assessment
	w.payloadOf(kaohe.EntTarget, "tg1", &tg1)
	w.payloadOf(kaohe.EntTarget, "tg2", &tg2)
	w.payloadOf(kaohe.EntAttendance, "at1", &at1)
	w.payloadOf(kaohe.EntAssessment, "as1", &as1)
	w.payloadOf(kaohe.EntAssessment, "as2", &as2)
	// The legacy drafts name their assessor without a number, which HQ now
	// refuses (kaohe.CheckShowroomAssessor): edited, they name the
	// showroom's manager, at level 3 by HQ's 定级.
	boss := kaohe.Manager{ID: "m9", ShowroomID: w.idA, EmployeeNo: "E900", Name: "赵敏", Education: kaohe.EduCollege,
		HireDate: kaohe.D(2020, 3, 1), Status: kaohe.StatusActive}
	w.mustApply(w.tokenA, []protocol.Change{w.change(kaohe.EntManager, boss), w.change(kaohe.EntLevelAssignment,
		kaohe.LevelChange{ID: "lc-m9", ManagerID: "m9", To: kaohe.Level1, Date: boss.HireDate, Reason: "入职定级", DecidedBy: "展厅经理"})})
	if _, err := w.store.RecordLevels(ctx, []kaohe.LevelChange{
		{ID: "lc-m9-2", ManagerID: "m9", From: kaohe.Level1, To: kaohe.Level2, Date: kaohe.D(2021, 1, 4), Reason: "总部定级", DecidedBy: "评审小组"},
		{ID: "lc-m9-3", ManagerID: "m9", From: kaohe.Level2, To: kaohe.Level3, Date: kaohe.D(2022, 1, 4), Reason: "总部定级", DecidedBy: "评审小组"},
	}); err != nil {
		t.Fatal(err)
	}
	as1.Assessor = "赵敏（E900）"
	tg1.Annual, tg1.Months = 3600, mustSplit(3600)
	tg2.Annual, tg2.Months = 4800, mustSplit(4800)
	tg3 := tg1
	tg3.ID = "tg3"
	at1.Result = kaohe.AttendFailed
	at3 := at1
	at3.ID = "at3"
	as1.Comment = "改过的草稿"
	as3 := as1
	as3.ID = "as3"
	honest := kaohe.Actual{ID: "ac1", ManagerID: "m3", Metric: kaohe.MetricSales, Year: 2026, Month: 3, Value: 100}
	w.expect([]protocol.Change{
		w.change(kaohe.EntTarget, tg1), w.change(kaohe.EntTarget, tg3), w.change(kaohe.EntTarget, tg2),
		w.change(kaohe.EntAttendance, at3), w.change(kaohe.EntAttendance, at1),
		w.change(kaohe.EntAssessment, as3), w.change(kaohe.EntActual, honest), w.change(kaohe.EntAssessment, as1),
	}, protocol.Applied, "err.duplicate_target", protocol.Applied,
		"err.duplicate_attendance", protocol.Applied,
		"err.duplicate_assessment", protocol.Applied, protocol.Applied)

	// Moving a row onto a key held twice is refused; moving one twin away
	// (to another year: a target is corrected, never deleted) leaves the
	// other holding it, so a new row is still refused.
	other := tg1
	other.ID, other.Year = "tg4", 2025
	w.expect([]protocol.Change{w.change(kaohe.EntTarget, other)}, protocol.Applied)
	other.Year = 2026
	away := tg2
	away.Year = 2024
	w.expect([]protocol.Change{w.change(kaohe.EntTarget, other), w.change(kaohe.EntTarget, away), w.change(kaohe.EntTarget, tg3), w.change(kaohe.EntTarget, tg1)},
		"err.duplicate_target", protocol.Applied, "err.duplicate_target", protocol.Applied)

	var got string
	w.query(`SELECT group_concat(entity || ':' || row_id || ':' || deleted, ' ') FROM (SELECT * FROM rows
		WHERE entity IN ('target', 'attendance', 'assessment') ORDER BY entity, row_id)`, &got)
	if want := "assessment:as1:0 assessment:as2:0 attendance:at1:0 attendance:at2:0 target:tg1:0 target:tg2:0 target:tg4:0"; got != want {
		t.Errorf("HQ holds %s\nwant      %s", got, want)
	}
	var annual int64
	w.query(`SELECT json_extract(payload, '$.annual') FROM rows WHERE entity = 'target' AND row_id = 'tg1'`, &annual)
	var comment string
	w.query(`SELECT json_extract(payload, '$.comment') FROM rows WHERE entity = 'assessment' AND row_id = 'as1'`, &comment)
	if annual != 3600 || comment != "改过的草稿" {
		t.Errorf("edits of the kept twins: annual %d, comment %q", annual, comment)
	}
}

func mustSplit(annual int64) kaohe.Months {
	m, err := kaohe.SplitAnnual(annual, nil)
	if err != nil {
		panic(err)
	}
	return m
}

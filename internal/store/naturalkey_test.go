package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/queryplan"
)

// TestUniqueIndexesAreTheRegistrysKeys: the desktop keeps at most one live
// row per natural key of the registry (kaohe.Entity.KeyFields), by a unique
// index over exactly those columns (after showroom_id for a per-showroom
// key) of the live rows, so the app never holds, and never sends, what HQ
// refuses as a second row.
func TestUniqueIndexesAreTheRegistrysKeys(t *testing.T) {
	s := newStore(t)
	type index struct {
		table, name, where string
		cols               []string
	}
	rows, err := s.r.QueryContext(ctx, `SELECT m.tbl_name, m.name, coalesce(m.sql, ''), group_concat(i.name, ',')
		FROM sqlite_master m, pragma_index_list(m.tbl_name) l, pragma_index_info(m.name) i
		WHERE m.type = 'index' AND l.name = m.name AND l."unique" = 1 GROUP BY m.name ORDER BY m.name`)
	if err != nil {
		t.Fatal(err)
	}
	var indexes []index
	for rows.Next() {
		var ix index
		var cols string
		if err := rows.Scan(&ix.table, &ix.name, &ix.where, &cols); err != nil {
			t.Fatal(err)
		}
		ix.cols = strings.Split(cols, ",")
		indexes = append(indexes, ix)
	}
	rows.Close()
	keyed := 0
	for _, e := range kaohe.Entities() {
		fields := e.KeyFields()
		if fields == nil {
			continue
		}
		keyed++
		want := fields
		if e.KeyPerShowroom() {
			want = append([]string{"showroom_id"}, fields...)
		}
		if !slices.ContainsFunc(indexes, func(ix index) bool {
			// A twin (a second row HQ holds under the key, stored by an
			// older HQ) is told apart by the column after the key.
			return ix.table == e.Table && (slices.Equal(ix.cols, want) || slices.Equal(ix.cols, append(want[:len(want):len(want)], "twin"))) &&
				strings.Contains(ix.where, "WHERE deleted_at IS NULL")
		}) {
			t.Errorf("%s: no unique index on %s(%s) of the live rows; have %v", e.Name, e.Table, strings.Join(want, ", "), indexes)
		}
	}
	if keyed < 7 {
		t.Errorf("only %d kinds have a natural key", keyed)
	}
}

// TestSecondEntryOfAKeyIsTheFirstRow: entering a target, an attendance or
// a draft assessment again for the same key changes the one row (one id,
// every change of it under that id), so the showroom never sends HQ a
// second row for a key.
func TestSecondEntryOfAKeyIsTheFirstRow(t *testing.T) {
	s := newStore(t)
	by := showroomManager(t, s)
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	for i := range 2 {
		err := s.Update(ctx, "test", func(tx *Tx) error {
			if _, err := tx.SetTarget(m.ID, kaohe.MetricSales, 2026, int64(1200*(i+1)), nil); err != nil {
				return err
			}
			tr, err := tx.SaveTraining(kaohe.Training{ID: "tr1", Title: "厨柜基础知识", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2026, 3, 3), Hours: 4})
			if err != nil {
				return err
			}
			res := []kaohe.AttendanceResult{kaohe.AttendPassed, kaohe.AttendFailed}[i]
			if _, err := tx.RecordAttendance(kaohe.Attendance{TrainingID: tr.ID, ManagerID: m.ID, Result: res}); err != nil {
				return err
			}
			_, err = tx.SaveAssessment(kaohe.Assessment{ManagerID: m.ID, PeriodID: "2026-H1", Scores: kaohe.Scores{"plan": float64(80 + i)}, Assessor: by}, false)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []string{kaohe.EntTarget, kaohe.EntAttendance, kaohe.EntAssessment} {
		ent, _ := kaohe.EntityOf(e)
		if n := count(t, s, `SELECT count(*) FROM `+ent.Table+` WHERE deleted_at IS NULL`); n != 1 {
			t.Errorf("%s: %d live rows; want 1", e, n)
		}
		if n := count(t, s, `SELECT count(DISTINCT row_id) FROM outbox WHERE entity = ?`, e); n != 1 {
			t.Errorf("%s: the outbox sends %d rows; want 1", e, n)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = ?`, e); n != 2 {
			t.Errorf("%s: %d changes queued; want 2", e, n)
		}
	}
}

// TestLegacyEmployeeNumberTwins: D001 and d001, both saved before numbers
// were compared whatever their case, stay editable (marked left, a phone
// changed) as long as the number is kept; a third manager numbered so is
// still refused, and so is giving one of them the other's number after a
// renumbering.
func TestLegacyEmployeeNumberTwins(t *testing.T) {
	s := newStore(t)
	m1 := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	m2 := addManager(t, s, "D009", "李喆", kaohe.Level1, kaohe.EduBachelor)
	// As an older app stored it.
	if _, err := s.w.ExecContext(ctx, `UPDATE managers SET employee_no = 'd001' WHERE id = ?`, m2.ID); err != nil {
		t.Fatal(err)
	}
	m2.EmployeeNo = "d001"
	update := func(m kaohe.Manager) error {
		return s.Update(ctx, "test", func(tx *Tx) error { _, err := tx.UpdateManager(m); return err })
	}
	left := m1
	left.Status, left.LeftOn = kaohe.StatusLeft, kaohe.D(2026, 11, 20)
	if err := update(left); err != nil {
		t.Errorf("D001 marked left beside d001: %v", err)
	}
	phone := m2
	phone.Phone = "13800000000"
	if err := update(phone); err != nil {
		t.Errorf("d001's phone changed beside D001: %v", err)
	}
	err := s.Update(ctx, "test", func(tx *Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D001", Name: "张玥", Education: kaohe.EduBachelor, HireDate: kaohe.D(2024, 3, 1)}, kaohe.Level1, kaohe.Date{})
		return err
	})
	if kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("a third D001: %v; want a conflict", err)
	}
	renum := phone
	renum.EmployeeNo = "D002"
	if err := update(renum); err != nil {
		t.Errorf("d001 renumbered D002: %v", err)
	}
	back := left
	back.EmployeeNo = "d002"
	if err := update(back); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("D001 renumbered onto D002: %v; want a conflict", err)
	}
	got := fmt.Sprint(count(t, s, `SELECT count(*) FROM managers WHERE lower(employee_no) = 'd001'`),
		count(t, s, `SELECT count(*) FROM managers WHERE employee_no = 'D002' AND phone = '13800000000'`),
		count(t, s, `SELECT count(*) FROM managers WHERE employee_no = 'D001' AND status = 'left'`))
	if got != "1 1 1" {
		t.Errorf("stored D001/D002/left: %s; want 1 1 1", got)
	}
}

// TestLegacyAccountNumberTwins: two accounts A900 and a900 saved before
// numbers were compared whatever their case stay editable (a new name, a
// new password hash) while each keeps its number; a third is refused.
func TestLegacyAccountNumberTwins(t *testing.T) {
	s := newStore(t)
	a1 := saveAccount(t, s, kaohe.Account{Name: "赵敏", EmployeeNo: "A900", Role: kaohe.RoleClerk, PasswordHash: fakeHash})
	a2 := saveAccount(t, s, kaohe.Account{Name: "钱多", EmployeeNo: "A901", Role: kaohe.RoleClerk, PasswordHash: fakeHash})
	if _, err := s.w.ExecContext(ctx, `UPDATE accounts SET employee_no = 'a900' WHERE id = ?`, a2.ID); err != nil {
		t.Fatal(err)
	}
	a2.EmployeeNo = "a900"
	save := func(a kaohe.Account) error {
		return s.Update(ctx, "t", func(tx *Tx) error { _, err := tx.SaveAccount(a); return err })
	}
	a1.Name = "赵敏敏"
	if err := save(a1); err != nil {
		t.Errorf("A900 renamed beside a900: %v", err)
	}
	a2.Disabled = true
	if err := save(a2); err != nil {
		t.Errorf("a900 disabled beside A900: %v", err)
	}
	if err := save(kaohe.Account{Name: "孙", EmployeeNo: "A900", Role: kaohe.RoleClerk, PasswordHash: fakeHash}); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("a third A900: %v; want a conflict", err)
	}
	a2.EmployeeNo = "A902"
	if err := save(a2); err != nil {
		t.Errorf("a900 renumbered: %v", err)
	}
	a1.EmployeeNo = "a902"
	if err := save(a1); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("A900 renumbered onto A902: %v; want a conflict", err)
	}
}

// TestAssessmentKeepsItsManagerAndPeriod: a draft saved again under its id
// but naming another period (or manager) is refused, and nothing is
// queued: the row would stay as it is while HQ was sent it moved.
func TestAssessmentKeepsItsManagerAndPeriod(t *testing.T) {
	s := newStore(t)
	by := showroomManager(t, s)
	m := addManager(t, s, "D001", "王堃", kaohe.Level1, kaohe.EduBachelor)
	other := addManager(t, s, "D002", "李喆", kaohe.Level1, kaohe.EduBachelor)
	var a kaohe.Assessment
	save := func(x kaohe.Assessment) error {
		return s.Update(ctx, "test", func(tx *Tx) error {
			var err error
			a, err = tx.SaveAssessment(x, false)
			return err
		})
	}
	if err := s.Update(ctx, "test", func(tx *Tx) error {
		p, _ := kaohe.StandardPeriod(kaohe.PeriodQuarter, 2026, 1)
		return tx.PutPeriod(p)
	}); err != nil {
		t.Fatal(err)
	}
	if err := save(kaohe.Assessment{ManagerID: m.ID, PeriodID: "2026-H1", Scores: kaohe.Scores{"plan": 80}, Assessor: by}); err != nil {
		t.Fatal(err)
	}
	first := a
	queued := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'assessment'`)
	for _, moved := range []kaohe.Assessment{
		{ID: first.ID, ManagerID: m.ID, PeriodID: "2026-Q1", Scores: kaohe.Scores{"plan": 81}, Assessor: by},
		{ID: first.ID, ManagerID: other.ID, PeriodID: "2026-H1", Scores: kaohe.Scores{"plan": 82}, Assessor: by},
	} {
		err := save(moved)
		var ke *kaohe.Error
		if !errors.As(err, &ke) || ke.Key != "err.assessment_key_fixed" {
			t.Errorf("moved to %s/%s: %v; want err.assessment_key_fixed", moved.ManagerID, moved.PeriodID, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE entity = 'assessment'`); n != queued {
		t.Errorf("%d changes queued after the refusals; want %d", n, queued)
	}
	if n := count(t, s, `SELECT count(*) FROM assessments WHERE id = ? AND manager_id = ? AND period_id = '2026-H1' AND scores LIKE '%80%'`, first.ID, m.ID); n != 1 {
		t.Errorf("the draft changed")
	}
}

// TestKeyHolderQueriesUseTheUniqueIndex: the app finds the row holding a
// natural key (every target, actual and attendance it saves) by the
// table's unique index, never by a scan.
func TestKeyHolderQueriesUseTheUniqueIndex(t *testing.T) {
	s := newStore(t)
	if len(sqlKeyHolder) < 4 {
		t.Errorf("key holder queries for %d kinds", len(sqlKeyHolder))
	}
	for entity, q := range sqlKeyHolder {
		e, _ := kaohe.EntityOf(entity)
		p, err := queryplan.Of(ctx, s.r, q, "x", `{"manager_id":"m","metric":"sales","year":2026,"month":1,"training_id":"t","period_id":"p"}`)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p, "USING INDEX") || strings.Contains(p, "SCAN "+e.Table) {
			t.Errorf("%s: plan %q does not use an index of %s", entity, p, e.Table)
		}
	}
}

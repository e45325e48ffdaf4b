package service

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

var ctx = context.Background()

func open(t *testing.T, seed bool) *Service {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if seed {
		if _, err := demo.Seed(ctx, s, demo.Options{Today: kaohe.D(2026, 11, 27)}); err != nil {
			t.Fatal(err)
		}
	} else if err := s.Update(ctx, "t", func(tx *store.Tx) error {
		_, err := tx.SetShowroom(kaohe.Showroom{Code: "NEW", Name: "新展厅"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	svc := New(s, filepath.Join(dir, "backups"))
	svc.Now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local) }
	return svc
}

// TestExcelRoundTrip exports the demo showroom's roster and actuals and
// imports them into an empty showroom: nothing is lost.
func TestExcelRoundTrip(t *testing.T) {
	src, dst := open(t, true), open(t, false)
	dir := t.TempDir()
	roster, figures := filepath.Join(dir, "roster.xlsx"), filepath.Join(dir, "figures.xlsx")
	if err := src.ExportRoster(ctx, roster); err != nil {
		t.Fatal(err)
	}
	if err := src.ExportFigures(ctx, 2026, figures); err != nil {
		t.Fatal(err)
	}
	if err := src.ExportAssessments(ctx, "2026-H1", filepath.Join(dir, "assess.xlsx")); err != nil {
		t.Fatal(err)
	}
	p, err := dst.PreviewRoster(ctx, roster)
	if err != nil {
		t.Fatal(err)
	}
	// A showroom gives new hires level 1 only; higher levels are HQ's, so
	// those rows are refused in the preview, before anything is saved.
	all, _ := src.ListManagers(ctx, kaohe.ManagerFilter{})
	var want []kaohe.ManagerLevel
	for i, r := range p.Rows {
		if higher := all[i].Level > kaohe.Level1; higher != (kaohe.ErrorCode(r.Err) == kaohe.EUNAUTHORIZED) {
			t.Errorf("row %d (level %d): %v", r.Row, all[i].Level, r.Err)
		} else if !higher {
			want = append(want, all[i])
		}
	}
	if n, err := dst.ConfirmImport(ctx, clerk(t, dst), p.ID); err != nil || n != len(want) {
		t.Fatalf("roster import = %d, %v; want %d", n, err, len(want))
	}
	got, _ := dst.ListManagers(ctx, kaohe.ManagerFilter{})
	if len(got) != len(want) {
		t.Fatalf("%d managers imported of %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.EmployeeNo != g.EmployeeNo || w.Name != g.Name || w.Gender != g.Gender || w.Education != g.Education ||
			w.HireDate != g.HireDate || w.Phone != g.Phone || w.Status != g.Status || w.LeftOn != g.LeftOn || w.Level != g.Level {
			t.Errorf("manager %s differs:\n%+v\n%+v", w.EmployeeNo, w, g)
		}
	}
	p, err = dst.PreviewActuals(ctx, figures)
	if err != nil {
		t.Fatal(err)
	}
	// Two rows (sales, orders) per manager imported; the others' are refused.
	if p.Valid != 2*len(want) || len(p.Rows) != 2*len(all) {
		t.Fatalf("actuals preview: %d of %d valid; want %d", p.Valid, len(p.Rows), 2*len(want))
	}
	if _, err := dst.ConfirmImport(ctx, clerk(t, dst), p.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range want {
		gm, _ := dst.Store.ManagerByNo(ctx, m.EmployeeNo)
		for _, metric := range kaohe.DefaultMetrics() {
			_, wa, _ := src.Figures(ctx, m.ID, metric.Code, 2026)
			_, ga, _ := dst.Figures(ctx, gm.ID, metric.Code, 2026)
			if wa != ga {
				t.Errorf("%s %s actuals %v; want %v", m.EmployeeNo, metric.Code, ga, wa)
			}
		}
	}
	// Importing the same roster again updates, never duplicates.
	p, _ = dst.PreviewRoster(ctx, roster)
	updates := 0
	for _, r := range p.Rows {
		if r.Update {
			updates++
		}
	}
	if updates != len(want) {
		t.Errorf("%d rows update; want every known employee number (%d)", updates, len(want))
	}
	dst.ConfirmImport(ctx, clerk(t, dst), p.ID)
	if again, _ := dst.ListManagers(ctx, kaohe.ManagerFilter{}); len(again) != len(want) {
		t.Errorf("re-import made %d managers", len(again))
	}
}

func TestRosterRowErrors(t *testing.T) {
	dst := open(t, false)
	f := excelize.NewFile()
	rows := [][]any{
		{"工号", "姓名", "学历", "入职日期", "等级"},
		{"E001", "张喆", "大专", "2024-03-01", "一级"},
		{"E002", "", "大专", "2024-03-01", 1},         // no name
		{"E003", "李玥", "幼儿园", "2024-03-01", 1},      // bad education
		{"E004", "王堃", "本科", "2024-02-30", 2},       // bad date
		{"E001", "重复", "本科", "2024-03-01", 1},       // repeats row 2
		{"E005", "赵子轩", "硕士", "2024/5/6", "二级客户经理"}, // fine
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	path := filepath.Join(t.TempDir(), "r.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	p, err := dst.PreviewRoster(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[int]string{}
	for _, r := range p.Rows {
		if r.Err != nil {
			bad[r.Row] = r.Err.Error()
		}
	}
	if len(bad) != 5 || bad[3] == "" || bad[4] == "" || bad[5] == "" || bad[6] == "" || bad[7] == "" || p.Valid != 1 {
		t.Fatalf("row errors = %v, valid %d", bad, p.Valid)
	}
	// Nothing is saved until confirmed.
	if ms, _ := dst.ListManagers(ctx, kaohe.ManagerFilter{}); len(ms) != 0 {
		t.Errorf("the preview saved %d managers", len(ms))
	}
	if n, err := dst.ConfirmImport(ctx, clerk(t, dst), p.ID); err != nil || n != 1 {
		t.Fatalf("confirm = %d, %v", n, err)
	}
	// E005 asks for level 2 on hiring: HQ's decision, refused.
	if m, err := dst.Store.ManagerByNo(ctx, "E005"); err == nil {
		t.Errorf("E005 imported at level %d", m.Level)
	}
	// A file that is not a workbook is refused plainly.
	junk := filepath.Join(t.TempDir(), "x.xlsx")
	os.WriteFile(junk, []byte("hello"), 0o644)
	if _, err := dst.PreviewRoster(ctx, junk); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("junk = %v", err)
	}
}

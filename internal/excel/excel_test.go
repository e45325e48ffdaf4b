package excel

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/kaohe"
)

// book writes rows to sheet (and an unrelated first sheet when sheet is not
// Sheet1) and returns the workbook's bytes.
func book(t *testing.T, sheet string, rows [][]any) *bytes.Reader {
	t.Helper()
	f := excelize.NewFile()
	if sheet != "Sheet1" {
		f.SetSheetRow("Sheet1", "A1", &[]any{"说明", "这一页不是数据"})
		f.NewSheet(sheet)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

func keyOf(err error) string {
	var e *kaohe.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

func TestReadActuals(t *testing.T) {
	rows := [][]any{
		{"工号", "姓名", "指标", "年份", "1月", "2月", "3月"},
		{"D001", "董喆", "销售额", 2026, "1,200", "", 300},
		{"D002", "任宇航", "Orders", "2026", 3, 4, 5},
		{"", "空行", "", "", "", "", ""}, // no employee number: skipped
		{"D003", "贾玥", "利润", 2026, 1, 2, 3},
		{"D004", "王堃", "销售额", "二〇二六", 1, 2, 3},
		{"D005", "曾娟", "销售额", 2026, 1.5, 2, 3},
		{"D006", "潘军", "订单数", 2026, 1, -2, 3},
	}
	got, err := ReadActuals(book(t, SheetActuals, rows))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("%d rows, want 6 (the blank one skipped)", len(got))
	}
	if r := got[0]; r.Err != nil || r.Row != 2 || r.Metric != kaohe.MetricSales || r.Year != 2026 ||
		r.Values[1] != 1200 || r.Values[3] != 300 || len(r.Values) != 2 {
		t.Errorf("D001 = %+v (a thousands comma is read, an empty month left out)", r)
	}
	if r := got[1]; r.Err != nil || r.Metric != kaohe.MetricOrders || r.Values[2] != 4 {
		t.Errorf("D002 = %+v (English metric names are read)", r)
	}
	want := map[string]string{"D003": "err.bad_metric", "D004": "err.bad_year", "D005": "err.bad_figure", "D006": "err.bad_figure"}
	for _, r := range got[2:] {
		if keyOf(r.Err) != want[r.EmployeeNo] {
			t.Errorf("row %d (%s): %v, want %s", r.Row, r.EmployeeNo, r.Err, want[r.EmployeeNo])
		}
	}
	if got[2].Row != 5 {
		t.Errorf("row numbers follow the sheet: got %d, want 5", got[2].Row)
	}
}

func TestReadSheetRefusals(t *testing.T) {
	// A workbook without the required columns is refused as a whole.
	_, err := ReadActuals(book(t, "Sheet1", [][]any{{"工号", "姓名"}, {"D001", "董喆"}}))
	if keyOf(err) != "err.xlsx_no_header" {
		t.Errorf("missing columns: %v", err)
	}
	_, err = ReadRoster(book(t, "Sheet1", nil))
	if keyOf(err) != "err.xlsx_no_header" {
		t.Errorf("empty sheet: %v", err)
	}
	_, err = ReadRoster(bytes.NewReader([]byte("PK not really a zip")))
	if keyOf(err) != "err.not_xlsx" {
		t.Errorf("not a workbook: %v", err)
	}
}

func TestRosterRoundTrip(t *testing.T) {
	ms := []kaohe.ManagerLevel{
		{Manager: kaohe.Manager{EmployeeNo: "D001", Name: "董喆", Gender: kaohe.GenderFemale, Education: kaohe.EduBachelor,
			HireDate: kaohe.D(2023, 2, 28), Phone: "13800000000", Status: kaohe.StatusActive, Note: "堃、玥，备注"}, Level: kaohe.Level2},
		{Manager: kaohe.Manager{EmployeeNo: "D002", Name: "任宇航", Gender: kaohe.GenderMale, Education: kaohe.EduCollege,
			HireDate: kaohe.D(2024, 11, 30), Status: kaohe.StatusLeft, LeftOn: kaohe.D(2026, 6, 30)}, Level: kaohe.Level1},
	}
	var b bytes.Buffer
	if err := WriteRoster(&b, ms); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRoster(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Fatalf("%d rows back, want %d", len(got), len(ms))
	}
	for i, r := range got {
		w := ms[i]
		if r.Err != nil {
			t.Fatalf("row %d: %v", r.Row, r.Err)
		}
		m := r.Manager
		if m.EmployeeNo != w.EmployeeNo || m.Name != w.Name || m.Gender != w.Gender || m.Education != w.Education ||
			m.HireDate != w.HireDate || m.Phone != w.Phone || m.Status != w.Status || m.LeftOn != w.LeftOn ||
			m.Note != w.Note || r.Level != w.Level {
			t.Errorf("row %d = %+v level %v, want %+v level %v", r.Row, m, r.Level, w.Manager, w.Level)
		}
	}
}

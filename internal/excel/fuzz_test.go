package excel

import (
	"bytes"
	"testing"

	"kaohe/internal/kaohe"
)

func fuzzSeeds(f *testing.F) {
	var roster, figures bytes.Buffer
	WriteRoster(&roster, []kaohe.ManagerLevel{{Manager: kaohe.Manager{EmployeeNo: "D001", Name: "王小明", Education: kaohe.EduCollege, HireDate: kaohe.D(2020, 3, 1)}, Level: kaohe.Level2}})
	WriteFigures(&figures, []FigureRow{{EmployeeNo: "D001", Name: "王小明", Metric: "sales", Year: 2026}})
	f.Add(roster.Bytes())
	f.Add(figures.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
}

// checkRows: a parser's answer is a domain error, or rows in sheet order
// below the header, each with its own verdict.
func checkRows(t *testing.T, rows []int, err error) {
	if err != nil {
		if _, ok := err.(*kaohe.Error); !ok {
			t.Fatalf("error %T %v is not a domain error", err, err)
		}
		return
	}
	if len(rows) > MaxRows {
		t.Fatalf("%d rows; the limit is %d", len(rows), MaxRows)
	}
	for i, n := range rows {
		if n < 2 || (i > 0 && n <= rows[i-1]) {
			t.Fatalf("row numbers %v", rows)
		}
	}
}

// FuzzReadRoster: any bytes as a roster workbook.
func FuzzReadRoster(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadRoster(bytes.NewReader(data))
		nums := make([]int, len(rows))
		for i, r := range rows {
			nums[i] = r.Row
			if r.Err == nil {
				if err := r.Manager.Validate(); err != nil {
					t.Fatalf("row %d accepted but invalid: %v", r.Row, err)
				}
			}
		}
		checkRows(t, nums, err)
	})
}

// FuzzReadActuals: any bytes as a monthly figures workbook.
func FuzzReadActuals(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadActuals(bytes.NewReader(data))
		nums := make([]int, len(rows))
		for i, r := range rows {
			nums[i] = r.Row
			for m, v := range r.Values {
				if r.Err == nil && (m < 1 || m > 12 || v < 0) {
					t.Fatalf("row %d accepted month %d value %d", r.Row, m, v)
				}
			}
		}
		checkRows(t, nums, err)
	})
}

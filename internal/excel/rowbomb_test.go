package excel

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
)

// TestRowNumberFarAway: a row numbered far beyond Excel's last row (found
// by FuzzReadRoster: the sheet was walked one empty row at a time, a minute
// for r=2,000,000,000) is refused at once; the last real row still reads.
func TestRowNumberFarAway(t *testing.T) {
	for _, r := range []string{"1048576", "2000000000"} {
		var small bytes.Buffer
		WriteRoster(&small, []kaohe.ManagerLevel{{Manager: kaohe.Manager{EmployeeNo: "D001", Name: "王"}}})
		zr, _ := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range zr.File {
			w, _ := zw.Create(f.Name)
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			if f.Name == "xl/worksheets/sheet1.xml" {
				s := string(b)
				i := strings.Index(s, "</sheetData>")
				s = s[:i] + `<row r="` + r + `"><c r="A` + r + `" t="inlineStr"><is><t>X</t></is></c></row>` + s[i:]
				b = []byte(s)
			}
			w.Write(b)
		}
		zw.Close()
		start := time.Now()
		rows, err := ReadRoster(bytes.NewReader(out.Bytes()))
		took := time.Since(start)
		t.Logf("r=%s: %d rows, %v in %v", r, len(rows), err, took)
		if r == "1048576" && (err != nil || len(rows) != 2 || rows[1].Row != 1048576) {
			t.Errorf("the last row of a sheet: %d rows, %v", len(rows), err)
		}
		if r == "2000000000" && (keyOf(err) != "err.not_xlsx" || took > 5*time.Second) {
			t.Errorf("a row beyond the last: %v after %v; want refused at once", err, took)
		}
	}
}

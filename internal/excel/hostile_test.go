package excel

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/kaohe"
)

// bombSheet returns a roster workbook whose first sheet inflates to about
// inflated bytes of rows while the file stays around a megabyte, its size
// in the zip directory given as declared (the truth, or a lie). The deflate
// stream is built by repeating one compressed block, so making it is cheap.
func bombSheet(t *testing.T, inflated, declared int64) []byte {
	t.Helper()
	var small bytes.Buffer
	if err := WriteRoster(&small, []kaohe.ManagerLevel{{Manager: kaohe.Manager{EmployeeNo: "D001", Name: "王小明"}, Level: kaohe.Level1}}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		raw, _ := f.OpenRaw()
		w, _ := zw.CreateRaw(&f.FileHeader)
		io.Copy(w, raw)
	}
	prefix := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>工号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row>`
	chunk := strings.Repeat(`<row><c t="inlineStr"><is><t>D001</t></is></c><c t="inlineStr"><is><t>王小明王小明王小明</t></is></c></row>`, 8192)
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	take := func() []byte { fw.Flush(); b := append([]byte(nil), z.Bytes()...); z.Reset(); return b }
	fw.Write([]byte(prefix))
	p := take()
	fw.Write([]byte(chunk))
	b1 := take()
	fw.Write([]byte(chunk))
	b2 := take()
	fw.Write([]byte(chunk))
	if b3 := take(); !bytes.Equal(b2, b3) {
		t.Fatal("the compressed block does not repeat; cannot build the bomb cheaply")
	}
	fw.Write([]byte(`</sheetData></worksheet>`))
	fw.Close()
	end := z.Bytes()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, UncompressedSize64: uint64(declared),
		CompressedSize64: uint64(len(p) + len(b1) + int(inflated/int64(len(chunk)))*len(b2) + len(end)), Modified: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(p)
	w.Write(b1)
	for n := int64(len(chunk)); n < inflated; n += int64(len(chunk)) {
		w.Write(b2)
	}
	w.Write(end)
	zw.Close()
	return out.Bytes()
}

// peakHeap runs fn and samples the heap in use meanwhile. The collector
// runs early (GOGC 20) while it does, so the figure is what fn holds, not
// how much garbage the collector's pacing let pile up: with the default
// pacing, a loaded machine under -race once measured 66.6 MB for what
// measures 45-56 MB on a quiet one.
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if peak < base.HeapInuse {
		return 0
	}
	return peak - base.HeapInuse
}

// TestHostileWorkbooks: a sheet inflating to 1.5 GB (its size told
// truly, or lied about), too many rows, or a file too large is refused with
// "too large", never "the first row must be the header", at small cost.
func TestHostileWorkbooks(t *testing.T) {
	const big = 1536 << 20
	truthful := bombSheet(t, big, big)
	liar := bombSheet(t, big, 1<<20)
	var many [][]any
	many = append(many, []any{"工号", "姓名"})
	for i := 0; i <= MaxRows; i++ {
		many = append(many, []any{fmt.Sprintf("D%05d", i), "王"})
	}
	rows := book(t, "Sheet1", many)
	huge := bytes.Repeat([]byte("PK"), MaxFileBytes)
	t.Logf("bomb workbook %d KB inflating to 1.5 GB", len(truthful)>>10)
	for _, c := range []struct {
		name string
		r    io.Reader
		key  string
	}{
		{"sheet of 1.5 GB", bytes.NewReader(truthful), "err.xlsx_too_large"},
		{"sheet of 1.5 GB claiming 1 MB", bytes.NewReader(liar), ""}, // read no further than claimed
		{"more rows than a showroom has", rows, "err.xlsx_too_large"},
		{"file over the size limit", bytes.NewReader(huge), "err.xlsx_too_large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			var got []RosterRow
			peak := peakHeap(func() { got, err = ReadRoster(c.r) })
			if keyOf(err) != c.key {
				t.Errorf("ReadRoster = %v; want %s", err, c.key)
			}
			if len(got) > 20000 {
				t.Errorf("%d rows read from a sheet that claims 1 MB", len(got))
			}
			t.Logf("peak heap %.1f MB", float64(peak)/(1<<20))
			if peak > 64<<20 {
				t.Errorf("peak heap %d MB; want at most 64", peak>>20)
			}
		})
	}
}

// TestDateCellsWhateverTheirFormat: a cell typed as a date is read as that
// date however it is displayed (05/06/22, 2022年5月6日, a custom format).
func TestDateCellsWhateverTheirFormat(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"工号", "姓名", "学历", "入职日期"})
	for i, fmtCode := range []string{"mm/dd/yy", `yyyy"年"m"月"d"日"`, "d-mmm-yy", "General"} {
		row := i + 2
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", row), &[]any{fmt.Sprintf("D%03d", row), "王小明", "大专"})
		cell := fmt.Sprintf("D%d", row)
		f.SetCellValue("Sheet1", cell, time.Date(2022, 5, 6, 0, 0, 0, 0, time.UTC))
		style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode})
		f.SetCellStyle("Sheet1", cell, cell, style)
	}
	f.SetSheetRow("Sheet1", "A6", &[]any{"D006", "李", "大专", "2022-05-06"}) // typed as text
	var b bytes.Buffer
	f.Write(&b)
	rows, err := ReadRoster(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows; want 5", len(rows))
	}
	for _, r := range rows {
		if r.Err != nil || r.Manager.HireDate != kaohe.D(2022, 5, 6) {
			t.Errorf("row %d: hire date %v, %v; want 2022-05-06", r.Row, r.Manager.HireDate, r.Err)
		}
	}
}

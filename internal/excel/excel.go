// Package excel reads and writes the .xlsx files HR staff keep: rosters,
// monthly figures and assessment results (github.com/xuri/excelize/v2).
package excel

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/kaohe"
)

// Sheet and column names, Chinese as HR staff write them.
const (
	SheetRoster      = "客户经理"
	SheetTargets     = "月度目标"
	SheetActuals     = "月度实际"
	SheetAssessments = "考核结果"
)

var rosterHeader = []string{"工号", "姓名", "性别", "学历", "入职日期", "电话", "等级", "状态", "离职日期", "备注"}

func monthsHeader() []string {
	h := []string{"工号", "姓名", "指标", "年份"}
	for m := 1; m <= 12; m++ {
		h = append(h, fmt.Sprintf("%d月", m))
	}
	return append(h, "全年")
}

func newBook(sheet string) *excelize.File {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", sheet)
	return f
}

func writeRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		style, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F3E5E5"}, Pattern: 1}})
		last, _ := excelize.CoordinatesToCellName(len(rows[0]), 1)
		f.SetCellStyle(sheet, "A1", last, style)
		f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	return nil
}

func header(h []string) []any {
	out := make([]any, len(h))
	for i, s := range h {
		out[i] = s
	}
	return out
}

func genderText(g kaohe.Gender) string {
	return map[kaohe.Gender]string{kaohe.GenderMale: "男", kaohe.GenderFemale: "女"}[g]
}

func statusText(s kaohe.ManagerStatus) string {
	if s == kaohe.StatusLeft {
		return "离职"
	}
	return "在职"
}

// WriteRoster writes managers as a roster.
func WriteRoster(w io.Writer, ms []kaohe.ManagerLevel) error {
	f := newBook(SheetRoster)
	rows := [][]any{header(rosterHeader)}
	for _, m := range ms {
		rows = append(rows, []any{m.EmployeeNo, m.Name, genderText(m.Gender), m.Education.Name().Zh, m.HireDate.String(), m.Phone,
			int(m.Level), statusText(m.Status), m.LeftOn.String(), m.Note})
	}
	if err := writeRows(f, SheetRoster, rows); err != nil {
		return err
	}
	return f.Write(w)
}

// FigureRow is one manager's metric for a year.
type FigureRow struct {
	EmployeeNo, Name, Metric string
	Year                     int
	Targets, Actuals         kaohe.Months
}

func metricName(code string) string {
	for _, m := range kaohe.DefaultMetrics() {
		if m.Code == code {
			return m.Name.Zh
		}
	}
	return code
}

// WriteFigures writes monthly targets and actuals, one sheet each.
func WriteFigures(w io.Writer, rows []FigureRow) error {
	f := newBook(SheetTargets)
	f.NewSheet(SheetActuals)
	for _, sheet := range []string{SheetTargets, SheetActuals} {
		out := [][]any{header(monthsHeader())}
		for _, r := range rows {
			months := r.Targets
			if sheet == SheetActuals {
				months = r.Actuals
			}
			line := []any{r.EmployeeNo, r.Name, metricName(r.Metric), r.Year}
			for _, v := range months {
				line = append(line, v)
			}
			out = append(out, append(line, months.Total()))
		}
		if err := writeRows(f, sheet, out); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// AssessmentRow is one manager's result of one period.
type AssessmentRow struct {
	Period     kaohe.Period
	Manager    kaohe.ManagerLevel
	Assessment kaohe.Assessment
	Template   kaohe.Template
}

// WriteAssessments writes assessment results with each item's score.
func WriteAssessments(w io.Writer, rows []AssessmentRow, tpl kaohe.Template) error {
	f := newBook(SheetAssessments)
	h := []any{"考核期", "工号", "姓名", "等级"}
	for _, it := range tpl.Items {
		h = append(h, fmt.Sprintf("%s（%d%%）", it.Name.Zh, it.Weight))
	}
	h = append(h, "总分", "考核等级", "绩效系数", "状态", "考核人", "评语")
	out := [][]any{h}
	for _, r := range rows {
		g, _ := r.Template.Grade(r.Assessment.Grade)
		line := []any{r.Period.Name.Zh, r.Manager.EmployeeNo, r.Manager.Name, int(r.Manager.Level)}
		for _, it := range tpl.Items {
			if v, ok := r.Assessment.Scores[it.Code]; ok {
				line = append(line, v)
			} else {
				line = append(line, "")
			}
		}
		status := map[kaohe.AssessmentStatus]string{kaohe.AssessDraft: "草稿", kaohe.AssessSubmitted: "已提交", kaohe.AssessFiled: "已备案"}[r.Assessment.Status]
		out = append(out, append(line, r.Assessment.Total, g.Name.Zh, r.Assessment.Coefficient, status, r.Assessment.Assessor, r.Assessment.Comment))
	}
	if err := writeRows(f, SheetAssessments, out); err != nil {
		return err
	}
	return f.Write(w)
}

// RosterRow is one parsed roster line.
type RosterRow struct {
	Row     int // the spreadsheet's row number
	Manager kaohe.Manager
	Level   kaohe.Level
	Err     error
}

// ReadRoster parses a roster: the first sheet, a header row naming the
// columns (any order), one manager a row. Each row is checked on its own.
func ReadRoster(r io.Reader) ([]RosterRow, error) { return ReadRosterContext(context.Background(), r) }

// ReadRosterContext is ReadRoster that stops when ctx ends and reports the
// rows read to kaohe.ProgressOf(ctx).
func ReadRosterContext(ctx context.Context, r io.Reader) ([]RosterRow, error) {
	rows, cols, date1904, err := readSheet(ctx, r, rosterHeader[:2])
	if err != nil {
		return nil, err
	}
	var out []RosterRow
	for _, row := range rows {
		get := func(name string) string { return cellAt(row.cells, cols, name) }
		rr := RosterRow{Row: row.num}
		m := kaohe.Manager{EmployeeNo: get("工号"), Name: get("姓名"), Phone: get("电话"), Note: get("备注"), Status: kaohe.StatusActive}
		if m.EmployeeNo == "" && m.Name == "" {
			continue // an empty line
		}
		rr.Err = func() error {
			switch g := get("性别"); g {
			case "男", "M", "m":
				m.Gender = kaohe.GenderMale
			case "女", "F", "f":
				m.Gender = kaohe.GenderFemale
			case "":
			default:
				return kaohe.Errorf(kaohe.EINVALID, "err.bad_gender", "Value", g).OnField("gender")
			}
			var err error
			if m.Education, err = kaohe.ParseEducation(get("学历")); err != nil {
				return err.(*kaohe.Error).OnField("education")
			}
			if s := get("入职日期"); s != "" {
				if m.HireDate, err = dateCell(s, date1904); err != nil {
					return err.(*kaohe.Error).OnField("hire_date")
				}
			}
			if get("状态") == "离职" {
				m.Status = kaohe.StatusLeft
				if m.LeftOn, err = dateCell(get("离职日期"), date1904); err != nil {
					return err.(*kaohe.Error).OnField("left_on")
				}
			}
			rr.Level = kaohe.Level1
			if s := strings.TrimSuffix(strings.TrimSuffix(get("等级"), "级"), "级客户经理"); s != "" {
				n, ok := map[string]int{"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}[s]
				if !ok {
					n, err = strconv.Atoi(s)
				}
				if err != nil || !kaohe.Level(n).Valid() {
					return kaohe.Errorf(kaohe.EINVALID, "err.bad_level", "Value", get("等级")).OnField("level")
				}
				rr.Level = kaohe.Level(n)
			}
			return m.Validate()
		}()
		rr.Manager = m
		out = append(out, rr)
	}
	return out, nil
}

// ActualRow is one parsed line of monthly actuals.
type ActualRow struct {
	Row        int
	EmployeeNo string
	Metric     string
	Year       int
	Values     map[int]int64 // by month; empty cells are left out
	Err        error
}

// ReadActuals parses monthly actuals in the layout WriteFigures uses for its
// actuals sheet (工号、指标、年份、1月…12月); the sheet named 月度实际 if present,
// else the first.
func ReadActuals(r io.Reader) ([]ActualRow, error) {
	return ReadActualsContext(context.Background(), r)
}

// ReadActualsContext is ReadActuals that stops when ctx ends and reports the
// rows read to kaohe.ProgressOf(ctx).
func ReadActualsContext(ctx context.Context, r io.Reader) ([]ActualRow, error) {
	rows, cols, _, err := readSheet(ctx, r, []string{"工号", "指标", "年份"}, SheetActuals)
	if err != nil {
		return nil, err
	}
	var out []ActualRow
	for _, row := range rows {
		get := func(name string) string { return cellAt(row.cells, cols, name) }
		ar := ActualRow{Row: row.num, EmployeeNo: get("工号"), Values: map[int]int64{}}
		if ar.EmployeeNo == "" {
			continue
		}
		ar.Err = func() error {
			name := get("指标")
			for _, m := range kaohe.DefaultMetrics() {
				if name == m.Name.Zh || strings.EqualFold(name, m.Name.En) || name == m.Code {
					ar.Metric = m.Code
				}
			}
			if ar.Metric == "" {
				return kaohe.Errorf(kaohe.EINVALID, "err.bad_metric", "Value", name).OnField("metric")
			}
			y, err := strconv.Atoi(get("年份"))
			if err != nil || y < 2000 || y > 2100 {
				return kaohe.Errorf(kaohe.EINVALID, "err.bad_year", "Value", get("年份")).OnField("year")
			}
			ar.Year = y
			for m := 1; m <= 12; m++ {
				s := strings.ReplaceAll(get(fmt.Sprintf("%d月", m)), ",", "")
				if s == "" {
					continue
				}
				v, err := strconv.ParseFloat(s, 64)
				if r := math.Round(v); math.Abs(v-r) < 1e-6 { // 12345.000000000002 from a formula
					v = r
				}
				if err != nil || v < 0 || v != float64(int64(v)) {
					return kaohe.Errorf(kaohe.EINVALID, "err.bad_figure", "Month", m, "Value", s).OnField("value")
				}
				ar.Values[m] = int64(v)
			}
			return nil
		}()
		out = append(out, ar)
	}
	return out, nil
}

// Limits on a workbook from outside. A real roster or a year of figures for
// a large showroom is well under a megabyte; these leave a hundredfold room
// and keep a crafted file (a sheet that inflates to gigabytes) from costing
// more than a few tens of MB.
const (
	MaxFileBytes  = 16 << 20 // the .xlsx as stored
	MaxUnzipBytes = 64 << 20 // all its parts inflated (excelize's UnzipSizeLimit)
	MaxXMLInRAM   = 8 << 20  // a sheet larger than this is read from a temporary file
	MaxRows       = 20000    // data rows with something in them
	MaxCellChars  = 32767    // Excel's own limit for a cell
)

func tooLarge() error {
	return kaohe.Errorf(kaohe.EINVALID, "err.xlsx_too_large", "Rows", MaxRows, "MB", MaxFileBytes>>20)
}

// sheetRow is one row with something in it, with its number in the sheet.
type sheetRow struct {
	num   int
	cells []string
}

// readSheet reads the preferred sheet (or the first), returning the data rows
// and each header's column index; the header (the first row with something
// in it) must name the required columns. Cells come as stored, not as
// displayed: a date is its serial number whatever its number format. It
// stops when ctx ends and reports the rows read to kaohe.ProgressOf(ctx).
func readSheet(ctx context.Context, r io.Reader, required []string, preferred ...string) ([]sheetRow, map[string]int, bool, error) {
	progress := kaohe.ProgressOf(ctx)
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, nil, false, err
	}
	if len(data) > MaxFileBytes {
		return nil, nil, false, tooLarge()
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipBytes, UnzipXMLSizeLimit: MaxXMLInRAM})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, nil, false, tooLarge()
		}
		return nil, nil, false, kaohe.Errorf(kaohe.EINVALID, "err.not_xlsx")
	}
	defer f.Close()
	data = nil
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	sheet := f.GetSheetName(0)
	for _, p := range preferred {
		if idx, _ := f.GetSheetIndex(p); idx >= 0 {
			sheet = p
		}
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, false, kaohe.Errorf(kaohe.EINVALID, "err.not_xlsx")
	}
	defer it.Close()
	var rows []sheetRow
	for n := 1; it.Next(); n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, false, err
			}
			progress(len(rows), 0)
		}
		if n > excelize.TotalRows { // a row numbered 2,000,000,000 would be walked to one empty row at a time
			return nil, nil, false, kaohe.Errorf(kaohe.EINVALID, "err.not_xlsx")
		}
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, false, kaohe.Errorf(kaohe.EINVALID, "err.not_xlsx")
		}
		empty := true
		for _, c := range cells {
			if len(c) > MaxCellChars*4 {
				return nil, nil, false, tooLarge()
			}
			empty = empty && strings.TrimSpace(c) == ""
		}
		if empty {
			continue
		}
		if len(rows) > MaxRows { // the header and MaxRows data rows
			return nil, nil, false, tooLarge()
		}
		rows = append(rows, sheetRow{num: n, cells: cells})
	}
	if it.Error() != nil {
		return nil, nil, false, kaohe.Errorf(kaohe.EINVALID, "err.not_xlsx")
	}
	noHeader := kaohe.Errorf(kaohe.EINVALID, "err.xlsx_no_header", "Columns", strings.Join(required, "、"))
	if len(rows) == 0 {
		return nil, nil, false, noHeader
	}
	cols := map[string]int{}
	for i, h := range rows[0].cells {
		cols[strings.TrimSpace(h)] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return nil, nil, false, noHeader
		}
	}
	return rows[1:], cols, date1904, nil
}

// dateCell reads a date cell: Excel's serial day number (a cell typed as a
// date, whatever its display format) or text as kaohe.ParseDate takes it.
func dateCell(s string, date1904 bool) (kaohe.Date, error) {
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 1 && v < 2958466 && !strings.ContainsAny(s, "-/年.") {
		if t, err := excelize.ExcelDateToTime(v, date1904); err == nil {
			return kaohe.DateOf(t), nil
		}
	}
	return kaohe.ParseDate(s)
}

func cellAt(row []string, cols map[string]int, name string) string {
	i, ok := cols[name]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

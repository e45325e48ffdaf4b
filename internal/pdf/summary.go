package pdf

import (
	"fmt"
	"io"
	"sort"

	"kaohe/internal/kaohe"
)

// SummaryRow is one manager's line in a showroom summary.
type SummaryRow struct {
	Manager    kaohe.Manager
	LevelName  kaohe.Text
	Assessment kaohe.Assessment
	Grade      kaohe.Text
	Sales      kaohe.Completion
}

// SummaryData is every manager of a showroom for one period.
type SummaryData struct {
	Lang     kaohe.Lang
	Showroom string
	Period   kaohe.Period
	Template kaohe.Template
	Rows     []SummaryRow
}

var (
	sumTitle   = lbl("展厅客户经理考核汇总", "Showroom Assessment Summary")
	sumDist    = lbl("考核等级分布", "Grade distribution")
	sumRanking = lbl("考核排名", "Ranking")
	sumRank    = lbl("名次", "Rank")
	sumSales   = lbl("销售完成率", "Sales done")
	sumCount   = lbl("参加考核 %d 人，平均总分 %.2f", "%d assessed, average total %.2f")
)

// Summary writes a showroom summary: the ranking table (highest total first),
// the grade distribution and target completion, with numbered pages.
func Summary(w io.Writer, s SummaryData, font *Font) error {
	return render(w, font, portrait, s.Lang, func(d *doc) error { return d.summary(s) })
}

func (d *doc) summary(s SummaryData) error {
	rows := append([]SummaryRow(nil), s.Rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Assessment.Total != rows[j].Assessment.Total {
			return rows[i].Assessment.Total > rows[j].Assessment.Total
		}
		return rows[i].Manager.EmployeeNo < rows[j].Manager.EmployeeNo
	})
	d.portraitSetup(s.Showroom + d.gap() + d.t(s.Period.Name))
	d.AddPage()
	d.title(d.t(sumTitle), s.Showroom+d.gap()+d.t(s.Period.Name)+d.gap()+d.date(s.Period.Start)+" – "+d.date(s.Period.End))

	var sum float64
	counts := map[string]int{}
	for _, r := range rows {
		sum += r.Assessment.Total
		counts[r.Assessment.Grade]++
	}
	avg := 0.0
	if len(rows) > 0 {
		avg = sum / float64(len(rows))
	}
	d.SetFontSize(10)
	d.SetX(marginX)
	d.CellFormat(contentW, 7, d.note(fmt.Sprintf(d.t(sumCount), len(rows), avg)), "", 2, "L", false, 0, "")

	d.heading(d.t(sumDist))
	var pts []Point
	for _, g := range s.Template.Grades {
		pts = append(pts, Point{d.t(g.Name), float64(counts[g.Code])})
	}
	y := d.GetY() + 2
	d.barChart(marginX+20, y, contentW-40, 42, pts)
	d.SetY(y + 52)

	d.heading(d.t(sumRanking))
	table := make([][]string, len(rows))
	rank := 0
	for i, r := range rows {
		if i == 0 || r.Assessment.Total != rows[i-1].Assessment.Total {
			rank = i + 1 // equal totals share a rank
		}
		rate, ok := r.Sales.Rate()
		table[i] = []string{fmt.Sprint(rank), r.Manager.EmployeeNo, r.Manager.Name, d.t(r.LevelName),
			num(r.Assessment.Total), d.t(r.Grade), fmt.Sprintf("%.2f", r.Assessment.Coefficient), pct(rate, ok)}
	}
	d.table([]column{
		{d.t(sumRank), 14, "C"}, {d.t(repNo), 20, "C"}, {d.t(repName), 26, "L"}, {d.t(repLevel), 34, "L"},
		{d.t(repTotal), 18, "C"}, {d.t(repGrade), 22, "C"}, {d.t(repCoef), 20, "C"}, {d.t(sumSales), 0, "C"},
	}, table, func(i int) bool { return i%2 == 1 })
	return nil
}

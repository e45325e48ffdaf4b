package pdf

import (
	"fmt"
	"io"
	"math"

	"kaohe/internal/kaohe"
)

// MetricCompletion is one metric's target and actual over a period.
type MetricCompletion struct {
	Metric kaohe.Metric
	kaohe.Completion
}

// ReportData is one manager's assessment for one period.
type ReportData struct {
	Lang       kaohe.Lang
	Showroom   string
	Manager    kaohe.Manager
	LevelName  kaohe.Text
	Period     kaohe.Period
	Template   kaohe.Template // the version the assessment was scored with
	Assessment kaohe.Assessment
	Figures    []MetricCompletion
	Trend      []Point // totals of the last periods, oldest first
}

var (
	repTitle     = lbl("客户经理考核报告", "Customer Manager Assessment Report")
	repInfo      = lbl("基本信息", "Particulars")
	repName      = lbl("姓名", "Name")
	repNo        = lbl("工号", "No.")
	repLevel     = lbl("等级", "Level")
	repShowroom  = lbl("展厅", "Showroom")
	repPeriod    = lbl("考核期", "Period")
	repAssessor  = lbl("考核人", "Assessor")
	repStatus    = lbl("状态", "Status")
	repTemplate  = lbl("考核模板", "Template")
	repItems     = lbl("考核项目与得分", "Items and scores")
	repItem      = lbl("考核项目", "Item")
	repWeight    = lbl("权重", "Weight")
	repScore     = lbl("得分", "Score")
	repWeighted  = lbl("加权得分", "Weighted")
	repTotal     = lbl("总分", "Total")
	repGrade     = lbl("考核等级", "Grade")
	repCoef      = lbl("绩效系数", "Coefficient")
	repFigures   = lbl("指标完成情况", "Targets and actuals")
	repMetric    = lbl("指标", "Metric")
	repTarget    = lbl("目标", "Target")
	repActual    = lbl("实际", "Actual")
	repRate      = lbl("完成率", "Completion")
	repTrend     = lbl("历次考核总分趋势", "Totals of recent periods")
	repComment   = lbl("考核评语", "Comments")
	repSignSelf  = lbl("被考核人签字：", "Assessee:")
	repSignBy    = lbl("考核人签字：", "Assessor:")
	repSignDate  = lbl("日期：", "Date:")
	repDraft     = lbl("草稿", "Draft")
	repSubmitted = lbl("已提交", "Submitted")
	repFiled     = lbl("已备案", "Filed")
	repNone      = lbl("（无）", "(none)")
)

func statusText(s kaohe.AssessmentStatus) kaohe.Text {
	switch s {
	case kaohe.AssessSubmitted:
		return repSubmitted
	case kaohe.AssessFiled:
		return repFiled
	}
	return repDraft
}

// Report writes an assessment report.
func Report(w io.Writer, r ReportData, font *Font) error {
	return render(w, font, portrait, r.Lang, func(d *doc) error { return d.report(r) })
}

func (d *doc) report(r ReportData) error {
	d.portraitSetup(r.Showroom)
	d.AddPage()
	d.title(d.t(repTitle), d.t(r.Period.Name)+d.gap()+d.date(r.Period.Start)+" – "+d.date(r.Period.End))
	a := r.Assessment
	d.heading(d.t(repInfo))
	d.pairs([][2]string{
		{d.t(repName), r.Manager.Name}, {d.t(repNo), r.Manager.EmployeeNo},
		{d.t(repLevel), d.t(r.LevelName)}, {d.t(repShowroom), r.Showroom},
		{d.t(repPeriod), d.t(r.Period.Name)}, {d.t(repAssessor), a.Assessor},
		{d.t(repStatus), d.t(statusText(a.Status))}, {d.t(repTemplate), fmt.Sprintf("%s v%d", d.t(r.Template.Name), r.Template.Version)},
	})

	d.heading(d.t(repItems))
	var rows [][]string
	for _, it := range r.Template.Items {
		v, ok := a.Scores[it.Code]
		score, weighted := "—", "—"
		if ok {
			score, weighted = num(v), num(it.Weighted(v))
		}
		rows = append(rows, []string{d.t(it.Name), fmt.Sprintf("%d%%", it.Weight), score, weighted})
	}
	grade, _ := r.Template.Grade(a.Grade)
	rows = append(rows, []string{d.t(repTotal), "100%", "", num(a.Total)})
	d.table([]column{{d.t(repItem), 0, "L"}, {d.t(repWeight), 22, "C"}, {d.t(repScore), 22, "C"}, {d.t(repWeighted), 26, "C"}}, rows, func(i int) bool { return i == len(rows)-1 })
	d.pairs([][2]string{{d.t(repGrade), d.t(grade.Name)}, {d.t(repCoef), fmt.Sprintf("%.2f", a.Coefficient)}})

	if len(r.Figures) > 0 {
		d.heading(d.t(repFigures))
		var fr [][]string
		for _, f := range r.Figures {
			rate, ok := f.Rate()
			unit := " " + d.t(f.Metric.Unit)
			fr = append(fr, []string{d.t(f.Metric.Name), thousands(f.Target) + unit, thousands(f.Actual) + unit, pct(rate, ok)})
		}
		d.table([]column{{d.t(repMetric), 40, "L"}, {d.t(repTarget), 50, "R"}, {d.t(repActual), 50, "R"}, {d.t(repRate), 0, "C"}}, fr, nil)
	}

	if len(r.Trend) > 0 {
		d.heading(d.t(repTrend))
		d.need(50)
		var marks []float64
		for _, g := range r.Template.Grades {
			if g.MinTotal > r.Template.ScoreMin {
				marks = append(marks, g.MinTotal)
			}
		}
		// Scale to the data (and the grade lines near it), not the whole range.
		lo := r.Template.ScoreMax
		for _, p := range r.Trend {
			lo = min(lo, p.Value)
		}
		lo = max(r.Template.ScoreMin, math.Floor((lo-8)/10)*10)
		var shown []float64
		for _, m := range marks {
			if m > lo {
				shown = append(shown, m)
			}
		}
		y := d.GetY() + 3
		// Headroom above the top so the highest value's label stays inside.
		hi := r.Template.ScoreMax + (r.Template.ScoreMax-lo)*0.15
		d.lineChart(marginX+12, y, contentW-14, 36, r.Trend, lo, hi, shown)
		d.SetY(y + 46)
	}

	d.heading(d.t(repComment))
	comment := a.Comment
	if comment == "" {
		comment = d.t(repNone)
	}
	d.SetFontSize(10)
	d.SetX(marginX)
	d.paragraph(comment, contentW, 6, func() { d.AddPage(); d.SetY(marginTop) })
	d.signatures(d.t(repSignSelf), d.t(repSignBy), d.t(repSignDate))
	return nil
}

package pdf

import (
	"fmt"
	"io"

	"kaohe/internal/kaohe"
)

var (
	hqTitle     = lbl("总部考核汇总报表", "HQ Assessment Report")
	hqShowrooms = lbl("各展厅考核情况", "By showroom")
	hqRegions   = lbl("各片区考核情况", "By region")
	hqGrades    = lbl("全公司考核等级分布", "Grades, whole company")
	hqRanking   = lbl("考核排名", "Ranking")
	hqPipeline  = lbl("晋级进度（考级申请）", "Promotion pipeline")
	hqTraining  = lbl("培训覆盖（按类别：参训人数 / 学时）", "Training by category (people trained / hours)")
	hqShowroom  = lbl("展厅", "Showroom")
	hqRegion    = lbl("片区", "Region")
	hqHeadcount = lbl("在职人数", "Staff")
	hqAssessed  = lbl("参评", "Assessed")
	hqAverage   = lbl("平均分", "Average")
	hqSubmitted = lbl("待初审", "First review")
	hqExam      = lbl("待考试", "Exam")
	hqSecond    = lbl("待二审", "Second review")
	hqProbation = lbl("考察期", "Probation")
	hqGranted   = lbl("已授予", "Granted")
	hqFailed    = lbl("未通过", "Not passed")
)

// HQReport writes HQ's report of every showroom for a period.
func HQReport(w io.Writer, r kaohe.HQReport, font *Font) error {
	return render(w, font, portrait, kaohe.LangZh, func(d *doc) error { return d.hqReport(r) })
}

func (d *doc) hqReport(r kaohe.HQReport) error {
	d.portraitSetup(d.t(hqTitle) + d.gap() + d.t(r.Period.Name))
	d.AddPage()
	d.title(d.t(hqTitle), d.t(r.Period.Name)+d.gap()+d.date(r.Period.Start)+" – "+d.date(r.Period.End))
	grades := r.Template.Grades
	groupTable := func(rows []kaohe.GroupStats, first kaohe.Text) {
		cols := []column{{d.t(first), 0, "L"}, {d.t(hqHeadcount), 18, "C"}, {d.t(hqAssessed), 16, "C"}, {d.t(hqAverage), 18, "C"}}
		for _, g := range grades {
			cols = append(cols, column{d.t(g.Name), 16, "C"})
		}
		var table [][]string
		for _, g := range rows {
			line := []string{g.Name, fmt.Sprint(g.Headcount), fmt.Sprint(g.Assessed), num(g.Average)}
			for _, gb := range grades {
				line = append(line, fmt.Sprint(g.Grades[gb.Code]))
			}
			table = append(table, line)
		}
		d.table(cols, table, func(i int) bool { return i%2 == 1 })
	}
	d.heading(d.t(hqShowrooms))
	groupTable(r.Showrooms, hqShowroom)
	d.heading(d.t(hqRegions))
	groupTable(r.Regions, hqRegion)

	d.heading(d.t(hqGrades))
	var pts []Point
	for _, g := range grades {
		n := 0
		for _, s := range r.Showrooms {
			n += s.Grades[g.Code]
		}
		pts = append(pts, Point{d.t(g.Name), float64(n)})
	}
	d.need(55)
	y := d.GetY() + 2
	d.barChart(marginX+20, y, contentW-40, 40, pts)
	d.SetY(y + 50)

	d.heading(d.t(hqPipeline))
	states := []struct {
		s kaohe.AppState
		t kaohe.Text
	}{{kaohe.AppSubmitted, hqSubmitted}, {kaohe.AppExam, hqExam}, {kaohe.AppSecond, hqSecond}, {kaohe.AppProbation, hqProbation},
		{kaohe.AppGranted, hqGranted}, {kaohe.AppFailed, hqFailed}}
	cols := []column{{d.t(hqShowroom), 0, "L"}}
	for _, st := range states {
		cols = append(cols, column{d.t(st.t), 18, "C"})
	}
	var pipe [][]string
	for _, p := range r.Pipeline {
		line := []string{p.Showroom}
		for _, st := range states {
			line = append(line, fmt.Sprint(p.ByState[st.s]))
		}
		pipe = append(pipe, line)
	}
	d.table(cols, pipe, nil)

	d.heading(d.t(hqTraining))
	cols = []column{{d.t(hqShowroom), 0, "L"}, {d.t(hqHeadcount), 16, "C"}}
	for _, c := range kaohe.TrainingCategories() {
		cols = append(cols, column{d.t(c.Name), 22, "C"})
	}
	var tr [][]string
	for _, t := range r.Training {
		line := []string{t.Showroom, fmt.Sprint(t.Headcount)}
		for _, c := range kaohe.TrainingCategories() {
			line = append(line, fmt.Sprintf("%d / %s", t.Covered[c.Code], num(t.Hours[c.Code])))
		}
		tr = append(tr, line)
	}
	d.table(cols, tr, nil)

	d.heading(d.t(hqRanking))
	var rank [][]string
	for _, x := range r.Ranking {
		g, _ := r.Template.Grade(x.Grade)
		rank = append(rank, []string{fmt.Sprint(x.Rank), x.Showroom, x.Manager.EmployeeNo, x.Manager.Name, num(x.Total), d.t(g.Name)})
	}
	d.table([]column{{d.t(sumRank), 14, "C"}, {d.t(hqShowroom), 0, "L"}, {d.t(repNo), 20, "C"}, {d.t(repName), 28, "L"},
		{d.t(repTotal), 20, "C"}, {d.t(repGrade), 22, "C"}}, rank, func(i int) bool { return i%2 == 1 })
	return nil
}

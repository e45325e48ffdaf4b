package excel

import (
	"io"

	"kaohe/internal/kaohe"
)

// WriteHQReport writes HQ's report: one sheet per view.
func WriteHQReport(w io.Writer, r kaohe.HQReport) error {
	f := newBook("展厅汇总")
	group := func(sheet, first string, rows []kaohe.GroupStats) error {
		h := []any{first, "在职人数", "参评人数", "平均分"}
		for _, g := range r.Template.Grades {
			h = append(h, g.Name.Zh)
		}
		out := [][]any{h}
		for _, g := range rows {
			line := []any{g.Name, g.Headcount, g.Assessed, g.Average}
			for _, gb := range r.Template.Grades {
				line = append(line, g.Grades[gb.Code])
			}
			out = append(out, line)
		}
		return writeRows(f, sheet, out)
	}
	if err := group("展厅汇总", "展厅", r.Showrooms); err != nil {
		return err
	}
	f.NewSheet("片区汇总")
	if err := group("片区汇总", "片区", r.Regions); err != nil {
		return err
	}
	f.NewSheet("排名")
	rank := [][]any{{"名次", "展厅", "工号", "姓名", "等级", "总分", "考核等级"}}
	for _, x := range r.Ranking {
		g, _ := r.Template.Grade(x.Grade)
		rank = append(rank, []any{x.Rank, x.Showroom, x.Manager.EmployeeNo, x.Manager.Name, int(x.Manager.Level), x.Total, g.Name.Zh})
	}
	if err := writeRows(f, "排名", rank); err != nil {
		return err
	}
	f.NewSheet("晋级进度")
	states := []kaohe.AppState{kaohe.AppDraft, kaohe.AppSubmitted, kaohe.AppExam, kaohe.AppSecond, kaohe.AppProbation, kaohe.AppGranted, kaohe.AppFailed}
	pipe := [][]any{{"展厅", "草稿", "待初审", "待考试", "待二审", "考察期", "已授予", "未通过"}}
	for _, p := range r.Pipeline {
		line := []any{p.Showroom}
		for _, st := range states {
			line = append(line, p.ByState[st])
		}
		pipe = append(pipe, line)
	}
	if err := writeRows(f, "晋级进度", pipe); err != nil {
		return err
	}
	f.NewSheet("培训覆盖")
	h := []any{"展厅", "在职人数"}
	for _, c := range kaohe.TrainingCategories() {
		h = append(h, c.Name.Zh+" 参训人数", c.Name.Zh+" 学时")
	}
	tr := [][]any{h}
	for _, t := range r.Training {
		line := []any{t.Showroom, t.Headcount}
		for _, c := range kaohe.TrainingCategories() {
			line = append(line, t.Covered[c.Code], t.Hours[c.Code])
		}
		tr = append(tr, line)
	}
	if err := writeRows(f, "培训覆盖", tr); err != nil {
		return err
	}
	return f.Write(w)
}

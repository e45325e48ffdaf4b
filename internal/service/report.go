package service

import (
	"context"
	"io"
	"sort"

	"kaohe/internal/documents"
	"kaohe/internal/excel"
	"kaohe/internal/pdf"

	"kaohe/internal/kaohe"
)

// HQReport gathers every showroom's results for a period (HQ mode).
func (s *Service) HQReport(ctx context.Context, periodID string) (kaohe.HQReport, error) {
	return s.HQReportParts(ctx, periodID, kaohe.ReportAll)
}

// HQReportParts is HQReport with only the parts asked for (Period,
// Template and the showrooms' headcounts always): over every showroom each
// part reads tens of thousands of rows, and the window reads a part when it
// is shown. The parts left out are nil.
func (s *Service) HQReportParts(ctx context.Context, periodID string, parts kaohe.ReportPart) (kaohe.HQReport, error) {
	if err := s.seeAll(); err != nil {
		return kaohe.HQReport{}, err
	}
	var r kaohe.HQReport
	p, err := s.Store.Period(ctx, periodID)
	if err != nil {
		return r, err
	}
	r.Period = p
	if r.Template, err = s.Store.CurrentTemplate(ctx); err != nil {
		r.Template = kaohe.DefaultTemplate()
	}
	srs, err := s.Store.Showrooms(ctx)
	if err != nil {
		return r, err
	}
	// Totals, grades and states are counted: every showroom's item scores
	// and report texts are left unread.
	var as []kaohe.Assessment
	if parts&kaohe.ReportResults != 0 {
		if as, err = s.Store.PeriodTallies(ctx, p.ID); err != nil {
			return r, err
		}
	}
	var apps []kaohe.ApplicationView
	if parts&kaohe.ReportPipeline != 0 {
		if apps, err = s.Store.ApplicationsBrief(ctx, ""); err != nil {
			return r, err
		}
	}
	// Assessments count whoever they are of (kaohe.TallyGrades): a manager
	// who has left since was still graded for the period.
	everyone, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil {
		return r, err
	}
	byManager := map[string]kaohe.ManagerLevel{}
	var ms []kaohe.ManagerLevel // active as of today (ListManagers' status is)
	for _, m := range everyone {
		byManager[m.ID] = m
		if m.Status == kaohe.StatusActive {
			ms = append(ms, m)
		}
	}
	room := map[string]kaohe.Showroom{}
	for _, sr := range srs {
		room[sr.ID] = sr
	}
	stats := map[string]*kaohe.GroupStats{}
	regions := map[string]*kaohe.GroupStats{}
	for _, sr := range srs {
		stats[sr.ID] = &kaohe.GroupStats{Name: sr.Name, Region: sr.Region, Grades: map[string]int{}}
		if regions[sr.Region] == nil {
			regions[sr.Region] = &kaohe.GroupStats{Name: sr.Region, Region: sr.Region, Grades: map[string]int{}}
		}
	}
	for _, m := range ms {
		if g := stats[m.ShowroomID]; g != nil {
			g.Headcount++
			regions[g.Region].Headcount++
		}
	}
	sums := map[*kaohe.GroupStats]float64{}
	byRoom := map[string][]kaohe.Assessment{}
	for _, a := range as {
		m, ok := byManager[a.ManagerID]
		g := stats[a.ShowroomID]
		if !ok || g == nil || !a.Counted() {
			continue
		}
		byRoom[a.ShowroomID] = append(byRoom[a.ShowroomID], a)
		for _, x := range []*kaohe.GroupStats{g, regions[g.Region]} {
			sums[x] += a.Total
		}
		r.Ranking = append(r.Ranking, kaohe.Ranked{Showroom: g.Name, Manager: m, Total: a.Total, Grade: a.Grade})
	}
	sort.SliceStable(r.Ranking, func(i, j int) bool { return r.Ranking[i].Total > r.Ranking[j].Total })
	for i := range r.Ranking {
		r.Ranking[i].Rank = i + 1
		if i > 0 && r.Ranking[i].Total == r.Ranking[i-1].Total {
			r.Ranking[i].Rank = r.Ranking[i-1].Rank // equal totals share a place
		}
	}
	for _, sr := range srs { // counted as the showroom's dashboard counts
		g := stats[sr.ID]
		n, grades := kaohe.TallyGrades(byRoom[sr.ID])
		g.Assessed, g.Grades = n, grades
		reg := regions[g.Region]
		reg.Assessed += n
		for code, c := range grades {
			reg.Grades[code] += c
		}
	}
	if parts&kaohe.ReportResults != 0 {
		for _, sr := range srs {
			g := stats[sr.ID]
			if g.Assessed > 0 {
				g.Average = kaohe.Round2(sums[g] / float64(g.Assessed))
			}
			r.Showrooms = append(r.Showrooms, *g)
		}
		names := make([]string, 0, len(regions))
		for n := range regions {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			g := regions[n]
			if g.Assessed > 0 {
				g.Average = kaohe.Round2(sums[g] / float64(g.Assessed))
			}
			r.Regions = append(r.Regions, *g)
		}
	}
	if parts&kaohe.ReportPipeline != 0 {
		pipes := map[string]*kaohe.PipelineRow{}
		for _, sr := range srs {
			pipes[sr.ID] = &kaohe.PipelineRow{Showroom: sr.Name, ByState: map[kaohe.AppState]int{}}
		}
		for _, a := range apps {
			if p := pipes[a.ShowroomID]; p != nil {
				p.ByState[a.Review.State]++
			}
		}
		for _, sr := range srs {
			r.Pipeline = append(r.Pipeline, *pipes[sr.ID])
		}
	}
	if parts&kaohe.ReportTraining == 0 {
		return r, nil
	}
	// Every manager's hours in one read, the active ones by showroom.
	hours, err := s.Store.TrainingHoursByManager(ctx, p.End.Year)
	if err != nil {
		return r, err
	}
	staff := map[string][]kaohe.ManagerLevel{}
	for _, m := range ms {
		staff[m.ShowroomID] = append(staff[m.ShowroomID], m)
	}
	for _, sr := range srs {
		tr := kaohe.TrainingRow{Showroom: sr.Name, Headcount: stats[sr.ID].Headcount, Hours: kaohe.TrainingHours{}, Covered: map[kaohe.TrainingCategory]int{}}
		for _, m := range staff[sr.ID] {
			for cat, v := range hours[m.ID] {
				tr.Hours[cat] += v
				if v > 0 {
					tr.Covered[cat]++
				}
			}
		}
		r.Training = append(r.Training, tr)
	}
	return r, nil
}

// HQReportPDF writes HQ's report of a period as PDF.
func (s *Service) HQReportPDF(ctx context.Context, periodID, path string) error {
	r, err := s.HQReport(ctx, periodID)
	if err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error { return pdf.HQReport(w, r, nil) })
}

// HQReportXLSX writes HQ's report of a period as an Excel workbook.
func (s *Service) HQReportXLSX(ctx context.Context, periodID, path string) error {
	r, err := s.HQReport(ctx, periodID)
	if err != nil {
		return err
	}
	return documents.WriteFile(path, func(w io.Writer) error { return excel.WriteHQReport(w, r) })
}

package service

import (
	"reflect"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// The showroom's dashboard and HQ's report count one period the same way,
// also after a graded manager left (drafts: kaohe.TestTallyGrades).
func TestDashboardAndHQReportCountAlike(t *testing.T) {
	svc := open(t, true)
	svc.Store.Now = svc.Now
	d, err := svc.Dashboard(ctx)
	if err != nil || d.LastPeriod.ID == "" {
		t.Fatalf("dashboard: %v, period %q", err, d.LastPeriod.ID)
	}
	as, _ := svc.Store.Assessments(ctx, store.AssessmentFilter{PeriodID: d.LastPeriod.ID})
	if len(as) < 3 {
		t.Fatalf("%d assessments in %s", len(as), d.LastPeriod.ID)
	}
	// One graded manager leaves.
	gone, _ := svc.Store.Manager(ctx, as[0].ManagerID)
	gone.Status, gone.LeftOn = kaohe.StatusLeft, kaohe.D(2026, 11, 1)
	if _, err := svc.UpdateManager(ctx, signIn(t, svc, "D001"), gone.Manager); err != nil {
		t.Fatal(err)
	}

	d, _ = svc.Dashboard(ctx)
	r, err := svc.HQReport(ctx, d.LastPeriod.ID)
	if err != nil {
		t.Fatal(err)
	}
	shown, hq := map[string]int{}, map[string]int{}
	var nShown, nHQ int
	for _, g := range d.Grades {
		shown[g.Grade.Code] = g.Count
		nShown += g.Count
	}
	for _, sr := range r.Showrooms {
		nHQ += sr.Assessed
		for code, n := range sr.Grades {
			hq[code] += n
		}
	}
	want, _ := kaohe.TallyGrades(as)
	if nShown != want || nShown != nHQ {
		t.Errorf("graded: dashboard %d, HQ %d; want both %d (the leaver counted)", nShown, nHQ, want)
	}
	for code := range shown {
		if shown[code] != hq[code] {
			t.Errorf("grade %s: dashboard %d, HQ %d", code, shown[code], hq[code])
		}
	}
}

// HQ's report read part by part is the whole report: each part alone
// carries only itself (and the period, template and headcounts), and the
// parts together are HQReport.
func TestHQReportPartsMakeTheReport(t *testing.T) {
	svc := open(t, true)
	svc.Store.Now = svc.Now
	d, err := svc.Dashboard(ctx)
	if err != nil || d.LastPeriod.ID == "" {
		t.Fatalf("dashboard: %v, period %q", err, d.LastPeriod.ID)
	}
	whole, err := svc.HQReport(ctx, d.LastPeriod.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole.Showrooms) == 0 || len(whole.Ranking) == 0 || len(whole.Pipeline) == 0 || len(whole.Training) == 0 {
		t.Fatalf("the whole report lacks a part: %d showrooms, %d ranked, %d pipeline, %d training",
			len(whole.Showrooms), len(whole.Ranking), len(whole.Pipeline), len(whole.Training))
	}
	var joined kaohe.HQReport
	for _, part := range []kaohe.ReportPart{kaohe.ReportResults, kaohe.ReportPipeline, kaohe.ReportTraining} {
		r, err := svc.HQReportParts(ctx, d.LastPeriod.ID, part)
		if err != nil {
			t.Fatal(err)
		}
		if r.Period != whole.Period || r.Template.ID != whole.Template.ID {
			t.Errorf("part %d: period %v, template %q", part, r.Period, r.Template.ID)
		}
		if (r.Showrooms != nil) != (part == kaohe.ReportResults) || (r.Ranking != nil) != (part == kaohe.ReportResults) ||
			(r.Pipeline != nil) != (part == kaohe.ReportPipeline) || (r.Training != nil) != (part == kaohe.ReportTraining) {
			t.Errorf("part %d carries showrooms %v, ranking %v, pipeline %v, training %v", part,
				r.Showrooms != nil, r.Ranking != nil, r.Pipeline != nil, r.Training != nil)
		}
		switch part {
		case kaohe.ReportResults:
			joined = r
		case kaohe.ReportPipeline:
			joined.Pipeline = r.Pipeline
		case kaohe.ReportTraining:
			joined.Training = r.Training
		}
	}
	if !reflect.DeepEqual(joined, whole) {
		t.Errorf("the parts joined differ from the whole report:\n%+v\n%+v", joined, whole)
	}
}

package service

import (
	"reflect"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
)

// The review queue reads every showroom's applications in a few queries and
// leaves out what only the item shown needs; ReviewDetail has that. Both
// must say what each applicant's own records say.
func TestReviewQueueAndDetailSayWhatEachApplicantsRecordsSay(t *testing.T) {
	svc := open(t, true)
	svc.Store.Now = svc.Now
	signIn(t, svc, "D001")
	apps, err := svc.Store.Applications(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	under := map[kaohe.AppState]bool{kaohe.AppSubmitted: true, kaohe.AppExam: true, kaohe.AppSecond: true, kaohe.AppProbation: true}
	var want []kaohe.ReviewItem
	room, _ := svc.Store.Showroom(ctx)
	for _, a := range apps {
		if !under[a.Review.State] {
			continue
		}
		m, err := svc.Store.Manager(ctx, a.ManagerID)
		if err != nil {
			t.Fatal(err)
		}
		as, _ := svc.Store.Assessments(ctx, store.AssessmentFilter{ManagerID: m.ID})
		h, _ := svc.Store.TrainingHoursOf(ctx, m.ID, 2026)
		want = append(want, kaohe.ReviewItem{App: a, Manager: m, Showroom: room, Assessments: as, TrainingHours: h})
	}
	if len(want) < 3 {
		t.Fatalf("the demo has %d applications under review; want some", len(want))
	}
	kaohe.SortQueue(want)
	got, err := svc.ReviewQueue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("ReviewQueue = %d items; want %d", len(got), len(want))
	}
	hours, assessed := 0.0, 0
	for i, w := range want {
		brief := w
		brief.App.Report, brief.Assessments, brief.TrainingHours = "", nil, nil
		if w.App.Report == "" {
			t.Errorf("application %s has no report: the test checks nothing of it", w.App.ID)
		}
		if !reflect.DeepEqual(got[i], brief) {
			t.Errorf("ReviewQueue()[%d] =\n%+v\nwant\n%+v", i, got[i], brief)
		}
		d, err := svc.ReviewDetail(ctx, got[i].App.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d, w) {
			t.Errorf("ReviewDetail(%s) =\n%+v\nwant\n%+v", w.App.ID, d, w)
		}
		hours += d.TrainingHours.Total()
		assessed += len(d.Assessments)
	}
	if hours == 0 || assessed == 0 {
		t.Errorf("the queue's applicants have %v hours this year and %d assessments: the test checks nothing of them", hours, assessed)
	}
	if _, err := svc.ReviewDetail(ctx, "no-such-application"); kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		t.Errorf("ReviewDetail(unknown) = %v; want not found", err)
	}
}

func TestHQReportTrainingSaysWhatEachManagersHoursSay(t *testing.T) {
	svc := open(t, true)
	svc.Store.Now = svc.Now
	signIn(t, svc, "D001")
	d, err := svc.Dashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.HQReport(ctx, d.LastPeriod.ID)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := svc.Store.ListManagers(ctx, kaohe.ManagerFilter{Status: kaohe.StatusActive})
	want := kaohe.TrainingHours{}
	covered := map[kaohe.TrainingCategory]int{}
	for _, m := range ms {
		h, _ := svc.Store.TrainingHoursOf(ctx, m.ID, r.Period.End.Year)
		for cat, v := range h {
			want[cat] += v
			if v > 0 {
				covered[cat]++
			}
		}
	}
	if len(r.Training) != 1 || len(r.Showrooms) != 1 {
		t.Fatalf("report of one showroom: %d training rows, %d showrooms", len(r.Training), len(r.Showrooms))
	}
	if tr := r.Training[0]; !reflect.DeepEqual(tr.Hours, want) || !reflect.DeepEqual(tr.Covered, covered) || tr.Headcount != len(ms) {
		t.Errorf("training row = %+v; want hours %v, covered %v, headcount %d", tr, want, covered, len(ms))
	}
	if want.Total() == 0 {
		t.Error("nobody trained: the test checks nothing")
	}
	if r.Showrooms[0].Headcount != len(ms) {
		t.Errorf("headcount = %d; want the %d active managers", r.Showrooms[0].Headcount, len(ms))
	}
}

package kaohe

import (
	"errors"
	"sort"
	"testing"
)

func TestManagerValidateReportsEveryProblem(t *testing.T) {
	m := Manager{EmployeeNo: "", Name: "", Phone: "abc", Education: EduUnknown, Status: StatusActive, HireDate: D(2024, 3, 1), LeftOn: D(2024, 1, 1)}
	err := m.Validate()
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ke *Error
		if !errors.As(e, &ke) {
			t.Fatalf("not a domain error: %v", e)
		}
		fields = append(fields, ke.Field+":"+ke.Key)
	}
	sort.Strings(fields)
	want := []string{"education:err.choose", "employee_no:err.required", "left_on:err.left_before_hired", "name:err.bad_name", "phone:err.bad_phone"}
	if len(fields) != len(want) {
		t.Fatalf("Validate() problems = %v; want %v", fields, want)
	}
	for i := range want {
		if fields[i] != want[i] {
			t.Errorf("problem %d = %s; want %s", i, fields[i], want[i])
		}
	}
	if ErrorCode(err) != EINVALID {
		t.Errorf("ErrorCode = %s; want %s", ErrorCode(err), EINVALID)
	}
	ok := Manager{EmployeeNo: "D001", Name: "王堃", Education: EduBachelor, Status: StatusActive}
	if err := ok.Validate(); err != nil {
		t.Errorf("a good profile: %v", err)
	}
}

func TestManagerDates(t *testing.T) {
	today := D(2026, 11, 27)
	for _, tc := range []struct {
		name       string
		m          Manager
		wantErr    bool
		wantStatus ManagerStatus
		planned    bool
	}{
		{"hired today", Manager{HireDate: today, Status: StatusActive}, false, StatusActive, false},
		{"hired tomorrow", Manager{HireDate: D(2026, 11, 28), Status: StatusActive}, true, StatusActive, false},
		{"leaves in 2030", Manager{HireDate: D(2020, 1, 1), Status: StatusLeft, LeftOn: D(2030, 1, 1)}, false, StatusActive, true},
		{"left yesterday", Manager{HireDate: D(2020, 1, 1), Status: StatusLeft, LeftOn: D(2026, 11, 26)}, false, StatusLeft, false},
		{"leaves today", Manager{HireDate: D(2020, 1, 1), Status: StatusActive, LeftOn: today}, false, StatusLeft, false},
		{"no dates", Manager{Status: StatusActive}, false, StatusActive, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.m.CheckDates(today); (err != nil) != tc.wantErr {
				t.Errorf("CheckDates = %v; want error %v", err, tc.wantErr)
			}
			if got := tc.m.AsOf(today).Status; got != tc.wantStatus {
				t.Errorf("AsOf(today).Status = %s; want %s", got, tc.wantStatus)
			}
			if got := tc.m.PlannedLeave(today); got != tc.planned {
				t.Errorf("PlannedLeave = %v; want %v", got, tc.planned)
			}
		})
	}
}

func TestSameEmployeeNo(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"D001", "d001", true}, {"D001", " D001 ", true}, {"D001", "D0001", false}, {"hq-7", "HQ-7", true}, {"D001", "D002", false}} {
		if got := SameEmployeeNo(tc.a, tc.b); got != tc.want {
			t.Errorf("SameEmployeeNo(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCheckDelete(t *testing.T) {
	for _, tc := range []struct {
		h    History
		want bool // allowed
	}{
		{History{LevelChanges: 1}, true},
		{History{}, true},
		{History{LevelChanges: 2}, false},
		{History{LevelChanges: 1, Assessments: 1}, false},
		{History{LevelChanges: 1, Trainings: 3}, false},
		{History{LevelChanges: 1, Certificates: 1}, false},
		{History{LevelChanges: 1, Research: 1}, false},
		{History{LevelChanges: 1, Targets: 1}, false},
		{History{LevelChanges: 1, Rewards: 1}, false},
		{History{LevelChanges: 1, Applications: 1}, false},
	} {
		err := CheckDelete("D001 王堃", tc.h)
		if (err == nil) != tc.want {
			t.Errorf("CheckDelete(%+v) = %v; want allowed %v", tc.h, err, tc.want)
		}
		if err != nil && ErrorCode(err) != ECONFLICT {
			t.Errorf("CheckDelete(%+v) code %s", tc.h, ErrorCode(err))
		}
	}
}

func TestUnderReview(t *testing.T) {
	for s, want := range map[AppState]bool{AppDraft: false, AppSubmitted: true, AppExam: true, AppSecond: true, AppProbation: true, AppGranted: false, AppFailed: false, AppWithdrawn: false} {
		if got := s.UnderReview(); got != want {
			t.Errorf("%s.UnderReview() = %v; want %v", s, got, want)
		}
	}
}

func TestRollupAsOfLeavesRunningMonthsOut(t *testing.T) {
	var tg, ac Months
	for i := range tg {
		tg[i], ac[i] = 100, 90
	}
	ac[11] = 0 // December not yet ended: nothing entered
	today := D(2026, 12, 15)
	for _, tc := range []struct {
		span         Span
		year         int
		wantEnded    int
		wantRate     float64
		wantOK, prog bool
	}{
		{Span{Kind: PeriodQuarter, Index: 4}, 2026, 2, 0.9, true, true},  // Oct, Nov ended; Dec running
		{Span{Kind: PeriodQuarter, Index: 3}, 2026, 3, 0.9, true, false}, // all ended
		{Span{Kind: PeriodMonth, Index: 12}, 2026, 0, 0, false, true},    // running: no rate, not 0 %
		{Span{Kind: PeriodYear}, 2026, 11, 0.9, true, true},
		{Span{Kind: PeriodYear}, 2027, 0, 0, false, true}, // ahead
		{Span{Kind: PeriodYear}, 2025, 12, 0.825, true, false},
	} {
		p := RollupAsOf(tg, ac, tc.span, tc.year, today)
		rate, ok := p.Rate()
		if p.Ended != tc.wantEnded || ok != tc.wantOK || (ok && (rate < tc.wantRate-1e-9 || rate > tc.wantRate+1e-9)) || p.InProgress() != tc.prog {
			t.Errorf("RollupAsOf(%+v, %d) = %+v rate %v %v, in progress %v; want ended %d rate %v %v, in progress %v",
				tc.span, tc.year, p, rate, ok, p.InProgress(), tc.wantEnded, tc.wantRate, tc.wantOK, tc.prog)
		}
	}
	if MonthStatusOf(2026, 11, today) != MonthEnded || MonthStatusOf(2026, 12, today) != MonthCurrent || MonthStatusOf(2027, 1, today) != MonthAhead {
		t.Error("MonthStatusOf")
	}
}

func TestTallyGrades(t *testing.T) {
	as := []Assessment{{Status: AssessSubmitted, Grade: "good"}, {Status: AssessFiled, Grade: "good"}, {Status: AssessDraft, Grade: "excellent"}, {Status: AssessSubmitted, Grade: "pass"}}
	n, by := TallyGrades(as)
	if n != 3 || by["good"] != 2 || by["pass"] != 1 || by["excellent"] != 0 {
		t.Errorf("TallyGrades = %d, %v; want 3 with good 2, pass 1 and the draft left out", n, by)
	}
}

func TestQueueWaitingFilterAndOrder(t *testing.T) {
	mk := func(id, name, no, room string, st AppState, ds ...Decision) ReviewItem {
		return ReviewItem{App: ApplicationView{Application: Application{ID: id}, Review: Review{State: st, Decisions: ds}},
			Manager: ManagerLevel{Manager: Manager{Name: name, EmployeeNo: no}}, Showroom: Showroom{ID: room, Name: room + "展厅"}}
	}
	sub := func(d Date) Decision { return Decision{Stage: StageSubmit, Date: d} }
	first := func(d Date) Decision { return Decision{Stage: StageFirst, Pass: true, Date: d} }
	items := []ReviewItem{
		mk("c", "王堃", "D003", "SH", AppExam, sub(D(2026, 9, 1)), first(D(2026, 11, 1))),
		mk("a", "李喆", "D001", "BJ", AppSubmitted, sub(D(2026, 10, 2))),
		mk("b", "张玥", "d002", "SH", AppSubmitted, sub(D(2026, 8, 15))),
	}
	today := D(2026, 11, 27)
	if got := items[0].App.Review.DaysWaiting(today); got != 26 {
		t.Errorf("waiting since the first review = %d days; want 26", got)
	}
	if got := items[1].App.Review.DaysWaiting(today); got != 56 {
		t.Errorf("waiting since submission = %d days; want 56", got)
	}
	if got := items[1].App.Review.Submitted(); got != D(2026, 10, 2) {
		t.Errorf("Submitted = %v", got)
	}
	SortQueue(items)
	if items[0].App.ID != "b" || items[1].App.ID != "c" || items[2].App.ID != "a" {
		t.Errorf("order = %s %s %s; want b c a (by submission)", items[0].App.ID, items[1].App.ID, items[2].App.ID)
	}
	for _, tc := range []struct {
		f    QueueFilter
		want int
	}{
		{QueueFilter{}, 3}, {QueueFilter{Query: "D002"}, 1}, {QueueFilter{Query: "玥"}, 1}, {QueueFilter{Query: "SH展厅"}, 2},
		{QueueFilter{State: AppSubmitted}, 2}, {QueueFilter{ShowroomID: "BJ"}, 1}, {QueueFilter{State: AppExam, ShowroomID: "BJ"}, 0},
	} {
		n := 0
		for _, it := range items {
			if tc.f.Match(it) {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%+v matched %d; want %d", tc.f, n, tc.want)
		}
	}
}

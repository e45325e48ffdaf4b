package kaohe

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCountChars(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   \t\n", 0},
		{"客户经理", 4},
		{"客户经理，考核。", 8},    // full-width punctuation counts
		{"hello world", 2}, // one per Latin run
		{"完成2000字", 4},     // 完 成 2000 字
		{"iPhone15很好", 3},  // a letter+digit run is one
		{"Q3 销售额增长12.5%，超额完成", 12}, // Q3, 销售额增长 (5), 12.5%, ，, 超额完成 (4)
		{"１２３", 3},            // full-width digits count each
		{"ＡＢＣ公司", 5},          // full-width letters count each
		{"《厨柜》“整体”方案……", 11},  // “ ” and …… are Latin-side punctuation: ”方 splits, “整 splits, …… is one
		{"《述职报告》——2025年度", 9}, // the dashes separate and count none
		{"hello, world.", 2},  // half-width punctuation stays with its word
		{"中——文", 2},
		{"ab\u200bcd ef", 1}, // LibreOffice stops counting a paragraph at a zero-width space after a word
		{"好👍", 2},            // an emoji is one
		{"👍🏻", 1},            // with a skin-tone modifier still one
		{"👨‍👩‍👧", 1},         // a joined family is one
		{"❤️", 1},            // with a variation selector
		{"café crème", 2},    // accented Latin words
		{"e\u0301", 1},       // combining accent
		{"a,b c", 2},         // half-width punctuation stays in the run
		{"张三\u3000李四", 4},    // ideographic space is white space
		{"喆堃玥", 3},           // rare name characters
		{"ㄅㄆ가나ひらカタ", 8},      // bopomofo, hangul, kana
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := CountChars(tc.in); got != tc.want {
				t.Errorf("CountChars(%q) = %d; want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseEducation(t *testing.T) {
	tests := []struct {
		in   string
		want Education
		err  bool
	}{
		{"中专", EduVocational, false},
		{" 大专 ", EduCollege, false},
		{"大学专科", EduCollege, false},
		{"Bachelor", EduBachelor, false},
		{"本科", EduBachelor, false},
		{"博士", EduDoctor, false},
		{"初中", EduJuniorOrLess, false},
		{"4", EduCollege, false},
		{"幼儿园", EduUnknown, true},
		{"", EduUnknown, true},
	}
	for _, tc := range tests {
		got, err := ParseEducation(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseEducation(%q) = %v, %v; want %v, err=%v", tc.in, got, err, tc.want, tc.err)
		}
	}
	// The scale is ordered.
	es := Educations()
	for i := 1; i < len(es); i++ {
		if !(es[i-1] < es[i]) {
			t.Errorf("education scale not ascending at %v", es[i])
		}
	}
}

func TestCheckEducation(t *testing.T) {
	levels := DefaultLevels()
	l1, _ := levels.Get(Level1)
	l2, _ := levels.Get(Level2)
	l3, _ := levels.Get(Level3)
	tests := []struct {
		name         string
		have         Education
		level        LevelInfo
		ex           ExemptionStatus
		submit, pass bool
	}{
		{"L1 vocational meets", EduVocational, l1, ExemptionNone, true, true},
		{"L1 high school below", EduHighSchool, l1, ExemptionNone, false, false},
		{"L1 high school with request", EduHighSchool, l1, ExemptionRequested, true, false},
		{"L1 high school approved", EduHighSchool, l1, ExemptionApproved, true, true},
		{"L1 high school rejected", EduHighSchool, l1, ExemptionRejected, false, false},
		{"L2 college meets", EduCollege, l2, ExemptionNone, true, true},
		{"L2 vocational below", EduVocational, l2, ExemptionNone, false, false},
		{"L3 bachelor meets", EduBachelor, l3, ExemptionNone, true, true},
		{"L3 vocational approved", EduVocational, l3, ExemptionApproved, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := CheckEducation(tc.have, tc.level, tc.ex)
			if c.CanSubmit() != tc.submit || c.CanPass() != tc.pass {
				t.Errorf("CheckEducation(%v, L%d, %q) submit=%v pass=%v; want %v %v", tc.have, tc.level.Level, tc.ex, c.CanSubmit(), c.CanPass(), tc.submit, tc.pass)
			}
			if err := c.Err(); (err == nil) != tc.submit || (err != nil && !errors.Is(err, ErrEducationTooLow)) {
				t.Errorf("Err() = %v", err)
			}
		})
	}
}

func TestDefaultLevels(t *testing.T) {
	ls := DefaultLevels()
	want := map[Level]struct {
		edu     Education
		chars   int
		by      Assessor
		enabled bool
		groups  int
	}{
		Level1: {EduVocational, 2000, AssessorShowroom, true, 2},
		Level2: {EduCollege, 3000, AssessorReviewGroup, true, 3},
		Level3: {EduCollege, 5000, AssessorReviewGroup, true, 3},
		Level4: {EduCollege, 5000, AssessorReviewGroup, false, 1},
		Level5: {EduCollege, 5000, AssessorReviewGroup, false, 1},
	}
	if len(ls) != 5 {
		t.Fatalf("DefaultLevels() has %d levels; want 5", len(ls))
	}
	for _, li := range ls {
		w := want[li.Level]
		if err := li.Validate(); err != nil {
			t.Errorf("level %d invalid: %v", li.Level, err)
		}
		if li.MinEducation != w.edu || li.MinReportChars != w.chars || li.AssessedBy != w.by || li.Enabled != w.enabled || len(li.CustomerGroups) != w.groups {
			t.Errorf("level %d = %+v; want %+v", li.Level, li, w)
		}
		if li.Name.Zh == "" || li.Name.En == "" || len(li.Duties) == 0 {
			t.Errorf("level %d lacks names or duties", li.Level)
		}
		for _, d := range append(append(li.Duties, li.Skills...), li.CustomerGroups...) {
			if d.Zh == "" || d.En == "" {
				t.Errorf("level %d has a text without both languages: %+v", li.Level, d)
			}
		}
	}
	if _, err := ls.Enabled(Level4); !errors.Is(err, ErrLevelDisabled) {
		t.Errorf("Enabled(4) = %v; want ErrLevelDisabled", err)
	}
	if ls.MaxEnabled() != Level3 {
		t.Errorf("MaxEnabled() = %d; want 3", ls.MaxEnabled())
	}
	if !strings.Contains(ls[2].Name.Zh, "展厅经理") {
		t.Errorf("level 3 should be the showroom manager level: %q", ls[2].Name.Zh)
	}
}

func TestTemplateValidate(t *testing.T) {
	ok := DefaultTemplate()
	if err := ok.Validate(); err != nil {
		t.Fatalf("default template invalid: %v", err)
	}
	if len(ok.Items) != 5 {
		t.Errorf("default template has %d items; want the policy's 5", len(ok.Items))
	}
	mut := func(f func(*Template)) Template {
		c := DefaultTemplate()
		c.Items = append([]TemplateItem(nil), c.Items...)
		c.Grades = append([]GradeBand(nil), c.Grades...)
		f(&c)
		return c
	}
	tests := []struct {
		name string
		t    Template
		want error
	}{
		{"weights 99", mut(func(t *Template) { t.Items[0].Weight = 39 }), ErrWeightsNot100},
		{"weights 101", mut(func(t *Template) { t.Items[0].Weight = 41 }), ErrWeightsNot100},
		{"zero weight", mut(func(t *Template) { t.Items[4].Weight = 0; t.Items[0].Weight = 50 }), Errorf(EINVALID, "err.bad_weight")},
		{"no items", mut(func(t *Template) { t.Items = nil }), Errorf(EINVALID, "err.template_no_items")},
		{"duplicate code", mut(func(t *Template) { t.Items[1].Code = t.Items[0].Code }), Errorf(EINVALID, "err.duplicate_item")},
		{"bad range", mut(func(t *Template) { t.ScoreMax = 0 }), Errorf(EINVALID, "err.bad_score_range")},
		{"grades not descending", mut(func(t *Template) { t.Grades[1].MinTotal = 95 }), Errorf(EINVALID, "err.grades_not_descending")},
		{"grades gap at bottom", mut(func(t *Template) { t.Grades[3].MinTotal = 10 }), Errorf(EINVALID, "err.grades_gap")},
		{"no grades", mut(func(t *Template) { t.Grades = nil }), Errorf(EINVALID, "err.template_no_grades")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.t.Validate(); !errors.Is(err, tc.want) {
				t.Errorf("Validate() = %v; want %v", err, tc.want)
			}
		})
	}
}

func TestTemplateScore(t *testing.T) {
	tpl := DefaultTemplate()
	all := func(v float64) Scores {
		s := Scores{}
		for _, it := range tpl.Items {
			s[it.Code] = v
		}
		return s
	}
	tests := []struct {
		name     string
		s        Scores
		total    float64
		grade    string
		coef     float64
		complete bool
		err      error
	}{
		{"all 100", all(100), 100, GradeExcellent, 1.2, true, nil},
		{"all 90 is the excellent boundary", all(90), 90, GradeExcellent, 1.2, true, nil},
		{"just below 90", all(89.99), 89.99, GradeGood, 1.0, true, nil},
		{"all 80", all(80), 80, GradeGood, 1.0, true, nil},
		{"all 60", all(60), 60, GradePass, 0.8, true, nil},
		{"all 0", all(0), 0, GradeFail, 0.5, true, nil},
		{"weighted", Scores{"plan": 95, "satisfaction": 85, "expansion": 70, "feedback": 80, "cooperation": 90}, 86.5, GradeGood, 1.0, true, nil},
		{"partial", Scores{"plan": 100}, 40, GradeFail, 0.5, false, nil},
		{"above range", Scores{"plan": 101}, 0, "", 0, false, ErrScoreOutOfRange},
		{"below range", Scores{"plan": -1}, 0, "", 0, false, ErrScoreOutOfRange},
		{"unknown item", Scores{"nope": 1}, 0, "", 0, false, Errorf(EINVALID, "err.unknown_item")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tpl.Score(tc.s)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Score() err = %v; want %v", err, tc.err)
				}
				return
			}
			if err != nil || r.Total != tc.total || r.Grade.Code != tc.grade || r.Grade.Coefficient != tc.coef || r.Complete != tc.complete {
				t.Errorf("Score(%v) = %+v, %v; want total %v grade %s coef %v complete %v", tc.s, r, err, tc.total, tc.grade, tc.coef, tc.complete)
			}
		})
	}
	if got := tpl.PlanScore(1.3); got != 100 {
		t.Errorf("PlanScore(1.3) = %v; want 100 (capped)", got)
	}
	if got := tpl.PlanScore(0.876); got != 87.6 {
		t.Errorf("PlanScore(0.876) = %v; want 87.6", got)
	}
}

func TestAssessmentSubmit(t *testing.T) {
	tpl := DefaultTemplate()
	a := Assessment{Scores: Scores{"plan": 90, "satisfaction": 90, "expansion": 90, "feedback": 90}, Assessor: "王经理"}
	if err := a.CheckSubmit(tpl); !errors.Is(err, Errorf(EINVALID, "err.score_missing")) {
		t.Errorf("CheckSubmit(incomplete) = %v; want err.score_missing", err)
	}
	a.Scores["cooperation"] = 90
	if err := a.CheckSubmit(tpl); err != nil {
		t.Fatalf("CheckSubmit() = %v", err)
	}
	if a.TemplateVersion != tpl.Version || a.Grade != GradeExcellent || a.Coefficient != 1.2 {
		t.Errorf("scored assessment = %+v", a)
	}
	newer := tpl
	newer.Version = 2
	if _, err := a.Score(newer); err == nil {
		t.Errorf("scoring a finished assessment with another template version should fail")
	}
}

func TestSplitAnnual(t *testing.T) {
	seasonal := []float64{0.6, 0.5, 0.9, 1, 1.1, 1, 0.9, 0.9, 1.2, 1.5, 1.3, 1.1}
	tests := []struct {
		name    string
		annual  int64
		weights []float64
		want    *Months
		err     bool
	}{
		{"even exact", 1200, nil, &Months{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, false},
		{"even with remainder", 1000, nil, &Months{84, 84, 84, 84, 83, 83, 83, 83, 83, 83, 83, 83}, false},
		{"even tiny", 5, nil, &Months{1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, false},
		{"zero", 0, nil, &Months{}, false},
		{"seasonal", 3000000, seasonal, nil, false},
		{"seasonal odd", 1234567, seasonal, nil, false},
		{"a month with no weight", 1000, []float64{0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, nil, false},
		{"negative", -1, nil, nil, true},
		{"11 weights", 100, seasonal[:11], nil, true},
		{"all zero", 100, make([]float64, 12), nil, true},
		{"negative weight", 100, []float64{-1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := SplitAnnual(tc.annual, tc.weights)
			if (err != nil) != tc.err {
				t.Fatalf("SplitAnnual(%d) err = %v; want err=%v", tc.annual, err, tc.err)
			}
			if err != nil {
				return
			}
			if m.Total() != tc.annual {
				t.Errorf("SplitAnnual(%d) sums to %d", tc.annual, m.Total())
			}
			if tc.want != nil && m != *tc.want {
				t.Errorf("SplitAnnual(%d) = %v; want %v", tc.annual, m, *tc.want)
			}
			for i, v := range m {
				if v < 0 {
					t.Errorf("month %d negative: %d", i+1, v)
				}
				if tc.weights != nil && tc.weights[i] == 0 && v != 0 {
					t.Errorf("month %d has weight 0 but target %d", i+1, v)
				}
			}
		})
	}
	// Seasonal split follows the weights: October (1.5) gets the most.
	m, _ := SplitAnnual(3000000, seasonal)
	if m[9] != 3000000*1.5/12 || m[1] != 3000000*0.5/12 {
		t.Errorf("seasonal split = %v", m)
	}
}

func TestRollup(t *testing.T) {
	targets, _ := SplitAnnual(1200, nil)
	actuals := Months{90, 110, 100, 100, 100, 100, 120, 80, 100, 100, 100, 0}
	tests := []struct {
		span Span
		want Completion
		rate float64
	}{
		{Span{PeriodMonth, 1}, Completion{100, 90}, 0.9},
		{Span{PeriodMonth, 12}, Completion{100, 0}, 0},
		{Span{PeriodQuarter, 1}, Completion{300, 300}, 1},
		{Span{PeriodQuarter, 3}, Completion{300, 300}, 1},
		{Span{PeriodQuarter, 4}, Completion{300, 200}, 2.0 / 3},
		{Span{PeriodHalf, 1}, Completion{600, 600}, 1},
		{Span{PeriodHalf, 2}, Completion{600, 500}, 500.0 / 600},
		{Span{PeriodYear, 0}, Completion{1200, 1100}, 1100.0 / 1200},
	}
	for _, tc := range tests {
		c := Rollup(targets, actuals, tc.span)
		r, ok := c.Rate()
		if c != tc.want || !ok || r != tc.rate {
			t.Errorf("Rollup(%v) = %+v rate %v; want %+v rate %v", tc.span, c, r, tc.want, tc.rate)
		}
	}
	if _, ok := (Completion{0, 5}).Rate(); ok {
		t.Errorf("a completion without target has no rate")
	}
	// quarters and halves add up to the year
	q := int64(0)
	for i := 1; i <= 4; i++ {
		q += Rollup(targets, actuals, Span{PeriodQuarter, i}).Actual
	}
	if q != Rollup(targets, actuals, Span{PeriodYear, 0}).Actual {
		t.Errorf("quarters do not add up to the year")
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from Date
		n    int
		want Date
	}{
		{D(2026, 11, 30), 3, D(2027, 2, 28)},
		{D(2027, 11, 30), 3, D(2028, 2, 29)}, // leap year
		{D(2026, 11, 29), 3, D(2027, 2, 28)},
		{D(2026, 1, 31), 1, D(2026, 2, 28)},
		{D(2026, 8, 31), 3, D(2026, 11, 30)},
		{D(2026, 10, 31), 3, D(2027, 1, 31)},
		{D(2026, 12, 15), 3, D(2027, 3, 15)},
		{D(2026, 3, 31), -1, D(2026, 2, 28)},
		{D(2026, 1, 15), -13, D(2024, 12, 15)},
		{D(2006, 9, 16), 3, D(2006, 12, 16)},
	}
	for _, tc := range tests {
		if got := tc.from.AddMonths(tc.n); got != tc.want {
			t.Errorf("%v.AddMonths(%d) = %v; want %v", tc.from, tc.n, got, tc.want)
		}
	}
	if s := D(2026, 11, 27).Chinese(); s != "2026年11月27日" {
		t.Errorf("Chinese() = %q", s)
	}
	for in, want := range map[string]Date{"2026-11-27": D(2026, 11, 27), "2026/1/5": D(2026, 1, 5), "2026年11月27日": D(2026, 11, 27), " 2026.3.9 ": D(2026, 3, 9)} {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2026-02-30", "2026-13-01", "27.11.2026x", "", "2026-11", "明天"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestPeriods(t *testing.T) {
	p, err := StandardPeriod(PeriodHalf, 2026, 2)
	if err != nil || p.ID != "2026-H2" || p.Start != D(2026, 7, 1) || p.End != D(2026, 12, 31) || p.Name.Zh != "2026年下半年" {
		t.Errorf("StandardPeriod(half, 2026, 2) = %+v, %v", p, err)
	}
	q, _ := StandardPeriod(PeriodQuarter, 2024, 1)
	if q.End != D(2024, 3, 31) {
		t.Errorf("Q1 end = %v", q.End)
	}
	m, _ := StandardPeriod(PeriodMonth, 2024, 2)
	if m.End != D(2024, 2, 29) {
		t.Errorf("Feb 2024 end = %v", m.End)
	}
	if _, err := StandardPeriod(PeriodQuarter, 2024, 5); err == nil {
		t.Errorf("quarter 5 accepted")
	}
	policy := Period{ID: "policy", Kind: PeriodCustom, Name: Text{"2006-2007考核期", "2006-07"}, Start: D(2006, 9, 16), End: D(2007, 2, 10)}
	if err := policy.Validate(); err != nil {
		t.Fatal(err)
	}
	spans := policy.MonthSpans()
	if len(spans) != 2 || spans[0] != (YearMonths{2006, 9, 12}) || spans[1] != (YearMonths{2007, 1, 2}) {
		t.Errorf("MonthSpans() = %v", spans)
	}
	bad := policy
	bad.End = D(2006, 1, 1)
	if err := bad.Validate(); err == nil {
		t.Errorf("end before start accepted")
	}
}

func score(v float64) *float64 { return &v }

func TestReviewStateMachine(t *testing.T) {
	by := []string{"董事长 李明"}
	d := func(stage Stage, pass bool, date Date) Decision {
		dec := Decision{Stage: stage, Pass: pass, Date: date, DecidedBy: by}
		if stage == StageExam {
			dec.ExamScore = score(80)
		}
		return dec
	}
	// The happy path, stage by stage.
	path := []Decision{
		d(StageSubmit, true, D(2026, 1, 5)),
		d(StageFirst, true, D(2026, 1, 10)),
		d(StageExam, true, D(2026, 2, 1)),
		d(StageSecond, true, D(2026, 11, 30)),
		d(StageThird, true, D(2027, 2, 28)),
	}
	states := []AppState{AppSubmitted, AppExam, AppSecond, AppProbation, AppGranted}
	r := Review{State: AppDraft}
	for i, dec := range path {
		var err error
		r, err = r.Apply(dec)
		if err != nil || r.State != states[i] {
			t.Fatalf("step %d (%s): state %s, err %v; want %s", i, dec.Stage, r.State, err, states[i])
		}
	}
	if r.ProbationEnd != D(2027, 2, 28) {
		t.Errorf("probation end = %v; want 2027-02-28 (11-30 + 3 months, clamped)", r.ProbationEnd)
	}
	if !r.State.Terminal() || r.Next() != "" {
		t.Errorf("granted should be terminal")
	}

	// Every state × stage pair that is not on the path is refused.
	legal := map[AppState]map[Stage]bool{
		AppDraft:     {StageSubmit: true},
		AppSubmitted: {StageFirst: true, StageWithdraw: true},
		AppExam:      {StageExam: true},
		AppSecond:    {StageSecond: true},
		AppProbation: {StageThird: true},
	}
	stages := []Stage{StageSubmit, StageWithdraw, StageFirst, StageExam, StageSecond, StageThird}
	allStates := []AppState{AppDraft, AppSubmitted, AppExam, AppSecond, AppProbation, AppGranted, AppFailed, AppWithdrawn}
	for _, s := range allStates {
		for _, st := range stages {
			from := Review{State: s, ProbationEnd: D(2026, 1, 1)}
			_, err := from.Apply(d(st, true, D(2026, 6, 1)))
			if legal[s][st] {
				if err != nil {
					t.Errorf("%s --%s--> refused: %v", s, st, err)
				}
			} else if !errors.Is(err, ErrIllegalTransition) {
				t.Errorf("%s --%s--> = %v; want ErrIllegalTransition", s, st, err)
			}
		}
	}

	// Failing any review ends in failed; a new application may follow.
	for i := 1; i < len(path); i++ {
		rr, err := Replay(path[:i])
		if err != nil {
			t.Fatal(err)
		}
		f := path[i]
		f.Pass = false
		rr, err = rr.Apply(f)
		if err != nil || rr.State != AppFailed {
			t.Errorf("failing %s: %s, %v; want failed", f.Stage, rr.State, err)
		}
	}

	// The third review waits for the probation to end.
	rr, _ := Replay(path[:4])
	if _, err := rr.Apply(d(StageThird, true, D(2027, 2, 27))); !errors.Is(err, ErrProbationNotEnded) {
		t.Errorf("third review before probation end = %v; want ErrProbationNotEnded", err)
	}
	// HQ decisions need deciders; the exam needs a score; dates go forward.
	rr, _ = Replay(path[:1])
	if _, err := rr.Apply(Decision{Stage: StageFirst, Pass: true, Date: D(2026, 1, 10)}); err == nil {
		t.Errorf("a decision without deciders was accepted")
	}
	rr, _ = Replay(path[:2])
	if _, err := rr.Apply(Decision{Stage: StageExam, Pass: true, Date: D(2026, 2, 1), DecidedBy: by}); err == nil {
		t.Errorf("an exam without a score was accepted")
	}
	if _, err := rr.Apply(d(StageExam, true, D(2025, 12, 1))); err == nil {
		t.Errorf("a decision dated before the previous one was accepted")
	}
	if _, err := Replay([]Decision{path[0], path[2]}); !errors.Is(err, ErrIllegalTransition) {
		t.Errorf("skipping the first review = %v; want ErrIllegalTransition", err)
	}
}

func longText(n int) string { return strings.Repeat("字", n) }

func TestApplicationCheckSubmit(t *testing.T) {
	levels := DefaultLevels()
	base := Application{TargetLevel: Level2, PersonalInfo: "个人情况", Achievements: "主要政绩", Report: longText(3000), Education: EduCollege}
	mut := func(f func(*Application)) Application { a := base; f(&a); return a }
	tests := []struct {
		name    string
		a       Application
		current Level
		want    error
	}{
		{"ok", base, Level1, nil},
		{"report one short", mut(func(a *Application) { a.Report = longText(2999) }), Level1, ErrReportTooShort},
		{"report of spaces", mut(func(a *Application) { a.Report = strings.Repeat("字 ", 1500) + strings.Repeat(" ", 5000) }), Level1, ErrReportTooShort},
		{"level 1 needs 2000", mut(func(a *Application) { a.TargetLevel = Level1; a.Report = longText(2000); a.Education = EduVocational }), 0, nil},
		{"level 3 needs 5000", mut(func(a *Application) { a.TargetLevel = Level3; a.Report = longText(4999) }), Level2, ErrReportTooShort},
		{"education too low", mut(func(a *Application) { a.Education = EduVocational }), Level1, ErrEducationTooLow},
		{"education with exemption request", mut(func(a *Application) {
			a.Education = EduVocational
			a.Exemption = ExemptionRequested
			a.ExemptReason = "业绩特别优秀"
		}), Level1, nil},
		{"exemption without reason", mut(func(a *Application) { a.Education = EduVocational; a.Exemption = ExemptionRequested }), Level1, Errorf(EINVALID, "err.exemption_reason_required")},
		{"level 4 disabled", mut(func(a *Application) { a.TargetLevel = Level4; a.Report = longText(5000) }), Level3, ErrLevelDisabled},
		{"not higher", base, Level2, Errorf(ECONFLICT, "err.level_not_next")},
		{"a level skipped (1→3)", mut(func(a *Application) { a.TargetLevel = Level3; a.Report = longText(5000) }), Level1, Errorf(ECONFLICT, "err.level_not_next")},
		{"lower", base, Level3, Errorf(ECONFLICT, "err.level_not_next")},
		{"no achievements", mut(func(a *Application) { a.Achievements = "  " }), Level1, Errorf(EINVALID, "err.required")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.CheckSubmit(levels, tc.current)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("CheckSubmit() = %v; want %v", err, tc.want)
			}
		})
	}
}

// TestNextLevelOnly: an application asks for, and a grant gives, only the
// level above the current one, and only an enabled one: one rule for the
// submit (CheckSubmit), the grant (CheckGrant) and the form (NextLevels).
func TestNextLevelOnly(t *testing.T) {
	levels := DefaultLevels()
	for _, tc := range []struct {
		current, target Level
		want            error
	}{
		{Level1, Level2, nil}, {Level2, Level3, nil}, {0, Level1, nil},
		{Level1, Level3, Errorf(ECONFLICT, "err.level_not_next")},
		{Level1, Level5, Errorf(ECONFLICT, "err.level_not_next")},
		{Level2, Level2, Errorf(ECONFLICT, "err.level_not_next")},
		{Level3, Level2, Errorf(ECONFLICT, "err.level_not_next")},
		{Level3, Level4, ErrLevelDisabled},
	} {
		for name, err := range map[string]error{"CheckNext": levels.CheckNext(tc.current, tc.target), "CheckGrant": CheckGrant(levels, tc.current, tc.target)} {
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("%s(%d, %d) = %v; want %v", name, tc.current, tc.target, err, tc.want)
			}
		}
		got := levels.NextLevels(tc.current)
		offered := len(got) == 1 && got[0] == tc.target
		if offered != (tc.want == nil) {
			t.Errorf("NextLevels(%d) = %v; target %d allowed: %v", tc.current, got, tc.target, tc.want == nil)
		}
	}
	if got := levels.NextLevels(Level3); len(got) != 0 {
		t.Errorf("NextLevels(3) = %v with level 4 disabled; want none", got)
	}
}

func TestPropose(t *testing.T) {
	tpl := DefaultTemplate()
	levels := DefaultLevels()
	o := func(id string, l Level, month time.Month, g string) Outcome {
		return Outcome{ManagerID: id, Level: l, PeriodEnd: D(2026, month, 28), Grade: g}
	}
	outcomes := []Outcome{
		o("a", Level1, 6, GradeExcellent), o("a", Level1, 12, GradeExcellent), // two top: promote
		o("b", Level1, 6, GradeGood), o("b", Level1, 12, GradeExcellent), // one top: nothing
		o("c", Level2, 12, GradeFail), o("c", Level2, 6, GradeGood), // latest failing: warn
		o("d", Level1, 12, GradeFail),                                         // level 1 cannot go lower
		o("e", Level3, 6, GradeExcellent), o("e", Level3, 12, GradeExcellent), // at the top enabled level
		o("f", Level2, 12, GradeExcellent), o("f", Level2, 6, GradeExcellent), // unordered input
	}
	got := Propose(outcomes, tpl, levels, DefaultProposalRules)
	want := map[string]ProposalKind{"a": ProposePromotion, "c": WarnDemotion, "f": ProposePromotion}
	if len(got) != len(want) {
		t.Fatalf("Propose() = %+v; want %v", got, want)
	}
	for _, p := range got {
		if want[p.ManagerID] != p.Kind {
			t.Errorf("proposal %+v; want %s", p, want[p.ManagerID])
		}
	}
	levels[3].Enabled = true // once HQ enables level 4, level 3 can be proposed
	if got := Propose(outcomes, tpl, levels, DefaultProposalRules); len(got) != 4 {
		t.Errorf("with level 4 enabled, Propose() = %+v; want 4 proposals", got)
	}
}

func TestLevelChanges(t *testing.T) {
	cs := []LevelChange{
		{To: Level2, From: Level1, Date: D(2025, 6, 1)},
		{To: Level1, Date: D(2024, 3, 1)},
		{To: Level3, From: Level2, Date: D(2026, 3, 1)},
	}
	if got := CurrentLevel(cs); got != Level3 {
		t.Errorf("CurrentLevel() = %d; want 3", got)
	}
	if got := CurrentLevel(nil); got != 0 {
		t.Errorf("CurrentLevel(nil) = %d; want 0", got)
	}
	bad := LevelChange{From: Level1, To: Level1, Date: D(2026, 1, 1), Reason: "x", DecidedBy: "y"}
	if err := bad.Validate(); err == nil {
		t.Errorf("a change to the same level was accepted")
	}
}

func TestRecordsValidate(t *testing.T) {
	m := Manager{EmployeeNo: "D001", Name: "张喆", Education: EduCollege, Status: StatusActive, HireDate: D(2020, 1, 1)}
	if err := m.Validate(); err != nil {
		t.Errorf("valid manager refused: %v", err)
	}
	for name, f := range map[string]func(*Manager){
		"no name":       func(m *Manager) { m.Name = " " },
		"bad number":    func(m *Manager) { m.EmployeeNo = "D 001" },
		"no education":  func(m *Manager) { m.Education = 0 },
		"left, no date": func(m *Manager) { m.Status = StatusLeft },
		"bad phone":     func(m *Manager) { m.Phone = "abc" },
	} {
		c := m
		f(&c)
		if err := c.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate() = %v; want invalid", name, err)
		}
	}
	r := RewardPenalty{Type: PenaltyFine, Amount: 200, Reason: "迟到", Date: D(2026, 5, 1), DecidedBy: "王经理"}
	if err := r.Validate(); err != nil {
		t.Errorf("valid fine refused: %v", err)
	}
	r.Amount = 0
	if err := r.Validate(); err == nil {
		t.Errorf("fine without amount accepted")
	}
	w := RewardPenalty{Type: PenaltyWarning, Amount: 10, Reason: "x", Date: D(2026, 5, 1), DecidedBy: "y"}
	if err := w.Validate(); err == nil {
		t.Errorf("warning with amount accepted")
	}
	for _, ti := range RewardTypes() {
		want := map[RewardType]bool{RewardBonus: true, RewardPromotion: true, PenaltyFine: true, PenaltyDemotion: true}[ti.Type]
		if ti.Substantive != want {
			t.Errorf("%s substantive = %v; want %v", ti.Type, ti.Substantive, want)
		}
	}
	tr := Training{Title: "厨柜基础", Category: TrainBasic, Method: MethodClassroom, Date: D(2026, 3, 3), Hours: 4}
	if err := tr.Validate(); err != nil {
		t.Errorf("valid training refused: %v", err)
	}
	tr.Category = "other"
	if err := tr.Validate(); err == nil {
		t.Errorf("unknown category accepted")
	}
	if len(TrainingCategories()) != 5 || len(TrainingMethods()) != 4 {
		t.Errorf("the policy has 5 training categories and 4 methods")
	}
	if h := (Attendance{Result: AttendAbsent}).CreditedHours(Training{Hours: 4}); h != 0 {
		t.Errorf("absent credited %v hours", h)
	}
}

func TestErrorText(t *testing.T) {
	err := Errorf(EINVALID, "err.report_too_short", "Count", 10, "Min", 2000).OnField("report")
	if got := err.Error(); got != "err.report_too_short [report] (Count=10, Min=2000)" {
		t.Errorf("Error() = %q", got)
	}
	if ErrorCode(err) != EINVALID || ErrorCode(errors.New("x")) != EINTERNAL || ErrorCode(nil) != "" {
		t.Errorf("ErrorCode mismatch")
	}
}

func TestMarketResearch(t *testing.T) {
	ok := MarketResearch{Kind: ResearchProject, Date: D(2026, 3, 1), Subject: "万科城三期", PricePerM2: 42000, Units: 800}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid project refused: %v", err)
	}
	for name, r := range map[string]MarketResearch{
		"no subject":     {Kind: ResearchCompetitor, Date: D(2026, 3, 1), Details: "x"},
		"no details":     {Kind: ResearchCompetitor, Date: D(2026, 3, 1), Subject: "欧派"},
		"unknown kind":   {Kind: "weather", Date: D(2026, 3, 1), Subject: "x", Details: "x"},
		"negative price": {Kind: ResearchProject, Date: D(2026, 3, 1), Subject: "x", PricePerM2: -1},
		"no date":        {Kind: ResearchRealEstate, Subject: "x", Details: "x"},
	} {
		if err := r.Validate(); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	p, _ := StandardPeriod(PeriodHalf, 2026, 1)
	rs := []MarketResearch{
		{Kind: ResearchCompetitor, Date: D(2026, 2, 1)}, {Kind: ResearchProject, Date: D(2026, 6, 30)},
		{Kind: ResearchDecorator, Date: D(2026, 5, 1)}, {Kind: ResearchRealEstate, Date: D(2026, 7, 1)},
	}
	got := EvidenceCount(rs, p)
	if got["feedback"] != 2 || got["expansion"] != 1 {
		t.Errorf("EvidenceCount = %v; want feedback 2 (July is outside), expansion 1", got)
	}
}

func TestCertificateSignAndVerify(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	oldPub, oldPriv, _ := ed25519.GenerateKey(nil)
	keys := map[string]ed25519.PublicKey{"k2": pub, "k1": oldPub}
	c := Certificate{Serial: SerialFor(2026, 123), HolderName: "欧阳堃", Showroom: "上海徐汇旗舰展厅", Level: Level2,
		GrantedOn: D(2026, 11, 27), Issuer: "客户经理绩效考核实施小组", VerifyCode: "7KQ2M9XH"}
	c.Sign("k2", priv)
	if c.Serial != "KH-2026-000123" {
		t.Errorf("serial %q", c.Serial)
	}
	tests := []struct {
		name string
		mod  func(*Certificate)
		code string
		want Verdict
	}{
		{"genuine", func(*Certificate) {}, "7KQ2M9XH", Genuine},
		{"code in lower case", func(*Certificate) {}, "7kq2m9xh", Genuine},
		{"wrong code", func(*Certificate) {}, "AAAAAAAA", Unknown},
		{"edited name", func(c *Certificate) { c.HolderName = "欧阳坤" }, "7KQ2M9XH", Forged},
		{"edited level", func(c *Certificate) { c.Level = Level3 }, "7KQ2M9XH", Forged},
		{"edited date", func(c *Certificate) { c.GrantedOn = D(2025, 11, 27) }, "7KQ2M9XH", Forged},
		{"unknown key", func(c *Certificate) { c.KeyID = "k9" }, "7KQ2M9XH", Forged},
		{"revoked", func(c *Certificate) { c.Revoked, c.RevokedWhy = true, "材料造假" }, "7KQ2M9XH", Revoked},
		{"signed with the old key", func(c *Certificate) { c.Sign("k1", oldPriv) }, "7KQ2M9XH", Genuine},
	}
	for _, tc := range tests {
		cc := c
		tc.mod(&cc)
		if got := cc.Verify(tc.code, keys); got != tc.want {
			t.Errorf("%s: %s; want %s", tc.name, got, tc.want)
		}
	}
}

func TestItemWeightedAndReportLength(t *testing.T) {
	tpl := DefaultTemplate()
	sum := 0.0
	s := Scores{}
	for i, it := range tpl.Items {
		v := 70 + float64(i)*7.3
		s[it.Code] = v
		sum += it.Weighted(v)
	}
	r, err := tpl.Score(s)
	if err != nil {
		t.Fatal(err)
	}
	// Shown shares add up to the total within the rounding of each share.
	if d := sum - r.Total; d > 0.005*float64(len(tpl.Items)) || d < -0.005*float64(len(tpl.Items)) {
		t.Errorf("shares sum to %.2f, total %.2f", sum, r.Total)
	}
	if got := (TemplateItem{Weight: 30}).Weighted(88.5); got != 26.55 {
		t.Errorf("Weighted(88.5) at 30%% = %v, want 26.55", got)
	}
	li := LevelInfo{MinReportChars: 2000}
	for n, want := range map[int]bool{1999: false, 2000: true, 2001: true, 0: false} {
		if li.ReportLongEnough(n) != want {
			t.Errorf("ReportLongEnough(%d) = %v", n, !want)
		}
	}
}

func TestPlainHTTPRemote(t *testing.T) {
	for addr, want := range map[string]bool{
		"http://hq.example.cn:8443": true, "HTTP://10.0.0.5": true, "http://[2001:db8::1]:80": true,
		"https://hq.example.cn": false, "http://127.0.0.1:8443": false, "http://localhost:8443": false,
		"http://[::1]:8443": false, " https://hq ": false, "": false,
	} {
		if got := PlainHTTPRemote(addr); got != want {
			t.Errorf("PlainHTTPRemote(%q) = %v; want %v", addr, got, want)
		}
	}
}

// TestParseDateStoredFormAsTyped: every day of 1899–2201 written as the
// store writes it, and impossible ones, read as the general reader reads them.
func TestParseDateStoredFormAsTyped(t *testing.T) {
	for y := 1899; y <= 2201; y += 7 {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
				got, err := ParseDate(s)
				want, wantErr := parseTypedDate(s)
				if got != want || (err == nil) != (wantErr == nil) {
					t.Fatalf("ParseDate(%q) = %v, %v; the general reader: %v, %v", s, got, err, want, wantErr)
				}
			}
		}
	}
}

// The levels a showroom may give a new hire are the ones CheckHire lets
// through: the policy's level 1, and any other HQ's reference data opens
// (enabled and marked for hiring).
func TestHireLevels(t *testing.T) {
	ls := DefaultLevels()
	if got := ls.HireLevels(); len(got) != 1 || got[0] != Level1 {
		t.Errorf("policy hire levels = %v; want [1]", got)
	}
	ls[1].HireLevel = true // HQ lets showrooms hire at level 2
	ls[3].HireLevel = true // and at level 4, which is not enabled
	if got := ls.HireLevels(); len(got) != 2 || got[0] != Level1 || got[1] != Level2 {
		t.Errorf("hire levels = %v; want [1 2]", got)
	}
	for _, l := range ls.HireLevels() {
		if ls.CheckHire(l) != nil {
			t.Errorf("level %d offered but refused", l)
		}
	}
}

// A manager's history (CheckDelete) is every kind of row that refers to a
// manager, as the registry says: a kind added later that names a manager
// counts without a second list to keep in step.
func TestHistoryIsEveryKindNamingAManager(t *testing.T) {
	want := map[string]bool{}
	for _, e := range Entities() {
		r, err := e.Decode([]byte(`{}`))
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		for _, ref := range r.Refs() {
			if ref.Entity == EntManager {
				want[e.Name] = true
			}
		}
	}
	var h History
	got := map[string]bool{}
	for _, k := range HistoryKinds() {
		got[k] = true
		if h.Count(k) == nil {
			t.Errorf("%s is a history kind without a count", k)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%s names a manager but is not part of her history", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("%s counts in a history but names no manager", k)
		}
	}
	// An actual figure is a history: she worked here.
	h = History{LevelChanges: 1}
	*h.Count(EntActual) = 3
	if err := CheckDelete("王堃", h); ErrorKey(err) != "err.manager_has_history" {
		t.Errorf("delete with 3 actuals: %v", err)
	}
}

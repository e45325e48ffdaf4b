package kaohe

import "fmt"

// PeriodKind is the kind of an assessment period.
type PeriodKind string

// Period kinds: 按年度、季度、月度分别考核, 半年一考评, and custom dates such as
// the policy's own 2006-09-16 to 2007-02-10.
const (
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodHalf    PeriodKind = "half"
	PeriodYear    PeriodKind = "year"
	PeriodCustom  PeriodKind = "custom"
)

// Period is an assessment period, owned by HQ.
type Period struct {
	ID    string     `json:"id"`
	Kind  PeriodKind `json:"kind"`
	Name  Text       `json:"name"`
	Start Date       `json:"start"`
	End   Date       `json:"end"` // inclusive
}

// Validate checks the dates.
func (p Period) Validate() error {
	switch p.Kind {
	case PeriodMonth, PeriodQuarter, PeriodHalf, PeriodYear, PeriodCustom:
	default:
		return Errorf(EINVALID, "err.bad_period_kind", "Value", string(p.Kind)).OnField("kind")
	}
	if p.Start.IsZero() || p.End.IsZero() {
		return Errorf(EINVALID, "err.required").OnField("start")
	}
	if p.End.Before(p.Start) {
		return Errorf(EINVALID, "err.end_before_start", "Start", p.Start.String(), "End", p.End.String()).OnField("end")
	}
	return nil
}

// Contains reports whether the day lies in the period.
func (p Period) Contains(d Date) bool { return !d.Before(p.Start) && !d.After(p.End) }

// Ended reports whether the period's last day is behind today.
func (p Period) Ended(today Date) bool { return today.After(p.End) }

// CheckEnded refuses to submit an assessment of a period that has not ended
// by today, the accepting side's own day (HQ's at HQ, never a date the
// record carries): an assessment judges a period's results (年度工作计划
// 完成情况, 按年度、季度、月度分别考核), which are known only once it is
// over. A draft may be kept meanwhile.
func (p Period) CheckEnded(today Date) error {
	if p.Ended(today) {
		return nil
	}
	return Errorf(EINVALID, "err.period_not_ended", "Period", p.Name.Zh, "PeriodEn", p.Name.En, "End", p.End.String()).OnField("period_id")
}

// LatestEnded is the period of ps whose end is the latest one behind today
// (the first listed among equals), where an assessment may be submitted;
// found is false when none has ended.
func LatestEnded(ps []Period, today Date) (latest Period, found bool) {
	for _, p := range ps {
		if p.Ended(today) && (!found || p.End.After(latest.End)) {
			latest, found = p, true
		}
	}
	return latest, found
}

// MonthSpans returns, per calendar year the period touches, the months it
// covers; a custom period counts a month when any of its days fall in it.
func (p Period) MonthSpans() []YearMonths {
	var out []YearMonths
	for y := p.Start.Year; y <= p.End.Year; y++ {
		from, to := 1, 12
		if y == p.Start.Year {
			from = int(p.Start.Month)
		}
		if y == p.End.Year {
			to = int(p.End.Month)
		}
		out = append(out, YearMonths{y, from, to})
	}
	return out
}

// YearMonths is a run of months within one year.
type YearMonths struct{ Year, From, To int }

// StandardPeriod builds the month, quarter, half-year or year period with the
// given index of a year, with its ID ("2026-H1") and names.
func StandardPeriod(kind PeriodKind, year, index int) (Period, error) {
	s := Span{kind, index}
	var id string
	var name Text
	switch kind {
	case PeriodMonth:
		if index < 1 || index > 12 {
			return Period{}, Errorf(EINVALID, "err.bad_period_index", "Value", index)
		}
		id = fmt.Sprintf("%d-M%02d", year, index)
		name = Text{fmt.Sprintf("%d年%d月", year, index), fmt.Sprintf("%d-%02d", year, index)}
	case PeriodQuarter:
		if index < 1 || index > 4 {
			return Period{}, Errorf(EINVALID, "err.bad_period_index", "Value", index)
		}
		id = fmt.Sprintf("%d-Q%d", year, index)
		name = Text{fmt.Sprintf("%d年第%d季度", year, index), fmt.Sprintf("%d Q%d", year, index)}
	case PeriodHalf:
		if index < 1 || index > 2 {
			return Period{}, Errorf(EINVALID, "err.bad_period_index", "Value", index)
		}
		id = fmt.Sprintf("%d-H%d", year, index)
		half := map[int]string{1: "上半年", 2: "下半年"}[index]
		name = Text{fmt.Sprintf("%d年%s", year, half), fmt.Sprintf("%d H%d", year, index)}
	case PeriodYear:
		id = fmt.Sprintf("%d-Y", year)
		name = Text{fmt.Sprintf("%d年度", year), fmt.Sprintf("%d", year)}
	default:
		return Period{}, Errorf(EINVALID, "err.bad_period_kind", "Value", string(kind))
	}
	from, to := s.Months()
	return Period{
		ID: id, Kind: kind, Name: name,
		Start: D(year, monthOf(from), 1),
		End:   D(year, monthOf(to), DaysIn(year, monthOf(to))),
	}, nil
}

// PeriodsOf are a year's standard periods of one kind, in order: its
// months, quarters, half-years or the year itself; with kind "" the
// year's StandardPeriods. HQ publishes them, for years before it started
// too.
func PeriodsOf(year int, kind PeriodKind) ([]Period, error) {
	if year < 2000 || year > 2100 {
		return nil, Errorf(EINVALID, "err.bad_year", "Value", year).OnField("year")
	}
	n := map[PeriodKind]int{PeriodMonth: 12, PeriodQuarter: 4, PeriodHalf: 2, PeriodYear: 1}[kind]
	switch {
	case kind == "":
		return StandardPeriods(year), nil
	case n == 0:
		return nil, Errorf(EINVALID, "err.bad_period_kind", "Value", string(kind)).OnField("kind")
	}
	out := make([]Period, 0, n)
	for i := 1; i <= n; i++ {
		p, err := StandardPeriod(kind, year, i)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

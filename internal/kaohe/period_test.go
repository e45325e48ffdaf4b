package kaohe

import (
	"errors"
	"testing"
)

func TestPeriodCheckEnded(t *testing.T) {
	m11, _ := StandardPeriod(PeriodMonth, 2026, 11)
	h2, _ := StandardPeriod(PeriodHalf, 2026, 2)
	custom := Period{ID: "policy", Kind: PeriodCustom, Name: Text{"2006-2007考核期", "2006-07"}, Start: D(2006, 9, 16), End: D(2007, 2, 10)}
	for _, tc := range []struct {
		p     Period
		today Date
		ok    bool
	}{
		{m11, D(2026, 11, 1), false},  // its first day
		{m11, D(2026, 11, 30), false}, // its last day: not over yet
		{m11, D(2026, 12, 1), true},
		{h2, D(2026, 12, 1), false},
		{h2, D(2027, 1, 1), true},
		{custom, D(2007, 2, 10), false},
		{custom, D(2007, 2, 11), true},
		{custom, D(2006, 1, 1), false}, // before it starts
	} {
		err := tc.p.CheckEnded(tc.today)
		var ke *Error
		if tc.ok != (err == nil) || (err != nil && (!errors.As(err, &ke) || ke.Key != "err.period_not_ended" || ke.Args["End"] != tc.p.End.String())) {
			t.Errorf("%s.CheckEnded(%s) = %v; want ok=%v", tc.p.ID, tc.today, err, tc.ok)
		}
		if tc.p.Ended(tc.today) != tc.ok {
			t.Errorf("%s.Ended(%s) = %v; want %v", tc.p.ID, tc.today, !tc.ok, tc.ok)
		}
	}
}

func TestLatestEnded(t *testing.T) {
	ps := StandardPeriods(2026) // halves, quarters, months
	for _, tc := range []struct {
		today Date
		want  string
	}{
		{D(2026, 12, 1), "2026-M11"},
		{D(2026, 7, 1), "2026-H1"}, // H1, Q2 and M06 all end on 06-30: the first listed
		{D(2026, 1, 31), ""},
		{D(2027, 3, 1), "2026-H2"},
	} {
		p, ok := LatestEnded(ps, tc.today)
		if got := map[bool]string{true: p.ID}[ok]; got != tc.want {
			t.Errorf("LatestEnded(%s) = %q; want %q", tc.today, got, tc.want)
		}
	}
}

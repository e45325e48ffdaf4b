package kaohe

import "math"

// Metric is a figure that has annual targets and monthly actuals.
type Metric struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
	Unit Text   `json:"unit"`
}

// Metric codes of the default metrics.
const (
	MetricSales  = "sales"
	MetricOrders = "orders"
)

// DefaultMetrics are the figures a showroom tracks unless HQ says otherwise.
func DefaultMetrics() []Metric {
	return []Metric{
		{MetricSales, Text{"销售额", "Sales"}, Text{"元", "CNY"}},
		{MetricOrders, Text{"订单数", "Orders"}, Text{"单", "orders"}},
	}
}

// metricNames are a metric's names in Chinese and English, for messages
// (its code when it is none of the default metrics).
func metricNames(code string) (zh, en string) {
	for _, m := range DefaultMetrics() {
		if m.Code == code {
			return m.Name.Zh, m.Name.En
		}
	}
	return code, code
}

// Months holds one figure per calendar month, January first.
type Months [12]int64

// Sum returns the total of months from..to (1-based, inclusive).
func (m Months) Sum(from, to int) int64 {
	var s int64
	for i := from; i <= to; i++ {
		s += m[i-1]
	}
	return s
}

// Total returns the year's total.
func (m Months) Total() int64 { return m.Sum(1, 12) }

// SeasonalWeights returns a kitchen-cabinet year's monthly weights, January
// first: slow after Spring Festival, busy in autumn. Screens offer them as
// the default seasonal split.
func SeasonalWeights() []float64 {
	return []float64{0.7, 0.5, 0.9, 1.0, 1.1, 1.0, 0.9, 0.9, 1.1, 1.4, 1.3, 1.2}
}

// SplitAnnual splits an annual target into 12 monthly targets: evenly when
// weights is nil, else in proportion to the 12 seasonal weights. Rounding
// goes by largest remainder, so the months always sum to the annual figure.
func SplitAnnual(annual int64, weights []float64) (Months, error) {
	var out Months
	if annual < 0 {
		return out, Errorf(EINVALID, "err.negative", "Value", annual).OnField("annual")
	}
	if weights == nil {
		weights = make([]float64, 12)
		for i := range weights {
			weights[i] = 1
		}
	}
	if len(weights) != 12 {
		return out, Errorf(EINVALID, "err.weights_need_12", "Count", len(weights)).OnField("weights")
	}
	var wsum float64
	for _, w := range weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return out, Errorf(EINVALID, "err.bad_weight", "Item", "", "Weight", w).OnField("weights")
		}
		wsum += w
	}
	if wsum == 0 {
		return out, Errorf(EINVALID, "err.weights_zero").OnField("weights")
	}
	type rem struct {
		i int
		r float64
	}
	var given int64
	rems := make([]rem, 12)
	for i, w := range weights {
		exact := float64(annual) * w / wsum
		fl := math.Floor(exact)
		out[i] = int64(fl)
		given += out[i]
		rems[i] = rem{i, exact - fl}
	}
	// Hand the units lost to flooring to the months with the largest
	// remainders; ties go to the earlier month, so the split is stable.
	for left := annual - given; left > 0; left-- {
		best := -1
		for j, r := range rems {
			if weights[r.i] > 0 && (best < 0 || r.r > rems[best].r) {
				best = j
			}
		}
		out[rems[best].i]++
		rems[best].r = -1
	}
	return out, nil
}

// Span is a part of a year that figures roll up to.
type Span struct {
	Kind  PeriodKind
	Index int // month 1–12, quarter 1–4, half 1–2; unused for a year
}

// Months returns the first and last month of the span.
func (s Span) Months() (from, to int) {
	switch s.Kind {
	case PeriodMonth:
		return s.Index, s.Index
	case PeriodQuarter:
		return 3*s.Index - 2, 3 * s.Index
	case PeriodHalf:
		return 6*s.Index - 5, 6 * s.Index
	}
	return 1, 12
}

// Completion is a target against its actual over a span.
type Completion struct {
	Target, Actual int64
}

// Rate returns actual/target; ok is false when there is no target.
func (c Completion) Rate() (rate float64, ok bool) {
	if c.Target <= 0 {
		return 0, false
	}
	return float64(c.Actual) / float64(c.Target), true
}

// Rollup sums monthly targets and actuals over a span (月度、季度、半年、年度).
func Rollup(targets, actuals Months, s Span) Completion {
	from, to := s.Months()
	return Completion{Target: targets.Sum(from, to), Actual: actuals.Sum(from, to)}
}

// RollupMonths sums the months from..to of a year.
func RollupMonths(targets, actuals Months, from, to int) Completion {
	return Completion{Target: targets.Sum(from, to), Actual: actuals.Sum(from, to)}
}

// MonthStatus is where a month of a year stands on a given day.
type MonthStatus int

// Month statuses.
const (
	MonthEnded   MonthStatus = iota // the month is over: its figures are final
	MonthCurrent                    // the month is running: in progress
	MonthAhead                      // the month has not begun
)

// MonthStatusOf says whether month m of year y has ended by today.
func MonthStatusOf(y, m int, today Date) MonthStatus {
	switch at, now := y*12+m, today.Year*12+int(today.Month); {
	case at < now:
		return MonthEnded
	case at == now:
		return MonthCurrent
	}
	return MonthAhead
}

// SpanProgress is a span's completion as of a day.
type SpanProgress struct {
	Completion        // over the months that have ended
	Ended, Months int // months of the span that have ended, of all its months
}

// InProgress reports whether some month of the span has not ended yet.
func (p SpanProgress) InProgress() bool { return p.Ended < p.Months }

// RollupAsOf is Rollup over the months of span s of year y that have ended
// by today. A month still running, or ahead, is in progress: it is left out
// instead of counting as 0 % of its target.
func RollupAsOf(targets, actuals Months, s Span, y int, today Date) SpanProgress {
	from, to := s.Months()
	p := SpanProgress{Months: to - from + 1}
	for m := from; m <= to; m++ {
		if MonthStatusOf(y, m, today) == MonthEnded {
			p.Ended++
			p.Target += targets[m-1]
			p.Actual += actuals[m-1]
		}
	}
	return p
}

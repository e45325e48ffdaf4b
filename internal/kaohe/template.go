package kaohe

import "math"

// ItemPlanCompletion marks the template item fed by the completion rate of
// the annual work plan (年度工作计划完成情况).
const ItemPlanCompletion = "plan"

// TemplateItem is one scored item of an assessment.
type TemplateItem struct {
	Code     string `json:"code"`
	Name     Text   `json:"name"`
	Weight   int    `json:"weight"` // percent; a template's weights sum to 100
	Guidance Text   `json:"guidance"`
}

// Weighted is an item score's share of the total (score × weight / 100),
// rounded to two decimals for showing beside the score.
func (it TemplateItem) Weighted(score float64) float64 {
	return Round2(score * float64(it.Weight) / 100)
}

// GradeBand is a grade reached at MinTotal and above, with the performance
// coefficient that pay is multiplied by (绩效挂钩).
type GradeBand struct {
	Code        string  `json:"code"`
	Name        Text    `json:"name"`
	MinTotal    float64 `json:"min_total"`
	Coefficient float64 `json:"coefficient"`
}

// Template is a versioned scoring template owned by HQ. A finished
// assessment keeps the ID and version it was scored with.
type Template struct {
	ID       string         `json:"id"`
	Version  int            `json:"version"`
	Name     Text           `json:"name"`
	ScoreMin float64        `json:"score_min"`
	ScoreMax float64        `json:"score_max"`
	Items    []TemplateItem `json:"items"`
	Grades   []GradeBand    `json:"grades"` // best first
}

// Validate checks the template: items with unique codes and positive weights
// summing to 100, a score range, and grade bands from best to worst whose
// lowest starts at the bottom of the range.
func (t Template) Validate() error {
	if t.Name.Zh == "" {
		return Errorf(EINVALID, "err.required").OnField("name")
	}
	if len(t.Items) == 0 {
		return Errorf(EINVALID, "err.template_no_items").OnField("items")
	}
	if !(t.ScoreMax > t.ScoreMin) {
		return Errorf(EINVALID, "err.bad_score_range", "Min", t.ScoreMin, "Max", t.ScoreMax).OnField("score_max")
	}
	seen := map[string]bool{}
	sum := 0
	for _, it := range t.Items {
		if it.Code == "" || seen[it.Code] {
			return Errorf(EINVALID, "err.duplicate_item", "Code", it.Code).OnField("items")
		}
		seen[it.Code] = true
		if it.Weight <= 0 {
			return Errorf(EINVALID, "err.bad_weight", "Item", it.Name.Zh, "Weight", it.Weight).OnField(it.Code)
		}
		sum += it.Weight
	}
	if sum != 100 {
		return Errorf(EINVALID, "err.weights_not_100", "Sum", sum).OnField("items")
	}
	if len(t.Grades) == 0 {
		return Errorf(EINVALID, "err.template_no_grades").OnField("grades")
	}
	for i, g := range t.Grades {
		if g.Code == "" || g.Name.Zh == "" || g.Coefficient < 0 {
			return Errorf(EINVALID, "err.bad_grade", "Code", g.Code).OnField("grades")
		}
		if i > 0 && !(g.MinTotal < t.Grades[i-1].MinTotal) {
			return Errorf(EINVALID, "err.grades_not_descending", "Code", g.Code).OnField("grades")
		}
	}
	if last := t.Grades[len(t.Grades)-1]; last.MinTotal > t.ScoreMin {
		return Errorf(EINVALID, "err.grades_gap", "Min", t.ScoreMin).OnField("grades")
	}
	return nil
}

// Item returns the item with the code.
func (t Template) Item(code string) (TemplateItem, bool) {
	for _, it := range t.Items {
		if it.Code == code {
			return it, true
		}
	}
	return TemplateItem{}, false
}

// Scores are item scores by item code.
type Scores map[string]float64

// Result is a scored assessment: weighted total, grade and coefficient.
type Result struct {
	Total    float64
	Grade    GradeBand
	Complete bool     // every item has a score
	Missing  []string // codes of the items without a score
}

// Score checks every score against the range and returns the weighted total
// (Σ score × weight / 100, rounded to two decimals) with its grade. Missing
// items count as zero and are listed, so a screen can show a live total of a
// half-filled form; Submit refuses an incomplete one.
func (t Template) Score(s Scores) (Result, error) {
	for code, v := range s {
		it, ok := t.Item(code)
		if !ok {
			return Result{}, Errorf(EINVALID, "err.unknown_item", "Code", code).OnField(code)
		}
		if math.IsNaN(v) || v < t.ScoreMin || v > t.ScoreMax {
			return Result{}, Errorf(EINVALID, "err.score_out_of_range", "Item", it.Name.Zh, "ItemEn", it.Name.En, "Value", v, "Min", t.ScoreMin, "Max", t.ScoreMax).OnField(code)
		}
	}
	var r Result
	sum := 0.0
	for _, it := range t.Items {
		v, ok := s[it.Code]
		if !ok {
			r.Missing = append(r.Missing, it.Code)
		}
		sum += v * float64(it.Weight)
	}
	r.Complete = len(r.Missing) == 0
	r.Total = Round2(sum / 100)
	r.Grade = t.GradeOf(r.Total)
	return r, nil
}

// GradeOf returns the band a total falls in.
func (t Template) GradeOf(total float64) GradeBand {
	for _, g := range t.Grades {
		if total >= g.MinTotal {
			return g
		}
	}
	if len(t.Grades) == 0 {
		return GradeBand{}
	}
	return t.Grades[len(t.Grades)-1]
}

// Grade returns the band with the code.
func (t Template) Grade(code string) (GradeBand, bool) {
	for _, g := range t.Grades {
		if g.Code == code {
			return g, true
		}
	}
	return GradeBand{}, false
}

// TopGrade and BottomGrade return the best and the worst band.
func (t Template) TopGrade() GradeBand    { return t.Grades[0] }
func (t Template) BottomGrade() GradeBand { return t.Grades[len(t.Grades)-1] }

// PlanScore suggests the plan-completion item's score from the completion
// rate of the period's targets: the rate on the template's scale, capped at
// the maximum (overshooting the plan does not score above full marks).
func (t Template) PlanScore(rate float64) float64 {
	v := t.ScoreMin + rate*(t.ScoreMax-t.ScoreMin)
	return Round2(math.Max(t.ScoreMin, math.Min(t.ScoreMax, v)))
}

// Round2 rounds to two decimals, half away from zero.
func Round2(v float64) float64 { return math.Round(v*100) / 100 }

// Grade codes of the default template.
const (
	GradeExcellent = "excellent"
	GradeGood      = "good"
	GradePass      = "pass"
	GradeFail      = "fail"
)

// DefaultTemplate is the policy's five items (年度工作计划（半年和全年）完成情况、
// 客户满意度、市场拓展情况、客户信息收集反馈、协作) with four grade bands.
func DefaultTemplate() Template {
	return Template{
		ID: "tpl-default", Version: 1,
		Name:     Text{"客户经理半年考评（默认）", "Customer manager half-year appraisal (default)"},
		ScoreMin: 0, ScoreMax: 100,
		Items: []TemplateItem{
			{ItemPlanCompletion, Text{"年度工作计划（半年和全年）完成情况", "Annual work plan (half-year and year) completion"}, 40,
				Text{"按指标完成率计分：完成率×100，封顶100。", "Scored from the target completion rate: rate × 100, capped at 100."}},
			{"satisfaction", Text{"客户满意度", "Customer satisfaction"}, 20,
				Text{"依据回访与投诉记录：无投诉且回访满意90分以上。", "From follow-up calls and complaints: no complaint and satisfied follow-ups score 90+."}},
			{"expansion", Text{"市场拓展情况", "Market expansion"}, 15,
				Text{"新开发小区、装修公司合作、VIP客户等拓展成果。", "New communities, decorator partnerships, VIP customers won."}},
			{"feedback", Text{"客户信息收集反馈", "Customer information gathering and feedback"}, 15,
				Text{"竞争对手、房地产市场与区域楼盘调查的完整性与及时性。", "Completeness and timeliness of competitor, property-market and housing-project surveys."}},
			{"cooperation", Text{"协作", "Cooperation"}, 10,
				Text{"与各部门、同事及分公司的配合情况。", "Working with departments, colleagues and branches."}},
		},
		Grades: []GradeBand{
			{GradeExcellent, Text{"优秀", "Excellent"}, 90, 1.2},
			{GradeGood, Text{"良好", "Good"}, 80, 1.0},
			{GradePass, Text{"合格", "Pass"}, 60, 0.8},
			{GradeFail, Text{"不合格", "Fail"}, 0, 0.5},
		},
	}
}

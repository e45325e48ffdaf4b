package kaohe

import "strings"

// AssessmentStatus is where an assessment stands.
type AssessmentStatus string

// Assessment statuses: the showroom drafts and submits; HQ files (备案)
// level-1 assessments.
const (
	AssessDraft     AssessmentStatus = "draft"
	AssessSubmitted AssessmentStatus = "submitted"
	AssessFiled     AssessmentStatus = "filed"
)

// Assessment is one manager's appraisal for one period. Once submitted it is
// read-only and keeps the template version it was scored with.
type Assessment struct {
	ID              string           `json:"id"`
	ShowroomID      string           `json:"showroom_id"`
	ManagerID       string           `json:"manager_id"`
	PeriodID        string           `json:"period_id"`
	TemplateID      string           `json:"template_id"`
	TemplateVersion int              `json:"template_version"`
	Scores          Scores           `json:"scores"`
	Total           float64          `json:"total"`
	Grade           string           `json:"grade"`
	Coefficient     float64          `json:"coefficient"`
	Comment         string           `json:"comment"`
	Assessor        string           `json:"assessor"`
	Status          AssessmentStatus `json:"status"`
	SubmittedOn     Date             `json:"submitted_on"`
}

// CheckKeepsKey refuses a new state of a saved assessment (prior) that
// names another manager or period: they are its natural key, and an
// assessment for them is another one. The app checks it before saving, HQ
// when a showroom sends it.
func (a Assessment) CheckKeepsKey(prior Assessment) error {
	if a.ManagerID != prior.ManagerID || a.PeriodID != prior.PeriodID {
		return Errorf(EINVALID, "err.assessment_key_fixed").OnField("period_id")
	}
	return nil
}

// Score fills Total, Grade and Coefficient from the scores by the template.
func (a *Assessment) Score(t Template) (Result, error) {
	if a.TemplateID != "" && (a.TemplateID != t.ID || a.TemplateVersion != t.Version) {
		return Result{}, Errorf(EINVALID, "err.template_mismatch", "Want", a.TemplateID, "Version", a.TemplateVersion).OnField("template")
	}
	r, err := t.Score(a.Scores)
	if err != nil {
		return r, err
	}
	a.TemplateID, a.TemplateVersion = t.ID, t.Version
	a.Total, a.Grade, a.Coefficient = r.Total, r.Grade.Code, r.Grade.Coefficient
	return r, nil
}

// CheckSubmit checks that the assessment may be submitted: every item
// scored within range and an assessor named.
func (a *Assessment) CheckSubmit(t Template) error {
	r, err := a.Score(t)
	if err != nil {
		return err
	}
	if !r.Complete {
		it, _ := t.Item(r.Missing[0])
		return Errorf(EINVALID, "err.score_missing", "Item", it.Name.Zh, "ItemEn", it.Name.En).OnField(it.Code)
	}
	if strings.TrimSpace(a.Assessor) == "" {
		return Errorf(EINVALID, "err.required").OnField("assessor")
	}
	return nil
}

// TrainingCategory is one of the policy's five kinds of training.
type TrainingCategory string

// Training categories.
const (
	TrainInduction  TrainingCategory = "induction"    // 入职培训
	TrainBasic      TrainingCategory = "basic"        // 基础知识培训
	TrainProfession TrainingCategory = "professional" // 专业知识培训
	TrainNonRelated TrainingCategory = "non_related"  // 非相关专业知识培训
	TrainSkill      TrainingCategory = "skill"        // 技能培训
)

// TrainingCategories lists the categories in the policy's order with names.
func TrainingCategories() []Named[TrainingCategory] {
	return []Named[TrainingCategory]{
		{TrainInduction, Text{"入职培训", "Induction"}},
		{TrainBasic, Text{"基础知识培训", "Basic knowledge"}},
		{TrainProfession, Text{"专业知识培训", "Professional knowledge"}},
		{TrainNonRelated, Text{"非相关专业知识培训", "Non-related knowledge"}},
		{TrainSkill, Text{"技能培训", "Skills"}},
	}
}

// TrainingMethod is how a training is given.
type TrainingMethod string

// Training methods.
const (
	MethodClassroom TrainingMethod = "classroom" // 课堂教学
	MethodExchange  TrainingMethod = "exchange"  // 内部经验交流
	MethodCase      TrainingMethod = "case"      // 案例分析
	MethodExternal  TrainingMethod = "external"  // 外部培训
)

// TrainingMethods lists the methods with names.
func TrainingMethods() []Named[TrainingMethod] {
	return []Named[TrainingMethod]{
		{MethodClassroom, Text{"课堂教学", "Classroom"}},
		{MethodExchange, Text{"内部经验交流", "Internal exchange"}},
		{MethodCase, Text{"案例分析", "Case study"}},
		{MethodExternal, Text{"外部培训", "External course"}},
	}
}

// Named pairs a code with its names.
type Named[T ~string] struct {
	Code T
	Name Text
}

// NameOf returns the name of code in list, or the code itself.
func NameOf[T ~string](list []Named[T], code T) Text {
	for _, n := range list {
		if n.Code == code {
			return n.Name
		}
	}
	return Text{string(code), string(code)}
}

func known[T ~string](list []Named[T], code T) bool {
	for _, n := range list {
		if n.Code == code {
			return true
		}
	}
	return false
}

// Training is a training session.
type Training struct {
	ID         string           `json:"id"`
	ShowroomID string           `json:"showroom_id"`
	Title      string           `json:"title"`
	Category   TrainingCategory `json:"category"`
	Method     TrainingMethod   `json:"method"`
	Date       Date             `json:"date"`
	Hours      float64          `json:"hours"`
	Trainer    string           `json:"trainer"`
}

// Validate checks the session.
func (t Training) Validate() error {
	switch {
	case strings.TrimSpace(t.Title) == "":
		return Errorf(EINVALID, "err.required").OnField("title")
	case !known(TrainingCategories(), t.Category):
		return Errorf(EINVALID, "err.bad_category", "Value", string(t.Category)).OnField("category")
	case !known(TrainingMethods(), t.Method):
		return Errorf(EINVALID, "err.bad_method", "Value", string(t.Method)).OnField("method")
	case t.Date.IsZero():
		return Errorf(EINVALID, "err.required").OnField("date")
	case !(t.Hours > 0 && t.Hours <= 200):
		return Errorf(EINVALID, "err.bad_hours", "Value", t.Hours).OnField("hours")
	}
	return nil
}

// AttendanceResult is a participant's result of a training.
type AttendanceResult string

// Attendance results.
const (
	AttendPassed AttendanceResult = "passed"
	AttendFailed AttendanceResult = "failed"
	AttendAbsent AttendanceResult = "absent"
)

// Attendance is one manager's participation in a training.
type Attendance struct {
	ID         string           `json:"id"`
	TrainingID string           `json:"training_id"`
	ManagerID  string           `json:"manager_id"`
	Result     AttendanceResult `json:"result"`
	Score      *float64         `json:"score,omitempty"`
}

// Validate checks the record.
func (a Attendance) Validate() error {
	switch a.Result {
	case AttendPassed, AttendFailed, AttendAbsent:
	default:
		return Errorf(EINVALID, "err.bad_result", "Value", string(a.Result)).OnField("result")
	}
	if a.Score != nil && (*a.Score < 0 || *a.Score > 100) {
		return Errorf(EINVALID, "err.score_out_of_range", "Item", "", "ItemEn", "", "Value", *a.Score, "Min", 0, "Max", 100).OnField("score")
	}
	return nil
}

// CreditedHours returns the hours a participant earns: none when absent.
func (a Attendance) CreditedHours(t Training) float64 {
	if a.Result == AttendAbsent {
		return 0
	}
	return t.Hours
}

// RewardType is a kind of reward or penalty.
type RewardType string

// Reward and penalty types. Substantive ones touch pay or level (实质性);
// the others are on record only (非实质性).
const (
	RewardBonus      RewardType = "bonus"     // 奖金
	RewardPromotion  RewardType = "promotion" // 晋级
	RewardPraise     RewardType = "praise"    // 通报表扬
	PenaltyFine      RewardType = "fine"      // 罚款
	PenaltyDemotion  RewardType = "demotion"  // 降级
	PenaltyWarning   RewardType = "warning"   // 警告
	PenaltyCriticism RewardType = "criticism" // 通报批评
)

// RewardTypeInfo describes a reward or penalty type.
type RewardTypeInfo struct {
	Type        RewardType
	Name        Text
	Reward      bool // a reward rather than a penalty
	Substantive bool
	HasAmount   bool
}

// RewardTypes lists the types.
func RewardTypes() []RewardTypeInfo {
	return []RewardTypeInfo{
		{RewardBonus, Text{"奖金", "Bonus"}, true, true, true},
		{RewardPromotion, Text{"晋级", "Promotion"}, true, true, false},
		{RewardPraise, Text{"通报表扬", "Public praise"}, true, false, false},
		{PenaltyFine, Text{"罚款", "Fine"}, false, true, true},
		{PenaltyDemotion, Text{"降级", "Demotion"}, false, true, false},
		{PenaltyWarning, Text{"警告", "Warning"}, false, false, false},
		{PenaltyCriticism, Text{"通报批评", "Public criticism"}, false, false, false},
	}
}

// Info returns the type's description.
func (t RewardType) Info() (RewardTypeInfo, bool) {
	for _, i := range RewardTypes() {
		if i.Type == t {
			return i, true
		}
	}
	return RewardTypeInfo{}, false
}

// RewardPenalty is a reward or penalty record (赏罚).
type RewardPenalty struct {
	ID         string     `json:"id"`
	ShowroomID string     `json:"showroom_id"`
	ManagerID  string     `json:"manager_id"`
	Type       RewardType `json:"type"`
	Amount     int64      `json:"amount"` // yuan, for bonus and fine
	Reason     string     `json:"reason"`
	Date       Date       `json:"date"`
	DecidedBy  string     `json:"decided_by"`
}

// Validate checks the record.
func (r RewardPenalty) Validate() error {
	info, ok := r.Type.Info()
	switch {
	case !ok:
		return Errorf(EINVALID, "err.bad_reward_type", "Value", string(r.Type)).OnField("type")
	case info.HasAmount && r.Amount <= 0:
		return Errorf(EINVALID, "err.amount_required").OnField("amount")
	case !info.HasAmount && r.Amount != 0:
		return Errorf(EINVALID, "err.amount_not_allowed").OnField("amount")
	case strings.TrimSpace(r.Reason) == "":
		return Errorf(EINVALID, "err.required").OnField("reason")
	case r.Date.IsZero():
		return Errorf(EINVALID, "err.required").OnField("date")
	case strings.TrimSpace(r.DecidedBy) == "":
		return Errorf(EINVALID, "err.decider_required").OnField("decided_by")
	}
	return nil
}

// Certificate is the record of a granted level (等级证书), issued by HQ.
type Certificate struct {
	ID         string `json:"id"`
	ShowroomID string `json:"showroom_id"`
	ManagerID  string `json:"manager_id"`
	AppID      string `json:"application_id"`
	Serial     string `json:"serial"` // KH-2026-000123
	Level      Level  `json:"level"`
	HolderName string `json:"holder_name"`
	Showroom   string `json:"showroom_name"`
	GrantedOn  Date   `json:"granted_on"`
	Issuer     string `json:"issuer"`
	VerifyCode string `json:"verify_code"`
	KeyID      string `json:"key_id"`
	Signature  string `json:"signature"` // base64 Ed25519 over CanonicalFields
	Revoked    bool   `json:"revoked"`
	RevokedWhy string `json:"revoked_reason"`
}

// CanonicalFields is the byte string a certificate's signature covers: every
// field a reader sees, in a fixed order, one per line.
func (c Certificate) CanonicalFields() []byte {
	return []byte(strings.Join([]string{
		"kaohe-certificate-v1", c.Serial, c.HolderName, c.Showroom,
		string(rune('0' + int(c.Level))), c.GrantedOn.String(), c.Issuer, c.VerifyCode,
	}, "\n"))
}

// Counted reports whether an assessment counts in a period's figures (the
// showroom dashboard's grade distribution, HQ's report): a submitted or
// filed one, whoever it is of, since a manager who has left was still
// graded for the period. A draft may still change and does not count.
func (a Assessment) Counted() bool { return a.Status == AssessSubmitted || a.Status == AssessFiled }

// TallyGrades counts the assessments that count (Counted), by grade code.
// The showroom's dashboard and HQ's report both count with it, so the same
// period gives the same figures at both.
func TallyGrades(as []Assessment) (graded int, byGrade map[string]int) {
	byGrade = map[string]int{}
	for _, a := range as {
		if a.Counted() {
			graded++
			byGrade[a.Grade]++
		}
	}
	return graded, byGrade
}

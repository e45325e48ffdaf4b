package kaohe

// AppState is where a level application stands in the review procedure:
// 初审 → 等级考试 → 二审 → 三个月考察期 → 三审 → 授予等级.
type AppState string

// Application states.
const (
	AppDraft     AppState = "draft"     // being written in the showroom
	AppSubmitted AppState = "submitted" // awaiting the first review (初审)
	AppExam      AppState = "exam"      // first review passed, awaiting the exam result (等级考试)
	AppSecond    AppState = "second"    // exam passed, awaiting the second review (二审)
	AppProbation AppState = "probation" // second review passed, three-month probation (考察期)
	AppGranted   AppState = "granted"   // third review passed: level granted
	AppFailed    AppState = "failed"    // a stage failed; may apply for the next exam
	AppWithdrawn AppState = "withdrawn" // withdrawn by the showroom before the first review
)

// Terminal reports whether no decision can follow.
func (s AppState) Terminal() bool { return s == AppGranted || s == AppFailed || s == AppWithdrawn }

// UnderReview reports whether the application is with HQ: submitted and
// not yet decided for good.
func (s AppState) UnderReview() bool { return s != AppDraft && !s.Terminal() }

// Stage is a step that a decision records.
type Stage string

// Stages. Submit and withdraw are the showroom's; the rest are HQ's.
const (
	StageSubmit   Stage = "submit"
	StageWithdraw Stage = "withdraw"
	StageFirst    Stage = "first_review"
	StageExam     Stage = "exam"
	StageSecond   Stage = "second_review"
	StageThird    Stage = "third_review"
)

// HQOwned reports whether only HQ may record the stage.
func (s Stage) HQOwned() bool {
	return s == StageFirst || s == StageExam || s == StageSecond || s == StageThird
}

// ProbationMonths is the length of the 考察期.
const ProbationMonths = 3

// Decision is one append-only event of the review procedure.
type Decision struct {
	ID        string   `json:"id"`
	AppID     string   `json:"application_id"`
	Stage     Stage    `json:"stage"`
	Pass      bool     `json:"pass"`
	Date      Date     `json:"date"`
	DecidedBy []string `json:"decided_by"` // review-group members, or the submitting manager
	Comment   string   `json:"comment"`
	ExamScore *float64 `json:"exam_score,omitempty"`
	// EnteredBy is the account that entered the decision ("董喆（D001）").
	EnteredBy string `json:"entered_by,omitempty"`
}

// Review is an application's state derived from its decisions.
type Review struct {
	State        AppState
	ProbationEnd Date // set once probation starts
	Decisions    []Decision
}

// Next returns the stage the application waits for, or "" when none.
func (r Review) Next() Stage {
	switch r.State {
	case AppDraft:
		return StageSubmit
	case AppSubmitted:
		return StageFirst
	case AppExam:
		return StageExam
	case AppSecond:
		return StageSecond
	case AppProbation:
		return StageThird
	}
	return ""
}

// Apply checks d against the state machine and returns the review after it.
// Every illegal step is refused with ErrIllegalTransition; no stage can be
// skipped or repeated, and the third review waits for probation to end.
func (r Review) Apply(d Decision) (Review, error) {
	if d.Date.IsZero() {
		return r, Errorf(EINVALID, "err.required").OnField("date")
	}
	if d.Stage.HQOwned() && len(d.DecidedBy) == 0 {
		return r, Errorf(EINVALID, "err.decider_required").OnField("decided_by")
	}
	if n := len(r.Decisions); n > 0 && d.Date.Before(r.Decisions[n-1].Date) {
		return r, Errorf(EINVALID, "err.decision_before_previous", "Date", d.Date.String(), "Previous", r.Decisions[n-1].Date.String()).OnField("date")
	}
	illegal := Errorf(ECONFLICT, "err.illegal_transition", "State", string(r.State), "Stage", string(d.Stage))
	next := r
	next.Decisions = append(append([]Decision(nil), r.Decisions...), d)
	switch {
	case r.State == AppDraft && d.Stage == StageSubmit:
		next.State = AppSubmitted
	case r.State == AppSubmitted && d.Stage == StageWithdraw:
		next.State = AppWithdrawn
	case r.State == AppSubmitted && d.Stage == StageFirst:
		next.State = pick(d.Pass, AppExam)
	case r.State == AppExam && d.Stage == StageExam:
		if d.ExamScore == nil || *d.ExamScore < 0 || *d.ExamScore > 100 {
			return r, Errorf(EINVALID, "err.exam_score_required").OnField("exam_score")
		}
		next.State = pick(d.Pass, AppSecond)
	case r.State == AppSecond && d.Stage == StageSecond:
		next.State = pick(d.Pass, AppProbation)
		if d.Pass {
			next.ProbationEnd = d.Date.AddMonths(ProbationMonths)
		}
	case r.State == AppProbation && d.Stage == StageThird:
		if !r.ProbationOver(d.Date) {
			return r, Errorf(ECONFLICT, "err.probation_not_ended", "End", r.ProbationEnd.String())
		}
		next.State = pick(d.Pass, AppGranted)
	default:
		return r, illegal
	}
	return next, nil
}

// ProbationOver reports whether the three-month probation has ended by
// day d (from its last day on): the third review may be dated then.
func (r Review) ProbationOver(d Date) bool { return !d.Before(r.ProbationEnd) }

func pick(pass bool, ok AppState) AppState {
	if pass {
		return ok
	}
	return AppFailed
}

// Replay derives the review from its decisions in order.
func Replay(ds []Decision) (Review, error) {
	r := Review{State: AppDraft}
	for _, d := range ds {
		var err error
		if r, err = r.Apply(d); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Application is a level application (考级报名) and its materials.
type Application struct {
	ID           string          `json:"id"`
	ShowroomID   string          `json:"showroom_id"`
	ManagerID    string          `json:"manager_id"`
	TargetLevel  Level           `json:"target_level"`
	PersonalInfo string          `json:"personal_info"` // 个人基本情况介绍
	Achievements string          `json:"achievements"`  // 个人主要政绩
	Report       string          `json:"report"`        // 述职报告
	Education    Education       `json:"education"`     // at the time of applying
	Exemption    ExemptionStatus `json:"exemption"`
	ExemptReason string          `json:"exemption_reason"`
}

// CheckSubmit checks what the policy requires before an application may be
// submitted: an enabled level above the current one, all three materials,
// a report of at least the level's 字数, and the education or an exemption
// request.
func (a Application) CheckSubmit(levels Levels, current Level) error {
	if err := levels.CheckNext(current, a.TargetLevel); err != nil {
		return err
	}
	li, err := levels.Enabled(a.TargetLevel)
	if err != nil {
		return err
	}
	if CountChars(a.PersonalInfo) == 0 {
		return Errorf(EINVALID, "err.required").OnField("personal_info")
	}
	if CountChars(a.Achievements) == 0 {
		return Errorf(EINVALID, "err.required").OnField("achievements")
	}
	if n := CountChars(a.Report); !li.ReportLongEnough(n) {
		return Errorf(EINVALID, "err.report_too_short", "Count", n, "Min", li.MinReportChars, "Level", int(li.Level)).OnField("report")
	}
	if a.Exemption == ExemptionRequested && a.ExemptReason == "" {
		return Errorf(EINVALID, "err.exemption_reason_required").OnField("exemption_reason")
	}
	return CheckEducation(a.Education, li, a.Exemption).Err()
}

// Submitted is the day the application was submitted (zero for a draft).
func (r Review) Submitted() Date {
	for _, d := range r.Decisions {
		if d.Stage == StageSubmit {
			return d.Date
		}
	}
	return Date{}
}

// WaitingSince is the day the application started waiting for its next
// stage: the latest decision's day (zero for a draft).
func (r Review) WaitingSince() Date {
	var at Date
	for _, d := range r.Decisions {
		if d.Date.After(at) {
			at = d.Date
		}
	}
	return at
}

// DaysWaiting is how many days the application has waited for its next
// stage by today (0 when it has no decision yet).
func (r Review) DaysWaiting(today Date) int {
	since := r.WaitingSince()
	if since.IsZero() || since.After(today) {
		return 0
	}
	return int(today.Time().Sub(since.Time()).Hours() / 24)
}

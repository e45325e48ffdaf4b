package kaohe

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// The rules that run when a synced row is accepted (Entity.Accept). Each
// calls the same function the app calls before saving, so a rule checked
// in the window is the rule HQ checks.

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// CheckHireLevel checks a level a showroom gives a manager: only the first
// level of someone who has none yet, and only a level HQ's reference data
// lets a showroom give (the policy's default: level 1). Every other level
// change is HQ's decision.
func CheckHireLevel(levels Levels, history []LevelChange, c LevelChange) error {
	if err := c.Validate(); err != nil {
		return err
	}
	// A level granted by an application is HQ's (its third review), and
	// names it; a hire's first level names none.
	if c.From != 0 || len(history) > 0 || c.AppID != "" {
		return Errorf(EUNAUTHORIZED, "err.level_change_hq_only")
	}
	return levels.CheckHire(c.To)
}

// HireLevels are the levels a showroom may give a new hire (CheckHire), in
// order: what the window offers.
func (ls Levels) HireLevels() []Level {
	var out []Level
	for _, li := range ls {
		if ls.CheckHire(li.Level) == nil {
			out = append(out, li.Level)
		}
	}
	return out
}

// CheckHire checks that a showroom may give a new hire level l: one HQ
// marks for hiring, and in use (a disabled level is given to nobody).
func (ls Levels) CheckHire(l Level) error {
	li, err := ls.Enabled(l)
	if err != nil {
		return err
	}
	if !li.HireLevel {
		return Errorf(EUNAUTHORIZED, "err.hire_level_not_allowed", "Level", int(l))
	}
	return nil
}

func acceptLevelAssignment(in Incoming, c, _ *LevelChange) error {
	levels, err := in.Ledger.Levels()
	if err != nil {
		return err
	}
	h, err := in.Ledger.LevelHistory(c.ManagerID)
	if err != nil {
		return err
	}
	if c.Date.After(in.Ledger.Today()) {
		return dateInFuture(c.Date)
	}
	return CheckHireLevel(levels, h, *c)
}

func dateInFuture(d Date) error {
	return Errorf(EINVALID, "err.date_in_future", "Date", d.String()).OnField("date")
}

// Validate checks a target row: the app before saving it (SetTarget),
// HQ when a showroom sends it.
func (t Target) Validate() error {
	if err := checkMetricYear(t.Metric, t.Year); err != nil {
		return err
	}
	if t.Annual < 0 {
		return Errorf(EINVALID, "err.negative", "Value", t.Annual).OnField("annual")
	}
	for _, m := range t.Months {
		if m < 0 {
			return Errorf(EINVALID, "err.negative", "Value", m).OnField("months")
		}
	}
	if t.Weights != nil && len(t.Weights) != 12 {
		return Errorf(EINVALID, "err.bad_payload", "Entity", EntTarget, "Detail", "weights").OnField("weights")
	}
	return nil
}

// Validate checks an actual figure: the app before saving it (SetActual),
// HQ when a showroom sends it.
func (a Actual) Validate() error {
	if err := checkMetricYear(a.Metric, a.Year); err != nil {
		return err
	}
	if a.Month < 1 || a.Month > 12 {
		return Errorf(EINVALID, "err.bad_month", "Value", a.Month).OnField("month")
	}
	if a.Value < 0 {
		return Errorf(EINVALID, "err.negative", "Value", a.Value).OnField("value")
	}
	return nil
}

func checkMetricYear(metric string, year int) error {
	ok := false
	for _, m := range DefaultMetrics() {
		ok = ok || m.Code == metric
	}
	if !ok {
		return Errorf(EINVALID, "err.bad_metric", "Value", metric).OnField("metric")
	}
	if year < 2000 || year > 2100 {
		return Errorf(EINVALID, "err.bad_year", "Value", year).OnField("year")
	}
	return nil
}

// Validate checks a review-group member: a role from the policy; the name
// may wait until HQ fills it in.
func (m ReviewMember) Validate() error {
	if m.Role != "leader" && m.Role != "member" {
		return Errorf(EINVALID, "err.required").OnField("role")
	}
	if CountChars(m.Name) > 40 {
		return Errorf(EINVALID, "err.bad_name").OnField("name")
	}
	return nil
}

// DefaultReviewGroup is the review group's roles as the policy names them
// (组长由董事长或总经理担任，成员：行政及财务总监、市场部经理、人事部经理、
// 财务部经理), without names: HQ fills them in.
func DefaultReviewGroup() []ReviewMember {
	return []ReviewMember{
		{ID: "rg-leader", Role: "leader", Title: "董事长或总经理"},
		{ID: "rg-admin-finance", Role: "member", Title: "行政及财务总监"},
		{ID: "rg-marketing", Role: "member", Title: "市场部经理"},
		{ID: "rg-hr", Role: "member", Title: "人事部经理"},
		{ID: "rg-finance", Role: "member", Title: "财务部经理"},
	}
}

// StandardPeriods are a year's assessment periods: half-years (半年一考评),
// quarters and months.
func StandardPeriods(year int) []Period {
	var out []Period
	for _, k := range []struct {
		kind PeriodKind
		n    int
	}{{PeriodHalf, 2}, {PeriodQuarter, 4}, {PeriodMonth, 12}} {
		for i := 1; i <= k.n; i++ {
			p, _ := StandardPeriod(k.kind, year, i)
			out = append(out, p)
		}
	}
	return out
}

// CheckAssessable checks who a showroom may assess (一级：由相应展厅的展厅
// 经理考核): only managers at a level the showroom assesses, and never the
// assessor themself (CheckNotSelf, the assessor as the record names them).
func CheckAssessable(levels Levels, level Level, m Manager, assessor string) error {
	li, err := levels.Get(level)
	if err != nil || li.AssessedBy != AssessorShowroom {
		return Errorf(EUNAUTHORIZED, "err.assess_level_hq", "Level", int(level))
	}
	return CheckNotSelf(AssessorOf(assessor), m)
}

// AssessorOf reads the person a record names as its assessor: an account
// as records name one ("董喆（D001）", Actor.String, also with ASCII
// parentheses and any spacing), or a bare name or employee number.
func AssessorOf(s string) Actor {
	s = strings.TrimSpace(s)
	t := strings.NewReplacer("（", "(", "）", ")").Replace(s)
	if strings.HasSuffix(t, ")") {
		if i := strings.LastIndex(t, "("); i >= 0 {
			return Actor{Name: strings.TrimSpace(t[:i]), EmployeeNo: strings.TrimSpace(t[i+1 : len(t)-1])}
		}
	}
	return Actor{Name: s}
}

// CheckNotSelf refuses an assessment of oneself (SPEC §3), by identity: the
// account's linked manager record, or its employee number whatever the
// name, case or spacing it is written with (SameEmployeeNo); a record that
// names its assessor without a number is compared by name, and by the name
// as an employee number.
func CheckNotSelf(assessor Actor, m Manager) error {
	self := false
	switch {
	case assessor.ManagerID != "" && assessor.ManagerID == m.ID:
		self = true
	case strings.TrimSpace(assessor.EmployeeNo) != "":
		self = m.EmployeeNo != "" && SameEmployeeNo(assessor.EmployeeNo, m.EmployeeNo)
	case strings.TrimSpace(assessor.Name) != "":
		n := strings.Join(strings.Fields(assessor.Name), "")
		self = n == strings.Join(strings.Fields(m.Name), "") || (m.EmployeeNo != "" && SameEmployeeNo(n, m.EmployeeNo))
	}
	if self {
		return Errorf(EUNAUTHORIZED, "err.assess_self").OnField("assessor")
	}
	return nil
}

// CheckScored checks that an assessment's total, grade and coefficient are
// the ones its template version gives for its scores.
func (a Assessment) CheckScored(t Template) error {
	b := a
	b.Scores = Scores{}
	for k, v := range a.Scores {
		b.Scores[k] = v
	}
	if _, err := b.Score(t); err != nil {
		return err
	}
	if math.Abs(b.Total-a.Total) > 0.005 || b.Grade != a.Grade || math.Abs(b.Coefficient-a.Coefficient) > 1e-9 {
		return Errorf(EINVALID, "err.assessment_not_rescored", "Total", b.Total, "Grade", b.Grade).OnField("total")
	}
	return nil
}

func acceptAssessment(in Incoming, a, prior *Assessment) error {
	if prior != nil && !in.Delete && sameJSON(a, prior) {
		return nil // the same state again changes nothing
	}
	if prior != nil && prior.Status != AssessDraft {
		return ErrReadOnly
	}
	if prior != nil && !in.Delete {
		if err := a.CheckKeepsKey(*prior); err != nil {
			return err
		}
	}
	if filed, err := in.Ledger.Filed(a.ID); err != nil || filed {
		if err == nil {
			err = ErrReadOnly
		}
		return err
	}
	if in.Delete {
		return nil // a draft may be deleted
	}
	m, _, err := in.Ledger.Manager(a.ManagerID)
	if err != nil {
		return err
	}
	levels, err := in.Ledger.Levels()
	if err != nil {
		return err
	}
	h, err := in.Ledger.LevelHistory(a.ManagerID)
	if err != nil {
		return err
	}
	p, ok, err := in.Ledger.Period(a.PeriodID)
	if err != nil {
		return err
	}
	if !ok {
		// HQ has not published the period (yet): a real showroom's
		// assessments of years before it enrolled, or before HQ set up
		// its periods, wait for it instead of being refused for good. The
		// level that decides is the one held at the period's end, unknown
		// until then; an assessment of oneself is refused now.
		if err := CheckNotSelf(AssessorOf(a.Assessor), m); err != nil {
			return err
		}
		// So is one whose assessor is nobody of the showroom, once HQ
		// holds its manager; whether she was its manager then is judged
		// when the period is known.
		if appointed, err := in.Ledger.Appointed(m.ShowroomID, in.Ledger.Today()); err != nil {
			return err
		} else if appointed {
			who, found, _, err := assessorOf(in.Ledger, m, a.Assessor)
			if err != nil {
				return err
			}
			if err := CheckAssessorNamed(a.Assessor, who, found, in.Ledger.Today()); err != nil {
				return err
			}
		}
		return Errorf(EAWAIT, "err.period_unpublished", "Period", a.PeriodID)
	}
	if err := CheckAssessableIn(levels, h, p, m, a.Assessor); err != nil {
		return err
	}
	who, found, wh, err := assessorOf(in.Ledger, m, a.Assessor)
	if err != nil {
		return err
	}
	appointed, err := in.Ledger.Appointed(m.ShowroomID, p.End)
	if err != nil {
		return err
	}
	if err := CheckShowroomAssessor(a.Assessor, who, found, wh, p, appointed); err != nil {
		return err
	}
	t, ok, err := in.Ledger.Template(a.TemplateID, a.TemplateVersion)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(EINVALID, "err.template_mismatch", "Want", a.TemplateID, "Version", a.TemplateVersion).OnField("template")
	}
	switch a.Status {
	case AssessDraft:
		if !a.SubmittedOn.IsZero() {
			return Errorf(EINVALID, "err.bad_status", "Value", string(a.Status)).OnField("status")
		}
		return a.CheckScored(t)
	case AssessSubmitted:
		if a.SubmittedOn.IsZero() {
			return Errorf(EINVALID, "err.required").OnField("submitted_on")
		}
		if a.SubmittedOn.After(in.Ledger.Today()) {
			return dateInFuture(a.SubmittedOn)
		}
		// By HQ's own day, and by the day the record says it was submitted.
		if err := p.CheckEnded(in.Ledger.Today()); err != nil {
			return err
		}
		if err := p.CheckEnded(a.SubmittedOn); err != nil {
			return err
		}
		if err := a.CheckSubmit(t); err != nil {
			return err
		}
		return a.CheckScored(t)
	}
	return Errorf(EINVALID, "err.bad_status", "Value", string(a.Status)).OnField("status")
}

// assessorOf is the manager an assessment of m names as its assessor, as
// the ledger holds her among m's showroom's managers (by the employee
// number the record gives), with her level history.
func assessorOf(l Ledger, m Manager, assessor string) (Manager, bool, []LevelChange, error) {
	no := strings.TrimSpace(AssessorOf(assessor).EmployeeNo)
	if no == "" {
		return Manager{}, false, nil, nil
	}
	who, found, err := l.ManagerByEmployeeNo(m.ShowroomID, no)
	if err != nil || !found {
		return who, found, nil, err
	}
	h, err := l.LevelHistory(who.ID)
	return who, true, h, err
}

// SameMaterials reports whether two states of an application say the same
// in everything frozen at submission.
func (a Application) SameMaterials(b Application) bool {
	return a.ManagerID == b.ManagerID && a.TargetLevel == b.TargetLevel && a.PersonalInfo == b.PersonalInfo &&
		a.Achievements == b.Achievements && a.Report == b.Report && a.Education == b.Education &&
		(a.Exemption == ExemptionNone) == (b.Exemption == ExemptionNone) && a.ExemptReason == b.ExemptReason
}

func acceptApplication(in Incoming, a, prior *Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if prior == nil {
		others, err := in.Ledger.Applications(a.ManagerID)
		if err != nil {
			return err
		}
		return CheckNoOpenApplication(others, a.ID)
	}
	v, _, err := in.Ledger.Application(a.ID)
	if err != nil {
		return err
	}
	return v.CheckEdit(*a, in.Delete)
}

// Validate checks what an application says of itself: a level and an
// education that exist, and an exemption at most asked for (only HQ
// decides one). The app checks it before saving, HQ when it arrives.
func (a Application) Validate() error {
	if !a.TargetLevel.Valid() {
		return Errorf(EINVALID, "err.bad_level", "Value", int(a.TargetLevel)).OnField("target_level")
	}
	if !a.Education.Valid() {
		return Errorf(EINVALID, "err.bad_education", "Value", int(a.Education)).OnField("education")
	}
	switch a.Exemption {
	case ExemptionNone, ExemptionRequested:
	default: // only HQ decides an exemption
		return Errorf(EUNAUTHORIZED, "err.not_owner", "Entity", EntExemption).OnField("exemption")
	}
	return nil
}

// CheckEdit checks a new state of a stored application (v): it stays its
// manager's; once submitted its materials are frozen (the same again
// changes nothing) and it cannot be deleted.
func (v ApplicationView) CheckEdit(next Application, delete bool) error {
	if next.ManagerID != v.ManagerID {
		return Errorf(EUNAUTHORIZED, "err.other_showroom")
	}
	if v.Review.State != AppDraft && (delete || !next.SameMaterials(v.Application)) {
		return ErrReadOnly
	}
	return nil
}

// CheckNoOpenApplication refuses a new application (id) of a manager who
// has one that is not decided for good (others: the manager's stored
// applications).
func CheckNoOpenApplication(others []ApplicationView, id string) error {
	for _, o := range others {
		if o.ID != id && !o.Review.State.Terminal() {
			return Errorf(ECONFLICT, "err.application_open")
		}
	}
	return nil
}

// CheckEvent checks the showroom's own step in an application's review
// (its submit, or its withdrawal), by the accepting side's own day: never
// one of HQ's stages, never dated in the future, the next legal step, and a
// submit only of materials the policy accepts (Application.CheckSubmit). It
// returns the review after it.
func CheckEvent(v ApplicationView, levels Levels, current Level, d Decision, today Date) (Review, error) {
	if d.Stage.HQOwned() {
		return v.Review, Errorf(EUNAUTHORIZED, "err.stage_hq_only", "Stage", string(d.Stage))
	}
	if d.Date.After(today) {
		return v.Review, dateInFuture(d.Date)
	}
	if d.Stage == StageSubmit {
		if err := v.Application.CheckSubmit(levels, current); err != nil {
			return v.Review, err
		}
	}
	return v.Review.Apply(d)
}

func acceptApplicationEvent(in Incoming, d, _ *Decision) error {
	if d.Stage.HQOwned() { // before any lookup: a forged stage says nothing of what exists
		return Errorf(EUNAUTHORIZED, "err.stage_hq_only", "Stage", string(d.Stage))
	}
	v, levels, current, err := reviewOf(in.Ledger, d.AppID)
	if err != nil {
		return err
	}
	_, err = CheckEvent(v, levels, current, *d, in.Ledger.Today())
	return err
}

// reviewOf is what a step of an application's review is judged against:
// the application as stored, the levels, and its applicant's current level.
func reviewOf(l Ledger, appID string) (ApplicationView, Levels, Level, error) {
	v, _, err := l.Application(appID)
	if err != nil {
		return v, nil, 0, err
	}
	levels, err := l.Levels()
	if err != nil {
		return v, nil, 0, err
	}
	h, err := l.LevelHistory(v.ManagerID)
	return v, levels, CurrentLevel(h), err
}

// CheckDecision checks one of the review group's decisions on an
// application, by HQ's own date (today): the next legal step of the
// procedure, never dated in the future or before the previous stage (so
// the third review waits until probation has really ended); a first-review
// pass needs the education or an approved exemption; an exam passes only at
// or above the level's pass mark; a third-review pass grants only the level
// above the current one, if enabled. It returns the review after it.
func CheckDecision(v ApplicationView, levels Levels, current Level, d Decision, today Date) (Review, error) {
	if !d.Stage.HQOwned() {
		return v.Review, Errorf(EUNAUTHORIZED, "err.not_owner", "Entity", string(d.Stage))
	}
	if d.Date.After(today) {
		return v.Review, dateInFuture(d.Date)
	}
	r, err := v.Review.Apply(d)
	if err != nil {
		return v.Review, err
	}
	li, err := levels.Get(v.TargetLevel)
	if err != nil {
		return v.Review, err
	}
	switch {
	case d.Stage == StageFirst && d.Pass:
		if !CheckEducation(v.Education, li, v.Exemption).CanPass() {
			return v.Review, Errorf(ECONFLICT, "err.exemption_not_approved")
		}
	case d.Stage == StageExam:
		if passed := *d.ExamScore >= li.PassMark(); passed != d.Pass {
			return v.Review, Errorf(EINVALID, "err.exam_pass_mark", "Score", *d.ExamScore, "Mark", li.PassMark()).OnField("pass")
		}
	case d.Stage == StageThird && d.Pass:
		if err := CheckGrant(levels, current, v.TargetLevel); err != nil {
			return v.Review, err
		}
	}
	return r, nil
}

// CheckGrant checks that a level may be granted: the one above the
// manager's current level, and enabled (Levels.CheckNext, the rule an
// application's submit is held to).
func CheckGrant(levels Levels, current, target Level) error {
	return levels.CheckNext(current, target)
}

// CheckNext checks a level a manager at level current may apply for or be
// granted (一级一级晋升): only the one above it, and only while HQ has it in
// use. A submit of 1→3 is refused as its grant would be.
func (ls Levels) CheckNext(current, target Level) error {
	if target != current+1 {
		return Errorf(ECONFLICT, "err.level_not_next", "Current", int(current), "Target", int(target)).OnField("target_level")
	}
	_, err := ls.Enabled(target)
	return err
}

// NextLevels are the levels a manager at level current may apply for
// (CheckNext): what the application form offers.
func (ls Levels) NextLevels(current Level) []Level {
	if ls.CheckNext(current, current+1) != nil {
		return nil
	}
	return []Level{current + 1}
}

// CheckLevelDecision checks a level HQ sets outside a review (the level a
// person held before the system, 定级): one step up from the current
// level to an enabled one, as a grant (CheckGrant), named and dated by HQ,
// not in the future.
func CheckLevelDecision(levels Levels, history []LevelChange, c LevelChange, today Date) error {
	if err := c.Validate(); err != nil {
		return err
	}
	cur := CurrentLevel(history)
	if c.From != cur {
		return Errorf(ECONFLICT, "err.level_from_mismatch", "From", int(c.From), "Current", int(cur))
	}
	if err := CheckGrant(levels, cur, c.To); err != nil {
		return err
	}
	return checkDecided(c.DecidedBy, c.Date, today)
}

// GrantIDs are the ids of the level change and the certificate a passed
// third review makes, derived from the decision's id: a grant is the same
// rows wherever it is made (HQ's server, or the demo playing HQ), and one
// decision can make only one.
func GrantIDs(decisionID string) (levelChange, certificate string) {
	return derivedID(decisionID, EntLevelChange), derivedID(decisionID, EntCertificate)
}

// derivedID is a name-based UUID (version 5 layout, SHA-256) of an id and a kind.
func derivedID(id, kind string) string {
	h := sha256.Sum256([]byte(id + "\x00" + kind))
	h[6] = 0x50 | h[6]&0x0f
	h[8] = 0x80 | h[8]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// Grant is the level change a passed third review makes.
func Grant(v ApplicationView, current Level, d Decision, id string) LevelChange {
	return LevelChange{ID: id, ManagerID: v.ManagerID, From: current, To: v.TargetLevel, Date: d.Date,
		Reason: "三审通过，授予等级", DecidedBy: strings.Join(d.DecidedBy, "、"), AppID: v.ID}
}

func acceptDecision(in Incoming, d, _ *Decision) error {
	v, levels, current, err := reviewOf(in.Ledger, d.AppID)
	if err != nil {
		return err
	}
	_, err = CheckDecision(v, levels, current, *d, in.Ledger.Today())
	return err
}

// CheckExemption checks HQ's decision on an exemption request.
func CheckExemption(v ApplicationView, e Exemption, today Date) error {
	if v.Exemption != ExemptionRequested {
		return Errorf(ECONFLICT, "err.no_exemption_request")
	}
	return checkDecided(e.DecidedBy, e.Date, today)
}

// checkDecided checks that HQ's act names who did it and is dated, by HQ's
// own day, no later than today.
func checkDecided(by string, date, today Date) error {
	if strings.TrimSpace(by) == "" || date.IsZero() {
		return Errorf(EINVALID, "err.decider_required").OnField("decided_by")
	}
	if date.After(today) {
		return dateInFuture(date)
	}
	return nil
}

func acceptExemption(in Incoming, e, _ *Exemption) error {
	v, _, err := in.Ledger.Application(e.AppID)
	if err != nil {
		return err
	}
	return CheckExemption(v, *e, in.Ledger.Today())
}

// CheckFiling checks HQ's filing (备案) of an assessment: a submitted one,
// filed once, by someone, not in the future.
func CheckFiling(a Assessment, filed bool, f Filing, today Date) error {
	if a.Status != AssessSubmitted || filed {
		return Errorf(ECONFLICT, "err.not_submitted")
	}
	return checkDecided(f.FiledBy, f.Date, today)
}

func acceptFiling(in Incoming, f, _ *Filing) error {
	a, _, err := in.Ledger.Assessment(f.AssessmentID)
	if err != nil {
		return err
	}
	filed, err := in.Ledger.Filed(f.AssessmentID)
	if err != nil {
		return err
	}
	return CheckFiling(a, filed, *f, in.Ledger.Today())
}

// ExemptionOf derives an application's exemption from whether it asked for
// one and HQ's decisions on it, the last one standing.
func ExemptionOf(requested bool, decisions []Exemption) ExemptionStatus {
	switch {
	case !requested:
		return ExemptionNone
	case len(decisions) == 0:
		return ExemptionRequested
	case decisions[len(decisions)-1].Approved:
		return ExemptionApproved
	}
	return ExemptionRejected
}

// CheckDay refuses a reward or penalty dated after today: it records
// what was decided, not what may be. The app checks it by its own day
// before saving, HQ by the policy's day when it arrives.
func (r RewardPenalty) CheckDay(today Date) error {
	if r.Date.After(today) {
		return dateInFuture(r.Date)
	}
	return nil
}

// CheckDay refuses a survey dated after today: it records what a manager
// found out (a housing project's delivery may lie ahead).
func (r MarketResearch) CheckDay(today Date) error {
	if r.Date.After(today) {
		return dateInFuture(r.Date)
	}
	return nil
}

// CheckHeld refuses an attendance of a training that has not taken place
// yet (its day after today): a result is recorded once it has been held.
// A training itself may be planned ahead.
func (a Attendance) CheckHeld(t Training, today Date) error {
	if t.Date.After(today) {
		return Errorf(EINVALID, "err.training_not_held", "Title", t.Title, "Date", t.Date.String())
	}
	return nil
}

// CheckDay refuses moving a training whose attendance is recorded
// (attended rows) to a day after today: its results would be of a
// training not held yet.
func (t Training) CheckDay(attended int, today Date) error {
	if attended > 0 && t.Date.After(today) {
		return Errorf(EINVALID, "err.training_attended", "Date", t.Date.String(), "Count", attended).OnField("date")
	}
	return nil
}

func acceptTraining(in Incoming, t, _ *Training) error {
	if err := t.Validate(); err != nil {
		return err
	}
	today := in.Ledger.Today()
	if !t.Date.After(today) {
		return nil // held already: nothing to count
	}
	n, err := in.Ledger.Attended(t.ID)
	if err != nil {
		return err
	}
	return t.CheckDay(n, today)
}

func acceptAttendance(in Incoming, a, _ *Attendance) error {
	if err := a.Validate(); err != nil {
		return err
	}
	t, ok, err := in.Ledger.Training(a.TrainingID)
	if err != nil || !ok {
		if err == nil {
			err = Errorf(EINVALID, "err.missing_reference", "Entity", EntTraining, "ID", a.TrainingID)
		}
		return err
	}
	return a.CheckHeld(t, in.Ledger.Today())
}

func acceptReward(in Incoming, r, _ *RewardPenalty) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return r.CheckDay(in.Ledger.Today())
}

func acceptResearch(in Incoming, r, _ *MarketResearch) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return r.CheckDay(in.Ledger.Today())
}

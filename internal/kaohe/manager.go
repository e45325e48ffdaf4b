package kaohe

import (
	"regexp"
	"strings"
)

// Showroom is a showroom (展厅), owned by HQ.
type Showroom struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region string `json:"region"`
	City   string `json:"city"`
}

// Gender of a manager.
type Gender string

// Genders.
const (
	GenderUnknown Gender = ""
	GenderMale    Gender = "M"
	GenderFemale  Gender = "F"
)

// ManagerStatus is whether a manager still works in the showroom.
type ManagerStatus string

// Manager statuses.
const (
	StatusActive ManagerStatus = "active"
	StatusLeft   ManagerStatus = "left"
)

// Manager is a customer manager's profile, owned by the showroom. The level
// is not stored here: it is derived from the level-change events.
type Manager struct {
	ID         string        `json:"id"`
	ShowroomID string        `json:"showroom_id"`
	EmployeeNo string        `json:"employee_no"`
	Name       string        `json:"name"`
	Gender     Gender        `json:"gender"`
	Phone      string        `json:"phone"`
	Education  Education     `json:"education"`
	HireDate   Date          `json:"hire_date"`
	Status     ManagerStatus `json:"status"`
	LeftOn     Date          `json:"left_on"`
	Note       string        `json:"note"`
}

var (
	employeeNoRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)
	phoneRe      = regexp.MustCompile(`^[0-9+() -]{5,20}$`)
)

// Validate checks the profile and reports every problem at once (joined),
// so a form can mark all its wrong fields in one go.
func (m Manager) Validate() error {
	var p Problems
	switch {
	case strings.TrimSpace(m.EmployeeNo) == "":
		p.Add(Errorf(EINVALID, "err.required").OnField("employee_no"))
	case !employeeNoRe.MatchString(m.EmployeeNo):
		p.Add(Errorf(EINVALID, "err.bad_employee_no", "Value", m.EmployeeNo).OnField("employee_no"))
	}
	if strings.TrimSpace(m.Name) == "" || CountChars(m.Name) > 40 {
		p.Add(Errorf(EINVALID, "err.bad_name").OnField("name"))
	}
	if m.Gender != GenderUnknown && m.Gender != GenderMale && m.Gender != GenderFemale {
		p.Add(Errorf(EINVALID, "err.bad_gender", "Value", string(m.Gender)).OnField("gender"))
	}
	if m.Phone != "" && !phoneRe.MatchString(m.Phone) {
		p.Add(Errorf(EINVALID, "err.bad_phone", "Value", m.Phone).OnField("phone"))
	}
	switch {
	case m.Education == EduUnknown:
		p.Add(Errorf(EINVALID, "err.choose").OnField("education"))
	case !m.Education.Valid():
		p.Add(Errorf(EINVALID, "err.bad_education", "Value", int(m.Education)).OnField("education"))
	}
	switch {
	case m.Status != StatusActive && m.Status != StatusLeft:
		p.Add(Errorf(EINVALID, "err.bad_status", "Value", string(m.Status)).OnField("status"))
	case m.Status == StatusLeft && m.LeftOn.IsZero():
		p.Add(Errorf(EINVALID, "err.required").OnField("left_on"))
	}
	if !m.LeftOn.IsZero() && !m.HireDate.IsZero() && m.LeftOn.Before(m.HireDate) {
		p.Add(Errorf(EINVALID, "err.left_before_hired", "Start", m.HireDate.String(), "End", m.LeftOn.String()).OnField("left_on"))
	}
	return p.Err()
}

// CheckDates checks the profile's dates against today: nobody is hired in
// the future. A leave date still ahead is a planned leave, not a refusal:
// see AsOf.
func (m Manager) CheckDates(today Date) error {
	if !m.HireDate.IsZero() && m.HireDate.After(today) {
		return Errorf(EINVALID, "err.hire_in_future", "Date", m.HireDate.String(), "Today", today.String()).OnField("hire_date")
	}
	return nil
}

// CheckProfile checks a profile being saved, as the app does before saving
// it and HQ when it arrives (prior: the profile as stored, nil for a new
// one): every problem at once, and no hire date ahead of today for a new
// profile or a changed hire date (one hired long ago stays editable).
func (m Manager) CheckProfile(prior *Manager, today Date) error {
	var p Problems
	p.Add(m.Validate())
	if prior == nil || prior.HireDate != m.HireDate {
		p.Add(m.CheckDates(today))
	}
	return p.Err()
}

// AsOf is the profile as it stands on day today: a leave date that has
// come makes the manager left; one still ahead is a planned leave, so the
// manager stays active (working, assessed, applications followed) until then.
func (m Manager) AsOf(today Date) Manager {
	switch {
	case m.LeftOn.IsZero():
	case m.LeftOn.After(today):
		m.Status = StatusActive
	default:
		m.Status = StatusLeft
	}
	return m
}

// PlannedLeave reports whether the manager is to leave on a day still ahead.
func (m Manager) PlannedLeave(today Date) bool { return !m.LeftOn.IsZero() && m.LeftOn.After(today) }

// SameEmployeeNo reports whether two employee numbers name the same person:
// they are compared without regard to case, so d001 is D001.
func SameEmployeeNo(a, b string) bool { return EmployeeNoKey(a) == EmployeeNoKey(b) }

// EmployeeNoKey is the form in which employee numbers are compared (and
// kept unique per showroom, for managers and for accounts): trimmed, in
// lower case.
func EmployeeNoKey(no string) string { return strings.ToLower(strings.TrimSpace(no)) }

// History counts what was recorded about a manager besides the profile.
type History struct {
	LevelChanges, Assessments, Applications, Trainings, Rewards, Targets, Actuals, Research, Certificates int
}

// historyCounts are the kinds of rows that make up a manager's history,
// each with the count it adds to: the one list, read by the app's store
// (each kind's table) and by HQ's ledger (each kind's rows), so both refuse
// the same deletes.
var historyCounts = map[string]func(*History) *int{
	EntLevelAssignment: func(h *History) *int { return &h.LevelChanges },
	EntLevelChange:     func(h *History) *int { return &h.LevelChanges },
	EntAssessment:      func(h *History) *int { return &h.Assessments },
	EntApplication:     func(h *History) *int { return &h.Applications },
	EntAttendance:      func(h *History) *int { return &h.Trainings },
	EntReward:          func(h *History) *int { return &h.Rewards },
	EntTarget:          func(h *History) *int { return &h.Targets },
	EntActual:          func(h *History) *int { return &h.Actuals },
	EntResearch:        func(h *History) *int { return &h.Research },
	EntCertificate:     func(h *History) *int { return &h.Certificates },
}

// HistoryKinds are the kinds of rows that count in a manager's history
// (History.Count), in the registry's order.
func HistoryKinds() []string {
	var out []string
	for _, e := range registry {
		if historyCounts[e.Name] != nil {
			out = append(out, e.Name)
		}
	}
	return out
}

// Count is the count a row of the kind adds to, nil for a kind that is no
// part of a history.
func (h *History) Count(entity string) *int {
	if f := historyCounts[entity]; f != nil {
		return f(h)
	}
	return nil
}

// Empty reports whether nothing but the initial level was recorded.
func (h History) Empty() bool {
	return h.LevelChanges <= 1 && h.Assessments == 0 && h.Applications == 0 && h.Trainings == 0 &&
		h.Rewards == 0 && h.Targets == 0 && h.Actuals == 0 && h.Research == 0 && h.Certificates == 0
}

// CheckDelete allows deleting a manager only when entered by mistake, that
// is with no history; someone who worked here is marked 离职 instead, so the
// assessments, applications and certificates stay.
func CheckDelete(who string, h History) error {
	if h.Empty() {
		return nil
	}
	return Errorf(ECONFLICT, "err.manager_has_history", "Who", who, "Assessments", h.Assessments, "Applications", h.Applications,
		"Trainings", h.Trainings, "Certificates", h.Certificates, "Rewards", h.Rewards, "Targets", h.Targets, "Actuals", h.Actuals, "Research", h.Research,
		"LevelChanges", h.LevelChanges-1)
}

// LevelChange is an append-only event: a manager's level changed. The current
// level is the To of the latest event.
type LevelChange struct {
	ID        string `json:"id"`
	ManagerID string `json:"manager_id"`
	From      Level  `json:"from_level"` // 0 for the first assignment
	To        Level  `json:"to_level"`
	Date      Date   `json:"date"`
	Reason    string `json:"reason"`
	DecidedBy string `json:"decided_by"`
	AppID     string `json:"application_id"` // the application that granted it, if any
}

// Validate checks the event.
func (c LevelChange) Validate() error {
	switch {
	case !c.To.Valid():
		return Errorf(EINVALID, "err.bad_level", "Value", int(c.To)).OnField("to_level")
	case c.From != 0 && !c.From.Valid():
		return Errorf(EINVALID, "err.bad_level", "Value", int(c.From)).OnField("from_level")
	case c.From == c.To:
		return Errorf(EINVALID, "err.level_unchanged").OnField("to_level")
	case c.Date.IsZero():
		return Errorf(EINVALID, "err.required").OnField("date")
	case strings.TrimSpace(c.Reason) == "":
		return Errorf(EINVALID, "err.required").OnField("reason")
	case strings.TrimSpace(c.DecidedBy) == "":
		return Errorf(EINVALID, "err.decider_required").OnField("decided_by")
	}
	return nil
}

// CurrentLevel derives a level from its change events (in any order): the
// To of the latest by date, later entries winning ties.
func CurrentLevel(changes []LevelChange) Level {
	var cur Level
	var at Date
	for _, c := range changes {
		if cur == 0 || !c.Date.Before(at) {
			cur, at = c.To, c.Date
		}
	}
	return cur
}

// LevelOn derives the level a manager held on a date from the change
// events (in any order): the To of the latest dated on or before d, later
// entries winning ties, as CurrentLevel reads them. Before the first event
// (a history recorded when the showroom enrolled, after years of work) it
// is the earliest level known: the first event's From, or its To when it is
// the first assignment. No events: 0.
func LevelOn(changes []LevelChange, d Date) Level {
	var on, first Level
	var at, firstAt Date
	for _, c := range changes {
		if !c.Date.After(d) && (on == 0 || !c.Date.Before(at)) {
			on, at = c.To, c.Date
		}
		if first == 0 || c.Date.Before(firstAt) {
			first, firstAt = c.From, c.Date
			if !first.Valid() {
				first = c.To
			}
		}
	}
	if on == 0 {
		return first
	}
	return on
}

// CheckAssessableIn checks who a showroom may assess for a period (一级：由
// 相应展厅的展厅经理考核) by the level the manager held at the period's end,
// not the level held today: an assessment of a period in which she was at
// level 1 stays the showroom's after HQ promotes her (it may have waited in
// the outbox for HQ to publish the period), and one of a period she ended
// at level 2 or above is the review group's even if she was later demoted.
func CheckAssessableIn(levels Levels, changes []LevelChange, p Period, m Manager, assessor string) error {
	return CheckAssessable(levels, LevelOn(changes, p.End), m, assessor)
}

// ShowroomManagerLevel is the level of a showroom's manager (三级客户经理，
// 展厅经理级): the one who assesses the showroom's level-1 managers.
const ShowroomManagerLevel = Level3

// CheckShowroomAssessor checks the person an assessment of period p names
// as its assessor (一级：由相应展厅的展厅经理考核): once the accepting side
// holds a manager of the assessed manager's showroom at level 3 at the
// period's end (appointed; a level above a hire's first is only ever HQ's
// to record, so it is HQ's word), the assessor must be her: named as
// records name an account ("董喆（D001）", Actor.String, read by
// AssessorOf), with the employee number of a manager of that showroom and
// that manager's name (who: that manager as the accepting side stores her,
// found false when it holds none: never taken from the assessment
// itself), not gone before the period's end, at level 3 at its end by the
// accepting side's level history (history: who's). Until HQ has recorded
// the showroom's manager (定级, after a showroom's first enrollment), it
// cannot tell who she is: the assessment is then checked only as not the
// assessed person's own (CheckAssessableIn), so a new showroom assesses
// its level-1 staff at once.
func CheckShowroomAssessor(assessor string, who Manager, found bool, history []LevelChange, p Period, appointed bool) error {
	if !appointed {
		return nil
	}
	if err := CheckAssessorNamed(assessor, who, found, p.End); err != nil {
		return err
	}
	if l := LevelOn(history, p.End); l != ShowroomManagerLevel {
		return Errorf(EUNAUTHORIZED, "err.assessor_not_level3", "Name", who.Name, "Level", int(l), "Period", p.Name.Zh, "PeriodEn", p.Name.En).OnField("assessor")
	}
	return nil
}

// CheckAssessorNamed checks that an assessor, as a record names her, is
// who: a manager of the showroom the accepting side holds (found), by her
// employee number and name, not gone before the day (CheckShowroomAssessor
// also asks her level then).
func CheckAssessorNamed(assessor string, who Manager, found bool, on Date) error {
	a := AssessorOf(assessor)
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if strings.TrimSpace(a.EmployeeNo) == "" || !found || !SameEmployeeNo(a.EmployeeNo, who.EmployeeNo) ||
		squash(a.Name) != squash(who.Name) || (who.Status == StatusLeft && who.LeftOn.Before(on)) {
		return Errorf(EUNAUTHORIZED, "err.assessor_not_showroom_manager", "Assessor", strings.TrimSpace(assessor)).OnField("assessor")
	}
	return nil
}

// ManagesShowroomOn says whether m, with her level history, was her
// showroom's manager on a day: at level 3 then, and not gone before it.
func ManagesShowroomOn(m Manager, history []LevelChange, on Date) bool {
	return LevelOn(history, on) == ShowroomManagerLevel && !(m.Status == StatusLeft && m.LeftOn.Before(on))
}

// ManagerLevel is a manager with the current level derived from the level
// changes, as lists show them.
type ManagerLevel struct {
	Manager
	Level Level
}

// ManagerFilter narrows a list of managers. Zero values mean "any".
type ManagerFilter struct {
	Query       string // matches employee number, name or phone
	Level       Level
	Status      ManagerStatus
	WithDeleted bool
}

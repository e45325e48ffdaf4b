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

// Validate checks the profile.
func (m Manager) Validate() error {
	switch {
	case !employeeNoRe.MatchString(m.EmployeeNo):
		return Errorf(EINVALID, "err.bad_employee_no", "Value", m.EmployeeNo).OnField("employee_no")
	case strings.TrimSpace(m.Name) == "" || CountChars(m.Name) > 40:
		return Errorf(EINVALID, "err.bad_name").OnField("name")
	case m.Gender != GenderUnknown && m.Gender != GenderMale && m.Gender != GenderFemale:
		return Errorf(EINVALID, "err.bad_gender", "Value", string(m.Gender)).OnField("gender")
	case m.Phone != "" && !phoneRe.MatchString(m.Phone):
		return Errorf(EINVALID, "err.bad_phone", "Value", m.Phone).OnField("phone")
	case !m.Education.Valid():
		return Errorf(EINVALID, "err.bad_education", "Value", int(m.Education)).OnField("education")
	case m.Status != StatusActive && m.Status != StatusLeft:
		return Errorf(EINVALID, "err.bad_status", "Value", string(m.Status)).OnField("status")
	case m.Status == StatusLeft && m.LeftOn.IsZero():
		return Errorf(EINVALID, "err.required").OnField("left_on")
	case !m.LeftOn.IsZero() && !m.HireDate.IsZero() && m.LeftOn.Before(m.HireDate):
		return Errorf(EINVALID, "err.end_before_start", "Start", m.HireDate.String(), "End", m.LeftOn.String()).OnField("left_on")
	}
	return nil
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

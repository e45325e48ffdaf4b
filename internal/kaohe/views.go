package kaohe

import (
	"sort"
	"strings"
	"time"
)

// Views: read models that combine entities the way screens and documents
// show them. They hold no rules of their own, beyond how HQ's review queue
// is searched and ordered.

// ApplicationView is an application with its review derived from the
// decisions, and the exemption status derived from HQ's decision.
type ApplicationView struct {
	Application
	Review Review
}

// Target is an annual target split into months.
type Target struct {
	ID        string    `json:"id"`
	ManagerID string    `json:"manager_id"`
	Metric    string    `json:"metric"`
	Year      int       `json:"year"`
	Annual    int64     `json:"annual"`
	Weights   []float64 `json:"weights,omitempty"` // nil: even split
	Months    Months    `json:"months"`
}

// Actual is one month's actual figure.
type Actual struct {
	ID        string `json:"id"`
	ManagerID string `json:"manager_id"`
	Metric    string `json:"metric"`
	Year      int    `json:"year"`
	Month     int    `json:"month"`
	Value     int64  `json:"value"`
}

// TrainingHours is credited training time by category.
type TrainingHours map[TrainingCategory]float64

// Total returns the hours over all categories.
func (h TrainingHours) Total() float64 {
	var t float64
	for _, v := range h {
		t += v
	}
	return t
}

// Exemption is HQ's decision on an education exemption request.
type Exemption struct {
	ID        string `json:"id"`
	AppID     string `json:"application_id"`
	Approved  bool   `json:"approved"`
	Date      Date   `json:"date"`
	DecidedBy string `json:"decided_by"`
	Comment   string `json:"comment"`
}

// HistoryEntry is one line of a record's audit trail: when, who, what.
type HistoryEntry struct {
	At, Actor, Action string
}

// ReviewMember is a member of HQ's review group (评审小组).
type ReviewMember struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Role  string `json:"role"` // leader or member
	Title string `json:"title"`
}

// AttendanceView is one training a manager attended, with its result.
type AttendanceView struct {
	Training   Training
	Attendance Attendance
}

// Profile is everything the window shows of one manager.
type Profile struct {
	ManagerLevel
	LevelHistory []LevelChange
	Assessments  []Assessment // latest period first
	Applications []ApplicationView
	Trainings    []AttendanceView
	Rewards      []RewardPenalty
	Certificates []Certificate
}

// Dashboard is the first screen's figures.
type Dashboard struct {
	Showroom         Showroom
	Headcount        map[Level]int // active managers by level
	Pending          []PendingApplication
	ProbationsEnding []PendingApplication // within the next 30 days
	TrainingHours    TrainingHours        // this year
	LastPeriod       Period               // the latest finished period
	Grades           []GradeCount         // its grade distribution
	PendingChanges   int                  // changes not yet sent to HQ
}

// PendingApplication is an application under review with its applicant.
type PendingApplication struct {
	Manager ManagerLevel
	App     ApplicationView
}

// GradeCount is how many got a grade.
type GradeCount struct {
	Grade GradeBand
	Count int
}

// Backup is one local backup file.
type Backup struct {
	Path string
	Time time.Time
	Size int64
}

// ImportRow is one line of a spreadsheet being imported, as the preview
// shows it.
type ImportRow struct {
	Row     int    // the spreadsheet's row number
	Summary string // what the row holds
	Err     error  // why it cannot be imported; nil when it can
	Update  bool   // it changes an existing record rather than adding one
}

// ImportPreview is a parsed spreadsheet waiting for the user to confirm.
type ImportPreview struct {
	ID    string
	Kind  string // "roster" or "actuals"
	Rows  []ImportRow
	Valid int // rows that will be imported
}

// SyncStatus is what the window shows of the sync with HQ.
type SyncStatus struct {
	Enrolled bool
	HQ       string // the server's address
	Online   bool
	Running  bool
	LastSync time.Time // the last complete sync
	Pending  int       // local changes not yet at HQ
	Refused  int       // changes HQ refused (their reasons are kept)
	// Waiting counts the pending changes HQ cannot take in until it
	// publishes the reference data they name (an assessment period):
	// kept here and sent again (kaohe.Waits); WaitingFor is HQ's reason
	// for the latest, as its message (i18n.Refusal says it).
	Waiting    int
	WaitingFor string
	LastError  error
	Update     string // a newer version HQ published, fetched and verified, ready to install
	// UpdateError is why the last build HQ offered was refused (a
	// tampered file, one missing beside a bundle), or nil.
	UpdateError error
	// Applied names the kinds of record (entity names) the sync that just
	// ended wrote here: pulled from HQ, recovered after a restore, or parked
	// earlier and applied now. Empty while running and when nothing came,
	// so the window reads again only what changed.
	Applied []string
}

// RefusedChange is a local change HQ refused, with its reason.
type RefusedChange struct {
	Entity, RowID, Reason, At string
}

// ReviewItem is an application under review with what the review group
// reads. In HQ's queue of every showroom the bulk is left out until one item
// is shown: the application's Report, the Assessments and TrainingHours.
type ReviewItem struct {
	App           ApplicationView
	Manager       ManagerLevel
	Showroom      Showroom
	Assessments   []Assessment
	TrainingHours TrainingHours
}

// Filing is HQ's record (备案) of a level-1 assessment the showroom submitted.
type Filing struct {
	ID           string `json:"id"`
	AssessmentID string `json:"assessment_id"`
	Date         Date   `json:"date"`
	FiledBy      string `json:"filed_by"`
}

// FilingItem is a submitted level-1 assessment waiting to be filed (only
// the assessment's id, showroom, manager, period, total and grade: the
// queue shows no more).
type FilingItem struct {
	Assessment Assessment
	Manager    ManagerLevel
	Showroom   Showroom
}

// HQReport is HQ's view of every showroom for one period.
type HQReport struct {
	Period    Period
	Template  Template
	Showrooms []GroupStats // one per showroom
	Regions   []GroupStats // one per region (片区)
	Ranking   []Ranked     // every assessed manager, best first
	Pipeline  []PipelineRow
	Training  []TrainingRow
}

// ReportPart is a part of HQ's report, or several (or-ed): the report can
// be read in parts, each when it is shown.
type ReportPart uint8

// The parts of HQ's report.
const (
	// ReportResults: Showrooms, Regions and Ranking (the period's
	// assessments).
	ReportResults ReportPart = 1 << iota
	// ReportPipeline: Pipeline (every level application's state).
	ReportPipeline
	// ReportTraining: Training (the period's year of training).
	ReportTraining
	// ReportAll is the whole report.
	ReportAll = ReportResults | ReportPipeline | ReportTraining
)

// GroupStats are a showroom's or region's results of the period.
type GroupStats struct {
	Name      string // the showroom, or the region
	Region    string
	Headcount int // active managers
	Assessed  int
	Average   float64
	Grades    map[string]int // grade code → count
}

// Ranked is one manager's place in the ranking.
type Ranked struct {
	Rank     int
	Showroom string
	Manager  ManagerLevel
	Total    float64
	Grade    string
}

// PipelineRow counts a showroom's level applications by stage.
type PipelineRow struct {
	Showroom string
	ByState  map[AppState]int
}

// TrainingRow is a showroom's training in the period's year: hours per
// category and how many managers had any training of it (coverage).
type TrainingRow struct {
	Showroom  string
	Headcount int
	Hours     TrainingHours
	Covered   map[TrainingCategory]int
}

// QueueFilter narrows HQ's review queue.
type QueueFilter struct {
	Query      string   // in the manager's name or number or the showroom's name
	State      AppState // "" for every stage
	ShowroomID string   // "" for every showroom
}

// Match reports whether an item of the queue passes the filter. Numbers
// match without regard to case.
func (f QueueFilter) Match(it ReviewItem) bool {
	if f.State != "" && it.App.Review.State != f.State {
		return false
	}
	if f.ShowroomID != "" && it.Showroom.ID != f.ShowroomID {
		return false
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	if q == "" {
		return true
	}
	for _, s := range []string{it.Manager.Name, it.Manager.EmployeeNo, it.Showroom.Name, it.Showroom.Code} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// SortQueue orders the queue by the day each application was submitted,
// oldest first: a decision does not move an item, and who waited longest
// comes first.
func SortQueue(items []ReviewItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].App.Review.Submitted(), items[j].App.Review.Submitted()
		if a != b {
			return a.Before(b)
		}
		return items[i].App.ID < items[j].App.ID
	})
}

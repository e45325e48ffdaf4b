package kaohe

import (
	"strconv"
	"strings"
)

// Entities are the kinds of synced rows, as the change log names them.
const (
	EntShowroom         = "showroom"
	EntLevel            = "level"
	EntTemplate         = "template"
	EntPeriod           = "period"
	EntReviewMember     = "review_member"
	EntDecision         = "decision"
	EntExemption        = "exemption"
	EntFiling           = "filing"
	EntCertificate      = "certificate"
	EntLevelChange      = "level_change"
	EntManager          = "manager"
	EntLevelAssignment  = "level_assignment"
	EntTarget           = "target"
	EntActual           = "actual"
	EntAssessment       = "assessment"
	EntTraining         = "training"
	EntAttendance       = "attendance"
	EntReward           = "reward"
	EntApplication      = "application"
	EntApplicationEvent = "application_event"
	EntResearch         = "market_research"
	EntCertificatePrint = "certificate_print"
	EntHQKey            = "hq_key"        // HQ's public signing keys, for checking certificates offline
	EntHQInfo           = "hq_info"       // HQ's public verify address, printed in certificates' QR codes
	EntAccount          = "account"       // a person's sign-in (hash only)
	EntAccountBlock     = "account_block" // HQ disabling an account
	EntHQAccount        = "hq_account"    // an HQ person's sign-in to HQ mode (hash only)
)

// AccountBlockRow is an AccountBlock as it travels: with the account's
// showroom, which must be the one the stored account has.
type AccountBlockRow struct {
	AccountBlock
	ShowroomID string `json:"showroom_id"`
}

// Writer says who may write an entity's rows (SPEC §3: one writer per row).
type Writer int

// Writers.
const (
	// ByShowroom: the showroom the row belongs to.
	ByShowroom Writer = iota + 1
	// ByHQ: HQ's review group, through HQ mode of the app.
	ByHQ
	// ByServer: HQ's server itself (showrooms, keys, grants); no push may
	// carry these.
	ByServer
)

// Ref names a stored row a row refers to.
type Ref struct {
	Entity, ID string
}

// Entity is the one definition of a synced kind: who writes it, where the
// desktop keeps it, how its showroom is found and what is checked when it
// is accepted. The desktop's outbox and apply, and the HQ server's
// ownership, validation and statistics all read it; adding a kind is one
// entry in registry plus its rule.
type Entity struct {
	Name   string
	Writer Writer
	Table  string // the desktop's table of these rows
	// Shared: reference data, every showroom's (levels, templates…).
	Shared bool
	// Root: a row that is itself a showroom's (a manager, a training): its
	// showroom is its writer's, and stays what it was first stored with.
	// Any other row's showroom is the one of the row Refs()[0] names, as
	// stored, never a field of the payload.
	Root bool
	// AppendOnly: a fact, written once (a decision, a level change); a
	// different state of a stored one or its deletion is refused.
	AppendOnly bool
	// HQOnly: rows only HQ's own credentials read (HQ people's accounts):
	// never sent to a showroom.
	HQOnly bool
	// deletable: its writer may delete a row of it (the app deletes a
	// manager entered by mistake, HQ retires a period or a review-group
	// member; nothing else is ever deleted, CheckDeletable).
	deletable bool

	decode   func([]byte) (any, error)
	id       func(any) string
	refs     func(any) []Ref
	showroom func(any) string
	check    func(Incoming, any, any) error

	// The natural key (spec.unique), nil fields for none.
	keyFields   []string
	perShowroom bool
	keyParts    func(any) []string
	keyTaken    func(any) error
}

// Incoming is a change being accepted, with what the accepting side holds.
type Incoming struct {
	Ledger Ledger
	From   Writer
	Delete bool
}

// Ledger is the state of record the rules read while accepting a change:
// HQ's database at the server, the local one in the app. Found reports
// whether the row exists (and is not deleted).
type Ledger interface {
	Today() Date
	Levels() (Levels, error)
	Manager(id string) (m Manager, found bool, err error)
	// ManagerByEmployeeNo is the live manager of a showroom with an
	// employee number (compared as SameEmployeeNo does).
	ManagerByEmployeeNo(showroomID, employeeNo string) (m Manager, found bool, err error)
	// Appointed is whether a manager of the showroom was its manager
	// (ManagesShowroomOn) on a day, by the ledger's level histories.
	Appointed(showroomID string, on Date) (bool, error)
	LevelHistory(managerID string) ([]LevelChange, error)
	Application(id string) (v ApplicationView, found bool, err error)
	Applications(managerID string) ([]ApplicationView, error)
	Assessment(id string) (a Assessment, found bool, err error)
	Filed(assessmentID string) (bool, error)
	Template(id string, version int) (t Template, found bool, err error)
	Period(id string) (p Period, found bool, err error)
	// History counts what is recorded about a manager besides her
	// profile (CheckDelete).
	History(managerID string) (History, error)
	Training(id string) (t Training, found bool, err error)
	// Attended counts the attendance recorded of a training.
	Attended(trainingID string) (int, error)
}

// Row is a decoded payload of an entity.
type Row struct {
	E     *Entity
	Value any // a pointer to the entity's type
}

// ID is the row id the payload names (a change must carry the same).
func (r Row) ID() string { return r.E.id(r.Value) }

// Refs are the stored rows the row refers to; the first gives its showroom.
func (r Row) Refs() []Ref {
	if r.E.refs == nil {
		return nil
	}
	return r.E.refs(r.Value)
}

// ShowroomField is the showroom the payload itself claims, and whether the
// entity has such a field; it must agree with the one found from the
// row's references.
func (r Row) ShowroomField() (string, bool) {
	if r.E.showroom == nil {
		return "", false
	}
	return r.E.showroom(r.Value), true
}

// Decode reads a payload of the entity strictly (DecodeStrict).
func (e *Entity) Decode(payload []byte) (Row, error) {
	v, err := e.decode(payload)
	if err != nil {
		if ke, ok := err.(*Error); ok && ke.Key == "err.bad_payload" {
			ke.Args["Entity"] = e.Name
		}
		return Row{}, err
	}
	return Row{E: e, Value: v}, nil
}

// Accept runs the entity's rule on a row being written, given the row as
// stored before (prior, nil when new). A fact already stored is accepted
// again only unchanged.
func (e *Entity) Accept(in Incoming, row Row, prior *Row) error {
	if in.Delete {
		if err := e.CheckDeletable(); err != nil {
			return err
		}
	}
	if e.AppendOnly && prior != nil {
		if in.Delete || !sameJSON(row.Value, prior.Value) {
			return ErrReadOnly
		}
		return nil
	}
	if e.AppendOnly && in.Delete {
		return ErrReadOnly
	}
	if e.check == nil {
		return nil
	}
	var p any
	if prior != nil {
		p = prior.Value
	}
	return e.check(in, row.Value, p)
}

// CheckDeletable refuses the deletion of a row of a kind its writer never
// deletes: a training, an attendance, a target or a reward is corrected,
// never deleted, so a showroom sending such a delete is not the app.
func (e *Entity) CheckDeletable() error {
	if !e.deletable {
		return Errorf(EUNAUTHORIZED, "err.not_deletable", "Entity", e.Name)
	}
	return nil
}

// spec builds an Entity from typed parts.
type spec[T any] struct {
	name       string
	writer     Writer
	table      string
	shared     bool
	root       bool
	appendOnly bool
	hqOnly     bool
	deletable  bool
	id         func(*T) string
	refs       func(*T) []Ref
	showroom   func(*T) string
	check      func(in Incoming, row, prior *T) error
	unique     *unique[T]
}

// unique declares a kind's natural key: what at most one live row of the
// kind holds (an employee number in a showroom, one target per manager,
// metric and year). fields are the payload's JSON fields it is made of,
// which are also the columns of the desktop table's unique index; parts
// reads them from a row, as they are compared (an employee number
// whatever its case); taken is the refusal of a second row holding it.
type unique[T any] struct {
	fields      []string
	perShowroom bool // unique within the row's showroom (the fields name no row that has one)
	parts       func(*T) []string
	taken       func(*T) error
}

func (s spec[T]) entity() *Entity {
	e := &Entity{Name: s.name, Writer: s.writer, Table: s.table, Shared: s.shared, Root: s.root, AppendOnly: s.appendOnly, HQOnly: s.hqOnly, deletable: s.deletable}
	e.decode = func(b []byte) (any, error) {
		v := new(T)
		return v, DecodeStrict(b, v)
	}
	e.id = func(v any) string { return s.id(v.(*T)) }
	if s.refs != nil {
		e.refs = func(v any) []Ref { return s.refs(v.(*T)) }
	}
	if s.showroom != nil {
		e.showroom = func(v any) string { return s.showroom(v.(*T)) }
	}
	if s.check != nil {
		e.check = func(in Incoming, row, prior any) error {
			var p *T
			if prior != nil {
				p = prior.(*T)
			}
			return s.check(in, row.(*T), p)
		}
	}
	if u := s.unique; u != nil {
		e.keyFields, e.perShowroom = u.fields, u.perShowroom
		e.keyParts = func(v any) []string { return u.parts(v.(*T)) }
		e.keyTaken = func(v any) error { return u.taken(v.(*T)) }
	}
	return e
}

// KeyFields are the payload's fields (and the desktop table's columns) of
// the kind's natural key, in order; nil when the kind has none.
func (e *Entity) KeyFields() []string { return e.keyFields }

// KeyPerShowroom says whether the natural key is unique within a showroom
// only (its desktop index leads with showroom_id).
func (e *Entity) KeyPerShowroom() bool { return e.perShowroom }

// NaturalKey is the natural key a row of the kind holds, as HQ keeps it
// (the kind's name, the showroom for a per-showroom key, then the parts,
// NUL-separated); "" when the kind has none or a part is empty (an
// employee number not given).
func (e *Entity) NaturalKey(v any, showroom string) string {
	if e.keyParts == nil {
		return ""
	}
	parts := e.keyParts(v)
	n := len(e.Name) + len(showroom) + 2
	for _, p := range parts {
		if p == "" {
			return ""
		}
		n += len(p) + 1
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(e.Name)
	if e.perShowroom {
		b.WriteByte(0)
		b.WriteString(showroom)
	}
	for _, p := range parts {
		b.WriteByte(0)
		b.WriteString(p)
	}
	return b.String()
}

// Duplicate is the refusal of a row whose natural key another live row of
// the kind holds.
func (e *Entity) Duplicate(v any) error {
	if e.keyTaken == nil {
		return Errorf(ECONFLICT, "err.duplicate", "Detail", e.Name)
	}
	return e.keyTaken(v)
}

func refTo(entity, id string) []Ref { return []Ref{{entity, id}} }

// registry is every synced kind. Order is apply order for a fresh replica:
// what a row refers to comes before it.
var registry = []*Entity{
	// HQ's server writes these itself.
	spec[Showroom]{name: EntShowroom, writer: ByServer, table: "showrooms",
		id: func(v *Showroom) string { return v.ID }}.entity(),
	spec[HQKey]{name: EntHQKey, writer: ByServer, table: "hq_keys", shared: true, appendOnly: true,
		id: func(v *HQKey) string { return v.ID }}.entity(),
	spec[HQInfo]{name: EntHQInfo, writer: ByServer, table: "meta", shared: true,
		id: func(v *HQInfo) string { return HQInfoID }}.entity(),

	// HQ's reference data.
	spec[LevelInfo]{name: EntLevel, writer: ByHQ, table: "levels", shared: true,
		id:    func(v *LevelInfo) string { return itoa(int(v.Level)) },
		check: func(_ Incoming, v, _ *LevelInfo) error { return v.Validate() }}.entity(),
	spec[Template]{name: EntTemplate, writer: ByHQ, table: "templates", shared: true, appendOnly: true,
		id:    func(v *Template) string { return v.ID + "@" + itoa(v.Version) },
		check: func(_ Incoming, v, _ *Template) error { return v.Validate() }}.entity(),
	spec[Period]{name: EntPeriod, writer: ByHQ, table: "periods", shared: true, deletable: true,
		id:    func(v *Period) string { return v.ID },
		check: func(_ Incoming, v, _ *Period) error { return v.Validate() }}.entity(),
	spec[ReviewMember]{name: EntReviewMember, writer: ByHQ, table: "review_members", shared: true, deletable: true,
		id:    func(v *ReviewMember) string { return v.ID },
		check: func(_ Incoming, v, _ *ReviewMember) error { return v.Validate() }}.entity(),

	// The showroom's own rows.
	spec[Manager]{name: EntManager, writer: ByShowroom, table: "managers", root: true, deletable: true,
		id: func(v *Manager) string { return v.ID }, showroom: func(v *Manager) string { return v.ShowroomID },
		check: func(in Incoming, v, prior *Manager) error {
			if in.Delete { // only one entered by mistake, as in the app
				h, err := in.Ledger.History(v.ID)
				if err != nil {
					return err
				}
				who := v.Name
				if prior != nil {
					who = prior.Name
				}
				return CheckDelete(who, h)
			}
			return v.CheckProfile(prior, in.Ledger.Today())
		},
		unique: &unique[Manager]{fields: []string{"employee_no"}, perShowroom: true,
			parts: func(v *Manager) []string { return []string{EmployeeNoKey(v.EmployeeNo)} },
			taken: func(v *Manager) error {
				return Errorf(ECONFLICT, "err.duplicate_employee_no", "No", v.EmployeeNo)
			}}}.entity(),
	spec[LevelChange]{name: EntLevelAssignment, writer: ByShowroom, table: "level_changes", appendOnly: true,
		id: func(v *LevelChange) string { return v.ID }, refs: func(v *LevelChange) []Ref { return refTo(EntManager, v.ManagerID) },
		check: acceptLevelAssignment}.entity(),
	spec[Target]{name: EntTarget, writer: ByShowroom, table: "targets",
		id: func(v *Target) string { return v.ID }, refs: func(v *Target) []Ref { return refTo(EntManager, v.ManagerID) },
		check: func(_ Incoming, v, _ *Target) error { return v.Validate() },
		unique: &unique[Target]{fields: []string{"manager_id", "metric", "year"},
			parts: func(v *Target) []string { return []string{v.ManagerID, v.Metric, strconv.Itoa(v.Year)} },
			taken: func(v *Target) error {
				zh, en := metricNames(v.Metric)
				return Errorf(ECONFLICT, "err.duplicate_target", "Metric", zh, "MetricEn", en, "Year", v.Year)
			}}}.entity(),
	spec[Actual]{name: EntActual, writer: ByShowroom, table: "actuals",
		id: func(v *Actual) string { return v.ID }, refs: func(v *Actual) []Ref { return refTo(EntManager, v.ManagerID) },
		check: func(_ Incoming, v, _ *Actual) error { return v.Validate() },
		unique: &unique[Actual]{fields: []string{"manager_id", "metric", "year", "month"},
			parts: func(v *Actual) []string {
				return []string{v.ManagerID, v.Metric, strconv.Itoa(v.Year), strconv.Itoa(v.Month)}
			},
			taken: func(v *Actual) error {
				zh, en := metricNames(v.Metric)
				return Errorf(ECONFLICT, "err.duplicate_actual", "Metric", zh, "MetricEn", en, "Year", v.Year, "Month", v.Month)
			}}}.entity(),
	spec[Assessment]{name: EntAssessment, writer: ByShowroom, table: "assessments",
		id: func(v *Assessment) string { return v.ID }, refs: func(v *Assessment) []Ref { return refTo(EntManager, v.ManagerID) },
		showroom: func(v *Assessment) string { return v.ShowroomID }, check: acceptAssessment,
		unique: &unique[Assessment]{fields: []string{"manager_id", "period_id"},
			parts: func(v *Assessment) []string { return []string{v.ManagerID, v.PeriodID} },
			taken: func(v *Assessment) error {
				return Errorf(ECONFLICT, "err.duplicate_assessment", "Period", v.PeriodID)
			}}}.entity(),
	spec[Training]{name: EntTraining, writer: ByShowroom, table: "trainings", root: true,
		id: func(v *Training) string { return v.ID }, showroom: func(v *Training) string { return v.ShowroomID },
		check: acceptTraining}.entity(),
	spec[Attendance]{name: EntAttendance, writer: ByShowroom, table: "attendance",
		id: func(v *Attendance) string { return v.ID },
		refs: func(v *Attendance) []Ref {
			return []Ref{{EntTraining, v.TrainingID}, {EntManager, v.ManagerID}}
		},
		check: acceptAttendance,
		unique: &unique[Attendance]{fields: []string{"training_id", "manager_id"},
			parts: func(v *Attendance) []string { return []string{v.TrainingID, v.ManagerID} },
			taken: func(v *Attendance) error { return Errorf(ECONFLICT, "err.duplicate_attendance") }}}.entity(),
	spec[RewardPenalty]{name: EntReward, writer: ByShowroom, table: "rewards",
		id: func(v *RewardPenalty) string { return v.ID }, refs: func(v *RewardPenalty) []Ref { return refTo(EntManager, v.ManagerID) },
		showroom: func(v *RewardPenalty) string { return v.ShowroomID },
		check:    acceptReward}.entity(),
	spec[MarketResearch]{name: EntResearch, writer: ByShowroom, table: "market_research",
		id: func(v *MarketResearch) string { return v.ID }, refs: func(v *MarketResearch) []Ref { return refTo(EntManager, v.ManagerID) },
		showroom: func(v *MarketResearch) string { return v.ShowroomID },
		check:    acceptResearch}.entity(),
	spec[Application]{name: EntApplication, writer: ByShowroom, table: "applications",
		id: func(v *Application) string { return v.ID }, refs: func(v *Application) []Ref { return refTo(EntManager, v.ManagerID) },
		showroom: func(v *Application) string { return v.ShowroomID }, check: acceptApplication}.entity(),
	spec[Decision]{name: EntApplicationEvent, writer: ByShowroom, table: "decisions", appendOnly: true,
		id: func(v *Decision) string { return v.ID }, refs: func(v *Decision) []Ref { return refTo(EntApplication, v.AppID) },
		check: acceptApplicationEvent}.entity(),

	// HQ's decisions.
	spec[Decision]{name: EntDecision, writer: ByHQ, table: "decisions", appendOnly: true,
		id: func(v *Decision) string { return v.ID }, refs: func(v *Decision) []Ref { return refTo(EntApplication, v.AppID) },
		check: acceptDecision}.entity(),
	spec[Exemption]{name: EntExemption, writer: ByHQ, table: "exemptions", appendOnly: true,
		id: func(v *Exemption) string { return v.ID }, refs: func(v *Exemption) []Ref { return refTo(EntApplication, v.AppID) },
		check: acceptExemption}.entity(),
	spec[Filing]{name: EntFiling, writer: ByHQ, table: "filings", appendOnly: true,
		id: func(v *Filing) string { return v.ID }, refs: func(v *Filing) []Ref { return refTo(EntAssessment, v.AssessmentID) },
		check: acceptFiling}.entity(),
	// A level change and its certificate follow a third-review pass, made by
	// HQ's server in the same transaction; nobody sends them.
	spec[LevelChange]{name: EntLevelChange, writer: ByServer, table: "level_changes", appendOnly: true,
		id: func(v *LevelChange) string { return v.ID }, refs: func(v *LevelChange) []Ref { return refTo(EntManager, v.ManagerID) }}.entity(),
	spec[Certificate]{name: EntCertificate, writer: ByServer, table: "certificates",
		id: func(v *Certificate) string { return v.ID }, refs: func(v *Certificate) []Ref { return refTo(EntManager, v.ManagerID) },
		showroom: func(v *Certificate) string { return v.ShowroomID }}.entity(),
	// People's sign-ins, the showroom's; HQ may block one.
	spec[Account]{name: EntAccount, writer: ByShowroom, table: "accounts", root: true,
		id: func(v *Account) string { return v.ID }, showroom: func(v *Account) string { return v.ShowroomID },
		check: func(in Incoming, v, _ *Account) error {
			if err := v.Validate(); err != nil {
				return err
			}
			return v.CheckRoleFor(in.From != ByShowroom)
		},
		unique: accountNo}.entity(),
	// HQ's people (review group, HQ admin), written in HQ mode: every HQ PC
	// enrolled as an HQ user gets them; no showroom does.
	spec[Account]{name: EntHQAccount, writer: ByHQ, table: "accounts", root: true, hqOnly: true,
		id: func(v *Account) string { return v.ID }, showroom: func(v *Account) string { return v.ShowroomID },
		check:  func(_ Incoming, v, _ *Account) error { return v.CheckHQPerson() },
		unique: accountNo}.entity(),
	spec[AccountBlockRow]{name: EntAccountBlock, writer: ByHQ, table: "account_blocks",
		id: func(v *AccountBlockRow) string { return v.ID }, refs: func(v *AccountBlockRow) []Ref { return refTo(EntAccount, v.AccountID) },
		showroom: func(v *AccountBlockRow) string { return v.ShowroomID },
		check:    func(_ Incoming, v, _ *AccountBlockRow) error { return v.Validate() }}.entity(),
	spec[CertificatePrint]{name: EntCertificatePrint, writer: ByShowroom, table: "certificate_prints", appendOnly: true,
		id: func(v *CertificatePrint) string { return v.ID }, refs: func(v *CertificatePrint) []Ref { return refTo(EntCertificate, v.CertID) }}.entity(),
}

// accountNo is an account's natural key: its employee number in its
// showroom (HQ's people: in HQ), whatever the case.
var accountNo = &unique[Account]{fields: []string{"employee_no"}, perShowroom: true,
	parts: func(v *Account) []string { return []string{EmployeeNoKey(v.EmployeeNo)} },
	taken: func(v *Account) error {
		return Errorf(ECONFLICT, "err.account_taken", "Value", v.EmployeeNo)
	}}

var byName = func() map[string]*Entity {
	m := make(map[string]*Entity, len(registry))
	for _, e := range registry {
		m[e.Name] = e
	}
	return m
}()

// TableMates are the other kinds kept in the same desktop table as e (a
// review decision and a showroom's application event; HQ's level change and
// a showroom's level assignment): one id there names one row, so a row id
// is one kind's only.
func (e *Entity) TableMates() []string { return tableMates[e] }

// tableMates is TableMates of every kind, found once: HQ asks it of every
// new row.
var tableMates = func() map[*Entity][]string {
	m := map[*Entity][]string{}
	for _, e := range registry {
		for _, o := range registry {
			if o != e && o.Table == e.Table {
				m[e] = append(m[e], o.Name)
			}
		}
	}
	return m
}()

// CheckIDFree refuses a new row whose id a row of a table mate already has
// (taken reports whether a kind holds the id).
func (e *Entity) CheckIDFree(taken func(entity string) (bool, error)) error {
	for _, m := range e.TableMates() {
		ok, err := taken(m)
		if err != nil {
			return err
		}
		if ok {
			return Errorf(ECONFLICT, "err.id_taken", "Entity", m)
		}
	}
	return nil
}

// MaxIDLen bounds the id of a change or of a synced row, in bytes. The app
// and HQ make far shorter ones (UUIDs, "2026-H1", "tpl-default@1").
const MaxIDLen = 128

// MaxAtLen bounds a change's "at" (RFC 3339, for people).
const MaxAtLen = 64

// CheckID refuses an id no writer makes: empty, longer than MaxIDLen, or
// holding anything but visible ASCII (no space, control, bidi or other
// script). HQ stores and indexes every id it accepts and sends it back to
// every reader; a megabyte-long one would be kept for ever.
func CheckID(id string) error {
	if id == "" || len(id) > MaxIDLen {
		return Errorf(EINVALID, "err.bad_id", "Max", MaxIDLen)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' {
			return Errorf(EINVALID, "err.bad_id", "Max", MaxIDLen)
		}
	}
	return nil
}

// Entities returns every synced kind, in apply order.
func Entities() []*Entity { return registry }

// EntityOf returns the definition of a synced kind, or an error for one
// that does not exist.
func EntityOf(name string) (*Entity, error) {
	if e, ok := byName[name]; ok {
		return e, nil
	}
	return nil, Errorf(EINVALID, "err.unknown_entity", "Value", name)
}

// OwnedByHQ reports whether only HQ (its review group or its server) writes
// rows of the entity.
func OwnedByHQ(entity string) bool {
	e, ok := byName[entity]
	return ok && e.Writer != ByShowroom
}

// HQOnlyEntities are the kinds no showroom is ever sent (Entity.HQOnly).
func HQOnlyEntities() []string {
	var out []string
	for _, e := range registry {
		if e.HQOnly {
			out = append(out, e.Name)
		}
	}
	return out
}

// OwnedByShowroom reports whether the showroom a row belongs to writes it.
func OwnedByShowroom(entity string) bool {
	e, ok := byName[entity]
	return ok && e.Writer == ByShowroom
}

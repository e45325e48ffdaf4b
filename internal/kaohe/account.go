package kaohe

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a person may do in Kaohe. The showroom's roles work in a
// showroom's app; the HQ roles in HQ mode.
type Role string

// Roles.
const (
	RoleShowroomManager Role = "showroom_manager" // 展厅经理: everything of the showroom
	RoleClerk           Role = "clerk"            // 文员/人事: records, no assessments, no accounts
	RoleCustomerManager Role = "customer_manager" // 客户经理: own records only
	RoleReviewer        Role = "reviewer"         // 评审: review queue, decisions, filing (HQ)
	RoleHQAdmin         Role = "hq_admin"         // 管理员: reference data, showrooms, HQ users (HQ)
	// RoleSystem is no person: machine work (sync, backups, the demo seed).
	RoleSystem Role = "system"
)

// ShowroomRoles are the roles of a showroom's accounts, in the order a
// picker shows them.
var ShowroomRoles = []Role{RoleShowroomManager, RoleClerk, RoleCustomerManager}

// HQRoles are the roles of HQ mode's accounts.
var HQRoles = []Role{RoleReviewer, RoleHQAdmin}

// Valid reports whether r is a role an account may have.
func (r Role) Valid() bool {
	switch r {
	case RoleShowroomManager, RoleClerk, RoleCustomerManager, RoleReviewer, RoleHQAdmin:
		return true
	}
	return false
}

// HQ reports whether the role works in HQ mode.
func (r Role) HQ() bool { return r == RoleReviewer || r == RoleHQAdmin }

// Perm is one kind of action the service checks before doing it.
type Perm string

// Permissions.
const (
	PermSeeAll      Perm = "see_all"      // read every manager's records
	PermRoster      Perm = "roster"       // add, change, remove managers
	PermFigures     Perm = "figures"      // targets and actuals
	PermTraining    Perm = "training"     // sessions and attendance
	PermRewards     Perm = "rewards"      // rewards and penalties
	PermResearch    Perm = "research"     // market research
	PermExcel       Perm = "excel"        // spreadsheet imports
	PermAssess      Perm = "assess"       // score and submit assessments
	PermApplyOthers Perm = "apply_others" // write anyone's level application
	PermApplyOwn    Perm = "apply_own"    // write and submit one's own application
	PermDocuments   Perm = "documents"    // print anyone's documents
	PermAccounts    Perm = "accounts"     // manage the accounts
	PermBackup      Perm = "backup"       // restore a backup, enroll with HQ
	PermReview      Perm = "review"       // HQ: decisions, exemptions, filing
	PermReference   Perm = "reference"    // HQ: levels, templates, periods, review group, HQ users
	PermSync        Perm = "sync"         // sync now, bundles
)

// perms is who may do what (issue: roles enforced in the service layer).
var perms = map[Role]map[Perm]bool{
	RoleShowroomManager: set(PermSeeAll, PermRoster, PermFigures, PermTraining, PermRewards, PermResearch, PermExcel,
		PermAssess, PermApplyOthers, PermApplyOwn, PermDocuments, PermAccounts, PermBackup, PermSync),
	RoleClerk: set(PermSeeAll, PermRoster, PermFigures, PermTraining, PermRewards, PermResearch, PermExcel,
		PermDocuments, PermSync),
	RoleCustomerManager: set(PermApplyOwn, PermSync),
	RoleReviewer:        set(PermSeeAll, PermReview, PermDocuments, PermSync),
	RoleHQAdmin:         set(PermSeeAll, PermReference, PermAccounts, PermBackup, PermDocuments, PermSync),
	RoleSystem:          set(PermSeeAll, PermSync, PermBackup),
}

func set(ps ...Perm) map[Perm]bool {
	m := make(map[Perm]bool, len(ps))
	for _, p := range ps {
		m[p] = true
	}
	return m
}

// Can reports whether the role may do p.
func (r Role) Can(p Perm) bool { return perms[r][p] }

// Actor is who does something: a signed-in account, or the machine. Every
// write names one; the audit trail stores its String.
type Actor struct {
	AccountID  string `json:"account_id"`
	Name       string `json:"name"`
	EmployeeNo string `json:"employee_no"`
	Role       Role   `json:"role"`
	// ManagerID is the manager record with the account's employee number,
	// "" when there is none (a clerk, HQ staff).
	ManagerID string `json:"manager_id"`
}

// System is the machine working on its own (sync, backups, the demo),
// named by what it does.
func System(what string) Actor { return Actor{Name: what, Role: RoleSystem} }

// IsPerson reports whether a signed-in account acts.
func (a Actor) IsPerson() bool { return a.AccountID != "" && a.Role != RoleSystem }

// String names the actor as records show it: "董喆（D001）", or the machine
// work's name.
func (a Actor) String() string {
	if a.EmployeeNo == "" {
		if a.Name == "" {
			return "system"
		}
		return a.Name
	}
	return a.Name + "（" + a.EmployeeNo + "）"
}

// May returns nil when the actor may do p, else a refusal that names the
// role and the action.
func (a Actor) May(p Perm) error {
	if a.Role.Can(p) {
		return nil
	}
	return Forbidden(a.Role, p)
}

// MayFor returns nil when the actor may do p for the manager managerID:
// with permission over everyone (other), or own records with own.
func (a Actor) MayFor(other, own Perm, managerID string) error {
	if a.Role.Can(other) {
		return nil
	}
	if own != "" && a.Role.Can(own) && a.ManagerID != "" && a.ManagerID == managerID {
		return nil
	}
	if own != "" && a.Role.Can(own) {
		return Errorf(EUNAUTHORIZED, "err.forbidden_others", "Role", Errorf("", "role."+string(a.Role)))
	}
	return Forbidden(a.Role, other)
}

// Forbidden is the refusal of action p to role r.
func Forbidden(r Role, p Perm) error {
	role := Errorf("", "role."+string(r))
	if r == "" {
		role = Errorf("", "role.none")
	}
	return Errorf(EUNAUTHORIZED, "err.forbidden", "Role", role, "Action", Errorf("", "perm."+string(p)))
}

// CheckAssessor refuses an assessment of one's own record: nobody assesses
// themselves (SPEC §3).
func CheckAssessor(a Actor, managerID string) error {
	if a.ManagerID == "" || managerID == "" {
		return nil // no record of the account's own: the record's assessor is checked by CheckNotSelf
	}
	return CheckNotSelf(Actor{ManagerID: a.ManagerID}, Manager{ID: managerID})
}

// Account is a person's sign-in to one install: showroom-owned and synced to
// HQ with the password's hash only, so a new PC gets it back.
type Account struct {
	ID         string `json:"id"`
	ShowroomID string `json:"showroom_id"`
	Name       string `json:"name"`
	EmployeeNo string `json:"employee_no"`
	Role       Role   `json:"role"`
	// PasswordHash is argon2id in PHC form; never the password.
	PasswordHash string `json:"password_hash"`
	Disabled     bool   `json:"disabled"`
	// BlockedByHQ is set when HQ disabled the account (its own row).
	BlockedByHQ bool `json:"-"`
}

// Validate checks the account.
func (a Account) Validate() error {
	switch {
	case !employeeNoRe.MatchString(a.EmployeeNo):
		return Errorf(EINVALID, "err.bad_employee_no", "Value", a.EmployeeNo).OnField("employee_no")
	case strings.TrimSpace(a.Name) == "" || CountChars(a.Name) > 40:
		return Errorf(EINVALID, "err.bad_name").OnField("name")
	case !a.Role.Valid():
		return Errorf(EINVALID, "err.bad_account_role", "Value", string(a.Role)).OnField("role")
	case !strings.HasPrefix(a.PasswordHash, "$argon2id$"):
		return Errorf(EINVALID, "err.bad_password_hash").OnField("password")
	}
	return nil
}

// CheckRoleFor checks that an account's role is one of its install's: a
// showroom's accounts hold showroom roles, HQ's hold HQ roles.
func (a Account) CheckRoleFor(hq bool) error {
	roles := ShowroomRoles
	if hq {
		roles = HQRoles
	}
	for _, r := range roles {
		if r == a.Role {
			return nil
		}
	}
	return Errorf(EINVALID, "err.bad_account_role", "Value", string(a.Role)).OnField("role")
}

// CheckHQPerson validates one of HQ's people's accounts: an HQ role, and no
// showroom.
func (a Account) CheckHQPerson() error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := a.CheckRoleFor(true); err != nil {
		return err
	}
	if a.ShowroomID != "" {
		return Errorf(EINVALID, "err.bad_account_role", "Value", string(a.Role)).OnField("role")
	}
	return nil
}

// Active reports whether the account may sign in.
func (a Account) Active() bool { return !a.Disabled && !a.BlockedByHQ }

// AccountBlock is HQ's word on an account: blocked (disabled from HQ) or
// not. HQ owns it, the showroom's account row stays the showroom's.
type AccountBlock struct {
	ID        string `json:"id"` // the account's id: one block row per account
	AccountID string `json:"account_id"`
	Blocked   bool   `json:"blocked"`
	Reason    string `json:"reason"`
	By        string `json:"by"`
}

// Validate checks the block.
func (b AccountBlock) Validate() error {
	if b.AccountID == "" || b.ID != b.AccountID {
		return Errorf(EINVALID, "err.bad_change")
	}
	return nil
}

// MaxByChars is the longest name of who made a change that a synced change
// may carry (kaohe.Actor's String: a name of at most 40 characters and an
// employee number).
const MaxByChars = 80

// CheckBy checks the name of who made a change, as a change carries it.
func CheckBy(by string) error {
	if utf8.RuneCountInString(by) > MaxByChars || !utf8.ValidString(by) {
		return Errorf(EINVALID, "err.bad_change")
	}
	for _, r := range by {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return Errorf(EINVALID, "err.bad_change")
		}
	}
	return nil
}

// Password rules.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// CheckPassword checks a new password's length (in characters).
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen || n > MaxPasswordLen || strings.TrimSpace(pw) == "" {
		return Errorf(EINVALID, "err.bad_password", "Min", MinPasswordLen, "Max", MaxPasswordLen).OnField("password")
	}
	return nil
}

// Sign-in throttling: each wrong password in a row waits longer before the
// answer, and LockoutAfter of them lock the account for LockoutFor.
const (
	LockoutAfter = 5
	LockoutFor   = 15 * time.Minute
)

// LoginDelay is how long the answer to the n-th wrong password in a row
// waits: 1 s, 2 s, 4 s, 8 s, at most 8 s.
func LoginDelay(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	if n > 4 {
		n = 4
	}
	return time.Second << (n - 1)
}

// LockedUntil is when an account with n wrong passwords in a row, the last
// at last, may try again; zero when it is not locked.
func LockedUntil(n int, last time.Time) time.Time {
	if n < LockoutAfter {
		return time.Time{}
	}
	return last.Add(LockoutFor)
}

// Session settings.
const (
	DefaultIdleLockMinutes = 10
	MaxIdleLockMinutes     = 240
)

// CheckIdleMinutes checks the idle-lock setting (0 = never).
func CheckIdleMinutes(n int) error {
	if n < 0 || n > MaxIdleLockMinutes {
		return Errorf(EINVALID, "err.bad_idle_minutes", "Max", MaxIdleLockMinutes).OnField("idle_minutes")
	}
	return nil
}

// AuditLine is one line of the audit trail as HQ mode shows it: who (the
// account as the change named it) changed what, where and when.
type AuditLine struct {
	At         string `json:"at"`
	ShowroomID string `json:"showroom_id"` // "" for reference data and HQ's own work
	By         string `json:"by"`
	Action     string `json:"action"`
	Entity     string `json:"entity"`
	RowID      string `json:"row_id"`
}

// AuditLimit is how many audit lines HQ mode's audit view shows at most
// (the newest).
const AuditLimit = 20000

// AuditFilter chooses audit lines: a showroom (""= all), a person (part of
// the name or employee number, "" = anyone), and days (zero = open).
type AuditFilter struct {
	ShowroomID string
	Person     string
	From, To   Date
}

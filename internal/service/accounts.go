package service

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"kaohe/internal/demo"
	"kaohe/internal/kaohe"
	"kaohe/internal/password"
	"kaohe/internal/store"
)

// session is who is signed in to this service (one window, or one command).
type session struct {
	mu     sync.Mutex
	actor  kaohe.Actor
	locked bool
}

// MetaIdleLock is the setting key of the idle lock, in minutes.
const MetaIdleLock = "idle_lock_minutes"

// Session returns who is signed in (zero when nobody is) and whether the
// window is locked.
func (s *Service) Session() (kaohe.Actor, bool) {
	s.sess.mu.Lock()
	defer s.sess.mu.Unlock()
	return s.sess.actor, s.sess.locked
}

// viewer is who reads: the signed-in account, or, with nobody signed in
// (the command line's machine work: exports), the machine. A locked window
// reads nothing.
func (s *Service) viewer() (kaohe.Actor, error) {
	a, locked := s.Session()
	if locked {
		return a, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.session_locked")
	}
	if a.AccountID == "" {
		return kaohe.System("command line"), nil
	}
	return a, nil
}

// allow checks that actor may do p now: a person must be the one signed in
// and the window not locked.
func (s *Service) allow(actor kaohe.Actor, p kaohe.Perm) error {
	if err := s.current(actor); err != nil {
		return err
	}
	return actor.May(p)
}

// allowFor is allow for one manager's records: with permission over
// everyone (other), or the actor's own records with own.
func (s *Service) allowFor(actor kaohe.Actor, other, own kaohe.Perm, managerID string) error {
	if err := s.current(actor); err != nil {
		return err
	}
	return actor.MayFor(other, own, managerID)
}

// current refuses a person who is not the one signed in, or while the
// window is locked; machine work passes.
func (s *Service) current(actor kaohe.Actor) error {
	if actor.Role == kaohe.RoleSystem {
		cur, _ := s.Session()
		if cur.AccountID != "" { // the window's account may not pose as the machine
			return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_signed_in")
		}
		return nil
	}
	cur, locked := s.Session()
	switch {
	case actor.AccountID == "" || cur.AccountID != actor.AccountID:
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_signed_in")
	case locked:
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.session_locked")
	}
	return nil
}

// seeFor checks the viewer may read the manager's records.
func (s *Service) seeFor(managerID string) error {
	v, err := s.viewer()
	if err != nil {
		return err
	}
	return v.MayFor(kaohe.PermSeeAll, kaohe.PermApplyOwn, managerID)
}

// viewerMay checks the viewer may do p (calls without an actor: the
// window's signed-in account, or the command line's machine work).
func (s *Service) viewerMay(p kaohe.Perm) error {
	v, err := s.viewer()
	if err != nil {
		return err
	}
	return v.May(p)
}

// seeAll checks the viewer may read everyone's records.
func (s *Service) seeAll() error {
	v, err := s.viewer()
	if err != nil {
		return err
	}
	return v.May(kaohe.PermSeeAll)
}

// NeedsSetup reports whether the install has no account yet: the first-run
// set-up is due.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	ok, err := s.Store.HasAccounts(ctx)
	return !ok, err
}

// Setup makes the install's first account, the showroom manager's (in HQ
// mode, the HQ admin's), and signs it in. Refused once an account exists.
func (s *Service) Setup(ctx context.Context, name, employeeNo, pw string) (kaohe.Actor, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil {
		return kaohe.Actor{}, err
	}
	if !need {
		return kaohe.Actor{}, kaohe.Errorf(kaohe.ECONFLICT, "err.setup_done")
	}
	role := kaohe.RoleShowroomManager
	if s.IsHQ(ctx) {
		role = kaohe.RoleHQAdmin
	}
	a, err := s.newAccount(kaohe.Account{Name: name, EmployeeNo: employeeNo, Role: role}, pw)
	if err != nil {
		return kaohe.Actor{}, err
	}
	if err := s.Store.UpdateAs(ctx, kaohe.Actor{Name: a.Name, EmployeeNo: a.EmployeeNo, Role: role}, func(tx *store.Tx) error {
		var err error
		a, err = tx.SaveAccount(a)
		return err
	}); err != nil {
		return kaohe.Actor{}, err
	}
	return s.signIn(ctx, a)
}

// newAccount checks the password and hashes it into the account.
func (s *Service) newAccount(a kaohe.Account, pw string) (kaohe.Account, error) {
	if err := kaohe.CheckPassword(pw); err != nil {
		return a, err
	}
	h, err := password.Hash(pw)
	if err != nil {
		return a, err
	}
	a.PasswordHash = h
	return a, a.Validate()
}

// Login signs an account in by employee number and password. A wrong
// password waits longer each time in a row (kaohe.LoginDelay) before it is
// answered, and enough of them lock the account for a while; an unknown
// employee number waits as long as a first wrong password and says the same.
func (s *Service) Login(ctx context.Context, employeeNo, pw string) (kaohe.Actor, error) {
	a, err := s.Store.AccountByEmployeeNo(ctx, employeeNo)
	if kaohe.ErrorCode(err) == kaohe.ENOTFOUND {
		s.sleep(ctx, kaohe.LoginDelay(1))
		return kaohe.Actor{}, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.wrong_password")
	}
	if err != nil {
		return kaohe.Actor{}, err
	}
	if err := s.checkPassword(ctx, a, pw); err != nil {
		return kaohe.Actor{}, err
	}
	return s.signIn(ctx, a)
}

// checkPassword checks pw against the account, with the throttle.
func (s *Service) checkPassword(ctx context.Context, a kaohe.Account, pw string) error {
	n, last, err := s.Store.LoginFailures(ctx, a.ID)
	if err != nil {
		return err
	}
	if until := kaohe.LockedUntil(n, last); s.Now().Before(until) {
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.account_locked", "Until", until.Local().Format("15:04"))
	}
	ok, err := password.Check(pw, a.PasswordHash)
	if err != nil || !ok {
		if err := s.Store.Update(ctx, "login "+a.EmployeeNo, func(tx *store.Tx) error {
			var err error
			n, err = tx.LoginFailed(a.ID)
			return err
		}); err != nil {
			return err
		}
		s.sleep(ctx, kaohe.LoginDelay(n))
		if n >= kaohe.LockoutAfter {
			return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.account_locked", "Until", kaohe.LockedUntil(n, s.Now()).Local().Format("15:04"))
		}
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.wrong_password")
	}
	if !a.Active() {
		return kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.account_disabled")
	}
	return nil
}

func (s *Service) signIn(ctx context.Context, a kaohe.Account) (kaohe.Actor, error) {
	if !a.Active() {
		return kaohe.Actor{}, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.account_disabled")
	}
	if a.Role.HQ() != s.IsHQ(ctx) {
		return kaohe.Actor{}, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.account_wrong_mode")
	}
	actor := kaohe.Actor{AccountID: a.ID, Name: a.Name, EmployeeNo: a.EmployeeNo, Role: a.Role}
	if ms, err := s.Store.ListManagers(ctx, kaohe.ManagerFilter{}); err == nil {
		for _, m := range ms {
			if m.EmployeeNo == a.EmployeeNo {
				actor.ManagerID = m.ID
			}
		}
	}
	if err := s.Store.UpdateAs(ctx, actor, func(tx *store.Tx) error { return tx.LoginSucceeded(a.ID) }); err != nil {
		return kaohe.Actor{}, err
	}
	s.sess.mu.Lock()
	s.sess.actor, s.sess.locked = actor, false
	s.sess.mu.Unlock()
	return actor, nil
}

// endReplacedSession signs out an account that a sync disabled (HQ blocked
// it) or that gave way to the same person's account recovered from HQ (a
// fresh install's set-up account after enrolling as the showroom it was):
// the person signs in again, with the password they had, as the account
// records and HQ know.
func (s *Service) endReplacedSession(ctx context.Context) {
	cur, _ := s.Session()
	if cur.AccountID == "" {
		return
	}
	a, err := s.Store.AccountByEmployeeNo(ctx, cur.EmployeeNo)
	if err == nil && (a.ID != cur.AccountID || !a.Active()) {
		s.sess.mu.Lock()
		if s.sess.actor.AccountID == cur.AccountID {
			s.sess.actor, s.sess.locked = kaohe.Actor{}, false
		}
		s.sess.mu.Unlock()
	}
}

// refreshSession takes the signed-in account's role again from the store:
// enrolling as HQ makes the first-run set-up's account HQ's admin.
func (s *Service) refreshSession(ctx context.Context) {
	cur, _ := s.Session()
	if cur.AccountID == "" {
		return
	}
	a, err := s.Store.AccountByEmployeeNo(ctx, cur.EmployeeNo)
	if err != nil || a.ID != cur.AccountID {
		return
	}
	s.sess.mu.Lock()
	if s.sess.actor.AccountID == a.ID {
		s.sess.actor.Role = a.Role
	}
	s.sess.mu.Unlock()
}

// Lock locks the session (idle, or on request): nothing is read or written
// until Unlock.
func (s *Service) Lock() {
	s.sess.mu.Lock()
	defer s.sess.mu.Unlock()
	if s.sess.actor.AccountID != "" {
		s.sess.locked = true
	}
}

// Unlock reopens a locked session with its account's password (throttled
// like a sign-in). Another account may sign in instead with Login.
func (s *Service) Unlock(ctx context.Context, pw string) (kaohe.Actor, error) {
	cur, _ := s.Session()
	if cur.AccountID == "" {
		return cur, kaohe.Errorf(kaohe.EUNAUTHORIZED, "err.not_signed_in")
	}
	a, err := s.Store.AccountByEmployeeNo(ctx, cur.EmployeeNo)
	if err != nil {
		return cur, err
	}
	if err := s.checkPassword(ctx, a, pw); err != nil {
		return cur, err
	}
	return s.signIn(ctx, a)
}

// Logout ends the session.
func (s *Service) Logout() {
	s.sess.mu.Lock()
	defer s.sess.mu.Unlock()
	s.sess.actor, s.sess.locked = kaohe.Actor{}, false
}

func (s *Service) sleep(ctx context.Context, d time.Duration) {
	if s.Sleep != nil {
		s.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Accounts lists the install's accounts (managers of accounts only).
func (s *Service) Accounts(ctx context.Context, actor kaohe.Actor) ([]kaohe.Account, error) {
	if err := s.allow(actor, kaohe.PermAccounts); err != nil {
		return nil, err
	}
	as, err := s.Store.Accounts(ctx)
	for i := range as {
		as[i].PasswordHash = "" // the screen never needs it
	}
	return as, err
}

// SaveAccount creates an account or changes one (name, role, disabled, and
// the password when pw is not ""). A manager of accounts cannot disable
// their own or take away their own right to manage accounts.
func (s *Service) SaveAccount(ctx context.Context, actor kaohe.Actor, a kaohe.Account, pw string) (kaohe.Account, error) {
	if err := s.allow(actor, kaohe.PermAccounts); err != nil {
		return a, err
	}
	if err := a.CheckRoleFor(s.IsHQ(ctx)); err != nil {
		return a, err
	}
	if a.ID != "" && a.ID == actor.AccountID && (a.Disabled || !a.Role.Can(kaohe.PermAccounts)) {
		return a, kaohe.Errorf(kaohe.ECONFLICT, "err.account_self_lockout")
	}
	if a.ID == "" || pw != "" {
		var err error
		if a, err = s.newAccount(a, pw); err != nil {
			return a, err
		}
	}
	err := s.update(ctx, actor, func(tx *store.Tx) error {
		var err error
		a, err = tx.SaveAccount(a)
		return err
	})
	a.PasswordHash = ""
	return a, err
}

// ChangePassword changes the signed-in account's own password.
func (s *Service) ChangePassword(ctx context.Context, actor kaohe.Actor, old, pw string) error {
	if err := s.current(actor); err != nil {
		return err
	}
	a, err := s.Store.AccountByEmployeeNo(ctx, actor.EmployeeNo)
	if err != nil {
		return err
	}
	if err := s.checkPassword(ctx, a, old); err != nil {
		return err
	}
	if a, err = s.newAccount(a, pw); err != nil {
		return err
	}
	return s.update(ctx, actor, func(tx *store.Tx) error { _, err := tx.SaveAccount(a); return err })
}

// AllAccounts lists every showroom's accounts (HQ mode).
func (s *Service) AllAccounts(ctx context.Context, actor kaohe.Actor) ([]kaohe.Account, error) {
	if err := s.allow(actor, kaohe.PermAccounts); err != nil {
		return nil, err
	}
	as, err := s.Store.AllAccounts(ctx)
	for i := range as {
		as[i].PasswordHash = ""
	}
	return as, err
}

// BlockAccount disables (or re-enables) a showroom's account from HQ.
func (s *Service) BlockAccount(ctx context.Context, actor kaohe.Actor, accountID string, blocked bool, reason string) error {
	if err := s.allow(actor, kaohe.PermAccounts); err != nil {
		return err
	}
	if !s.IsHQ(ctx) {
		return kaohe.Forbidden(actor.Role, kaohe.PermReference)
	}
	return s.update(ctx, actor, func(tx *store.Tx) error {
		return tx.BlockAccount(kaohe.AccountBlock{AccountID: accountID, Blocked: blocked, Reason: strings.TrimSpace(reason), By: actor.String()})
	})
}

// HQAudit lists who changed what, newest first (HQ mode: the review group
// and HQ's admin): every change HQ sent here names the account that made it.
func (s *Service) HQAudit(ctx context.Context, f kaohe.AuditFilter) ([]kaohe.AuditLine, error) {
	if err := s.seeAll(); err != nil {
		return nil, err
	}
	if !s.IsHQ(ctx) {
		v, _ := s.viewer()
		return nil, kaohe.Forbidden(v.Role, kaohe.PermReview)
	}
	return s.Store.AuditLines(ctx, f, kaohe.AuditLimit)
}

// IdleLockMinutes is after how many idle minutes the window locks (0:
// never).
func (s *Service) IdleLockMinutes(ctx context.Context) int {
	v, err := s.Store.Meta(ctx, MetaIdleLock)
	if err != nil || v == "" {
		return kaohe.DefaultIdleLockMinutes
	}
	n, err := strconv.Atoi(v)
	if err != nil || kaohe.CheckIdleMinutes(n) != nil {
		return kaohe.DefaultIdleLockMinutes
	}
	return n
}

// SetIdleLockMinutes sets the idle lock (managers of accounts only).
func (s *Service) SetIdleLockMinutes(ctx context.Context, actor kaohe.Actor, n int) error {
	if err := s.allow(actor, kaohe.PermAccounts); err != nil {
		return err
	}
	if err := kaohe.CheckIdleMinutes(n); err != nil {
		return err
	}
	return s.Store.SetMeta(ctx, map[string]string{MetaIdleLock: strconv.Itoa(n)})
}

// OpenDemo writes the demo showroom into an empty database (first run), with
// one account per showroom role (internal/demo.DemoAccounts).
func (s *Service) OpenDemo(ctx context.Context) error {
	_, err := demo.Seed(ctx, s.Store, demo.Options{Today: s.Today()})
	return err
}

package service

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/demo"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/password"
	"kaohe/internal/store"
)

// waits records the sign-in delays instead of waiting them out.
type waits []time.Duration

func (w *waits) sleep(d time.Duration) { *w = append(*w, d) }

// signIn signs the demo account with this employee number in.
func signIn(t *testing.T, svc *Service, no string) kaohe.Actor {
	t.Helper()
	for _, d := range demo.DemoAccounts {
		if d.EmployeeNo == no {
			return login(t, svc, no, d.Password)
		}
	}
	t.Fatalf("no demo account %s", no)
	return kaohe.Actor{}
}

func login(t *testing.T, svc *Service, no, pw string) kaohe.Actor {
	t.Helper()
	if svc.Sleep == nil {
		svc.Sleep = func(time.Duration) {}
	}
	a, err := svc.Login(ctx, no, pw)
	if err != nil {
		t.Fatalf("Login(%s): %v", no, err)
	}
	return a
}

// addAccount adds an account straight to the store (tests of a database
// without the demo's accounts).
func addAccount(t *testing.T, svc *Service, name, no string, role kaohe.Role, pw string) {
	t.Helper()
	h, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Store.Update(ctx, "test", func(tx *store.Tx) error {
		_, err := tx.SaveAccount(kaohe.Account{Name: name, EmployeeNo: no, Role: role, PasswordHash: h})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func isForbidden(err error) bool { return kaohe.ErrorCode(err) == kaohe.EUNAUTHORIZED }

func managerByNo(t *testing.T, svc *Service, no string) kaohe.ManagerLevel {
	t.Helper()
	m, err := svc.Store.ManagerByNo(ctx, no)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoginBackoffLockoutAndDisabled(t *testing.T) {
	svc := open(t, true)
	var w waits
	svc.Sleep = w.sleep
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)
	svc.Now = func() time.Time { return now }
	svc.Store.Now = svc.Now
	for i := 1; i <= kaohe.LockoutAfter; i++ {
		_, err := svc.Login(ctx, "W001", "wrong-password")
		if !isForbidden(err) {
			t.Fatalf("wrong password %d: %v", i, err)
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	if len(w) != len(want) {
		t.Fatalf("delays %v; want %v", w, want)
	}
	for i := range want {
		if w[i] != want[i] {
			t.Errorf("delay %d = %v; want %v", i+1, w[i], want[i])
		}
	}
	// Locked: even the right password is refused, without checking it.
	_, err := svc.Login(ctx, "W001", "clerk-demo")
	if e, ok := err.(*kaohe.Error); !ok || e.Key != "err.account_locked" {
		t.Fatalf("right password while locked: %v", err)
	}
	if msg := i18n.Error(kaohe.LangZh, err); !strings.Contains(msg, "锁定") {
		t.Errorf("locked message = %q", msg)
	}
	// After the lockout the right password works and clears the count.
	now = now.Add(kaohe.LockoutFor + time.Second)
	a := login(t, svc, "W001", "clerk-demo")
	if a.Name != "王芳" || a.Role != kaohe.RoleClerk || a.ManagerID != "" {
		t.Errorf("signed in as %+v", a)
	}
	if n, _, _ := svc.Store.LoginFailures(ctx, a.AccountID); n != 0 {
		t.Errorf("failures after sign-in = %d", n)
	}
	// An unknown employee number waits and says the same as a wrong password.
	w = nil
	_, err = svc.Login(ctx, "X999", "whatever-pw")
	if e, ok := err.(*kaohe.Error); !ok || e.Key != "err.wrong_password" || len(w) != 1 {
		t.Errorf("unknown account: %v, waited %v", err, w)
	}
	// A disabled account does not sign in.
	mgr := signIn(t, svc, "D001")
	accs, _ := svc.Accounts(ctx, mgr)
	for _, acc := range accs {
		if acc.EmployeeNo == "D002" {
			acc.Disabled = true
			if _, err := svc.SaveAccount(ctx, mgr, acc, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := svc.Login(ctx, "D002", "staff-demo"); !isForbidden(err) {
		t.Errorf("disabled account signed in: %v", err)
	}
	// The manager cannot lock themselves out.
	for _, acc := range accs {
		if acc.EmployeeNo == "D001" {
			acc.Disabled = true
			if _, err := svc.SaveAccount(ctx, mgr, acc, ""); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
				t.Errorf("manager disabled own account: %v", err)
			}
		}
	}
}

func TestLockRefusesUntilUnlocked(t *testing.T) {
	svc := open(t, true)
	a := signIn(t, svc, "D001")
	svc.Lock()
	if _, err := svc.ListManagers(ctx, kaohe.ManagerFilter{}); !isForbidden(err) {
		t.Errorf("read while locked: %v", err)
	}
	m := managerByNo(t, svc, "D003")
	if _, err := svc.SetTarget(ctx, a, m.ID, kaohe.MetricSales, 2027, 1200000, nil); !isForbidden(err) {
		t.Errorf("write while locked: %v", err)
	}
	if _, err := svc.Unlock(ctx, "wrong-password"); !isForbidden(err) {
		t.Errorf("unlock with a wrong password: %v", err)
	}
	if _, err := svc.Unlock(ctx, "manager-demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetTarget(ctx, a, m.ID, kaohe.MetricSales, 2027, 1200000, nil); err != nil {
		t.Errorf("write after unlock: %v", err)
	}
	// An actor that is not the signed-in one is refused (a stale or made-up actor).
	forged := a
	forged.AccountID = "someone-else"
	if _, err := svc.SetTarget(ctx, forged, m.ID, kaohe.MetricSales, 2027, 1, nil); !isForbidden(err) {
		t.Errorf("forged actor: %v", err)
	}
	if _, err := svc.SetTarget(ctx, kaohe.System("x"), m.ID, kaohe.MetricSales, 2027, 1, nil); !isForbidden(err) {
		t.Errorf("the machine wrote while an account is signed in: %v", err)
	}
	svc.Logout()
	if _, err := svc.SetTarget(ctx, a, m.ID, kaohe.MetricSales, 2027, 1, nil); !isForbidden(err) {
		t.Errorf("write after sign-out: %v", err)
	}
}

func TestShowroomManagerRole(t *testing.T) {
	svc := open(t, true)
	a := signIn(t, svc, "D001")
	if a.ManagerID == "" || a.Role != kaohe.RoleShowroomManager {
		t.Fatalf("actor = %+v", a)
	}
	// Assesses a level-1 manager; the record names the account. The
	// demo's 2026-H2 is a draft until the half-year has ended.
	svc.Store.Now = func() time.Time { return time.Date(2027, 1, 5, 9, 0, 0, 0, time.Local) }
	m := managerByNo(t, svc, "D003")
	as, _ := svc.Assessment(ctx, m.ID, "2026-H2")
	as.Scores = kaohe.Scores{}
	tpl, _ := svc.TemplateFor(ctx, as)
	for _, it := range tpl.Items {
		as.Scores[it.Code] = 80
	}
	saved, err := svc.SaveAssessment(ctx, a, as, true)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Assessor != a.String() || !strings.Contains(saved.Assessor, "D001") {
		t.Errorf("assessor = %q", saved.Assessor)
	}
	// Not themselves.
	own, _ := svc.Assessment(ctx, a.ManagerID, "2026-H2")
	own.Scores = as.Scores
	if _, err := svc.SaveAssessment(ctx, a, own, false); !isForbidden(err) {
		t.Errorf("assessed self: %v", err)
	}
	// Manages accounts.
	acc, err := svc.SaveAccount(ctx, a, kaohe.Account{Name: "赵敏", EmployeeNo: "W002", Role: kaohe.RoleClerk}, "new-clerk-pw")
	if err != nil || acc.PasswordHash != "" {
		t.Fatalf("add account = %+v, %v", acc, err)
	}
	if _, err := svc.SaveAccount(ctx, a, kaohe.Account{Name: "钱", EmployeeNo: "W003", Role: kaohe.RoleReviewer}, "new-clerk-pw"); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("an HQ role in a showroom: %v", err)
	}
	if _, err := svc.SaveAccount(ctx, a, kaohe.Account{Name: "钱", EmployeeNo: "W003", Role: kaohe.RoleClerk}, "short"); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("a short password: %v", err)
	}
	if err := svc.SetIdleLockMinutes(ctx, a, 5); err != nil || svc.IdleLockMinutes(ctx) != 5 {
		t.Errorf("idle minutes: %v, %d", err, svc.IdleLockMinutes(ctx))
	}
	login(t, svc, "W002", "new-clerk-pw")
}

func TestClerkRole(t *testing.T) {
	svc := open(t, true)
	a := signIn(t, svc, "W001")
	m := managerByNo(t, svc, "D003")
	// What a clerk does: targets, training, rewards, research, roster.
	if _, err := svc.SetTarget(ctx, a, m.ID, kaohe.MetricSales, 2027, 1200000, nil); err != nil {
		t.Errorf("target: %v", err)
	}
	if _, err := svc.SaveTraining(ctx, a, kaohe.Training{Title: "新品培训", Category: kaohe.TrainBasic, Method: kaohe.MethodClassroom, Date: kaohe.D(2026, 11, 20), Hours: 2}); err != nil {
		t.Errorf("training: %v", err)
	}
	if _, err := svc.SaveRewardPenalty(ctx, a, kaohe.RewardPenalty{ManagerID: m.ID, Type: kaohe.RewardPraise, Reason: "客户表扬", Date: kaohe.D(2026, 11, 20), DecidedBy: "董喆"}); err != nil {
		t.Errorf("reward: %v", err)
	}
	if _, err := svc.CreateManager(ctx, a, kaohe.Manager{EmployeeNo: "D099", Name: "新人", Education: kaohe.EduCollege}, kaohe.Level1); err != nil {
		t.Errorf("roster: %v", err)
	}
	if ms, err := svc.ListManagers(ctx, kaohe.ManagerFilter{}); err != nil || len(ms) < 20 {
		t.Errorf("clerk sees %d managers, %v", len(ms), err)
	}
	// The audit row names the account, never the OS user.
	au, _ := svc.Store.Audit(ctx, "", "", 1)
	if len(au) != 1 || au[0].Actor != "王芳（W001）" || au[0].ActorID != a.AccountID {
		t.Errorf("audit = %+v", au)
	}
	if u := os.Getenv("USER"); u != "" && strings.Contains(au[0].Actor, u) {
		t.Errorf("audit names the OS user %q", u)
	}
	// What a clerk does not: assessments, applications, accounts, restore.
	as, _ := svc.Assessment(ctx, m.ID, "2026-H2")
	_, err := svc.SaveAssessment(ctx, a, as, true)
	if !isForbidden(err) {
		t.Errorf("clerk submitted an assessment: %v", err)
	}
	if msg := i18n.Error(kaohe.LangZh, err); msg != "您的角色（文员/人事）不能填写或提交考核。" {
		t.Errorf("refusal = %q", msg)
	}
	if msg := i18n.Error(kaohe.LangEn, err); msg != "Your role (clerk) may not score or submit assessments." {
		t.Errorf("refusal (en) = %q", msg)
	}
	if _, err := svc.SaveApplication(ctx, a, kaohe.Application{ManagerID: m.ID, TargetLevel: kaohe.Level2}); !isForbidden(err) {
		t.Errorf("clerk wrote an application: %v", err)
	}
	if _, err := svc.Accounts(ctx, a); !isForbidden(err) {
		t.Errorf("clerk lists accounts: %v", err)
	}
	if _, err := svc.SaveAccount(ctx, a, kaohe.Account{Name: "x", EmployeeNo: "W009", Role: kaohe.RoleShowroomManager}, "password-1"); !isForbidden(err) {
		t.Errorf("clerk made an account: %v", err)
	}
	if err := svc.Restore(ctx, filepath.Join(t.TempDir(), "none.db")); !isForbidden(err) {
		t.Errorf("clerk restores: %v", err)
	}
	if n, _ := svc.Store.Accounts(ctx); len(n) != 3 {
		t.Errorf("accounts after refusals: %d", len(n))
	}
}

func TestCustomerManagerRole(t *testing.T) {
	svc := open(t, true)
	a := signIn(t, svc, "D002")
	other := managerByNo(t, svc, "D003")
	if a.Role != kaohe.RoleCustomerManager || a.ManagerID == "" {
		t.Fatalf("actor = %+v", a)
	}
	// Sees only their own records.
	ms, err := svc.ListManagers(ctx, kaohe.ManagerFilter{})
	if err != nil || len(ms) != 1 || ms[0].ID != a.ManagerID {
		t.Errorf("customer manager sees %d managers, %v", len(ms), err)
	}
	if _, err := svc.Profile(ctx, a.ManagerID); err != nil {
		t.Errorf("own profile: %v", err)
	}
	if _, err := svc.Profile(ctx, other.ID); !isForbidden(err) {
		t.Errorf("someone else's profile: %v", err)
	}
	apps, _ := svc.Applications(ctx, "")
	for _, ap := range apps {
		if ap.ManagerID != a.ManagerID {
			t.Errorf("sees %s's application", ap.ManagerID)
		}
	}
	if _, err := svc.Applications(ctx, other.ID); !isForbidden(err) {
		t.Errorf("someone else's applications: %v", err)
	}
	if _, err := svc.Dashboard(ctx); !isForbidden(err) {
		t.Errorf("dashboard: %v", err)
	}
	if rs, err := svc.RewardsPenalties(ctx, ""); err != nil {
		t.Error(err)
	} else {
		for _, r := range rs {
			if r.ManagerID != a.ManagerID {
				t.Errorf("sees someone else's reward")
			}
		}
	}
	// Writes and submits their own application.
	me := managerByNo(t, svc, "D002")
	app, err := svc.SaveApplication(ctx, a, kaohe.Application{ManagerID: a.ManagerID, TargetLevel: me.Level + 1, Education: kaohe.EduMaster,
		PersonalInfo: "本人情况", Achievements: "业绩", Report: strings.Repeat("述职报告内容", 1000)})
	if err != nil {
		t.Fatalf("own application: %v", err)
	}
	if _, err := svc.SubmitApplication(ctx, a, app.ID); err != nil {
		t.Errorf("submit own application: %v", err)
	}
	// Nothing of others': write, submit, move an application over, print.
	if _, err := svc.SaveApplication(ctx, a, kaohe.Application{ManagerID: other.ID, TargetLevel: kaohe.Level2}); !isForbidden(err) {
		t.Errorf("wrote someone else's application: %v", err)
	}
	others, _ := svc.Store.Applications(ctx, other.ID)
	for _, o := range others {
		o.Application.ManagerID = a.ManagerID // claims it as own
		if _, err := svc.SaveApplication(ctx, a, o.Application); !isForbidden(err) {
			t.Errorf("took over someone else's application: %v", err)
		}
		if _, err := svc.SubmitApplication(ctx, a, o.ID); !isForbidden(err) {
			t.Errorf("submitted someone else's application: %v", err)
		}
	}
	if _, err := svc.CreateManager(ctx, a, kaohe.Manager{EmployeeNo: "D098", Name: "x", Education: kaohe.EduCollege}, kaohe.Level1); !isForbidden(err) {
		t.Errorf("roster: %v", err)
	}
	if _, err := svc.SetTarget(ctx, a, a.ManagerID, kaohe.MetricSales, 2027, 1, nil); !isForbidden(err) {
		t.Errorf("own target: %v", err)
	}
	dir := t.TempDir()
	if err := svc.CertificatePDF(ctx, a, "D003", filepath.Join(dir, "c.pdf")); !isForbidden(err) {
		t.Errorf("printed someone else's certificate: %v", err)
	}
	if err := svc.ReportPDF(ctx, "D003", "2026-H1", filepath.Join(dir, "r.pdf")); !isForbidden(err) {
		t.Errorf("someone else's report: %v", err)
	}
	if err := svc.ReportPDF(ctx, "D002", "2026-H1", filepath.Join(dir, "r.pdf")); err != nil {
		t.Errorf("own report: %v", err)
	}
	if err := svc.ExportRoster(ctx, filepath.Join(dir, "x.xlsx")); !isForbidden(err) {
		t.Errorf("exported the roster: %v", err)
	}
	if _, err := svc.SaveAssessment(ctx, a, kaohe.Assessment{ManagerID: a.ManagerID, PeriodID: "2026-H2"}, true); !isForbidden(err) {
		t.Errorf("assessed self: %v", err)
	}
}

func TestHQRoles(t *testing.T) {
	svc := open(t, true)
	if err := svc.Store.Update(ctx, "test", func(tx *store.Tx) error { return tx.SetRole(store.RoleHQ) }); err != nil {
		t.Fatal(err)
	}
	addAccount(t, svc, "周静", "H002", kaohe.RoleReviewer, "reviewer-pw")
	addAccount(t, svc, "孙浩", "H003", kaohe.RoleHQAdmin, "hq-admin-pw")
	// A showroom's account does not work in HQ mode.
	if _, err := svc.Login(ctx, "D001", "manager-demo"); err == nil {
		t.Errorf("a showroom account signed in to HQ mode")
	}
	var app kaohe.ApplicationView
	apps, _ := svc.Store.Applications(ctx, "")
	for _, a := range apps {
		if a.Review.State == kaohe.AppSubmitted {
			app = a
		}
	}
	if app.ID == "" {
		t.Fatal("no submitted application in the demo")
	}
	d := kaohe.Decision{AppID: app.ID, Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 11, 27), DecidedBy: []string{"陈建国（总经理）", "周静（人事部经理）"}}
	p, _ := kaohe.StandardPeriod(kaohe.PeriodHalf, 2027, 1)

	admin := login(t, svc, "H003", "hq-admin-pw")
	if _, err := svc.RecordDecision(ctx, admin, d); !isForbidden(err) {
		t.Errorf("HQ admin decided: %v", err)
	}
	if err := svc.SavePeriod(ctx, admin, p); err != nil {
		t.Errorf("HQ admin saves a period: %v", err)
	}
	if _, err := svc.SaveAccount(ctx, admin, kaohe.Account{Name: "吴磊", EmployeeNo: "H004", Role: kaohe.RoleReviewer}, "reviewer-pw-2"); err != nil {
		t.Errorf("HQ admin adds an HQ user: %v", err)
	}

	rev := login(t, svc, "H002", "reviewer-pw")
	if err := svc.SavePeriod(ctx, rev, p); !isForbidden(err) {
		t.Errorf("reviewer changed reference data: %v", err)
	}
	if _, err := svc.Accounts(ctx, rev); !isForbidden(err) {
		t.Errorf("reviewer lists accounts: %v", err)
	}
	if _, err := svc.ReviewQueue(ctx); err != nil {
		t.Errorf("review queue: %v", err)
	}
	v, err := svc.RecordDecision(ctx, rev, d)
	if err != nil {
		t.Fatal(err)
	}
	last := v.Review.Decisions[len(v.Review.Decisions)-1]
	if last.EnteredBy != "周静（H002）" || len(last.DecidedBy) != 2 {
		t.Errorf("decision = %+v", last)
	}
	// The change HQ receives carries both.
	changes, _ := svc.Store.PendingChanges(ctx, 10000)
	found := false
	for _, c := range changes {
		if c.Entity == kaohe.EntDecision && strings.Contains(string(c.Payload), `"entered_by":"周静（H002）"`) && strings.Contains(string(c.Payload), "陈建国") {
			found = true
		}
	}
	if !found {
		t.Errorf("the decision sent to HQ does not name who entered it")
	}
}

// clerk signs a clerk in to a showroom without the demo's accounts.
func clerk(t *testing.T, svc *Service) kaohe.Actor {
	t.Helper()
	if a, _ := svc.Session(); a.AccountID != "" {
		return a
	}
	addAccount(t, svc, "人事", "HR01", kaohe.RoleClerk, "clerk-password")
	return login(t, svc, "HR01", "clerk-password")
}

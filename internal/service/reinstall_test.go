package service

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/internal/testhq"
)

// newHQ starts a real HQ server on a real SQLite file, on its own day.
func newHQ(t *testing.T) (*hq.Store, string) {
	t.Helper()
	h := testhq.New(t, testhq.Options{})
	return h.Store, h.URL
}

// enrolled enrolls svc as SH01 with a new test HQ.
func enrolled(t *testing.T, svc *Service) *hq.Store {
	t.Helper()
	h := testhq.New(t, testhq.Options{})
	if _, err := svc.Enroll(ctx, h.URL, h.Showroom(t, "SH01", "上海徐汇旗舰展厅")); err != nil {
		t.Fatal(err)
	}
	return h.Store
}

// freshInstall is a new data folder's service, no account yet.
func freshInstall(t *testing.T, name string) (*Service, *waits) {
	t.Helper()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	svc := New(s, t.TempDir())
	w := &waits{}
	svc.Sleep = w.sleep
	return svc, w
}

// oldShowroom is a showroom PC that set up, enrolled, made accounts and
// synced them: D001 (the set-up manager, password old-manager-pw), W001 a
// clerk (clerk-old-pw), D002 a customer manager its manager disabled.
func oldShowroom(t *testing.T, url, code string) (*Service, map[string]kaohe.Account) {
	t.Helper()
	svc, _ := freshInstall(t, "old")
	boss, err := svc.Setup(ctx, "董喆", "D001", "old-manager-pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Enroll(ctx, url, code); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveAccount(ctx, boss, kaohe.Account{Name: "王芳", EmployeeNo: "W001", Role: kaohe.RoleClerk}, "clerk-old-pw"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveAccount(ctx, boss, kaohe.Account{Name: "李娜", EmployeeNo: "D002", Role: kaohe.RoleCustomerManager, Disabled: true}, "staff-old-pw"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := svc.Store.PendingCount(ctx); n != 0 {
		t.Fatalf("%d changes not sent", n)
	}
	return svc, byNo(t, svc)
}

func byNo(t *testing.T, svc *Service) map[string]kaohe.Account {
	t.Helper()
	as, err := svc.Store.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]kaohe.Account{}
	for _, a := range as {
		if _, dup := out[strings.ToLower(a.EmployeeNo)]; dup {
			t.Errorf("two accounts with employee number %s", a.EmployeeNo)
		}
		out[strings.ToLower(a.EmployeeNo)] = a
	}
	return out
}

// sameAccounts fails unless got holds want's accounts as they were: ids,
// roles, hashes, disabled flags and HQ's blocks.
func sameAccounts(t *testing.T, got, want map[string]kaohe.Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d accounts, want %d: %v", len(got), len(want), got)
	}
	for no, w := range want {
		g, ok := got[no]
		if !ok {
			t.Errorf("account %s missing", no)
			continue
		}
		if g != w {
			t.Errorf("account %s = %+v\nwant %+v", no, g, w)
		}
	}
}

// TestReinstallGetsTheAccountsBack: a showroom's PC is replaced. The fresh
// install's first-run set-up makes the manager's account again (same
// employee number, a new password), then enrolls with a reissued code and
// syncs: the showroom's accounts come back from HQ as they were, the set-up
// account gives way to the one HQ knows (one D001, its old password works,
// the new one does not), nothing is duplicated at HQ, and wrong passwords
// still slow down and lock.
func TestReinstallGetsTheAccountsBack(t *testing.T) {
	h, url := newHQ(t)
	_, code, err := h.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	_, before := oldShowroom(t, url, code)

	fresh, err := h.ReissueShowroom(ctx, "SH01")
	if err != nil {
		t.Fatal(err)
	}
	svc, w := freshInstall(t, "new")
	setUp, err := svc.Setup(ctx, "董喆", "D001", "new-manager-pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Enroll(ctx, url, fresh); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, byNo(t, svc), before)
	if cur, _ := svc.Session(); cur.AccountID != "" {
		t.Errorf("still signed in as %+v, an account that gave way", cur)
	}
	// The set-up account's own change never reaches HQ.
	if n, _ := svc.Store.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes queued after the recovery", n)
	}
	states, _ := h.RowStates(ctx, "*")
	accounts := 0
	for k := range states {
		if strings.HasPrefix(k, kaohe.EntAccount+"/") {
			accounts++
		}
		if k == kaohe.EntAccount+"/"+setUp.AccountID {
			t.Errorf("HQ holds the set-up account %s", setUp.AccountID)
		}
	}
	if accounts != 3 {
		t.Errorf("HQ holds %d accounts, want 3", accounts)
	}

	// The old passwords work; the set-up one does not.
	if _, err := svc.Login(ctx, "D001", "new-manager-pw"); kaohe.ErrorKey(err) != "err.wrong_password" {
		t.Errorf("the set-up password: %v", err)
	}
	me, err := svc.Login(ctx, "D001", "old-manager-pw")
	if err != nil || me.AccountID != before["d001"].ID || me.Role != kaohe.RoleShowroomManager {
		t.Fatalf("old password: %+v %v", me, err)
	}
	if _, err := svc.Login(ctx, "D002", "staff-old-pw"); kaohe.ErrorKey(err) != "err.account_disabled" {
		t.Errorf("the disabled account signs in: %v", err)
	}
	// A wrong password still waits longer each time, then locks.
	*w = nil
	for i := 0; i < kaohe.LockoutAfter; i++ {
		_, err = svc.Login(ctx, "W001", "not-the-password")
	}
	if kaohe.ErrorKey(err) != "err.account_locked" {
		t.Errorf("after %d wrong passwords: %v", kaohe.LockoutAfter, err)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}; len(*w) != len(want) || (*w)[3] != want[3] {
		t.Errorf("waits %v, want %v", *w, want)
	}
	if _, err := svc.Login(ctx, "W001", "clerk-old-pw"); kaohe.ErrorKey(err) != "err.account_locked" {
		t.Errorf("locked account, right password: %v", err)
	}
	// The recovered manager works as before: a write syncs under the old id.
	if _, err := svc.SaveAccount(ctx, me, kaohe.Account{Name: "周杰", EmployeeNo: "W002", Role: kaohe.RoleClerk}, "clerk-new-pw"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if refused, _ := svc.RefusedChanges(ctx); len(refused) != 0 {
		t.Errorf("refused after the reinstall: %+v", refused)
	}
}

// TestRestoreOnAFreshInstallKeepsTheBackupsAccounts: a fresh install's
// set-up account and a restored backup with the same employee number: the
// backup's account stays (its password works), the set-up one is dropped
// from the queue, and nothing is duplicated.
func TestRestoreOnAFreshInstallKeepsTheBackupsAccounts(t *testing.T) {
	h, url := newHQ(t)
	_, code, _ := h.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区")
	old, before := oldShowroom(t, url, code)
	b, err := old.Store.Backup(ctx, t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	svc, _ := freshInstall(t, "new")
	if _, err := svc.Setup(ctx, "董喆", "D001", "new-manager-pw"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Restore(ctx, b.Path); err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, byNo(t, svc), before)
	if n, _ := svc.Store.PendingCount(ctx); n != 0 {
		t.Errorf("%d changes queued after the restore (the set-up account's?)", n)
	}
	svc.Logout()
	if _, err := svc.Login(ctx, "D001", "old-manager-pw"); err != nil {
		t.Errorf("the backup's password: %v", err)
	}
}

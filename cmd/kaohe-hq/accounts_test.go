package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/server"
)

// TestHQDisablesAnAccountAndAuditNamesThePerson: a showroom's accounts
// reach HQ; `kaohe-hq account disable` stops one signing in at its showroom
// after the showroom's next sync (ending its session there), `account
// enable` lets it in again; `kaohe-hq audit` names the account behind each
// change, and HQ's own command as such.
func TestHQDisablesAnAccountAndAuditNamesThePerson(t *testing.T) {
	db, _, srv, code, _, svc := hqAndShowroom(t)
	svc.Sleep = func(time.Duration) {}
	boss, err := svc.Setup(ctx, "董喆", "D001", "manager-pw-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Enroll(ctx, srv.URL, code); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveAccount(ctx, boss, kaohe.Account{Name: "王芳", EmployeeNo: "W001", Role: kaohe.RoleClerk}, "clerk-pw-1"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}

	out, err := hqCLI(t, "account", "list", "--db", db, "--showroom", "SH01")
	if err != nil || !strings.Contains(out, "W001\t王芳\tclerk\t启用") || !strings.Contains(out, "D001\t董喆\tshowroom_manager\t启用") {
		t.Fatalf("account list: %q %v", out, err)
	}
	if strings.Contains(out, "argon2") {
		t.Errorf("account list shows a password hash: %q", out)
	}
	svc.Logout()
	if _, err := svc.Login(ctx, "W001", "clerk-pw-1"); err != nil {
		t.Fatal(err)
	}

	// HQ disables W001: at the showroom's next sync the clerk is signed out
	// and cannot sign in again; the manager still can.
	if out, err := hqCLI(t, "account", "disable", "--db", db, "--showroom", "SH01", "--employee-no", "w001", "--reason", "离职"); err != nil || !strings.Contains(out, "已由总部停用") {
		t.Fatalf("account disable: %q %v", out, err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if cur, _ := svc.Session(); cur.AccountID != "" {
		t.Errorf("the disabled clerk is still signed in: %+v", cur)
	}
	if _, err := svc.Login(ctx, "W001", "clerk-pw-1"); kaohe.ErrorKey(err) != "err.account_disabled" {
		t.Errorf("a disabled account signs in: %v", err)
	}
	if _, err := svc.Login(ctx, "D001", "manager-pw-1"); err != nil {
		t.Errorf("the manager: %v", err)
	}
	out, _ = hqCLI(t, "account", "list", "--db", db, "--showroom", "SH01")
	if !strings.Contains(out, "W001\t王芳\tclerk\t总部停用 / disabled by HQ：离职") {
		t.Errorf("account list after disable: %q", out)
	}

	// Who changed what: the showroom's writes name its accounts; HQ's block
	// names HQ's command.
	out, err = hqCLI(t, "audit", "--db", db, "--showroom", "SH01")
	if err != nil {
		t.Fatal(err)
	}
	var accountLines, blockLines int
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 6 || (f[1] != "SH01" && f[1] != "总部→SH01") {
			t.Errorf("audit line %q", l)
			continue
		}
		switch f[3] {
		case kaohe.EntAccount:
			accountLines++
			if f[2] != "董喆（D001）" || f[1] != "SH01" {
				t.Errorf("an account change by %q, want 董喆（D001）: %q", f[2], l)
			}
		case kaohe.EntAccountBlock:
			blockLines++
			if f[2] != hqCLIActor || f[1] != "总部→SH01" {
				t.Errorf("HQ's block by %q: %q", f[2], l)
			}
		}
	}
	if accountLines < 2 || blockLines != 1 {
		t.Errorf("audit: %d account changes, %d blocks:\n%s", accountLines, blockLines, out)
	}
	if out, err := hqCLI(t, "audit", "--db", db, "--showroom", "SH01", "--since", time.Now().AddDate(0, 0, 2).Format("2006-01-02")); err != nil || out != "" {
		t.Errorf("audit since the day after tomorrow: %q %v", out, err)
	}
	var ue *cli.UsageError
	if _, err := hqCLI(t, "audit", "--db", db, "--since", "yesterday"); !errorAs(err, &ue) {
		t.Errorf("audit --since yesterday = %v, want a usage error", err)
	}

	// Enabled again: the clerk signs in after the next sync.
	if _, err := hqCLI(t, "account", "enable", "--db", db, "--showroom", "SH01", "--employee-no", "W001"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	svc.Logout()
	if _, err := svc.Login(ctx, "W001", "clerk-pw-1"); err != nil {
		t.Errorf("enabled again: %v", err)
	}

	for _, args := range [][]string{
		{"account", "disable", "--db", db, "--showroom", "SH01", "--employee-no", "X999"},
		{"account", "disable", "--db", db, "--showroom", "ZZ99", "--employee-no", "W001"},
		{"account", "list", "--db", db, "--showroom", "ZZ99"},
		{"audit", "--db", db, "--showroom", "ZZ99"},
	} {
		if _, err := hqCLI(t, args...); kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
			t.Errorf("%v = %v, want not found", args, err)
		}
	}
	if _, err := hqCLI(t, "account", "disable", "--db", db, "--showroom", "SH01"); !errorAs(err, &ue) {
		t.Errorf("disable without --employee-no = %v, want a usage error", err)
	}
}

func errorAs(err error, target **cli.UsageError) bool {
	u, ok := err.(*cli.UsageError)
	if ok {
		*target = u
	}
	return ok
}

// TestHQSetsAnExistingLevel: `kaohe-hq level set` records the level a
// manager held before the system (定级), one step at a time by HQ's rule
// (kaohe.CheckLevelDecision); the showroom has it after its next sync. A
// level not in use, one not above the current, a date ahead of HQ's day or
// an unknown number change nothing.
func TestHQSetsAnExistingLevel(t *testing.T) {
	db, h, srv, code, room, svc := hqAndShowroom(t)
	if _, err := svc.Enroll(ctx, srv.URL, code); err != nil {
		t.Fatal(err)
	}
	var m kaohe.Manager
	if err := room.Update(ctx, "董喆（D001）", func(tx *store.Tx) error {
		var err error
		m, err = tx.CreateManager(kaohe.Manager{EmployeeNo: "D001", Name: "董喆", Education: kaohe.EduBachelor, HireDate: kaohe.D(2019, 3, 1)}, kaohe.Level1, kaohe.Date{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	set := func(args ...string) error {
		_, err := hqCLI(t, append([]string{"level", "set", "--db", db, "--showroom", "SH01", "--decided-by", "总部人事部"}, args...)...)
		return err
	}
	for _, c := range []struct {
		args []string
		key  string
	}{
		{[]string{"--employee-no", "d001", "--level", "4", "--date", "2024-01-02"}, "err.level_disabled"},
		{[]string{"--employee-no", "D001", "--level", "1", "--date", "2024-01-02"}, "err.level_from_mismatch"},
		{[]string{"--employee-no", "D001", "--level", "3", "--date", kaohe.Today(time.Now()).AddDays(3).String()}, "err.date_in_future"},
		{[]string{"--employee-no", "D009", "--level", "3", "--date", "2024-01-02"}, "err.not_found"},
	} {
		if err := set(c.args...); kaohe.ErrorKey(err) != c.key {
			t.Errorf("level set %v: %v; want %s", c.args, err, c.key)
		}
	}
	if hist, _ := h.LevelHistory(ctx, m.ID); len(hist) != 1 {
		t.Fatalf("refused level sets left %d level changes at HQ", len(hist))
	}
	if err := set("--employee-no", " d001 ", "--level", "3", "--date", "2024-01-02"); err != nil {
		t.Fatal(err)
	}
	if hist, _ := h.LevelHistory(ctx, m.ID); len(hist) != 3 || kaohe.CurrentLevel(hist) != kaohe.Level3 {
		t.Errorf("at HQ after level set 3: %+v", hist)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := room.Manager(ctx, m.ID)
	if got.Level != kaohe.Level3 {
		t.Errorf("the showroom holds level %d after its sync; want 3", got.Level)
	}
	if rs, _ := svc.RefusedChanges(ctx); len(rs) != 0 {
		t.Errorf("refused: %+v", rs)
	}
}

// hqAndShowroom is an HQ file served over HTTP with one showroom, SH01,
// added, and a new showroom's store and service not yet enrolled (its code
// returned): what closes them closes with the test.
func hqAndShowroom(t *testing.T) (db string, h *hq.Store, srv *httptest.Server, code string, room *store.Store, svc *service.Service) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "hq.db")
	h, err := hq.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer((&server.Server{Store: h}).Handler())
	t.Cleanup(func() { srv.Close(); h.Close() })
	if _, code, err = h.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区"); err != nil {
		t.Fatal(err)
	}
	if room, err = store.Open(ctx, filepath.Join(t.TempDir(), "room.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { room.Close() })
	return db, h, srv, code, room, service.New(room, t.TempDir())
}

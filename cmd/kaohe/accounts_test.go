package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/ui"
)

// TestCLIWritesNeedAnAccount: a command that changes records is refused
// without an account, refused and slowed with a wrong password, and done
// with the right one, the audit naming the account.
func TestCLIWritesNeedAnAccount(t *testing.T) {
	src, dir := t.TempDir(), t.TempDir()
	// Machine work needs no person: the demo into an empty folder (it makes
	// the demo accounts), exports, backups, version.
	if _, _, err := runCLI(t, "--data", src, "demo", "--today", "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	roster := filepath.Join(t.TempDir(), "roster.xlsx")
	if _, _, err := runCLI(t, "--data", src, "excel", "export", "roster", "--out", roster); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"backup"}, {"version"}} {
		if _, _, err := runCLI(t, append([]string{"--data", src}, args...)...); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	// The first run from the command line: the showroom manager's account.
	stdin = strings.NewReader("dong-zhe-2026\n")
	out, _, err := runCLI(t, "--data", dir, "setup", "--name", "董喆", "--employee-no", "D001", "--password-stdin")
	if err != nil || !strings.Contains(out, "董喆（D001）") {
		t.Fatalf("setup: %q, %v", out, err)
	}
	stdin = strings.NewReader("another-pw-1\n")
	if _, _, err := runCLI(t, "--data", dir, "setup", "--name", "别人", "--employee-no", "D009", "--password-stdin"); err == nil {
		t.Errorf("a second set-up was accepted")
	}
	if err := withStore(t, dir, func(s *store.Store) error {
		return s.Update(context.Background(), "t", func(tx *store.Tx) error {
			_, err := tx.SetShowroom(kaohe.Showroom{Code: "NEW", Name: "新展厅"})
			return err
		})
	}); err != nil {
		t.Fatal(err)
	}

	// No account: refused, clearly, and nothing saved.
	t.Setenv("KAOHE_PASSWORD", "")
	_, _, err = runCLI(t, "--data", dir, "excel", "import", "roster", roster, "--yes")
	if err == nil || !strings.Contains(ui.ErrorText(err), "须以账号执行：加 --user 工号") {
		t.Fatalf("import without an account: %v", err)
	}
	_, _, err = runCLI(t, "--data", dir, "excel", "import", "roster", roster, "--yes", "--user", "D001")
	if err == nil || !strings.Contains(ui.ErrorText(err), "KAOHE_PASSWORD") {
		t.Errorf("import without a password: %v", err)
	}
	// A wrong password: refused, and slowed.
	t.Setenv("KAOHE_PASSWORD", "not-the-password")
	start := time.Now()
	_, _, err = runCLI(t, "--data", dir, "excel", "import", "roster", roster, "--yes", "--user", "D001")
	took := time.Since(start)
	if err == nil || !strings.Contains(ui.ErrorText(err), "工号或密码不正确") {
		t.Errorf("wrong password: %v", err)
	}
	if took < kaohe.LoginDelay(1) {
		t.Errorf("a wrong password was answered in %v; want at least %v", took, kaohe.LoginDelay(1))
	}
	if n := managers(t, dir); n != 0 {
		t.Fatalf("%d managers saved by refused imports", n)
	}
	// The right one, from standard input: done, and the audit names the account.
	t.Setenv("KAOHE_PASSWORD", "")
	stdin = strings.NewReader("dong-zhe-2026\n")
	out, _, err = runCLI(t, "--data", dir, "excel", "import", "roster", roster, "--yes", "--user", "D001", "--password-stdin")
	if err != nil || !strings.Contains(out, "已导入 13 行") { // a showroom sets a new hire's level 1 only
		t.Fatalf("import: %q, %v", out, err)
	}
	if n := managers(t, dir); n != 13 {
		t.Errorf("%d managers after the import", n)
	}
	withStore(t, dir, func(s *store.Store) error {
		var actor, actorID string
		q, err := s.Audit(context.Background(), "", "", 1)
		if err == nil && len(q) == 1 {
			actor, actorID = q[0].Actor, q[0].ActorID
		}
		if actor != "董喆（D001）" || actorID == "" {
			t.Errorf("the import's audit names %q (%q)", actor, actorID)
		}
		return nil
	})

	// Account management from the command line, as the manager.
	t.Setenv("KAOHE_PASSWORD", "dong-zhe-2026")
	t.Setenv("KAOHE_NEW_PASSWORD", "clerk-pass-1")
	if _, _, err := runCLI(t, "--data", dir, "account", "add", "--user", "D001", "--name", "王芳", "--employee-no", "W001", "--role", "clerk"); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(t, "--data", dir, "account", "list", "--user", "D001")
	if err != nil || !strings.Contains(out, "W001\t王芳\tclerk") {
		t.Errorf("account list: %q, %v", out, err)
	}
	// The clerk may not manage accounts.
	t.Setenv("KAOHE_PASSWORD", "clerk-pass-1")
	if _, _, err := runCLI(t, "--data", dir, "account", "list", "--user", "W001"); err == nil || !strings.Contains(ui.ErrorText(err), "文员/人事") {
		t.Errorf("clerk lists accounts: %v", err)
	}
	t.Setenv("KAOHE_PASSWORD", "dong-zhe-2026")
	if _, _, err := runCLI(t, "--data", dir, "account", "disable", "--user", "D001", "W001"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KAOHE_PASSWORD", "clerk-pass-1")
	if _, _, err := runCLI(t, "--data", dir, "excel", "import", "roster", roster, "--yes", "--user", "W001"); err == nil || !strings.Contains(ui.ErrorText(err), "停用") {
		t.Errorf("a disabled account imported: %v", err)
	}
	// Restore changes everything: an account does it.
	t.Setenv("KAOHE_PASSWORD", "")
	backups, _ := store.ListBackups(filepath.Join(src, "backups"))
	if _, _, err := runCLI(t, "--data", dir, "restore", backups[0].Path); err == nil {
		t.Errorf("restore without an account was accepted")
	}

	// A certificate printed from the command line without an account is
	// logged as such, never as the OS user.
	cert := filepath.Join(t.TempDir(), "c.pdf")
	if _, _, err := runCLI(t, "--data", src, "pdf", "certificate", "--manager", demoHolder(t, src), "--out", cert); err != nil {
		t.Fatal(err)
	}
	withStore(t, src, func(s *store.Store) error {
		q, _ := s.Audit(context.Background(), "", "", 1)
		if len(q) != 1 || q[0].Actor != noAccount {
			t.Errorf("print logged as %+v", q)
		}
		return nil
	})

	// Secrets at rest: the data files are the owner's only.
	if runtime.GOOS != "windows" {
		for _, p := range []string{filepath.Join(dir, "kaohe.db"), backups[0].Path} {
			st, err := os.Stat(p)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v %v", p, st.Mode().Perm(), err)
			}
		}
	}
}

func withStore(t *testing.T, dir string, fn func(*store.Store) error) error {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return fn(s)
}

func managers(t *testing.T, dir string) int {
	n := 0
	withStore(t, dir, func(s *store.Store) error {
		ms, err := s.ListManagers(context.Background(), kaohe.ManagerFilter{})
		n = len(ms)
		return err
	})
	return n
}

// demoHolder is the employee number of a demo manager with a certificate.
func demoHolder(t *testing.T, dir string) string {
	no := ""
	withStore(t, dir, func(s *store.Store) error {
		ms, _ := s.ListManagers(context.Background(), kaohe.ManagerFilter{})
		for _, m := range ms {
			if cs, _ := s.Certificates(context.Background(), m.ID); len(cs) > 0 && no == "" {
				no = m.EmployeeNo
			}
		}
		return nil
	})
	if no == "" {
		t.Fatal("no certificate in the demo")
	}
	return no
}

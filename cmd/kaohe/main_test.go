package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/cli"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/ui"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestDemoBackupRestore(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "--data", dir, "demo", "--today", "2026-11-27")
	if err != nil || !strings.Contains(out, "客户经理 20 人") {
		t.Fatalf("demo: %q, %v", out, err)
	}
	// Seeding again is refused in Chinese, and nothing changes.
	_, _, err = runCLI(t, "--data", dir, "demo")
	if err == nil || !strings.Contains(ui.ErrorText(err), "演示数据只能写入空数据库") {
		t.Errorf("second demo: %v", err)
	}
	out, _, err = runCLI(t, "--data", dir, "backup")
	if err != nil || !strings.Contains(out, "已备份到") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	backups, _ := store.ListBackups(filepath.Join(dir, "backups"))
	if len(backups) != 1 {
		t.Fatalf("%d backups", len(backups))
	}

	// Work after the backup, then restore: the backup's data is back, the
	// replaced database is saved first as a new backup, and its changes not
	// yet sent to HQ are kept (a restore repairs; it never loses work).
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "test", func(tx *store.Tx) error {
		_, err := tx.CreateManager(kaohe.Manager{EmployeeNo: "D021", Name: "备份后新增", Education: kaohe.EduCollege}, kaohe.Level1, kaohe.D(2026, 11, 28))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	t.Setenv("KAOHE_PASSWORD", "manager-demo")
	out, _, err = runCLI(t, "--data", dir, "restore", backups[0].Path, "--user", "D001")
	if err != nil || !strings.Contains(out, "保留未发送的更改 2 条") {
		t.Fatalf("restore: %q, %v", out, err)
	}
	s, err = store.Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, no := range []string{"D005", "D021"} {
		if _, err := s.ManagerByNo(ctx, no); err != nil {
			t.Errorf("%s missing after restore: %v", no, err)
		}
	}
	if after, _ := store.ListBackups(filepath.Join(dir, "backups")); len(after) != 2 {
		t.Errorf("%d backups after restore; want the first and the saved replaced database", len(after))
	}
}

func TestCLIRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "--data", dir, "frobnicate"); cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), "未知命令") {
		t.Errorf("unknown command: %v", err)
	}
	_, _, err := runCLI(t, "--data", dir, "demo", "--today", "2026-02-30")
	if err == nil || !strings.Contains(ui.ErrorText(err), "2026-02-30") {
		t.Errorf("bad date: %v", err)
	}
	if _, _, err := runCLI(t, "--data", dir, "restore"); err == nil {
		t.Errorf("restore without a file was accepted")
	}
	if _, _, err := runCLI(t, "--lang", "fr", "version"); err == nil || !strings.Contains(ui.ErrorText(err), "zh 或 en") {
		t.Errorf("unknown language: %v", err)
	}
	out, _, err := runCLI(t, "version")
	if err != nil || !strings.HasPrefix(out, "kaohe ") {
		t.Errorf("version: %q %v", out, err)
	}
	ui.SetLanguage(kaohe.LangZh)
}

func TestPDFCommands(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "--data", dir, "demo", "--today", "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	certs, _ := s.Certificates(ctx, "")
	holder, _ := s.Manager(ctx, certs[0].ManagerID)
	s.Close()
	out := t.TempDir()
	for _, args := range [][]string{
		{"certificate", "--manager", holder.EmployeeNo, "--out", filepath.Join(out, "c.pdf")},
		{"report", "--manager", "D003", "--out", filepath.Join(out, "r.pdf")},
		{"report", "--manager", "D003", "--period", "2025-H1", "--out", filepath.Join(out, "r1.pdf")},
		{"summary", "--out", filepath.Join(out, "s.pdf")},
		{"summary", "--period", "2025-H2", "--out", filepath.Join(out, "s2.pdf")},
		{"application", "--manager", holder.EmployeeNo, "--out", filepath.Join(out, "a.pdf")},
	} {
		stdout, _, err := runCLI(t, append([]string{"--data", dir, "pdf"}, args...)...)
		if err != nil {
			t.Errorf("pdf %v: %v", args, ui.ErrorText(err))
			continue
		}
		b, err := os.ReadFile(strings.TrimSpace(stdout))
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("pdf %v wrote no PDF: %v", args, err)
		}
	}
	// Refusals: missing flags, unknown manager — no file left behind.
	for _, args := range [][]string{
		{"report", "--out", filepath.Join(out, "x.pdf")},
		{"report", "--manager", "D999", "--out", filepath.Join(out, "x.pdf")},
		{"poster", "--out", filepath.Join(out, "x.pdf")},
	} {
		if _, _, err := runCLI(t, append([]string{"--data", dir, "pdf"}, args...)...); err == nil {
			t.Errorf("pdf %v was accepted", args)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "x.pdf")); !os.IsNotExist(err) {
		t.Errorf("a refused command left a file")
	}
}

func TestExcelCommands(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	if _, _, err := runCLI(t, "--data", src, "demo", "--today", "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	roster := filepath.Join(t.TempDir(), "roster.xlsx")
	if _, _, err := runCLI(t, "--data", src, "excel", "export", "roster", "--out", roster); err != nil {
		t.Fatal(err)
	}
	// dst needs a showroom of its own to import into.
	s, _ := store.Open(context.Background(), filepath.Join(dst, "kaohe.db"))
	s.Update(context.Background(), "t", func(tx *store.Tx) error {
		_, err := tx.SetShowroom(kaohe.Showroom{Code: "NEW", Name: "新展厅"})
		return err
	})
	s.Close()
	stdin = strings.NewReader("hr-password\n")
	if _, _, err := runCLI(t, "--data", dst, "setup", "--name", "人事", "--employee-no", "HR1", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KAOHE_PASSWORD", "hr-password")
	out, _, err := runCLI(t, "--data", dst, "excel", "import", "roster", roster)
	// Levels 2 and 3 are HQ's to give: those rows are refused, the rest import.
	if err != nil || !strings.Contains(out, "可导入 13 行") || !strings.Contains(out, "未保存") {
		t.Fatalf("preview: %q %v", out, err)
	}
	out, _, err = runCLI(t, "--data", dst, "excel", "import", "roster", roster, "--yes", "--user", "HR1")
	if err != nil || !strings.Contains(out, "已导入 13 行") {
		t.Fatalf("import: %q %v", out, err)
	}
	for _, args := range [][]string{
		{"excel", "export", "figures", "--year", "2026", "--out", filepath.Join(t.TempDir(), "f.xlsx")},
		{"excel", "export", "assessments", "--period", "2026-H1", "--out", filepath.Join(t.TempDir(), "a.xlsx")},
	} {
		if _, _, err := runCLI(t, append([]string{"--data", src}, args...)...); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	if _, _, err := runCLI(t, "--data", src, "excel", "export", "assessments", "--out", "x.xlsx"); err == nil {
		t.Errorf("assessments without a period was accepted")
	}
}

func TestHelpAndUsageExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{"--help"}, []string{"kaohe demo", "kaohe pdf report", "kaohe excel import roster", "--data", "--demo"}, nil},
		{[]string{"help"}, []string{"kaohe restore FILE"}, nil},
		{[]string{"demo", "--help"}, []string{"--managers", "--today", "--data"}, []string{"--manager ", "--out", "--drop"}},
		{[]string{"pdf", "report", "--help"}, []string{"--manager", "--period", "--out"}, []string{"--managers", "--dir", "--year", "--hq"}},
		{[]string{"pdf", "--help"}, []string{"kaohe pdf certificate", "kaohe pdf reports"}, []string{"kaohe demo"}},
		{[]string{"excel", "export", "figures", "-h"}, []string{"--year", "--out"}, []string{"--period", "--yes"}},
		{[]string{"--data", t.TempDir(), "excel", "import", "roster", "x.xlsx", "--help"}, []string{"--yes"}, []string{"--out"}},
		{[]string{"enroll", "--help"}, []string{"--hq", "--code"}, []string{"--out"}},
	} {
		out, errOut, err := runCLI(t, tc.args...)
		if code := cli.ExitCode(err); code != 0 || errOut != "" {
			t.Errorf("%q: exit %d (%v), stderr %q; want 0 and nothing", tc.args, code, err, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: help lacks %q:\n%s", tc.args, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%q: help shows %q, not this command's:\n%s", tc.args, n, out)
			}
		}
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--data", dir, "demo", "--frobnicate"},
		{"--data", dir, "pdf", "report", "--managers", "3"},
		{"--data", dir, "demo", "--managers", "many"},
		{"--data", dir, "frobnicate"},
		{"--data", dir, "pdf", "poster"},
		{"--data", dir, "pdf", "report", "--manager", "D001"}, // no --out
		{"--data", dir, "excel", "import", "roster"},          // no file
		{"--data", dir, "version", "extra"},
	} {
		_, _, err := runCLI(t, args...)
		if code := cli.ExitCode(err); code != 2 || err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: exit %d, %v; want 2 and one line", args, code, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "kaohe.db")); !os.IsNotExist(err) {
		t.Errorf("a refused command line opened the database")
	}
}

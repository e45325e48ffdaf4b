package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"kaohe/internal/cli"
	"kaohe/internal/demo"
	"kaohe/internal/i18n"
	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/internal/store/hq"
	"kaohe/sync/client"
	"kaohe/sync/engine"
)

var ctx = context.Background()

func hqCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, &out, &errb)
	return out.String(), err
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hqProc is a real kaohe-hq serve process.
type hqProc struct {
	t    *testing.T
	bin  string
	db   string
	addr string
	cmd  *exec.Cmd
}

func (s *hqProc) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "serve", "--db", s.db, "--addr", s.addr)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if client.New("http://"+s.addr, "", client.Options{Retries: 1}).Health(ctx) == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatal("the server did not come up")
}

func (s *hqProc) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

func TestRealServerProcessKilledAndRestarted(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "kaohe-hq")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	srv := &hqProc{t: t, bin: bin, db: filepath.Join(dir, "hq.db"), addr: freeAddr(t)}
	// HQ's first start on the demo's day: it publishes that year's periods,
	// which the demo's assessments name, whatever the machine's year; the
	// binary then serves it on the machine's clock.
	demoDay := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	seeded, err := hq.Open(ctx, srv.db, hq.WithClock(func() time.Time { return demoDay }))
	if err != nil {
		t.Fatal(err)
	}
	seeded.Close()
	out, err := exec.Command(bin, "showroom", "add", "--db", srv.db, "--code", "SH01", "--name", "上海徐汇旗舰展厅").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	code := lines[len(lines)-1] // the one-time code is the last line
	if len(code) != 12 {
		t.Fatalf("last line %q is not the code", code)
	}
	srv.start()
	defer srv.kill()

	s, err := store.Open(ctx, filepath.Join(dir, "room.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url := "http://" + srv.addr
	if _, err := engine.Enroll(ctx, s, url, code); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, s, demo.Options{Today: kaohe.D(2026, 11, 27), Managers: 200}); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Meta(ctx, store.MetaToken)
	e := &engine.Engine{Store: s, Client: client.New(url, token, client.Options{Retries: 1, MinWait: 10 * time.Millisecond, MaxWait: 20 * time.Millisecond}), Batch: 500}

	// Kill the server with SIGKILL while the showroom pushes.
	done := make(chan error, 1)
	go func() { done <- e.Sync(ctx) }()
	time.Sleep(150 * time.Millisecond)
	srv.kill()
	first := <-done
	pending, _ := s.PendingCount(ctx)
	t.Logf("sync during the kill: %v; %d changes still pending", first, pending)

	srv.start()
	if err := e.Sync(ctx); err != nil {
		t.Fatalf("sync after the restart: %v", err)
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("%d changes pending after the restart", n)
	}
	srv.kill()

	// HQ holds exactly the showroom's rows: nothing lost, nothing twice.
	st, err := hqCLI(t, "stats", "--db", srv.db)
	if err != nil {
		t.Fatal(err)
	}
	var stats map[string]map[string]int
	if err := json.Unmarshal([]byte(st), &stats); err != nil {
		t.Fatalf("stats is not JSON: %v\n%s", err, st)
	}
	ms, _ := s.ListManagers(ctx, kaohe.ManagerFilter{})
	as, _ := s.Assessments(ctx, store.AssessmentFilter{})
	if stats["SH01"]["managers"] != len(ms) || stats["SH01"]["assessments"] != len(as) {
		t.Errorf("HQ has %d managers and %d assessments; the showroom %d and %d", stats["SH01"]["managers"], stats["SH01"]["assessments"], len(ms), len(as))
	}
}

func TestAdminCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hq.db")
	out, err := hqCLI(t, "showroom", "add", "--db", db, "--code", "BJ01", "--name", "北京朝阳展厅", "--region", "华北片区")
	if err != nil || !strings.Contains(out, "BJ01") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, err := hqCLI(t, "showroom", "add", "--db", db, "--code", "BJ01", "--name", "重复"); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("a repeated code = %v", err)
	}
	out, _ = hqCLI(t, "showroom", "list", "--db", db)
	if !strings.Contains(out, "北京朝阳展厅") || !strings.Contains(out, "有效") {
		t.Errorf("list: %q", out)
	}
	if _, err := hqCLI(t, "showroom", "revoke", "--db", db, "--code", "BJ01"); err != nil {
		t.Fatal(err)
	}
	out, _ = hqCLI(t, "showroom", "list", "--db", db)
	if !strings.Contains(out, "已吊销") {
		t.Errorf("after revoke: %q", out)
	}
	// Reissue: a fresh code that enrolls, and the showroom is back in service.
	out, err = hqCLI(t, "showroom", "reissue", "--db", db, "--code", "BJ01")
	if err != nil || !strings.Contains(out, "旧凭据已吊销") {
		t.Fatalf("reissue: %q %v", out, err)
	}
	fresh := lastLine(out)
	out, _ = hqCLI(t, "showroom", "list", "--db", db)
	if !strings.Contains(out, "有效") {
		t.Errorf("after reissue: %q", out)
	}
	if _, err := hqCLI(t, "showroom", "reissue", "--db", db, "--code", "XX99"); kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		t.Errorf("reissue of an unknown showroom = %v", err)
	}
	out, _ = hqCLI(t, "hq-user", "add", "--db", db, "--name", "评审小组")
	if len(lastLine(out)) != 12 {
		t.Errorf("hq-user add: %q", out)
	}
	hcode := lastLine(out)
	out, _ = hqCLI(t, "hq-user", "list", "--db", db)
	if !strings.Contains(out, "评审小组") || !strings.Contains(out, "注册码未使用") {
		t.Errorf("hq-user list: %q", out)
	}
	// Enroll both, then revoke the HQ user: its credential stops working.
	hs, err := hq.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for _, c := range []string{fresh, hcode} {
		r, err := hs.Enroll(context.Background(), c, "", "req-"+c)
		if err != nil {
			t.Fatalf("enroll with %s: %v", c, err)
		}
		if _, err := hs.Authenticate(context.Background(), r.Token); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, r.Token)
	}
	hs.Close()
	if _, err := hqCLI(t, "hq-user", "revoke", "--db", db, "--name", "评审小组"); err != nil {
		t.Fatal(err)
	}
	out, _ = hqCLI(t, "hq-user", "list", "--db", db)
	if !strings.Contains(out, "已吊销") {
		t.Errorf("hq-user list after revoke: %q", out)
	}
	if _, err := hqCLI(t, "hq-user", "revoke", "--db", db, "--name", "无此人"); kaohe.ErrorCode(err) != kaohe.ENOTFOUND {
		t.Errorf("revoking nobody = %v", err)
	}
	hs, _ = hq.Open(context.Background(), db)
	if _, err := hs.Authenticate(context.Background(), tokens[1]); err == nil {
		t.Errorf("a revoked HQ user's credential still works")
	}
	if _, err := hs.Authenticate(context.Background(), tokens[0]); err != nil {
		t.Errorf("the showroom's reissued credential: %v", err)
	}
	hs.Close()
	out, err = hqCLI(t, "verify", "--db", db, "KH-2026-000001", "ABCDEFGH")
	if err == nil || !strings.Contains(out, "未找到") {
		t.Errorf("verify of nothing: %q %v (it must fail)", out, err)
	}
	if _, err := hqCLI(t, "frobnicate", "--db", db); err == nil {
		t.Errorf("an unknown command was accepted")
	}
	if _, err := hqCLI(t, "import", "--db", db); err == nil {
		t.Errorf("import without a file was accepted")
	}
	junk := filepath.Join(t.TempDir(), "x.kaohe")
	os.WriteFile(junk, []byte("not a bundle"), 0o644)
	if _, err := hqCLI(t, "import", "--db", db, junk); kaohe.ErrorCode(err) != kaohe.EINVALID {
		t.Errorf("import of junk = %v", err)
	}
}

func TestHelpAndUsageExitCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hq.db")
	for _, tc := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{"--help"}, []string{"kaohe-hq serve", "kaohe-hq showroom add", "kaohe-hq verify SERIAL CODE", "--db"}, nil},
		{nil, []string{"kaohe-hq keygen"}, nil},
		{[]string{"keygen", "--help"}, []string{"kaohe-hq keygen", "--db"}, []string{"--addr", "--code", "--serial"}},
		{[]string{"serve", "-h"}, []string{"--addr", "--tls-cert", "--drop"}, []string{"--code", "--serial"}},
		{[]string{"showroom", "add", "--help"}, []string{"--code", "--name", "--region"}, []string{"--addr", "--serial"}},
		{[]string{"showroom", "--help"}, []string{"kaohe-hq showroom list", "kaohe-hq showroom revoke"}, []string{"kaohe-hq serve"}},
		{[]string{"help", "revoke"}, []string{"--serial", "--reason"}, []string{"--code"}},
	} {
		var out, errb bytes.Buffer
		err := run(ctx, tc.args, &out, &errb)
		if code := cli.ExitCode(err); code != 0 || errb.Len() > 0 {
			t.Errorf("%q: exit %d (%v), stderr %q; want 0", tc.args, code, err, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: help lacks %q:\n%s", tc.args, w, out.String())
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out.String(), n) {
				t.Errorf("%q: help shows %q, not this command's:\n%s", tc.args, n, out.String())
			}
		}
	}
	for _, args := range [][]string{
		{"keygen", "--db", db, "--addr", "x"},
		{"serve", "--db", db, "--frob"},
		{"showroom", "--db", db},
		{"showroom", "rename", "--db", db},
		{"frobnicate"},
		{"verify", "--db", db, "ONLY-SERIAL"},
		{"serve", "--db", db, "--tls-cert", "c.pem"},
	} {
		_, err := hqCLI(t, args...)
		if code := cli.ExitCode(err); code != 2 || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: exit %d, %v; want 2 and one line", args, code, err)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused command line created the database")
	}
	// Flags may follow the command's arguments.
	out, err := hqCLI(t, "showroom", "add", "--code", "GZ01", "--name", "广州天河展厅", "--db", db)
	if err != nil || !strings.Contains(out, "GZ01") {
		t.Errorf("--db after the flags: %q %v", out, err)
	}
	if out, _ := hqCLI(t, "verify", "KH-2026-000001", "--db", db, "ABCDEFGH"); !strings.Contains(out, "未找到") {
		t.Errorf("verify with --db between its arguments: %q", out)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// TestDemoCommand: kaohe-hq demo seeds an empty HQ with the demo showroom
// SH01 and prints its one-time code last; into a database that has a
// showroom already it refuses, in words, and adds nothing.
func TestDemoCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hq.db")
	out, err := hqCLI(t, "demo", "--db", db, "--today", "2026-11-27")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	code := lines[len(lines)-1]
	if len(code) != 12 || !strings.Contains(out, demo.HQShowroomCode) {
		t.Fatalf("demo printed %q", out)
	}
	stats := func(db string) map[string]map[string]int {
		t.Helper()
		out, err := hqCLI(t, "stats", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]map[string]int
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("stats %q: %v", out, err)
		}
		return m
	}
	before := stats(db)
	if before[demo.HQShowroomCode]["managers"] != 20 || before[demo.HQShowroomCode]["decisions"] == 0 || before[demo.HQShowroomCode]["certificates"] != 1 {
		t.Errorf("HQ after demo: %v", before[demo.HQShowroomCode])
	}
	_, err = hqCLI(t, "demo", "--db", db)
	if kaohe.ErrorCode(err) != kaohe.ECONFLICT || !strings.Contains(i18n.Error(kaohe.LangZh, err), "总部演示数据只能写入空数据库") ||
		!strings.Contains(i18n.Error(kaohe.LangEn, err), "goes only into an empty one") {
		t.Errorf("demo into a seeded HQ = %v", err)
	}
	if after := stats(db); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused demo changed HQ: %v, was %v", after, before)
	}

	other := filepath.Join(t.TempDir(), "real.db")
	if _, err := hqCLI(t, "showroom", "add", "--db", other, "--code", "BJ01", "--name", "北京朝阳展厅"); err != nil {
		t.Fatal(err)
	}
	if _, err := hqCLI(t, "demo", "--db", other); kaohe.ErrorCode(err) != kaohe.ECONFLICT {
		t.Errorf("demo into an HQ with a real showroom = %v", err)
	}
	if s := stats(other); !reflect.DeepEqual(s, map[string]map[string]int{"BJ01": {"showrooms": 1}}) {
		t.Errorf("a refused demo left rows: %v", s)
	}
}

// TestDemoOfAnOldDay: kaohe-hq demo --today of a day long past (another
// year than the machine's) seeds HQ on that day's calendar — its periods
// and the story's dates accepted — and the code it prints is good now.
func TestDemoOfAnOldDay(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hq.db")
	out, err := hqCLI(t, "demo", "--db", db, "--today", "2024-05-20")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	code := lines[len(lines)-1]
	hs, err := hq.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	if err := hs.UseKeyFile(ctx, db+".signing-keys", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Enroll(ctx, code, ""); err != nil {
		t.Errorf("the code kaohe-hq demo printed: %v", err)
	}
	stats, _ := hs.Stats(ctx)
	if got := stats[demo.HQShowroomCode]; got["managers"] != 20 || got["assessments"] == 0 || got["certificates"] != 1 {
		t.Errorf("HQ after the demo of 2024-05-20: %v", got)
	}
}

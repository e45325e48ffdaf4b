package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store/hq"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/protocol"
)

// TestMain lets a test run this package's commands in a child process (the
// test binary itself), so a child's peak memory can be measured alone.
func TestMain(m *testing.M) {
	bundletest.RunChild("KAOHE_HQ", child)
	os.Exit(m.Run())
}

func child(mode string, args []string) int {
	ctx := context.Background()
	switch mode {
	case "run":
		if err := run(ctx, args, io.Discard, io.Discard); err != nil {
			os.Stderr.WriteString(err.Error())
			return 3
		}
		return 0
	case "drop": // args: db, dir; ends when the folder has moved a file
		s, err := hq.Open(ctx, args[0])
		if err != nil {
			return 2
		}
		defer s.Close()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		f := dropFolder(s, args[1], slog.New(slog.NewJSONHandler(io.Discard, nil)))
		f.Settle = 50 * time.Millisecond
		go func() {
			for ctx.Err() == nil {
				if m, _ := filepath.Glob(filepath.Join(args[1], "*", "*.kaohe")); len(m) > 0 {
					cancel()
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
		f.Run(ctx)
		return 0
	}
	return 2
}

// peakRSS runs a child and returns its exit code, peak resident memory and
// what it said.
func peakRSS(t *testing.T, mode string, args ...string) (int, int64, string) {
	t.Helper()
	return bundletest.PeakRSS(t, "KAOHE_HQ", mode, args...)
}

// enrolledShowroom makes an HQ database with one enrolled showroom and
// returns its id and bundle key.
func enrolledShowroom(t *testing.T, db string) (string, ed25519.PrivateKey) {
	t.Helper()
	s, err := hq.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, code, err := s.AddShowroom(ctx, "SH01", "上海徐汇旗舰展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	resp, err := s.Enroll(ctx, code, base64.StdEncoding.EncodeToString(pub))
	if err != nil {
		t.Fatal(err)
	}
	return resp.ShowroomID, priv
}

// TestBombCostsLittle: a showroom bundle inflating to 1 GiB, for an enrolled
// showroom (so the reader must look inside), is refused by `kaohe-hq
// import` and by `serve --drop`'s folder with a peak RSS under 64 MB.
func TestBombCostsLittle(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hq.db")
	id, _ := enrolledShowroom(t, db)
	bomb := filepath.Join(dir, "bomb.kaohe")
	f, _ := os.Create(bomb)
	if err := bundletest.Changes(f, bundle.ToHQ, id, 1<<30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(bomb)

	code, rss, msg := peakRSS(t, "run", "import", "--db", db, bomb)
	t.Logf("kaohe-hq import of a %d KB file inflating to 1 GiB: exit %d, peak RSS %.1f MB, %s", fi.Size()>>10, code, float64(rss)/(1<<20), msg)
	if code != 3 || !strings.Contains(msg, "err.bundle_too_large") {
		t.Errorf("import: exit %d, %q; want a refusal as too large", code, msg)
	}
	if rss > 64<<20 {
		t.Errorf("import peak RSS %d MB; want at most 64 MB", rss>>20)
	}

	drop := filepath.Join(dir, "drop")
	os.MkdirAll(drop, 0o755)
	os.Rename(bomb, filepath.Join(drop, "bomb.kaohe"))
	code, rss, _ = peakRSS(t, "drop", db, drop)
	t.Logf("serve --drop folder with the same file: exit %d, peak RSS %.1f MB", code, float64(rss)/(1<<20))
	if rss > 64<<20 {
		t.Errorf("drop folder peak RSS %d MB; want at most 64 MB", rss>>20)
	}
	note, err := os.ReadFile(filepath.Join(drop, "failed", "bomb.kaohe.txt"))
	if err != nil || !strings.Contains(string(note), "超出大小限制") {
		t.Errorf("failed note %q, %v; want the reason in Chinese", note, err)
	}
}

// TestDropFolderNotes: a forged bundle is kept in failed/ with its reason in
// Chinese; a genuine one with a refused change goes to done/ with a note
// naming the refused change and why.
func TestDropFolderNotes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hq.db")
	id, key := enrolledShowroom(t, db)
	s, err := hq.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	drop := filepath.Join(dir, "drop")
	os.MkdirAll(drop, 0o755)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	write := func(name string, b bundle.Bundle, k ed25519.PrivateKey) {
		f, _ := os.Create(filepath.Join(drop, name))
		if err := bundle.Write(f, b, k); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write("forged.kaohe", bundle.Bundle{Kind: bundle.ToHQ, ShowroomID: id}, other)
	// A decision is HQ's to make: a showroom's bundle carrying one has it refused.
	d, _ := json.Marshal(kaohe.Decision{ID: "d1", AppID: "a1", Stage: kaohe.StageFirst, Pass: true, Date: kaohe.D(2026, 11, 28), DecidedBy: []string{"自己"}})
	write("mixed.kaohe", bundle.Bundle{Kind: bundle.ToHQ, ShowroomID: id, Changes: []protocol.Change{
		{ID: "c1", Entity: kaohe.EntDecision, RowID: "d1", Op: "upsert", Payload: d, At: "2026-12-01T10:00:00Z"},
	}}, key)
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	f := dropFolder(s, drop, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	f.Settle = 50 * time.Millisecond
	go func() {
		for rctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(drop, "*", "*.kaohe")); len(m) == 2 {
				cancel()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	f.Run(rctx)
	forged, _ := os.ReadFile(filepath.Join(drop, "failed", "forged.kaohe.txt"))
	if !strings.Contains(string(forged), "签名无效") || strings.Contains(string(forged), "err.") {
		t.Errorf("forged note %q; want the reason in Chinese", forged)
	}
	mixed, err := os.ReadFile(filepath.Join(drop, "done", "mixed.kaohe.txt"))
	if err != nil || !strings.Contains(string(mixed), "1 条变更被拒绝") || !strings.Contains(string(mixed), "c1") || strings.Contains(string(mixed), "err.") {
		t.Errorf("note beside the accepted bundle %q, %v; want the refused change and its reason in Chinese", mixed, err)
	}
	t.Logf("notes:\n%s%s", forged, mixed)
}

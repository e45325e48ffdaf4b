package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kaohe/internal/kaohe"
	"kaohe/internal/store"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/engine"
	"kaohe/sync/protocol"
	"kaohe/ui"
)

// TestMain lets a test run this package's commands in a child process (the
// test binary itself), so a child's peak memory can be measured alone.
func TestMain(m *testing.M) {
	bundletest.RunChild("KAOHE", child)
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
		s, err := store.Open(ctx, args[0])
		if err != nil {
			return 2
		}
		defer s.Close()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		f := dropFolder(args[1], func(ctx context.Context, f *os.File) (engine.Imported, error) {
			return engine.ImportBundleReport(ctx, s, f)
		}, nil)
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
	return bundletest.PeakRSS(t, "KAOHE", mode, args...)
}

// TestBombCostsLittle: an HQ bundle inflating to 1 GiB, for this very
// showroom (so the reader must look inside), is refused by `kaohe bundle
// import` and by the window's drop folder with a peak RSS under 64 MB, or,
// where the program alone takes more (the race detector's shadow memory),
// at most 16 MB above what it takes for a tiny file.
func TestBombCostsLittle(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	sr := kaohe.Showroom{ID: store.NewID(), Code: "SH01", Name: "上海徐汇旗舰展厅"}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	if err := s.Enrolled(context.Background(), sr, "https://hq.example", "token", "replica"); err != nil {
		t.Fatal(err)
	}
	s.SetMeta(context.Background(), map[string]string{"hq_public_key": base64.StdEncoding.EncodeToString(pub)})
	s.Close()
	bomb := filepath.Join(t.TempDir(), "bomb.kaohe")
	f, _ := os.Create(bomb)
	if err := bundletest.Changes(f, bundle.ToShowroom, sr.ID, 1<<30); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// What the same command costs on a file that is no bundle at all: the
	// program's own memory (and, under the race detector, its shadow
	// memory), which the bomb may exceed only by a little.
	junk := filepath.Join(t.TempDir(), "junk.kaohe")
	os.WriteFile(junk, []byte("not a bundle"), 0o644)
	_, idle, _ := peakRSS(t, "run", "--data", dir, "bundle", "import", junk)
	limit := max(int64(64<<20), idle+16<<20)
	t.Logf("the same import of a tiny file: peak RSS %.1f MB; limit %.1f MB", float64(idle)/(1<<20), float64(limit)/(1<<20))

	code, rss, msg := peakRSS(t, "run", "--data", dir, "bundle", "import", bomb)
	t.Logf("kaohe bundle import of a file inflating to 1 GiB: exit %d, peak RSS %.1f MB, %s", code, float64(rss)/(1<<20), msg)
	if code != 3 || !strings.Contains(msg, "err.bundle_too_large") {
		t.Errorf("import: exit %d, %q; want a refusal as too large", code, msg)
	}
	if rss > limit {
		t.Errorf("import peak RSS %d MB; want at most %d MB", rss>>20, limit>>20)
	}

	drop := filepath.Join(dir, "drop")
	os.MkdirAll(drop, 0o755)
	os.Rename(bomb, filepath.Join(drop, "bomb.kaohe"))
	code, rss, _ = peakRSS(t, "drop", filepath.Join(dir, "kaohe.db"), drop)
	t.Logf("the window's drop folder with the same file: exit %d, peak RSS %.1f MB", code, float64(rss)/(1<<20))
	if rss > limit {
		t.Errorf("drop folder peak RSS %d MB; want at most %d MB", rss>>20, limit>>20)
	}
	note, err := os.ReadFile(filepath.Join(drop, "failed", "bomb.kaohe.txt"))
	if err != nil || !strings.Contains(string(note), "超出大小限制") {
		t.Errorf("failed note %q, %v; want the reason in Chinese", note, err)
	}
}

// TestDropFolderNotesRefusedChanges: HQ's genuine bundle with a change
// this database refuses goes to done/ with a note naming it and why, in
// the user's language.
func TestDropFolderNotesRefusedChanges(t *testing.T) {
	dir := t.TempDir()
	bg := context.Background()
	s, err := store.Open(bg, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sr := kaohe.Showroom{ID: store.NewID(), Code: "SH01", Name: "上海徐汇旗舰展厅"}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	if err := s.Enrolled(bg, sr, "https://hq.example", "token", "replica"); err != nil {
		t.Fatal(err)
	}
	s.SetMeta(bg, map[string]string{"hq_public_key": base64.StdEncoding.EncodeToString(pub)})
	drop := filepath.Join(dir, "drop")
	os.MkdirAll(drop, 0o755)
	f, _ := os.Create(filepath.Join(drop, "hq.kaohe"))
	bundle.Write(f, bundle.Bundle{Kind: bundle.ToShowroom, ShowroomID: sr.ID, Cursor: 2, Changes: []protocol.Change{
		{ID: "c-unknown", Entity: "spaceship", RowID: "r1", Op: "upsert", Payload: []byte(`{}`), At: "2026-12-01T10:00:00Z", Seq: 1},
	}}, priv)
	f.Close()
	ui.SetLanguage(kaohe.LangZh)
	ctx, cancel := context.WithTimeout(bg, 20*time.Second)
	defer cancel()
	var changed atomic.Int32 // the window hears of every bundle taken in
	folder := dropFolder(drop, func(ctx context.Context, f *os.File) (engine.Imported, error) {
		return engine.ImportBundleReport(ctx, s, f)
	}, func() { changed.Add(1) })
	folder.Settle = 50 * time.Millisecond
	go func() {
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(drop, "done", "*.kaohe")); len(m) > 0 {
				cancel()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	folder.Run(ctx)
	note, err := os.ReadFile(filepath.Join(drop, "done", "hq.kaohe.txt"))
	if err != nil || !strings.Contains(string(note), "1 条变更被拒绝") || !strings.Contains(string(note), "c-unknown") || strings.Contains(string(note), "err.") {
		t.Errorf("note %q, %v; want the refused change and its reason in Chinese", note, err)
	}
	if c, _ := s.PullCursor(bg); c != 2 {
		t.Errorf("cursor %d after the bundle; want 2", c)
	}
	if n := changed.Load(); n != 1 {
		t.Errorf("the window heard of %d imports; want 1", n)
	}
	t.Logf("note:\n%s", note)
}

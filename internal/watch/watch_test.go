package watch

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// run starts f in the background and returns a stop function.
func run(t *testing.T, f *Folder) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestFolderHandlesEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "early.kaohe"), []byte("already there"), 0o644)
	os.MkdirAll(filepath.Join(dir, "done"), 0o755)
	os.WriteFile(filepath.Join(dir, "done", "new.kaohe"), []byte("an older one of the same name"), 0o644)
	var mu sync.Mutex
	seen := map[string]int{}
	f := &Folder{Dir: dir, Ext: ".kaohe", Settle: 50 * time.Millisecond, Handle: func(_ context.Context, file *os.File) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		name := filepath.Base(file.Name())
		seen[name]++
		switch name {
		case "bad.kaohe":
			return "", errors.New("signature")
		case "new.kaohe":
			return "拒绝 1 条", nil
		}
		return "", nil
	}, Reason: func(err error) string { return "签名无效：" + err.Error() }}
	stop := run(t, f)
	time.Sleep(100 * time.Millisecond)
	os.WriteFile(filepath.Join(dir, "new.kaohe"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.kaohe"), []byte("y"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a bundle"), 0o644)
	waitFor(t, "three files", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 3 })
	time.Sleep(200 * time.Millisecond) // more scans: nothing is handled twice
	stop()
	mu.Lock()
	defer mu.Unlock()
	for _, name := range []string{"early.kaohe", "new.kaohe", "bad.kaohe"} {
		if seen[name] != 1 {
			t.Errorf("%s handled %d times", name, seen[name])
		}
	}
	if seen["notes.txt"] != 0 {
		t.Errorf("a file of another kind was handled")
	}
	for _, p := range []string{"done/early.kaohe", "done/new.kaohe", "failed/bad.kaohe", "notes.txt"} {
		if !exists(filepath.Join(dir, p)) {
			t.Errorf("%s missing", p)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "done", "new.kaohe")); string(b) != "an older one of the same name" {
		t.Errorf("an earlier file in done/ was overwritten: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "failed", "bad.kaohe.txt")); string(b) != "签名无效：signature\n" {
		t.Errorf("failure note %q", b)
	}
	notes, _ := filepath.Glob(filepath.Join(dir, "done", "new-*.kaohe.txt"))
	if len(notes) != 1 {
		t.Fatalf("note beside the accepted file: %v", notes)
	}
	if b, _ := os.ReadFile(notes[0]); string(b) != "拒绝 1 条\n" {
		t.Errorf("note %q", b)
	}
}

// TestFolderRefusesWhatIsNotAFile: a FIFO would block a reader forever, a
// symbolic link leads elsewhere, an oversized file costs memory: none is
// opened, each goes to failed/ with its reason, and the watcher goes on.
func TestFolderRefusesWhatIsNotAFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs or symbolic links for users on Windows")
	}
	dir := t.TempDir()
	if err := mkfifo(filepath.Join(dir, "x.kaohe")); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(t.TempDir(), "secret.kaohe")
	os.WriteFile(secret, []byte("outside the folder"), 0o644)
	os.Symlink(secret, filepath.Join(dir, "link.kaohe"))
	big, _ := os.Create(filepath.Join(dir, "big.kaohe"))
	big.Truncate(2 << 20)
	big.Close()
	var mu sync.Mutex
	var handled []string
	f := &Folder{Dir: dir, Ext: ".kaohe", Settle: 50 * time.Millisecond, MaxSize: 1 << 20,
		Handle: func(_ context.Context, file *os.File) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			handled = append(handled, filepath.Base(file.Name()))
			io.Copy(io.Discard, file)
			return "", nil
		}, Reason: func(err error) string { return err.Error() }}
	stop := run(t, f)
	os.WriteFile(filepath.Join(dir, "good.kaohe"), []byte("a bundle"), 0o644)
	waitFor(t, "the good file", func() bool { return exists(filepath.Join(dir, "done", "good.kaohe")) })
	waitFor(t, "the refusals", func() bool {
		return exists(filepath.Join(dir, "failed", "x.kaohe.txt")) && exists(filepath.Join(dir, "failed", "link.kaohe.txt")) && exists(filepath.Join(dir, "failed", "big.kaohe.txt"))
	})
	stop()
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 1 || handled[0] != "good.kaohe" {
		t.Errorf("handled %v; want only good.kaohe", handled)
	}
	for name, key := range map[string]string{"x.kaohe": "err.drop_not_regular", "link.kaohe": "err.drop_not_regular", "big.kaohe": "err.drop_too_large"} {
		b, _ := os.ReadFile(filepath.Join(dir, "failed", name+".txt"))
		if !strings.HasPrefix(string(b), key) {
			t.Errorf("%s: reason %q; want %s", name, b, key)
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "outside the folder" {
		t.Errorf("the link's target was touched")
	}
}

// TestFolderWaitsForAGrowingFile: a file copied slowly onto the stick is
// not read until it stops growing, even when the copier keeps the
// original's old time stamp, and a read that fails because it grew
// meanwhile does not condemn it.
func TestFolderWaitsForAGrowingFile(t *testing.T) {
	for _, keepStamp := range []bool{false, true} {
		t.Run(map[bool]string{false: "fresh stamp", true: "old stamp kept"}[keepStamp], func(t *testing.T) { growing(t, keepStamp) })
	}
}

func growing(t *testing.T, keepStamp bool) {
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	dir := t.TempDir()
	path := filepath.Join(dir, "slow.kaohe")
	var mu sync.Mutex
	var got []string
	f := &Folder{Dir: dir, Ext: ".kaohe", Settle: 100 * time.Millisecond,
		Handle: func(_ context.Context, file *os.File) (string, error) {
			b, _ := io.ReadAll(file)
			mu.Lock()
			got = append(got, string(b))
			mu.Unlock()
			if !strings.HasSuffix(string(b), "END") {
				return "", errors.New("cut short")
			}
			return "", nil
		}}
	stop := run(t, f)
	w, _ := os.Create(path)
	for i := 0; i < 10; i++ {
		w.WriteString("chunk ")
		if keepStamp {
			os.Chtimes(path, old, old)
		}
		time.Sleep(30 * time.Millisecond)
	}
	w.WriteString("END")
	w.Close()
	if keepStamp {
		os.Chtimes(path, old, old)
	}
	waitFor(t, "the file in done/", func() bool { return exists(filepath.Join(dir, "done", "slow.kaohe")) })
	stop()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.HasSuffix(got[0], "END") {
		t.Errorf("read %d times, last %q; want once, whole", len(got), got)
	}
}

package watch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestFolderHandlesEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "early.kaohe"), []byte("already there"), 0o644)
	var mu sync.Mutex
	seen := map[string]int{}
	f := &Folder{Dir: dir, Ext: ".kaohe", Settle: 50 * time.Millisecond, Handle: func(_ context.Context, p string) error {
		mu.Lock()
		defer mu.Unlock()
		seen[filepath.Base(p)]++
		if filepath.Base(p) == "bad.kaohe" {
			return errors.New("签名无效")
		}
		return nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	time.Sleep(100 * time.Millisecond)
	os.WriteFile(filepath.Join(dir, "new.kaohe"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.kaohe"), []byte("y"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a bundle"), 0o644)
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n == 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // more scans: nothing is handled twice
	cancel()
	<-done
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
	for _, p := range []string{"done/early.kaohe", "done/new.kaohe", "failed/bad.kaohe", "failed/bad.kaohe.txt", "notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

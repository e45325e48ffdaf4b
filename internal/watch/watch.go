// Package watch imports files that appear in a drop folder (a USB stick,
// a shared folder) with fsnotify: each new file with the extension is
// handled once its size has settled, then moved to done/ or, with the
// reason beside it, to failed/, so nothing is imported twice or silently
// dropped.
package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Folder watches dir for files ending in ext.
type Folder struct {
	Dir    string
	Ext    string
	Handle func(ctx context.Context, path string) error
	// Settle is how long a file's size must stay the same before it is
	// read (a copy onto a USB stick takes a while); default 500 ms.
	Settle time.Duration
	// Log, if set, hears of each file handled.
	Log func(path string, err error)
}

// Run handles the files already there, then new ones until ctx ends.
func (f *Folder) Run(ctx context.Context) error {
	if f.Settle == 0 {
		f.Settle = 500 * time.Millisecond
	}
	for _, sub := range []string{"", "done", "failed"} {
		if err := os.MkdirAll(filepath.Join(f.Dir, sub), 0o755); err != nil {
			return err
		}
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(f.Dir); err != nil {
		return err
	}
	f.scan(ctx)
	tick := time.NewTicker(f.Settle)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-w.Events:
			if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) || ev.Has(fsnotify.Rename) {
				f.scan(ctx)
			}
		case <-tick.C:
			f.scan(ctx) // files that were still growing, and watchers that miss events on removable media
		case err := <-w.Errors:
			if f.Log != nil {
				f.Log(f.Dir, err)
			}
		}
	}
}

// scan handles every settled file in the folder.
func (f *Folder) scan(ctx context.Context) {
	entries, err := os.ReadDir(f.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(e.Name()), f.Ext) {
			continue
		}
		path := filepath.Join(f.Dir, e.Name())
		if !f.settled(path) {
			continue
		}
		err := f.Handle(ctx, path)
		dest := filepath.Join(f.Dir, "done", e.Name())
		if err != nil {
			dest = filepath.Join(f.Dir, "failed", e.Name())
			os.WriteFile(dest+".txt", []byte(err.Error()+"\n"), 0o644)
		}
		if _, statErr := os.Stat(dest); statErr == nil {
			dest = strings.TrimSuffix(dest, f.Ext) + fmt.Sprintf("-%d", time.Now().UnixNano()) + f.Ext
		}
		os.Rename(path, dest)
		if f.Log != nil {
			f.Log(path, err)
		}
	}
}

func (f *Folder) settled(path string) bool {
	a, err := os.Stat(path)
	if err != nil {
		return false
	}
	time.Sleep(f.Settle / 5)
	b, err := os.Stat(path)
	return err == nil && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && time.Since(b.ModTime()) >= f.Settle/5
}

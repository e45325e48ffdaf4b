// Package watch imports files that appear in a drop folder (a USB stick,
// a shared folder) with fsnotify: each new file with the extension is
// handled once its size has settled, then moved to done/ or, with the
// reason beside it, to failed/, so nothing is imported twice or silently
// dropped.
//
// A drop folder is a door from outside: only regular files below a size
// limit are opened. A FIFO, a device or a symbolic link is never opened (it
// could hang the watcher or lead elsewhere); it goes to failed/ with the
// reason. A file still being written is left for a later look.
package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"kaohe/internal/kaohe"
)

// DefaultMaxSize is the largest file a folder takes unless told otherwise.
const DefaultMaxSize = 64 << 20

// Folder watches dir for files ending in ext.
type Folder struct {
	Dir string
	Ext string
	// Handle imports one file, opened for it. A note it returns (refused
	// changes inside an accepted file, say) is kept beside the file in done/.
	Handle func(ctx context.Context, f *os.File) (note string, err error)
	// Settle is how long a file's size must stay the same before it is
	// read (a copy onto a USB stick takes a while); default 500 ms.
	Settle time.Duration
	// MaxSize is the largest file taken; default DefaultMaxSize.
	MaxSize int64
	// Reason says why a file was refused, in the user's language; it is
	// written beside the file in failed/. Default: the error's text.
	Reason func(err error) string
	// Log, if set, hears of each file handled.
	Log func(path string, err error)

	mu     sync.Mutex
	waited map[string]bool // files that could not be opened yet, logged once
	seen   map[string]look // how each file looked, and since when
}

// Run handles the files already there, then new ones until ctx ends.
func (f *Folder) Run(ctx context.Context) error {
	if f.Settle == 0 {
		f.Settle = 500 * time.Millisecond
	}
	if f.MaxSize == 0 {
		f.MaxSize = DefaultMaxSize
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
		if ctx.Err() != nil {
			return
		}
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(e.Name()), f.Ext) {
			continue
		}
		f.one(ctx, e.Name())
	}
}

// one looks at a single file: refuses what is not a regular file or is too
// large without opening it, leaves what is still growing, handles the rest.
func (f *Folder) one(ctx context.Context, name string) {
	path := filepath.Join(f.Dir, name)
	fi, err := os.Lstat(path)
	if err != nil {
		return
	}
	switch {
	case !fi.Mode().IsRegular():
		f.finish(path, "", kaohe.Errorf(kaohe.EINVALID, "err.drop_not_regular"))
		return
	case fi.Size() > f.MaxSize:
		f.finish(path, "", kaohe.Errorf(kaohe.EINVALID, "err.drop_too_large", "Size", fi.Size()>>20, "Max", f.MaxSize>>20))
		return
	}
	if !f.settled(path, fi) {
		return
	}
	file, err := openRegular(path)
	if err != nil { // locked by the copier, say: look again later
		f.wait(path, err)
		return
	}
	before, err := file.Stat()
	if err != nil || !before.Mode().IsRegular() { // swapped since Lstat
		file.Close()
		if err == nil {
			f.finish(path, "", kaohe.Errorf(kaohe.EINVALID, "err.drop_not_regular"))
		}
		return
	}
	note, herr := f.Handle(ctx, file)
	file.Close()
	if herr != nil && changed(path, before) {
		return // still being written after all: its next settled state decides
	}
	f.finish(path, note, herr)
}

func changed(path string, before os.FileInfo) bool {
	after, err := os.Lstat(path)
	return err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime())
}

func (f *Folder) wait(path string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.waited == nil {
		f.waited = map[string]bool{}
	}
	if !f.waited[path] && f.Log != nil {
		f.Log(path, err)
	}
	f.waited[path] = true
}

// finish moves the file to done/ or failed/ under a name not yet taken,
// with its note or reason beside it.
func (f *Folder) finish(path, note string, err error) {
	name := filepath.Base(path)
	sub := "done"
	if err != nil {
		sub = "failed"
		note = err.Error()
		if f.Reason != nil {
			note = f.Reason(err)
		}
	}
	dest := filepath.Join(f.Dir, sub, name)
	if _, statErr := os.Lstat(dest); statErr == nil {
		ext := filepath.Ext(name)
		dest = filepath.Join(f.Dir, sub, strings.TrimSuffix(name, ext)+fmt.Sprintf("-%d", time.Now().UnixNano())+ext)
	}
	if rerr := os.Rename(path, dest); rerr != nil {
		f.wait(path, rerr)
		return
	}
	if note != "" {
		os.WriteFile(dest+".txt", []byte(strings.TrimRight(note, "\n")+"\n"), 0o644)
	}
	f.mu.Lock()
	delete(f.waited, path)
	delete(f.seen, path)
	f.mu.Unlock()
	if f.Log != nil {
		f.Log(path, err)
	}
}

// settled tells whether a file has stopped changing: the same size and
// time stamp for Settle by this watcher's clock (a copy may keep the
// original's time stamp, or a PC's wrong one).
func (f *Folder) settled(path string, fi os.FileInfo) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen == nil {
		f.seen = map[string]look{}
	}
	o, ok := f.seen[path]
	if !ok || o.size != fi.Size() || !o.mtime.Equal(fi.ModTime()) {
		f.seen[path] = look{size: fi.Size(), mtime: fi.ModTime(), since: time.Now()}
		return false
	}
	return time.Since(o.since) >= f.Settle
}

// look is what a file looked like when first seen that way.
type look struct {
	size  int64
	mtime time.Time
	since time.Time
}

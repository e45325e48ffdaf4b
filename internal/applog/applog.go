// Package applog is the program's own log file: start-up errors and the
// window's log lines (Fyne's, OpenGL's), for a double-clicked program that
// has no console to print them to. DIR/kaohe.log is rotated at MaxSize,
// keeping Keep older logs (kaohe.log.1 … kaohe.log.3).
package applog

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

const (
	MaxSize = 1 << 20 // rotate beyond 1 MB
	Keep    = 3       // kaohe.log.1 … kaohe.log.3
)

// Open opens dir/kaohe.log for appending, first rotating it when it has
// grown past MaxSize. A log another process holds open cannot be renamed on
// Windows: it is then appended to as it is, and rotated at a later start.
func Open(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "kaohe.log")
	if st, err := os.Stat(path); err == nil && st.Size() > MaxSize {
		rotate(path)
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}

// rotate moves path to path.1, path.1 to path.2 … dropping the oldest. Its
// failures are ignored: a log that cannot rotate is still written.
func rotate(path string) {
	os.Remove(fmt.Sprintf("%s.%d", path, Keep))
	for i := Keep - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", path, i), fmt.Sprintf("%s.%d", path, i+1))
	}
	os.Rename(path, path+".1")
}

// Line appends one dated line to the log; a log that cannot be written must
// not hide the error it was to keep, so its own failure is ignored.
func Line(dir, msg string) {
	f, err := Open(dir)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s\n", time.Now().Format("2006-01-02 15:04:05"), msg)
}

// Tee sends w's lines to the log too while the window runs; close ends it.
// A line always reaches the log, also when w fails: a program started by a
// double click or by the installer has no stderr on Windows, and every write
// to it fails.
func Tee(dir string, w io.Writer) (tee io.Writer, close func()) {
	f, err := Open(dir)
	if err != nil {
		return w, func() {}
	}
	return logFirst{f, w}, func() { f.Close() }
}

// logFirst writes to the log file, then to w, whose failure is ignored.
type logFirst struct {
	f *os.File
	w io.Writer
}

func (t logFirst) Write(p []byte) (int, error) {
	n, err := t.f.Write(p)
	t.w.Write(p) // stderr may lead nowhere
	return n, err
}

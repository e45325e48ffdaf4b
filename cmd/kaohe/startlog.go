package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// The log of start-up errors and of the window's log lines (Fyne's, OpenGL's):
// a double-clicked program has no console to print them to.
const (
	logMax  = 1 << 20 // rotate beyond 1 MB
	logKeep = 3       // kaohe.log.1 … kaohe.log.3
)

// logDir is DATA/logs of the default data folder (%LocalAppData%\kaohe\logs
// on Windows), whatever --data says, so it is found in one place.
func logDir() string { return filepath.Join(defaultDataDir(), "logs") }

// openLog opens dir/kaohe.log for appending, first rotating it when it has
// grown past logMax.
func openLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "kaohe.log")
	if st, err := os.Stat(path); err == nil && st.Size() > logMax {
		os.Remove(fmt.Sprintf("%s.%d", path, logKeep))
		for i := logKeep - 1; i >= 1; i-- {
			os.Rename(fmt.Sprintf("%s.%d", path, i), fmt.Sprintf("%s.%d", path, i+1))
		}
		os.Rename(path, path+".1")
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}

// logLine appends one dated line to the log; a log that cannot be written
// must not hide the error itself, so its own failure is ignored.
func logLine(dir, msg string) {
	f, err := openLog(dir)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s\n", time.Now().Format("2006-01-02 15:04:05"), msg)
}

// teeLog sends w's lines to the log file too while the window runs.
func teeLog(dir string, w io.Writer) (io.Writer, func()) {
	f, err := openLog(dir)
	if err != nil {
		return w, func() {}
	}
	return io.MultiWriter(w, f), func() { f.Close() }
}

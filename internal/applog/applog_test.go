package applog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tempDir is a folder removed at the end when possible (not t.TempDir:
// under wine 8 its removal fails, "unlinkat … Invalid function").
func tempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "kaohe-applog")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "logs")
}

func read(t *testing.T, dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLogRotates: lines are appended; past 1 MB the log moves to .1, older
// ones shift, and no more than three old logs are kept, the oldest dropped.
func TestLogRotates(t *testing.T) {
	dir := tempDir(t)
	Line(dir, "数据库无法打开 #1")
	if got := read(t, dir, "kaohe.log"); !strings.Contains(got, "数据库无法打开 #1") || !strings.HasSuffix(got, "\n") {
		t.Fatalf("log = %q", got)
	}
	for i := 0; i < 5; i++ {
		Line(dir, strings.Repeat(fmt.Sprintf("round %d ", i), MaxSize/8))
		Line(dir, fmt.Sprintf("after %d", i)) // this one rotates
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "kaohe.log kaohe.log.1 kaohe.log.2 kaohe.log.3" {
		t.Fatalf("files = %v; want the log and three old ones", names)
	}
	cur := read(t, dir, "kaohe.log")
	if !strings.HasSuffix(strings.TrimSpace(cur), "after 4") || len(cur) > MaxSize {
		t.Errorf("current log ends %q (%d bytes)", cur[max(0, len(cur)-20):], len(cur))
	}
	// Each old log holds one round, the newest in .1; rounds 0 and 1 and
	// the first line are gone.
	for gen, round := range map[int]int{1: 4, 2: 3, 3: 2} {
		old := read(t, dir, fmt.Sprintf("kaohe.log.%d", gen))
		if !strings.Contains(old, fmt.Sprintf("round %d ", round)) || strings.Contains(old, fmt.Sprintf("round %d ", round-1)) {
			t.Errorf("kaohe.log.%d does not hold round %d alone", gen, round)
		}
	}
	for _, n := range names {
		if got := read(t, dir, n); strings.Contains(got, "round 1 ") || strings.Contains(got, "数据库无法打开 #1") {
			t.Errorf("%s still holds what the oldest logs had", n)
		}
	}
}

// TestLogWhileTheWindowHoldsIt: the window keeps the log open (Tee) while
// another start writes a line (a second window refused, a command's error).
// On Windows the open log cannot be renamed; either way no line is lost, and
// the log rotates once it is free again.
func TestLogWhileTheWindowHoldsIt(t *testing.T) {
	dir := tempDir(t)
	var sink strings.Builder
	w, closeTee := Tee(dir, &sink)
	fmt.Fprintf(w, "window %s\n", strings.Repeat("x", MaxSize))
	Line(dir, "second window refused")
	fmt.Fprintln(w, "window closing")
	closeTee()
	if !strings.Contains(sink.String(), "window closing") {
		t.Errorf("Tee did not pass the window's lines on")
	}
	all := func() string {
		s := read(t, dir, "kaohe.log")
		if b, err := os.ReadFile(filepath.Join(dir, "kaohe.log.1")); err == nil {
			s = string(b) + s
		}
		return s
	}
	for _, line := range []string{"second window refused", "window closing"} {
		if !strings.Contains(all(), line) {
			t.Errorf("%q is lost", line)
		}
	}
	Line(dir, "next start")
	cur := read(t, dir, "kaohe.log")
	if len(cur) > MaxSize || !strings.Contains(cur, "next start") {
		t.Errorf("after the window closed the log was not rotated: %d bytes", len(cur))
	}
	if !strings.Contains(all(), "second window refused") {
		t.Errorf("the refused window's line is lost after the rotation")
	}
}

// nowhere is the stderr of a program Windows started without a console:
// every write fails.
type nowhere struct{}

func (nowhere) Write([]byte) (int, error) { return 0, os.ErrInvalid }

// TestTeeLogsWithoutStderr: the window's log lines reach the log file when
// its stderr leads nowhere (double-clicked, or restarted by the installer).
func TestTeeLogsWithoutStderr(t *testing.T) {
	dir := tempDir(t)
	w, closeTee := Tee(dir, nowhere{})
	if _, err := fmt.Fprintln(w, "start-up: window shown"); err != nil {
		t.Errorf("a line to the log failed: %v", err)
	}
	closeTee()
	if got := read(t, dir, "kaohe.log"); !strings.Contains(got, "start-up: window shown") {
		t.Errorf("log = %q; want the line though stderr failed", got)
	}
}

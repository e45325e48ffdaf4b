package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogRotates: lines are appended; past 1 MB the log moves to .1, older
// ones shift, and no more than three old logs are kept.
func TestLogRotates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	logLine(dir, "数据库无法打开 #1")
	b, err := os.ReadFile(filepath.Join(dir, "kaohe.log"))
	if err != nil || !strings.Contains(string(b), "数据库无法打开 #1") {
		t.Fatalf("log = %q, %v", b, err)
	}
	for i := 0; i < 5; i++ {
		big := strings.Repeat(fmt.Sprintf("round %d ", i), logMax/8)
		logLine(dir, big)
		logLine(dir, fmt.Sprintf("after %d", i)) // this one rotates
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "kaohe.log kaohe.log.1 kaohe.log.2 kaohe.log.3" {
		t.Errorf("files = %v; want the log and three old ones", names)
	}
	cur, _ := os.ReadFile(filepath.Join(dir, "kaohe.log"))
	if !strings.HasSuffix(strings.TrimSpace(string(cur)), "after 4") || len(cur) > logMax {
		t.Errorf("current log ends %q (%d bytes)", cur[max(0, len(cur)-20):], len(cur))
	}
}

//go:build windows

package documents

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows/registry"
)

// testExt is a file type registered for the test alone (HKCU), so that a
// real PC's PDF viewer is neither needed nor changed.
const testExt = ".kaohe-open-test"

// TestOpenWithShellExecute: a document in a folder with a Chinese name,
// spaces and '#' opens with the program registered for its type, which is
// handed the plain path. The registered program is this test binary
// (TestRecordOpened). Runs on Windows (in CI under wine).
func TestOpenWithShellExecute(t *testing.T) {
	dir, err := os.MkdirTemp("", "kaohe-open-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	folder := filepath.Join(dir, "展厅 文档 #1")
	os.MkdirAll(folder, 0o755)
	doc := filepath.Join(folder, "证书 张三（D001）"+testExt)
	if err := os.WriteFile(doc, []byte("%PDF-1.4"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	// HKEY_CLASSES_ROOT: wine 8 does not merge HKCU's classes into it; on
	// Windows a user without the right to write there gets HKCU's.
	classes, _, err := registry.CreateKey(registry.CLASSES_ROOT, "", registry.ALL_ACCESS)
	if err == nil {
		var probe registry.Key
		probe, _, err = registry.CreateKey(classes, testExt, registry.ALL_ACCESS)
		if err == nil {
			probe.Close()
		}
	}
	if err != nil {
		classes, _, err = registry.CreateKey(registry.CURRENT_USER, `Software\Classes`, registry.ALL_ACCESS)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer classes.Close()
	ext, _, _ := registry.CreateKey(classes, testExt, registry.ALL_ACCESS)
	ext.SetStringValue("", "KaoheOpenTest")
	ext.Close()
	cmd, _, err := registry.CreateKey(classes, `KaoheOpenTest\shell\open\command`, registry.ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	cmd.SetStringValue("", `"`+exe+`" -test.run=^TestRecordOpened$ -- "%1"`)
	cmd.Close()
	t.Cleanup(func() {
		registry.DeleteKey(classes, `KaoheOpenTest\shell\open\command`)
		registry.DeleteKey(classes, `KaoheOpenTest\shell\open`)
		registry.DeleteKey(classes, `KaoheOpenTest\shell`)
		registry.DeleteKey(classes, `KaoheOpenTest`)
		registry.DeleteKey(classes, testExt)
	})

	record := filepath.Join(dir, "opened.txt")
	t.Setenv("KAOHE_OPENED", record) // the opened program inherits it
	start := time.Now()
	if err := Open(doc); err != nil {
		t.Fatalf("Open: %v", err)
	}
	returned := time.Since(start)
	var got []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, _ = os.ReadFile(record); len(got) > 0 {
			break
		}
	}
	if !strings.EqualFold(strings.TrimSpace(string(got)), doc) {
		t.Fatalf("the registered program was handed %q; want %q", got, doc)
	}
	t.Logf("ShellExecute returned in %v; the program was handed %s", returned, got)
}

// TestRecordOpened is the program TestOpenWithShellExecute registers: run
// with the opened path as argument, it writes it where KAOHE_OPENED says.
func TestRecordOpened(t *testing.T) {
	record := os.Getenv("KAOHE_OPENED")
	if record == "" || flag.NArg() == 0 {
		t.Skip("run by TestOpenWithShellExecute only")
	}
	if err := os.WriteFile(record+".part", []byte(strings.Join(flag.Args(), " ")), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Rename(record+".part", record)
}

package main

import (
	"bytes"
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// TestWindowStartErrorsAreBoxedAndLogged: the window started on a data
// folder that cannot be opened (a file) fails with a message in the user's
// language, written to the log and shown in a message box even though this
// program has a console (under wine and from a terminal it always has one);
// a command failing the same way prints to stderr and shows no box.
func TestWindowStartErrorsAreBoxedAndLogged(t *testing.T) {
	// Not t.TempDir: Fyne's app may still write its settings under it as
	// the test ends, and its removal would then fail the test.
	dir, err := os.MkdirTemp("", "kaohe-startlog")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config")) // the default data folder, its logs and Fyne's settings
	// The window sends the log to its file and stderr.
	defer log.SetOutput(os.Stderr)
	notFolder := filepath.Join(dir, "kaohe-data.txt")
	if err := os.WriteFile(notFolder, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	type box struct{ title, text string }
	var boxes []box
	showBox = func(title, text string) { boxes = append(boxes, box{title, text}) }
	defer func() { showBox = messageBox }()
	const console = true

	start := func(args ...string) (err error, ranDefault bool, stderr string) {
		var out, errb bytes.Buffer
		e := &env{stdout: &out, stderr: &errb}
		p := e.program()
		err = p.Run(context.Background(), args, &out, &errb)
		if err != nil {
			report(&errb, append([]string{"kaohe"}, args...), err, p.RanDefault() || !console)
		}
		return err, p.RanDefault(), errb.String()
	}

	err, window, stderr := start("--data", notFolder)
	if err == nil || !window {
		t.Fatalf("window on a file as its data folder: err %v, window mode %v; want an error in window mode", err, window)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	msg := lines[len(lines)-1] // after the window's own log lines
	if !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Errorf("the error is not said in Chinese: %q", msg)
	}
	if !strings.Contains(msg, "数据文件夹“"+notFolder+"”") || !strings.Contains(msg, "是一个文件，不是文件夹") {
		t.Errorf("the error %q does not say the data folder %s is a file", msg, notFolder)
	}
	if len(boxes) != 1 || !strings.HasPrefix(boxes[0].text, msg) || !strings.Contains(boxes[0].text, logDir()) || boxes[0].title != "客户经理考核 Kaohe" {
		t.Fatalf("message boxes %q; want one saying %q and where the log is (%s)", boxes, msg, logDir())
	}
	logged, err := os.ReadFile(filepath.Join(dir, "config", "kaohe", "logs", "kaohe.log"))
	if err != nil || !strings.Contains(string(logged), msg) {
		t.Errorf("the log holds %q (%v); want the error %q", logged, err, msg)
	}

	boxes = nil
	err, window, stderr = start("--data", notFolder, "backup")
	if err == nil || window || len(boxes) != 0 || strings.TrimSpace(stderr) == "" {
		t.Errorf("kaohe backup on a file: err %v, window mode %v, boxes %q, stderr %q; want an error on stderr and no box", err, window, boxes, stderr)
	}
	err, _, _ = start("--nope")
	if err == nil || len(boxes) != 0 {
		t.Errorf("a mistyped flag: err %v, boxes %q; want a usage error and no box", err, boxes)
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kaohe/internal/store"
)

// TestSmokeWindow starts the real program under Xvfb on the demo showroom,
// finds its window by its Chinese title, takes a screenshot, and stops it
// with SIGTERM, which must close it cleanly (exit 0, database sound).
// make test installs Xvfb, xdotool and ImageMagick; in CI their absence is
// a failure, elsewhere a skip.
func TestSmokeWindow(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "import", "convert"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing; make test installs it", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kaohe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if out, err := exec.Command(bin, "--data", data, "demo").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}

	display := fmt.Sprintf(":%d", 90+os.Getpid()%800)
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1280x860x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { xvfb.Process.Kill(); xvfb.Wait() }()
	// Its own settings folder: a language saved by another run of the app on
	// this machine (Fyne's preferences) would change the window's title.
	env := append(os.Environ(), "DISPLAY="+display, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	time.Sleep(500 * time.Millisecond)

	var logs bytes.Buffer
	app := exec.Command(bin, "--data", data)
	app.Env = env
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			app.Process.Kill()
		}
	}()

	var win string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && win == "" {
		cmd := exec.Command("xdotool", "search", "--name", "客户经理考核")
		cmd.Env = env
		out, _ := cmd.Output()
		win = strings.TrimSpace(string(out))
		select {
		case err := <-exited:
			t.Fatalf("the program exited before showing its window: %v\n%s", err, logs.String())
		default:
		}
		time.Sleep(300 * time.Millisecond)
	}
	if win == "" {
		t.Fatalf("no window titled 客户经理考核 within 60 s\n%s", logs.String())
	}
	// A painted window has many colours; a blank or black screen has one or
	// two. On a loaded machine the first frame can take seconds after the
	// window exists: look again until it paints, within a deadline.
	shot := filepath.Join(dir, "smoke.png")
	colours := 0
	var err error
	for paint := time.Now().Add(30 * time.Second); ; {
		time.Sleep(500 * time.Millisecond)
		imp := exec.Command("import", "-window", "root", shot)
		imp.Env = env
		if out, ierr := imp.CombinedOutput(); ierr != nil {
			t.Fatalf("screenshot: %v\n%s", ierr, out)
		}
		var out []byte
		out, err = exec.Command("convert", shot, "-format", "%k", "info:").Output()
		colours, _ = strconv.Atoi(strings.TrimSpace(string(out)))
		if (err == nil && colours >= 50) || time.Now().After(paint) {
			break
		}
	}
	if err != nil || colours < 50 {
		t.Errorf("the screenshot has %d colours (%v): the window did not paint within 30 s", colours, err)
	}
	if keep := os.Getenv("KAOHE_SMOKE_PNG"); keep != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(keep, b, 0o644)
	}

	app.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the program did not exit within 15 s of SIGTERM")
	}
	s, err := store.Open(context.Background(), filepath.Join(data, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res, err := s.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Errorf("integrity after close: %q %v", res, err)
	}
	if b, _ := store.ListBackups(filepath.Join(data, "backups")); len(b) == 0 {
		t.Errorf("no backup was made at start")
	}
}

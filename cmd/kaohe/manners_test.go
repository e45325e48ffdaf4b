package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinaryCommandLineManners runs the real program on a C.UTF-8 locale
// (servers, CI, minimal containers): help exits 0, a wrong flag is one line
// with exit 2, Fyne logs nothing, and demo piped to a file prints only its
// result — no progress lines.
func TestBinaryCommandLineManners(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kaohe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	env := append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANGUAGE=")
	runBin := func(args ...string) (stdout, stderr string, code int) {
		var out, errb bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	for _, args := range [][]string{{"--help"}, {"demo", "--help"}, {"pdf", "certificate", "--help"}, {"version"}} {
		out, errOut, code := runBin(args...)
		if code != 0 || errOut != "" || out == "" {
			t.Errorf("kaohe %q: exit %d, stderr %q; want 0, help on stdout, nothing on stderr", args, code, errOut)
		}
	}
	for _, args := range [][]string{{"--data", data, "demo", "--frob"}, {"--data", data, "frobnicate"}, {"--nope"}} {
		out, errOut, code := runBin(args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--help") {
			t.Errorf("kaohe %q: exit %d, stdout %q, stderr %q; want 2 and one line pointing to --help", args, code, out, errOut)
		}
	}
	// stdout and stderr are files here, not terminals.
	out, errOut, code := runBin("--data", data, "demo", "--managers", "250", "--years", "1", "--today", "2026-11-27")
	if code != 0 || errOut != "" || strings.Count(out, "\n") != 1 || !strings.Contains(out, "客户经理 250 人") {
		t.Errorf("demo into a file: exit %d, stdout %q, stderr %q; want one result line and nothing else", code, out, errOut)
	}
	// Before the showroom is enrolled there is no HQ to ask for a build:
	// said plainly, and the exit code tells a script it did not happen.
	for _, lang := range []string{"zh", "en"} {
		want := map[string]string{"zh": "本展厅尚未向总部注册", "en": "not enrolled with HQ yet"}[lang]
		out, errOut, code = runBin("--data", data, "--lang", lang, "update")
		if code != 1 || !strings.Contains(errOut, want) || strings.Contains(out+errOut, "err.") {
			t.Errorf("update before enrolling (%s): exit %d, stdout %q, stderr %q; want exit 1 saying %q", lang, code, out, errOut, want)
		}
	}
	// A data folder that is a file, or runs through one, is named as such
	// (the window: TestWindowStartErrorsAreBoxedAndLogged).
	aFile := filepath.Join(t.TempDir(), "数据.txt")
	os.WriteFile(aFile, []byte("a file, not a folder"), 0o644)
	for _, args := range [][]string{{"--data", aFile, "backup"}, {"--data", filepath.Join(aFile, "kaohe"), "sync"}} {
		for lang, want := range map[string]string{"zh": "是一个文件，不是文件夹", "en": "is a file, not a folder"} {
			out, errOut, code = runBin(append(args, "--lang", lang)...)
			if code != 1 || !strings.Contains(errOut, want) || !strings.Contains(errOut, aFile) {
				t.Errorf("kaohe %q (%s): exit %d, stdout %q, stderr %q; want exit 1 saying %s is a file", args, lang, code, out, errOut, aFile)
			}
		}
	}
}

package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/testhq"
	"kaohe/internal/update"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/protocol"
	"kaohe/ui"
)

// cliHQ is a real HQ server with a releases folder; upgrade makes it
// answer every sync "please upgrade" (the release routes still answer).
type cliHQ struct {
	*testhq.HQ
	upgrade atomic.Bool
	down    atomic.Bool // every request answered 503
}

func newCLIHQ(t *testing.T) *cliHQ {
	t.Helper()
	h := &cliHQ{}
	h.HQ = testhq.New(t, testhq.Options{Releases: true, Front: func(handler http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h.down.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			if h.upgrade.Load() && strings.HasPrefix(r.URL.Path, "/api/v1/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUpgradeRequired)
				w.Write([]byte(`{"code":"upgrade","message":"please upgrade"}`))
				return
			}
			handler.ServeHTTP(w, r)
		})
	}})
	return h
}

// standIn makes executable name a file in a temporary folder, so that an
// update replaces it and not the test binary.
func standIn(t *testing.T) string {
	exe := filepath.Join(t.TempDir(), "kaohe.exe")
	os.WriteFile(exe, []byte("old program 0.1.0"), 0o755)
	old := executable
	executable = func() (string, error) { return exe, nil }
	t.Cleanup(func() { executable = old })
	return exe
}

// TestSyncSaysUpdateAndUpdateInstallsIt: kaohe sync tells of HQ's new
// build (新版本可用, with what to do); a tampered build is refused with its
// reason in Chinese and kaohe update refuses to install anything; after
// HQ's "please upgrade" the sync fails but still offers the genuine build,
// and kaohe update verifies it and replaces the program.
func TestSyncSaysUpdateAndUpdateInstallsIt(t *testing.T) {
	ui.SetLanguage(kaohe.LangZh)
	h := newCLIHQ(t)
	_, code, err := h.Store.AddShowroom(context.Background(), "CL01", "命令行展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	exe := standIn(t)
	data := t.TempDir()
	if _, _, err := runCLI(t, "--data", data, "enroll", "--hq", h.URL, "--code", code); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "--data", data, "sync")
	if err != nil || strings.Contains(out, "新版本可用") {
		t.Fatalf("sync before any release: %q, %v", out, err)
	}
	if out, _, err := runCLI(t, "--data", data, "update"); err != nil || !strings.Contains(out, "没有可安装的新版本") {
		t.Errorf("update with nothing published: %q, %v", out, err)
	}

	build := []byte(strings.Repeat("program 99.0.0\n", 1000))
	r := h.Publish(t, "kaohe-99.0.0.exe", "99.0.0", build)
	published := filepath.Join(string(h.Releases), r.File)
	tampered := append([]byte{}, build...)
	copy(tampered, "EVIL")
	os.WriteFile(published, tampered, 0o755)
	out, errOut, err := runCLI(t, "--data", data, "sync")
	if err != nil || strings.Contains(out, "新版本可用") || !strings.Contains(errOut, "文件内容与总部签名的不符") {
		t.Errorf("sync with a tampered build: %v\nstdout %q\nstderr %q; want the refusal, said in Chinese", err, out, errOut)
	}
	if _, _, err := runCLI(t, "--data", data, "update"); update.RefusalReason(err) != update.ReasonSHA256 {
		t.Errorf("update of a tampered build = %v; want refused (sha256)", err)
	}
	if b, _ := os.ReadFile(exe); string(b) != "old program 0.1.0" {
		t.Fatalf("a tampered build replaced the program")
	}

	os.WriteFile(published, build, 0o755)
	h.upgrade.Store(true)
	out, _, err = runCLI(t, "--data", data, "sync")
	if kaohe.ErrorKey(err) != "err.upgrade" || !strings.Contains(out, "新版本可用：99.0.0") || !strings.Contains(out, "kaohe update") {
		t.Errorf("sync refused with please upgrade: %v, %q; want the refusal and 新版本可用 with what to do", err, out)
	}
	if zh := ui.ErrorText(err); englishWord.MatchString(strings.ReplaceAll(zh, "kaohe", "")) {
		t.Errorf("the upgrade refusal says English: %q", zh)
	}
	out, _, err = runCLI(t, "--data", data, "update")
	if err != nil || !strings.Contains(out, "已更新到 99.0.0") {
		t.Fatalf("update: %q, %v", out, err)
	}
	if b, _ := os.ReadFile(exe); string(b) != string(build) {
		t.Errorf("the program was not replaced by the build")
	}
	if b, _ := os.ReadFile(exe + ".old"); string(b) != "old program 0.1.0" {
		t.Errorf("the old program is not kept: %q", b)
	}
	if left, _ := os.ReadDir(filepath.Join(data, "updates")); len(left) != 0 {
		t.Errorf("left staged after the install: %v", left)
	}
}

// TestBundleImportBringsUpdate: a showroom that only exchanges bundles
// imports HQ's bundle with the build beside it; kaohe bundle import says
// 新版本可用 and kaohe update installs it. With the build on the stick
// changed, it is refused and nothing is installed.
func TestBundleImportBringsUpdate(t *testing.T) {
	ui.SetLanguage(kaohe.LangZh)
	h := newCLIHQ(t)
	ctx := context.Background()
	_, code, err := h.Store.AddShowroom(ctx, "CL02", "离线展厅", "华东片区")
	if err != nil {
		t.Fatal(err)
	}
	exe := standIn(t)
	data := t.TempDir()
	if _, _, err := runCLI(t, "--data", data, "enroll", "--hq", h.URL, "--code", code); err != nil {
		t.Fatal(err)
	}
	build := []byte(strings.Repeat("offline program 99.1.0\n", 1000))
	r := h.Publish(t, "kaohe-99.1.0.exe", "99.1.0", build)
	usb := t.TempDir()
	writeBundle := func() string {
		b, key, err := h.Store.ExportBundle(ctx, "CL02")
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Releases.CopyTo(r, usb); err != nil {
			t.Fatal(err)
		}
		b.Release = &r
		path := filepath.Join(usb, "hq.kaohe")
		f, _ := os.Create(path)
		defer f.Close()
		if err := bundle.Write(f, b, key); err != nil {
			t.Fatal(err)
		}
		return path
	}

	path := writeBundle()
	os.WriteFile(filepath.Join(usb, r.File), append([]byte("X"), build[1:]...), 0o755)
	out, errOut, err := runCLI(t, "--data", data, "bundle", "import", path)
	if err != nil || strings.Contains(out, "新版本可用") || !strings.Contains(errOut, "文件内容与总部签名的不符") {
		t.Errorf("import with the build changed: %v\nstdout %q\nstderr %q", err, out, errOut)
	}
	if _, _, err := runCLI(t, "--data", data, "update", "--bundle", path); update.RefusalReason(err) != update.ReasonSHA256 {
		t.Errorf("update --bundle with the build changed = %v; want refused", err)
	}
	if b, _ := os.ReadFile(exe); string(b) != "old program 0.1.0" {
		t.Fatalf("a changed build replaced the program")
	}

	h.down.Store(true)   // from here on the showroom is offline: the build comes only with the bundle
	path = writeBundle() // copies the genuine build back beside it
	out, _, err = runCLI(t, "--data", data, "bundle", "import", path)
	if err != nil || !strings.Contains(out, "新版本可用：99.1.0") {
		t.Fatalf("import: %q, %v", out, err)
	}
	out, _, err = runCLI(t, "--data", data, "update")
	if err != nil || !strings.Contains(out, "已更新到 99.1.0") {
		t.Fatalf("update: %q, %v", out, err)
	}
	if b, _ := os.ReadFile(exe); string(b) != string(build) {
		t.Errorf("the program was not replaced by the build from the bundle")
	}

	// A bundle HQ wrote for a newer protocol: kaohe update --bundle installs
	// the build that came with it and says to import the bundle again; when
	// it brings no newer build, the refusal is the answer (non-zero exit).
	outdated := func() string {
		data, err := os.ReadFile(writeBundle())
		if err != nil {
			t.Fatal(err)
		}
		_, key, err := h.Store.ExportBundle(ctx, "CL02")
		if err != nil {
			t.Fatal(err)
		}
		if data, err = bundletest.AsVersion(data, protocol.Version+1, key); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(usb, "newer.kaohe")
		os.WriteFile(path, data, 0o644)
		return path
	}
	newer := []byte(strings.Repeat("offline program 99.2.0\n", 1000))
	r = h.Publish(t, "kaohe-99.2.0.exe", "99.2.0", newer)
	path = outdated()
	out, _, err = runCLI(t, "--data", data, "update", "--bundle", path)
	if err != nil || !strings.Contains(out, "已更新到 99.2.0") || !strings.Contains(out, "kaohe bundle import "+path) {
		t.Errorf("update --bundle of a newer protocol's bundle: %q, %v; want the update and the bundle to import again", out, err)
	}
	if b, _ := os.ReadFile(exe); string(b) != string(newer) {
		t.Errorf("the program was not replaced by the build that came with the newer bundle")
	}
	r = h.Publish(t, "kaohe-0.0.1.exe", "0.0.1", []byte("an old build")) // not newer than this one
	out, _, err = runCLI(t, "--data", data, "update", "--bundle", outdated())
	if kaohe.ErrorKey(err) != "err.upgrade" || strings.Contains(out, "已更新") {
		t.Errorf("update --bundle of a newer protocol's bundle with no newer build: %q, %v; want please upgrade", out, err)
	}
}

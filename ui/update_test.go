package ui

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"kaohe/internal/service"
	"kaohe/internal/store"
	"kaohe/internal/testhq"
	"kaohe/internal/update"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/protocol"
)

// TestUpdateFromHQInTheWindow: HQ publishes a build; the enrolled window
// learns of it when it syncs, shows 新版本可用 with a button, and after a
// yes the program is replaced and the window closes. When HQ then refuses
// the old version ("please upgrade"), the sync offers the update at once.
func TestUpdateFromHQInTheWindow(t *testing.T) {
	w, svc, _ := demoWindow(t)
	var upgrade atomic.Bool
	th := testhq.New(t, testhq.Options{Releases: true, Front: func(handler http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if upgrade.Load() && strings.HasPrefix(r.URL.Path, "/api/v1/") {
				rw.WriteHeader(http.StatusUpgradeRequired)
				rw.Write([]byte(`{"code":"upgrade","message":"please upgrade"}`))
				return
			}
			handler.ServeHTTP(rw, r)
		})
	}})
	dir := t.TempDir()
	exe := filepath.Join(dir, "kaohe.exe")
	os.WriteFile(exe, []byte("old program"), 0o755)
	var started []string
	svc.App = service.AppInfo{Version: "0.1.0", Exe: exe, UpdateDir: filepath.Join(dir, "updates"),
		Start: func(name string, args ...string) error { started = append(started, name); return nil }}
	enrollTyped(w, th.URL, th.Showroom(t, "SH09", "杭州展厅"))
	th.Publish(t, "kaohe-0.2.0.exe", "0.2.0", []byte("program 0.2.0"))

	open(w, "nav.sync")
	if w.Sync.Update.Visible() {
		t.Errorf("update button shown before HQ published anything known")
	}
	w.Sync.SyncNow()
	w.Sync.Wait()
	if !strings.Contains(w.Sync.Status.Text, "新版本可用：0.2.0") || !w.Sync.Update.Visible() {
		t.Fatalf("after sync: %q, button visible %v", w.Sync.Status.Text, w.Sync.Update.Visible())
	}
	quit := 0
	w.Sync.Quit = func() { quit++ }
	test.Tap(w.Sync.Update)
	if text := answer(t, w, false); !strings.Contains(text, "0.2.0") {
		t.Errorf("confirmation: %q", text)
	}
	if b, _ := os.ReadFile(exe); string(b) != "old program" || quit > 0 {
		t.Errorf("after no: program %q, quit %d", b, quit)
	}

	upgrade.Store(true)
	w.Sync.SyncNow()
	w.Sync.Wait()
	answer(t, w, true) // offered at once after the refusal
	if b, _ := os.ReadFile(exe); string(b) != "program 0.2.0" || quit != 1 || len(started) != 1 {
		t.Errorf("after yes: program %q, quit %d, started %v", b, quit, started)
	}
}

// TestUpdateFromABundleInTheWindow: a showroom that only exchanges bundles
// imports HQ's bundle on the Sync screen: with the build changed on the
// stick the screen says why it was refused and offers nothing; with the
// genuine build beside it, 新版本可用 and the button. A bundle HQ wrote for a
// newer protocol is refused, and the update it brings is offered at once.
func TestUpdateFromABundleInTheWindow(t *testing.T) {
	w, svc, _ := demoWindow(t)
	ctx := context.Background()
	th := testhq.New(t, testhq.Options{})
	h, srv := th.Store, th.Server
	dir := t.TempDir()
	exe := filepath.Join(dir, "kaohe.exe")
	os.WriteFile(exe, []byte("old program"), 0o755)
	svc.App = service.AppInfo{Version: "0.1.0", Exe: exe, UpdateDir: filepath.Join(dir, "updates"),
		Start: func(string, ...string) error { return nil }}
	enrollTyped(w, srv.URL, th.Showroom(t, "SH19", "离线展厅"))
	srv.Close() // offline from here on: bundles only

	build := []byte("program 0.2.0 from the stick")
	src := filepath.Join(t.TempDir(), "kaohe-0.2.0.exe")
	os.WriteFile(src, build, 0o755)
	id, _, priv, _ := h.SigningKey(ctx)
	r, err := update.Sign(src, "0.2.0", protocol.ReleaseExe, id, priv, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	usb := t.TempDir()
	writeBundle := func(version int) string {
		b, key, err := h.ExportBundle(ctx, "SH19")
		if err != nil {
			t.Fatal(err)
		}
		b.Release = &r
		var buf bytes.Buffer
		if err := bundle.Write(&buf, b, key); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if version != protocol.Version {
			if data, err = bundletest.AsVersion(data, version, key); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(usb, "总部.kaohe")
		os.WriteFile(path, data, 0o644)
		return path
	}

	open(w, "nav.sync")
	path := writeBundle(protocol.Version)
	os.WriteFile(filepath.Join(usb, r.File), []byte("program 0.2.0 from the stic!"), 0o755)
	w.Sync.ImportBundle(path)
	w.Sync.Wait()
	if w.Sync.Update.Visible() || !strings.Contains(w.Sync.Status.Text, "文件内容与总部签名的不符") {
		t.Errorf("a changed build: status %q, button %v; want the reason and no button", w.Sync.Status.Text, w.Sync.Update.Visible())
	}

	os.WriteFile(filepath.Join(usb, r.File), build, 0o755)
	w.Sync.ImportBundle(path)
	w.Sync.Wait()
	if !w.Sync.Update.Visible() || !strings.Contains(w.Sync.Status.Text, "新版本可用：0.2.0") || strings.Contains(w.Sync.Status.Text, "不符") {
		t.Fatalf("the genuine build: status %q, button %v", w.Sync.Status.Text, w.Sync.Update.Visible())
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("an update offered without HQ asking for it")
	}

	quit := 0
	w.Sync.Quit = func() { quit++ }
	w.Sync.ImportBundle(writeBundle(protocol.Version + 1))
	w.Sync.Wait()
	if !strings.Contains(w.Sync.Message.Text, "请升级") {
		t.Errorf("the newer protocol's bundle: %q; want please upgrade", w.Sync.Message.Text)
	}
	answer(t, w, true) // offered at once
	if b, _ := os.ReadFile(exe); string(b) != string(build) || quit != 1 {
		t.Errorf("after yes: program %q, quit %d", b, quit)
	}

	// The same through the drop folder, where no screen asked: a bundle of a
	// newer protocol with a newer build beside it; the window offers it at once.
	newer := []byte("program 0.3.0 from the drop folder")
	src = filepath.Join(t.TempDir(), "kaohe-0.3.0.exe")
	os.WriteFile(src, newer, 0o755)
	if r, err = update.Sign(src, "0.3.0", protocol.ReleaseExe, id, priv, time.Now().UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(usb, r.File), newer, 0o755)
	f, err := os.Open(writeBundle(protocol.Version + 1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.ImportBundleFrom(ctx, f, usb) // as cmd/kaohe's drop folder does
	f.Close()
	if !isUpgrade(err) {
		t.Fatalf("the newer protocol's bundle from the drop folder: %v; want please upgrade", err)
	}
	open(w, "nav.dashboard")
	w.OfferUpdate()
	w.Wait()
	if text := answer(t, w, true); !strings.Contains(text, "0.3.0") {
		t.Errorf("offered: %q; want 0.3.0", text)
	}
	if b, _ := os.ReadFile(exe); string(b) != string(newer) || quit != 2 {
		t.Errorf("after yes from the drop folder's offer: program %q, quit %d", b, quit)
	}
}

// TestRefusedChangesSaidInTheUsersLanguage: the Sync screen lists a change
// HQ refused with HQ's reason translated, never as its key.
func TestRefusedChangesSaidInTheUsersLanguage(t *testing.T) {
	w, svc, _ := demoWindow(t)
	ctx := context.Background()
	if err := svc.Store.NumberPending(ctx); err != nil {
		t.Fatal(err)
	}
	cs, err := svc.Store.PendingChangesAfter(ctx, 0, 1)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no pending change in the demo: %v", err)
	}
	if err := svc.Store.MarkPushed(ctx, []store.Outcome{{ChangeID: cs[0].ID, Refused: "err.missing_reference (Entity=certificate, ID=c-1)"}}); err != nil {
		t.Fatal(err)
	}
	open(w, "nav.sync")
	w.Sync.Reload()
	w.Sync.Wait()
	if n := len(w.Sync.Refused.Rows()); n != 1 {
		t.Fatalf("%d refused changes listed; want 1", n)
	}
	if row, got := w.Sync.Refused.Cell(0, 2), w.Sync.Refused.Cell(0, 3); row != cs[0].RowID || got != "引用的记录不存在。" {
		t.Errorf("refused change: row %q, reason %q; want %q and the reason in Chinese", row, got, cs[0].RowID)
	}
}

// enrollTyped types HQ's address and the code in Settings and enrolls.
func enrollTyped(w *Window, url, code string) {
	open(w, "nav.settings")
	w.Settings.HQ.SetText(url)
	w.Settings.Code.SetText(code)
	w.Settings.Enroll()
	w.Wait()
}

// stagedUpdate is the service with a build of version fetched and ready to
// install (as a sync or a bundle leaves it); installs are counted.
type stagedUpdate struct {
	*service.Service
	version   string
	installed *int
}

func (s stagedUpdate) AvailableUpdate() string { return s.version }

func (s stagedUpdate) InstallUpdate(context.Context) error { *s.installed++; return nil }

// TestUpdateOfferWaitsForSignIn: an update offered at once (HQ refused this
// version, or a bundle in the drop folder needs the new one) never covers
// the sign-in or the lock: it is asked once someone signed in, taken off
// the screen when the window locks, and asked again after the unlock.
func TestUpdateOfferWaitsForSignIn(t *testing.T) {
	a, svc, dir := demoService(t)
	installs := 0
	w := NewWindow(Params{App: a, Service: stagedUpdate{svc, "0.2.0", &installs},
		DocDir: filepath.Join(dir, "documents"), DataDir: dir, OpenFile: func(string) {}, Now: func() time.Time { return demoToday }})
	t.Cleanup(w.Close)
	w.Wait()
	g := w.gate.Login
	if g == nil {
		t.Fatal("no sign-in screen")
	}
	w.OfferUpdate() // as the drop folder does; a sync's "please upgrade" goes the same way
	w.Wait()
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the update offered over the sign-in screen")
	}
	test.Type(g.EmployeeNo, "D001")
	test.Type(g.Password, "manager-demo")
	test.Tap(g.SignIn)
	w.Wait()
	if w.Tabs == nil || w.Canvas().Overlays().Top() == nil {
		t.Fatalf("after the sign-in: tabs %v, offer shown %v; want the screens and the offer", w.Tabs != nil, w.Canvas().Overlays().Top() != nil)
	}
	w.LockNow()
	if w.gate.Lock == nil || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("locked %v, a dialog over the lock screen %v; want locked and no dialog", w.gate.Lock != nil, w.Canvas().Overlays().Top() != nil)
	}
	l := w.gate.Lock
	test.Type(l.Password, "manager-demo")
	test.Tap(l.Unlock)
	w.Wait()
	open(w, "nav.sync")
	quit := 0
	w.Sync.Quit = func() { quit++ }
	if text := answer(t, w, true); !strings.Contains(text, "0.2.0") {
		t.Errorf("asked again after the unlock: %q; want 0.2.0", text)
	}
	if installs != 1 || quit != 1 {
		t.Errorf("after yes: %d installs, %d quits; want 1 and 1", installs, quit)
	}
	w.OfferUpdate()
	w.Wait()
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("the same version offered twice")
	}
}

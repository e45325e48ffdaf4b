package service

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/store"
	"kaohe/internal/update"
	"kaohe/sync/engine"
	"kaohe/sync/protocol"
)

// TestInstallUpdate: the fetched build replaces the program and the new one
// is started; an installer is started silently, handed the arguments to
// start the new version with; a staged file changed on
// disk since it was fetched is refused and the program left alone.
func TestInstallUpdate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, filepath.Join(dir, "kaohe.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	// The key HQ handed over at enrollment (engine's meta key).
	if err := s.SetMeta(ctx, map[string]string{"hq_public_key": base64.StdEncoding.EncodeToString(pub)}); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "kaohe.exe")
	os.WriteFile(exe, []byte("old program"), 0o755)
	var started [][]string
	svc := New(s, filepath.Join(dir, "backups"))
	svc.App = AppInfo{Version: "0.1.0", Exe: exe, Args: []string{"--data", dir}, UpdateDir: filepath.Join(dir, "updates"),
		Start: func(name string, args ...string) error {
			started = append(started, append([]string{name}, args...))
			return nil
		}}

	stage := func(name, kind string, body []byte) *engine.Update {
		src := filepath.Join(t.TempDir(), name)
		os.WriteFile(src, body, 0o755)
		r, err := update.Sign(src, "0.2.0", kind, "k1", priv, "")
		if err != nil {
			t.Fatal(err)
		}
		keys, _ := engine.TrustedKeys(ctx, s)
		p, err := update.Stage(r, keys, bytes.NewReader(body), svc.App.UpdateDir)
		if err != nil {
			t.Fatal(err)
		}
		u := &engine.Update{Release: r, Path: p}
		svc.updates.pending = u
		return u
	}
	if err := svc.InstallUpdate(ctx); err == nil {
		t.Fatal("InstallUpdate with nothing fetched succeeded")
	}

	stage("kaohe-0.2.0.exe", protocol.ReleaseExe, []byte("new program 0.2.0"))
	if v := svc.AvailableUpdate(); v != "0.2.0" {
		t.Errorf("AvailableUpdate = %q", v)
	}
	if st := svc.SyncStatus(ctx); st.Update != "0.2.0" {
		t.Errorf("SyncStatus().Update = %q; want 0.2.0", st.Update)
	}
	if err := svc.InstallUpdate(ctx); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(exe); string(b) != "new program 0.2.0" {
		t.Errorf("program = %q; want the new build", b)
	}
	if len(started) != 1 || strings.Join(started[0], " ") != exe+" --data "+dir {
		t.Errorf("started %v; want the new program with the same arguments", started)
	}

	started = nil
	u := stage("kaohe-setup-0.2.0.exe", protocol.ReleaseInstaller, []byte("MZ setup 0.2.0"))
	if err := svc.InstallUpdate(ctx); err != nil {
		t.Fatal(err)
	}
	if len(started) != 1 || strings.Join(started[0], " ") != u.Path+" /S /UPDATE -- --data "+dir {
		t.Errorf("started %v; want the installer with /S /UPDATE and, after --, the arguments to restart with", started)
	}

	started = nil
	os.WriteFile(exe, []byte("current program"), 0o755)
	u = stage("kaohe-0.2.0.exe", protocol.ReleaseExe, []byte("new program 0.2.0"))
	os.WriteFile(u.Path, []byte("new program 6.6.6"), 0o755) // changed while waiting
	if err := svc.InstallUpdate(ctx); err == nil {
		t.Fatal("a staged build changed on disk was installed")
	}
	if b, _ := os.ReadFile(exe); string(b) != "current program" || len(started) > 0 {
		t.Errorf("after a refusal: program %q, started %v", b, started)
	}
	if svc.AvailableUpdate() != "" {
		t.Errorf("the refused build is still offered")
	}
}

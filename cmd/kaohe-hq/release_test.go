package main

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/store/hq"
	"kaohe/internal/update"
	"kaohe/sync/bundle"
	"kaohe/sync/protocol"
)

// TestReleaseAdd publishes an installer signed with HQ's key, beside the
// database where serve offers it; a file without a version is refused.
func TestReleaseAdd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hq.db")
	setup := filepath.Join(t.TempDir(), "kaohe-setup-0.2.0.exe")
	os.WriteFile(setup, []byte("MZ setup"), 0o644)
	out, err := hqCLI(t, "release", "add", "--db", db, setup)
	if err != nil || !strings.Contains(out, "0.2.0") {
		t.Fatalf("release add: %q, %v", out, err)
	}
	r, ok, err := update.Dir(filepath.Join(dir, "releases")).Latest()
	if err != nil || !ok || r.Version != "0.2.0" || r.Kind != protocol.ReleaseInstaller {
		t.Fatalf("published: %+v %v %v", r, ok, err)
	}
	s, err := hq.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	id, pub, _, _ := s.SigningKey(ctx)
	s.Close()
	if err := update.VerifyManifest(r, map[string]ed25519.PublicKey{id: pub}); err != nil {
		t.Errorf("not signed with HQ's key: %v", err)
	}

	bare := filepath.Join(t.TempDir(), "kaohe.exe")
	os.WriteFile(bare, []byte("MZ"), 0o644)
	if _, err := hqCLI(t, "release", "add", "--db", db, bare); err == nil {
		t.Errorf("a file without a version was published")
	}
	if _, err := hqCLI(t, "release", "add", "--db", db, "--version", "0.3.0", bare); err != nil {
		t.Errorf("--version 0.3.0: %v", err)
	}
	if r, _, _ := update.Dir(filepath.Join(dir, "releases")).Latest(); r.Version != "0.3.0" || r.Kind != protocol.ReleaseExe {
		t.Errorf("latest after 0.3.0: %+v", r)
	}
}

// TestExportCarriesTheRelease: kaohe-hq export puts the newest published
// build's signed manifest inside the showroom's bundle and the build itself
// beside it; --no-release leaves both out.
func TestExportCarriesTheRelease(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hq.db")
	if _, err := hqCLI(t, "showroom", "add", "--db", db, "--code", "SH05", "--name", "离线展厅"); err != nil {
		t.Fatal(err)
	}
	setup := filepath.Join(t.TempDir(), "kaohe-setup-0.2.0.exe")
	os.WriteFile(setup, []byte("MZ setup 0.2.0"), 0o644)
	if _, err := hqCLI(t, "release", "add", "--db", db, setup); err != nil {
		t.Fatal(err)
	}
	usb := t.TempDir()
	out, err := hqCLI(t, "export", "--db", db, "--showroom", "SH05", "--out", filepath.Join(usb, "SH05.kaohe"))
	if err != nil || !strings.Contains(out, "新版本 0.2.0") {
		t.Fatalf("export: %q, %v", out, err)
	}
	if b, err := os.ReadFile(filepath.Join(usb, "kaohe-setup-0.2.0.exe")); err != nil || string(b) != "MZ setup 0.2.0" {
		t.Errorf("the build beside the bundle: %q, %v", b, err)
	}
	s, err := hq.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := s.PublicKeys(ctx)
	s.Close()
	open := func(path string) *bundle.File {
		t.Helper()
		f, _ := os.Open(path)
		defer f.Close()
		var trusted []ed25519.PublicKey
		for _, k := range keys {
			trusted = append(trusted, k)
		}
		b, err := bundle.Open(f, bundle.ToShowroom, func(string) []ed25519.PublicKey { return trusted }, bundle.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	b := open(filepath.Join(usb, "SH05.kaohe"))
	if b.Release == nil || b.Release.Version != "0.2.0" || b.Release.Kind != protocol.ReleaseInstaller {
		t.Fatalf("the bundle carries %+v; want the 0.2.0 installer", b.Release)
	}
	if err := update.VerifyManifest(*b.Release, keys); err != nil {
		t.Errorf("the manifest in the bundle does not verify: %v", err)
	}

	bare := t.TempDir()
	if _, err := hqCLI(t, "export", "--db", db, "--showroom", "SH05", "--no-release", "--out", filepath.Join(bare, "SH05.kaohe")); err != nil {
		t.Fatal(err)
	}
	if b := open(filepath.Join(bare, "SH05.kaohe")); b.Release != nil {
		t.Errorf("--no-release still carries %+v", b.Release)
	}
	if entries, _ := os.ReadDir(bare); len(entries) != 1 {
		t.Errorf("--no-release wrote %v", entries)
	}
}

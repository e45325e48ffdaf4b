package main

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/store/hq"
	"kaohe/internal/update"
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

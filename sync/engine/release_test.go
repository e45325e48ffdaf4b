package engine

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/testhq"
	"kaohe/internal/update"
	"kaohe/sync/protocol"
)

// releaseHQ is a real HQ server that also serves published builds.
func releaseHQ(t *testing.T) (*hqServer, update.Dir) {
	h := newHQWith(t, testhq.Options{Releases: true})
	return h, h.real.Releases
}

// publish signs and publishes a build as kaohe-hq release add does.
func publish(t *testing.T, h *hqServer, name, version string, body []byte) protocol.Release {
	t.Helper()
	return h.real.Publish(t, name, version, body)
}

func filesIn(t *testing.T, dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestReleaseReachesAppAndReplacesIt: a build published at HQ reaches an
// enrolled app at its sync, is fetched and verified, and replaces the
// program file; an older or equal version is not offered.
func TestReleaseReachesAppAndReplacesIt(t *testing.T) {
	h, _ := releaseHQ(t)
	sr := enroll(t, h, "S01", "一号展厅", false)
	staging := filepath.Join(t.TempDir(), "updates")
	build := bytes.Repeat([]byte("新版本 kaohe 0.2.0\n"), 50_000) // about 1 MB
	publish(t, h, "kaohe-0.2.0.exe", "0.2.0", build)

	var got *Update
	var checkErr error
	sr.engine.AfterSync = func(ctx context.Context, err error) {
		got, checkErr = CheckRelease(ctx, sr.store, sr.engine.Client.(ReleaseClient), "0.1.0", staging)
	}
	mustSync(t, sr)
	if checkErr != nil || got == nil {
		t.Fatalf("CheckRelease after sync = %v, %v; want the 0.2.0 build", got, checkErr)
	}
	if got.Release.Version != "0.2.0" {
		t.Errorf("version = %q", got.Release.Version)
	}
	exe := filepath.Join(t.TempDir(), "kaohe.exe")
	os.WriteFile(exe, []byte("old program"), 0o755)
	if err := update.ReplaceExe(got.Path, exe); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, build) {
		t.Errorf("the program was not replaced by the published build (%d bytes)", len(b))
	}
	if b, _ := os.ReadFile(exe + ".old"); string(b) != "old program" {
		t.Errorf("the old program is not kept beside it: %q", b)
	}

	// Only enrolled callers may fetch builds.
	if _, _, err := fastClient(h.proxy.URL, "").LatestRelease(ctx); kaohe.ErrorCode(err) != kaohe.EUNAUTHORIZED {
		t.Errorf("LatestRelease without a credential = %v; want refused", err)
	}
	if err := fastClient(h.proxy.URL, "bogus").DownloadRelease(ctx, got.Release, &bytes.Buffer{}); err == nil {
		t.Errorf("DownloadRelease with a bogus token succeeded")
	}

	// The running version already is the newest: nothing offered.
	if u, err := CheckRelease(ctx, sr.store, sr.engine.Client.(ReleaseClient), "0.2.0", staging); u != nil || err != nil {
		t.Errorf("CheckRelease for 0.2.0 = %v, %v; want nothing", u, err)
	}
}

// TestUpgradeRefusalOffersTheUpdate: HQ answers every sync "please upgrade"
// (a newer schema); the release endpoints still answer, so the app fetches
// the update right after the refusal.
func TestUpgradeRefusalOffersTheUpdate(t *testing.T) {
	h, _ := releaseHQ(t)
	sr := enroll(t, h, "S02", "二号展厅", true)
	publish(t, h, "kaohe-setup-0.3.0.exe", "0.3.0", []byte("MZ installer 0.3.0"))
	h.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/api/v1/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUpgradeRequired)
			w.Write([]byte(`{"code":"upgrade","message":"please upgrade: server schema 2, client \"1\""}`))
			return true
		}
		return false
	})
	var got *Update
	sr.engine.AfterSync = func(ctx context.Context, err error) {
		got, _ = CheckRelease(ctx, sr.store, sr.engine.Client.(ReleaseClient), "0.1.0", filepath.Join(t.TempDir(), "u"))
	}
	err := sr.engine.Sync(ctx)
	var ke *kaohe.Error
	if !errors.As(err, &ke) || ke.Key != "err.upgrade" {
		t.Fatalf("sync = %v; want the upgrade refusal", err)
	}
	if got == nil || got.Release.Kind != protocol.ReleaseInstaller || got.Release.Version != "0.3.0" {
		t.Fatalf("after the refusal the update is %+v; want the 0.3.0 installer", got)
	}
	if n, _ := sr.store.PendingCount(ctx); n == 0 {
		t.Errorf("the refused sync sent the outbox")
	}
}

// TestTamperedOrForeignReleaseRefused: a file changed after signing, a
// manifest changed after signing, one signed by a key the app does not
// trust, and an unsigned one are all refused, and nothing is left staged.
func TestTamperedOrForeignReleaseRefused(t *testing.T) {
	h, dir := releaseHQ(t)
	sr := enroll(t, h, "S03", "三号展厅", false)
	c := sr.engine.Client.(ReleaseClient)
	staging := filepath.Join(t.TempDir(), "updates")
	refusedWith := func(name, reason string) {
		t.Helper()
		u, err := CheckRelease(ctx, sr.store, c, "0.1.0", staging)
		var ke *kaohe.Error
		if u != nil || !errors.As(err, &ke) || ke.Key != "err.update_refused" || update.RefusalReason(err) != reason {
			t.Errorf("%s: CheckRelease = %v, %v; want refused (%s)", name, u, err, reason)
		}
		if left := filesIn(t, staging); len(left) > 0 {
			t.Errorf("%s: left in the staging folder: %v", name, left)
		}
	}

	r := publish(t, h, "kaohe-0.2.0.exe", "0.2.0", []byte("genuine build 0.2.0"))
	file := filepath.Join(string(dir), r.File)
	os.WriteFile(file, []byte("EVILXXX build 0.2.0"), 0o755) // same size, other bytes
	refusedWith("file changed after signing", "sha256")

	os.WriteFile(file, []byte("genuine build 0.2.0 plus more"), 0o755)
	refusedWith("file grown after signing", "size")

	// The manifest edited to point at another version.
	r2 := publish(t, h, "kaohe-0.2.1.exe", "0.2.1", []byte("genuine build 0.2.1"))
	forged := r2
	forged.Version = "9.9.9"
	writeManifest(t, dir, forged)
	refusedWith("manifest changed after signing", "signature")

	// Signed by a key HQ never published (someone else's server).
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	foreign, err := update.Sign(filepath.Join(string(dir), r2.File), "9.9.9", protocol.ReleaseExe, r2.KeyID, other, r2.PublishedAt)
	if err != nil {
		t.Fatal(err)
	}
	writeManifest(t, dir, foreign)
	refusedWith("signed with a foreign key", "signature")

	unsigned := foreign
	unsigned.Signature = ""
	writeManifest(t, dir, unsigned)
	refusedWith("unsigned", "unsigned")
}

func writeManifest(t *testing.T, dir update.Dir, r protocol.Release) {
	t.Helper()
	raw, _ := json.Marshal(r)
	if err := os.WriteFile(filepath.Join(string(dir), r.File+".json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

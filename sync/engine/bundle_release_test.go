package engine

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/kaohe"
	"kaohe/internal/update"
	"kaohe/sync/bundle"
	"kaohe/sync/bundle/bundletest"
	"kaohe/sync/protocol"
)

// usbBundle writes HQ's bundle for code as kaohe-hq export does: the
// manifest of release r inside, the build copied beside the bundle in a
// fresh folder (the USB stick). It returns the bundle's path.
func usbBundle(t *testing.T, h *hqServer, dir update.Dir, code string, r *protocol.Release) string {
	t.Helper()
	b, key, err := h.store.ExportBundle(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	usb := t.TempDir()
	if r != nil {
		if err := dir.CopyTo(*r, usb); err != nil {
			t.Fatal(err)
		}
		b.Release = r
	}
	path := filepath.Join(usb, "总部-"+code+".kaohe")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := bundle.Write(f, b, key); err != nil {
		t.Fatal(err)
	}
	return path
}

// importUSB imports the bundle at path and stages the build beside it, as
// the window, the drop folder and kaohe bundle import do.
func importUSB(t *testing.T, sr *showroom, path, staging string) (Imported, *Update, error, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := ImportBundleReport(ctx, sr.store, f)
	if sum.Release == nil {
		return sum, nil, err, nil
	}
	u, uerr := StageFile(ctx, sr.store, *sum.Release, filepath.Join(filepath.Dir(path), sum.Release.File), "0.1.0", staging)
	return sum, u, err, uerr
}

// TestBundleCarriesTheRelease: a showroom that only exchanges bundles
// learns of HQ's new build from HQ's bundle, verifies it exactly as online
// and stages it; the data comes in as usual. Published again after a
// staged copy exists, the same build is reused, not copied twice.
func TestBundleCarriesTheRelease(t *testing.T) {
	h, dir := releaseHQ(t)
	sr := enroll(t, h, "SH21", "离线展厅", false)
	build := bytes.Repeat([]byte("离线新版本 0.2.0\n"), 40_000)
	r := publish(t, h, "kaohe-setup-0.2.0.exe", "0.2.0", build)
	staging := filepath.Join(t.TempDir(), "updates")

	sum, u, err, uerr := importUSB(t, sr, usbBundle(t, h, dir, "SH21", &r), staging)
	if err != nil || uerr != nil {
		t.Fatalf("import = %v; staging the build = %v", err, uerr)
	}
	if sum.Release == nil || *sum.Release != r || sum.Applied == 0 {
		t.Errorf("import handed over %+v and %d changes; want the 0.2.0 manifest and HQ's reference data", sum.Release, sum.Applied)
	}
	if u == nil || u.Release.Version != "0.2.0" || u.Release.Kind != protocol.ReleaseInstaller {
		t.Fatalf("staged %+v; want the 0.2.0 installer", u)
	}
	if b, _ := os.ReadFile(u.Path); !bytes.Equal(b, build) {
		t.Errorf("the staged file is not the build (%d bytes)", len(b))
	}
	// A later run of the program finds it staged and checks it again.
	again, err := StagedUpdate(ctx, sr.store, "0.1.0", staging)
	if err != nil || again == nil || again.Release != r {
		t.Errorf("StagedUpdate = %+v, %v; want the 0.2.0 build", again, err)
	}
	if again, _ := StagedUpdate(ctx, sr.store, "0.2.0", staging); again != nil {
		t.Errorf("StagedUpdate for the running 0.2.0 offered %+v", again.Release)
	}
	if left := filesIn(t, staging); len(left) > 0 {
		t.Errorf("the installed build is still staged: %v", left)
	}
	// Already running 0.2.0: the bundle's build is not taken.
	f, _ := os.Open(usbBundle(t, h, dir, "SH21", &r))
	defer f.Close()
	sum, _ = ImportBundleReport(ctx, sr.store, f)
	if u, err := StageFile(ctx, sr.store, *sum.Release, "/nowhere/kaohe-setup-0.2.0.exe", "0.2.0", staging); u != nil || err != nil {
		t.Errorf("StageFile for the running version = %+v, %v; want nothing", u, err)
	}
}

// TestBundleReleaseAttacked: the build beside the bundle changed, grown or
// missing; the manifest inside signed by a key the showroom does not trust,
// or unsigned; each is refused with a reason, nothing is staged, and the
// bundle's data is still taken in. A manifest edited inside the bundle
// breaks the bundle's signature: the whole file is refused.
func TestBundleReleaseAttacked(t *testing.T) {
	h, dir := releaseHQ(t)
	sr := enroll(t, h, "SH22", "离线展厅二", false)
	r := publish(t, h, "kaohe-0.2.0.exe", "0.2.0", []byte("genuine build 0.2.0"))
	staging := filepath.Join(t.TempDir(), "updates")
	nothingStaged := func(name string) {
		t.Helper()
		if left := filesIn(t, staging); len(left) > 0 {
			t.Errorf("%s: left in the staging folder: %v", name, left)
		}
	}
	refused := func(name, path, reason string) {
		t.Helper()
		sum, u, err, uerr := importUSB(t, sr, path, staging)
		if err != nil || sum.Release == nil {
			t.Errorf("%s: the bundle itself = %v (release %v); want its data taken in", name, err, sum.Release)
		}
		if u != nil || update.RefusalReason(uerr) != reason {
			t.Errorf("%s: staging = %+v, %v; want refused (%s)", name, u, uerr, reason)
		}
		nothingStaged(name)
	}

	path := usbBundle(t, h, dir, "SH22", &r)
	beside := filepath.Join(filepath.Dir(path), r.File)
	os.WriteFile(beside, []byte("EVILXXX build 0.2.0"), 0o755) // same size, other bytes
	refused("file changed on the stick", path, update.ReasonSHA256)
	os.WriteFile(beside, []byte("genuine build 0.2.0, and a virus"), 0o755)
	refused("file grown on the stick", path, update.ReasonSize)

	// A manifest HQ's bundle key signed, but not HQ's release signature.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	foreign, err := update.Sign(filepath.Join(string(dir), r.File), "0.2.0", protocol.ReleaseExe, r.KeyID, other, r.PublishedAt)
	if err != nil {
		t.Fatal(err)
	}
	refused("manifest signed by a stranger", usbBundle(t, h, dir, "SH22", &foreign), update.ReasonSignature)
	unsigned := r
	unsigned.Signature = ""
	refused("unsigned manifest", usbBundle(t, h, dir, "SH22", &unsigned), update.ReasonUnsigned)

	// The file not copied along.
	path = usbBundle(t, h, dir, "SH22", &r)
	os.Remove(filepath.Join(filepath.Dir(path), r.File))
	_, u, err, uerr := importUSB(t, sr, path, staging)
	if err != nil || u != nil || kaohe.ErrorKey(uerr) != "err.update_file_missing" {
		t.Errorf("file missing: import %v, staging %+v, %v; want err.update_file_missing", err, u, uerr)
	}
	nothingStaged("file missing")
	// A folder of that name instead of the file.
	os.Mkdir(filepath.Join(filepath.Dir(path), r.File), 0o755)
	if _, _, _, uerr := importUSB(t, sr, path, staging); kaohe.ErrorKey(uerr) != "err.update_file_missing" {
		t.Errorf("a folder beside: %v; want err.update_file_missing", uerr)
	}

	// The manifest edited inside the bundle (a newer version named): the
	// bundle's own signature no longer holds.
	path = usbBundle(t, h, dir, "SH22", &r)
	raw, _ := os.ReadFile(path)
	zr, _ := gzip.NewReader(bytes.NewReader(raw))
	inflated, _ := io.ReadAll(zr)
	edited := bytes.Replace(inflated, []byte(`"version":"0.2.0"`), []byte(`"version":"9.9.9"`), 1)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(edited)
	zw.Close()
	os.WriteFile(path, buf.Bytes(), 0o644)
	before, _ := sr.store.PullCursor(ctx)
	sum, u, err, _ := importUSB(t, sr, path, staging)
	if kaohe.ErrorKey(err) != "err.bundle_signature" || sum.Release != nil || u != nil || sum.Applied != 0 {
		t.Errorf("edited manifest: %v, release %+v, applied %d; want the bundle refused", err, sum.Release, sum.Applied)
	}
	if after, _ := sr.store.PullCursor(ctx); after != before {
		t.Errorf("the refused bundle moved the cursor %d -> %d", before, after)
	}
	nothingStaged("edited manifest")
}

// TestOutdatedBundleBringsItsRelease: HQ has moved to a newer protocol; its
// bundle is refused as "please upgrade", nothing of its data applied, yet
// the build it carries is verified and staged: the way out for a showroom
// that never goes online.
func TestOutdatedBundleBringsItsRelease(t *testing.T) {
	h, dir := releaseHQ(t)
	sr := enroll(t, h, "SH23", "离线展厅三", false)
	r := publish(t, h, "kaohe-setup-0.3.0.exe", "0.3.0", []byte("MZ installer 0.3.0"))
	path := usbBundle(t, h, dir, "SH23", &r)

	// Rewritten as HQ's newer program would: version+1, signed again.
	_, _, key, err := h.store.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	newer, err := bundletest.AsVersion(raw, protocol.Version+1, key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, newer, 0o644)

	before, _ := sr.store.PullCursor(ctx)
	got, u, err, uerr := importUSB(t, sr, path, filepath.Join(t.TempDir(), "updates"))
	if kaohe.ErrorKey(err) != "err.upgrade" || got.Applied != 0 {
		t.Errorf("import = %v, %d applied; want the upgrade refusal and nothing applied", err, got.Applied)
	}
	if uerr != nil || u == nil || u.Release.Version != "0.3.0" {
		t.Errorf("staged %+v, %v; want the 0.3.0 installer", u, uerr)
	}
	if after, _ := sr.store.PullCursor(ctx); after != before {
		t.Errorf("the outdated bundle moved the cursor %d -> %d", before, after)
	}
}
